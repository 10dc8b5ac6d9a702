-- Ownership of a session by one worker (docs/architecture.md, "Ownership and takeover").
-- A worker holds a session while it holds the session's advisory lock (its lease, on a
-- connection of its own); `epoch` counts the takeovers. Creating a session sets it to 1, and
-- every worker that takes a session over adds one before it replays the actions. Each append,
-- end and deletion first locks the session's row and checks that the epoch is still the one
-- its worker took (workshops/sessions/pgjournal.py): a worker that was taken over (paused,
-- cut off, thought dead) can never write to the session again. Rows from version 1 start at 0.

ALTER TABLE sessions ADD COLUMN IF NOT EXISTS epoch BIGINT NOT NULL DEFAULT 0;
