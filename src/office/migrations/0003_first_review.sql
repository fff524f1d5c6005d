-- 0003: the school's first review (学校初审, SPEC §6). A clerk approves or rejects each confirmed
-- photo before the upload package; rejects become a reset list a station imports like the
-- provincial one. A decision is for one photo (its digest): a newer photo of the student from a
-- later batch is undecided again.

-- The current decision per student.
CREATE TABLE review_decisions (
    student_no   TEXT PRIMARY KEY,
    photo_sha256 TEXT NOT NULL,
    approved     INTEGER NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    clerk        TEXT NOT NULL,
    decided_at   TEXT NOT NULL
);

-- Every decision and every reset list written, never edited: who did what when. Student numbers
-- only, no names.
CREATE TABLE review_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    clerk      TEXT NOT NULL,
    action     TEXT NOT NULL,
    student_no TEXT,
    detail     TEXT NOT NULL DEFAULT ''
);
