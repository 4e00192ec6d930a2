-- The application's role: read and append, nothing more. Each responder's login is a member of
-- it (GRANT runbook TO alice); see docs/team.md.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'runbook') THEN
        CREATE ROLE runbook NOLOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL; -- another database of this cluster created it at the same moment
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA runbook FROM PUBLIC;
GRANT USAGE ON SCHEMA runbook TO runbook;
GRANT SELECT, INSERT ON runbook.incidents, runbook.events TO runbook;
GRANT SELECT ON runbook.schema_migrations TO runbook;
