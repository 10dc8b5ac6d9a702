-- The statistics that outlive pupil data (docs/data-map.md, workshops/sessions/statstore.py): one
-- aggregate record per session, kept after the session's rows are deleted, until the organisation
-- deletes it. No reference to `sessions`: a record must survive its session's deletion. `body` is the
-- record as JSON text (workshops/sessions/statistics.py's `StatRecord`): counts and the pack's own
-- texts, never a nickname, a pupil's text, a seat, a code or a session id. `date` and `pack` are
-- copies of the body's, for ordering and deleting by day.

CREATE TABLE IF NOT EXISTS statistics (
    id TEXT PRIMARY KEY,
    date TEXT NOT NULL,
    pack TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX IF NOT EXISTS statistics_by_date ON statistics (date);
