-- 0002: the checklist items no machine judges reliably (SPEC §4: earrings, hair over the ears,
-- makeup), ticked by the teacher on the board. A tick belongs to the confirmed draft it was given
-- for: a new photo is to be looked at again. Purging a session removes them with the drafts.
CREATE TABLE manual_checks (
    draft_id   INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    item       TEXT NOT NULL,
    checked_by TEXT NOT NULL,
    checked_at TEXT NOT NULL,
    PRIMARY KEY (draft_id, item)
);
