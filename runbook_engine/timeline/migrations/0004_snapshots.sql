-- Folded states kept beside the chain (see timeline/snapshot.py), so an append folds only the
-- events after the latest one. Only a shortcut, never trusted over the chain; insert-only like
-- the rest: a newer snapshot is a new row, and the newest that still fits is used.
CREATE TABLE runbook.snapshots (
    incident_id text NOT NULL REFERENCES runbook.incidents (incident_id),
    seq bigint NOT NULL,
    hash text NOT NULL,
    fingerprint text NOT NULL,
    state text NOT NULL,
    PRIMARY KEY (incident_id, seq, fingerprint)
);

GRANT SELECT, INSERT ON runbook.snapshots TO runbook;
