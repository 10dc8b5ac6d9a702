"""Sessions: their state and pure rules, views per role, the journal, the manager and keys."""
