-- 0004: the teacher's checklist ticks (SPEC §4: earrings, hair over the ears, makeup; the items
-- no machine judges) arrive in the batch with each confirmed photo. A tick belongs to the photo
-- it was given for (its digest): a newer photo of the student from a later batch brings its own
-- ticks, or none; the ticks of both photos of a conflict between stations are kept, so the
-- clerk's choice shows the chosen one's. Batches written before carry none.
CREATE TABLE manual_checks (
    student_no   TEXT NOT NULL,
    photo_sha256 TEXT NOT NULL,
    item         TEXT NOT NULL,
    checked_by   TEXT NOT NULL,
    checked_at   TEXT NOT NULL,
    PRIMARY KEY (student_no, photo_sha256, item)
);
