-- 0001: the office database. A shipped migration is never edited: a change is a new file whose
-- comment says why. Times are RFC 3339 UTC text; booleans are 0/1.

-- Stations whose batches the office accepts, by public key (trust files from `tucai key show`).
CREATE TABLE trusted_keys (
    station_id  TEXT PRIMARY KEY,
    public_key  TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    added_at    TEXT NOT NULL
);

-- Every batch imported, with the digest of the manifest it was verified against: a re-import of
-- the same batch is recognised, a different batch under a known name is refused.
CREATE TABLE batches (
    name            TEXT PRIMARY KEY,
    station_id      TEXT NOT NULL,
    session_id      INTEGER NOT NULL,
    sequence        INTEGER NOT NULL,
    manifest_sha256 TEXT NOT NULL,
    exported_at     TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    students        INTEGER NOT NULL
);

-- Everyone a batch listed (confirmed or still missing), for the per-class report.
CREATE TABLE roster (
    student_no  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    department  TEXT NOT NULL,
    class_name  TEXT NOT NULL,
    batch       TEXT NOT NULL REFERENCES batches(name)
);

-- The winning confirmed photo per student. The JPEG is kept content-addressed under
-- photos/<photo_sha256>.jpg in the office data directory.
CREATE TABLE photos (
    student_no      TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    id_number       TEXT NOT NULL,
    department      TEXT NOT NULL,
    class_name      TEXT NOT NULL,
    phone           TEXT,
    notify_status   INTEGER,
    notify_fee      INTEGER,
    fee_state       TEXT NOT NULL,
    confirmed_at    TEXT NOT NULL,
    taken_at        TEXT NOT NULL,
    station_id      TEXT NOT NULL,
    session_id      INTEGER NOT NULL,
    sequence        INTEGER NOT NULL,
    batch           TEXT NOT NULL REFERENCES batches(name),
    confirmation_id INTEGER NOT NULL,
    photo_sha256    TEXT NOT NULL,
    checks_failed   TEXT NOT NULL DEFAULT ''
);

-- A student confirmed at two stations or in two sessions: which confirmation was kept.
CREATE TABLE conflicts (
    id                   INTEGER PRIMARY KEY,
    student_no           TEXT NOT NULL,
    kept_batch           TEXT NOT NULL,
    kept_confirmed_at    TEXT NOT NULL,
    dropped_batch        TEXT NOT NULL,
    dropped_confirmed_at TEXT NOT NULL,
    noted_at             TEXT NOT NULL,
    UNIQUE (student_no, kept_batch, dropped_batch)
);
