-- 0001: the first schema. A shipped migration is never edited: a change is a new file whose
-- comment says why. Times are RFC 3339 UTC text; booleans are 0/1.

-- One class photographed at one place by one operator.
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    class_name  TEXT NOT NULL,
    place       TEXT NOT NULL,
    operator    TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    closed_at   TEXT,
    -- set when the office confirmed the import and the personal data was deleted
    purged_at   TEXT
);

-- The roster of a session, one row per student, plus what the student told the station.
CREATE TABLE students (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    student_no      TEXT NOT NULL,
    name            TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    department      TEXT NOT NULL DEFAULT '',
    class_name      TEXT NOT NULL DEFAULT '',
    capture_code    TEXT,
    eligible        INTEGER NOT NULL DEFAULT 1,
    phone           TEXT,
    notify_status   INTEGER,
    notify_fee      INTEGER,
    fee_state       TEXT NOT NULL DEFAULT 'unpaid' CHECK (fee_state IN ('unpaid', 'paid', 'waived')),
    guide_watched_at TEXT,
    -- a teacher allowed a confirmed student to be photographed again
    retake_allowed  INTEGER NOT NULL DEFAULT 0,
    -- the provincial review reset the confirmed photo; shown to the student when they scan again
    retake_reason   TEXT,
    UNIQUE (session_id, student_no)
);
CREATE UNIQUE INDEX students_capture_code ON students (session_id, capture_code)
    WHERE capture_code IS NOT NULL;

-- Every shot that was made into a photo and checked, passed or not.
CREATE TABLE attempts (
    id            INTEGER PRIMARY KEY,
    student_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    taken_at      TEXT NOT NULL,
    passed        INTEGER NOT NULL,
    -- 'fraud' | 'liveness' | 'other' when failed
    failure_kind  TEXT CHECK (failure_kind IN ('fraud', 'liveness', 'other')),
    report_json   TEXT NOT NULL,
    -- files under the data directory (relative paths)
    original_path TEXT,
    photo_path    TEXT
);
CREATE INDEX attempts_student ON attempts (student_id, taken_at);

-- Passed attempts kept in the student's draft box.
CREATE TABLE drafts (
    id          INTEGER PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    attempt_id  INTEGER NOT NULL UNIQUE REFERENCES attempts(id) ON DELETE CASCADE,
    saved_at    TEXT NOT NULL,
    deleted_at  TEXT,
    deleted_by  TEXT
);
CREATE INDEX drafts_student ON drafts (student_id);

-- The one draft a student confirmed. A retake supersedes it; at most one is live per student.
CREATE TABLE confirmations (
    id            INTEGER PRIMARY KEY,
    student_id    INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    draft_id      INTEGER NOT NULL REFERENCES drafts(id) ON DELETE CASCADE,
    confirmed_at  TEXT NOT NULL,
    superseded_at TEXT
);
CREATE UNIQUE INDEX confirmations_live ON confirmations (student_id)
    WHERE superseded_at IS NULL;

-- Locks of SPEC §2: 'liveness' and 'fraud' until a teacher unlocks (until_at NULL),
-- 'failures' until until_at or until a teacher lifts it.
CREATE TABLE locks (
    id          INTEGER PRIMARY KEY,
    student_id  INTEGER NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('liveness', 'fraud', 'failures')),
    locked_at   TEXT NOT NULL,
    until_at    TEXT,
    lifted_at   TEXT,
    lifted_by   TEXT
);
CREATE INDEX locks_student ON locks (student_id);

-- Who did what, when. Teacher actions name the operator; scans that matched nobody are recorded
-- here too (with no personal field of the payload).
CREATE TABLE audit (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    session_id  INTEGER REFERENCES sessions(id) ON DELETE SET NULL,
    student_id  INTEGER REFERENCES students(id) ON DELETE SET NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_session ON audit (session_id, at);

-- Station-wide state that is not configuration: PIN lockout, the last export, ...
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
