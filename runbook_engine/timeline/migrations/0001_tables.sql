-- Incidents and their events, as in the SQLite store; the texts are stored exactly as hashed.
CREATE TABLE runbook.incidents (
    incident_id text PRIMARY KEY,
    day text NOT NULL,
    number integer NOT NULL,
    created_at text NOT NULL,
    head_seq bigint NOT NULL,
    head_hash text NOT NULL,
    UNIQUE (day, number)
);

CREATE TABLE runbook.events (
    incident_id text NOT NULL REFERENCES runbook.incidents (incident_id),
    seq bigint NOT NULL CHECK (seq > 0),
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    at text NOT NULL,
    actor text NOT NULL,
    payload text NOT NULL,
    prev_hash text NOT NULL,
    hash text NOT NULL,
    login text NOT NULL DEFAULT session_user,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (incident_id, seq)
);
