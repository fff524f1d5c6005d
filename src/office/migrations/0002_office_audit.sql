-- 0002: an audit log of the office's own decisions about trust (issue 14: a wrong trust file
-- could neither be seen nor removed). Who, when, what, about which station; never a student.
CREATE TABLE audit (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    operator TEXT NOT NULL,
    action   TEXT NOT NULL,
    station  TEXT NOT NULL,
    detail   TEXT NOT NULL
);
