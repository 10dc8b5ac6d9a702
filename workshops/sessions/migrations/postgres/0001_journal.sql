-- The journal's first schema: the same tables as the SQLite journal (workshops/sessions/journal.py).
-- Applied by workshops/sessions/pgjournal.py in one transaction, once: the version is recorded in
-- schema_version in the same transaction. A later change is a new file (0002_...sql), never an
-- edit of this one: a database that already has version 1 never reads this file again.

CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    pack_id TEXT NOT NULL,
    pack TEXT NOT NULL,  -- the session's prepared pack as JSON text, exactly as written
    seed BIGINT NOT NULL,
    own_nicknames BOOLEAN NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    ended_at DOUBLE PRECISION
);

CREATE TABLE IF NOT EXISTS actions (
    -- The journal's own order: a session's actions replay in seq order. One connection writes
    -- a session's groups one after another, so a later action always gets a larger seq.
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    at DOUBLE PRECISION NOT NULL,
    actor TEXT NOT NULL,
    cid TEXT,
    action TEXT NOT NULL  -- JSON text; a record that no longer parses is skipped by the replay
);

CREATE INDEX IF NOT EXISTS actions_by_session ON actions (session_id, seq);
