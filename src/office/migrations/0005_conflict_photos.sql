-- 0005: a conflict between stations (one student confirmed at two stations or in two sessions)
-- keeps both photos and both rows, so the clerk sees them side by side on the Import page and may
-- keep the other one. `chosen_sha256` is the clerk's choice (NULL: the newest confirmation won by
-- the rule and nobody has looked yet); a later batch bringing the photo the clerk set aside again
-- does not undo the choice. Conflicts noted before this migration have no rows to show.
ALTER TABLE conflicts ADD COLUMN kept_station TEXT NOT NULL DEFAULT '';
ALTER TABLE conflicts ADD COLUMN dropped_station TEXT NOT NULL DEFAULT '';
ALTER TABLE conflicts ADD COLUMN kept_row TEXT;
ALTER TABLE conflicts ADD COLUMN dropped_row TEXT;
ALTER TABLE conflicts ADD COLUMN chosen_sha256 TEXT;
ALTER TABLE conflicts ADD COLUMN resolved_by TEXT;
ALTER TABLE conflicts ADD COLUMN resolved_at TEXT;
