-- The server refuses to rewrite history, whoever asks: events are never updated, deleted or
-- truncated; an incident row only ever moves its head forward, one event at a time.
CREATE FUNCTION runbook.refuse_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'timeline % are append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON runbook.events
    FOR EACH ROW EXECUTE FUNCTION runbook.refuse_rewrite();
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON runbook.events
    FOR EACH ROW EXECUTE FUNCTION runbook.refuse_rewrite();
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON runbook.events
    FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_rewrite();
CREATE TRIGGER incidents_are_never_deleted BEFORE DELETE ON runbook.incidents
    FOR EACH ROW EXECUTE FUNCTION runbook.refuse_rewrite();
CREATE TRIGGER incidents_are_never_truncated BEFORE TRUNCATE ON runbook.incidents
    FOR EACH STATEMENT EXECUTE FUNCTION runbook.refuse_rewrite();

CREATE FUNCTION runbook.head_moves_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.incident_id, NEW.day, NEW.number, NEW.created_at)
            IS DISTINCT FROM (OLD.incident_id, OLD.day, OLD.number, OLD.created_at)
       OR NEW.head_seq <> OLD.head_seq + 1 THEN
        RAISE EXCEPTION 'incidents are append-only: only the head moves, one event at a time'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER incident_head_moves_forward BEFORE UPDATE ON runbook.incidents
    FOR EACH ROW EXECUTE FUNCTION runbook.head_moves_forward();

-- The login is the server's word, never the client's.
CREATE FUNCTION runbook.stamp_login() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.login := session_user;
    NEW.recorded_at := now();
    RETURN NEW;
END $$;
CREATE TRIGGER events_record_their_login BEFORE INSERT ON runbook.events
    FOR EACH ROW EXECUTE FUNCTION runbook.stamp_login();

-- The head follows each insert. SECURITY DEFINER: the application's role has no UPDATE at all.
CREATE FUNCTION runbook.advance_head() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE runbook.incidents SET head_seq = NEW.seq, head_hash = NEW.hash
        WHERE incident_id = NEW.incident_id;
    -- A doorbell only: readers fetch what is new themselves.
    PERFORM pg_notify('runbook_events', '');
    RETURN NULL;
END $$;
CREATE TRIGGER events_advance_the_head AFTER INSERT ON runbook.events
    FOR EACH ROW EXECUTE FUNCTION runbook.advance_head();
