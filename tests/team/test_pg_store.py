"""What only the team store does: the server refuses rewrites, records logins, never appends twice."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

from runbook_engine.errors import InputError, StoreUnavailable
from runbook_engine.policy import Policy
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import EventType, NewEvent
from runbook_engine.timeline.pg_store import PostgresStore
from runbook_engine.timeline.service import IncidentService
from tests.pg_server import TeamDatabase
from tests.team.conftest import ALICE_LOGIN, BOB_LOGIN
from tests.timeline.conftest import ALICE, BOB


@pytest.fixture
def alices(team_db: TeamDatabase, policy: Policy, clock: FakeClock) -> Iterator[IncidentService]:
    with PostgresStore(team_db.url_as(ALICE_LOGIN), policy) as store:
        yield IncidentService(store, policy, clock)


def _sql(url: str, statement: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(statement.encode())


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE runbook.events SET payload = '{}'",
        "DELETE FROM runbook.events",
        "TRUNCATE runbook.events CASCADE",
        "DELETE FROM runbook.incidents",
        "UPDATE runbook.incidents SET head_seq = 0",
    ],
)
def test_history_cannot_be_rewritten_by_a_login_or_the_owner(
    alices: IncidentService, team_db: TeamDatabase, statement: str
) -> None:
    incident = alices.open("x", "SEV-3", "bob", ALICE).incident_id
    alices.note(incident, "kept", ALICE)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
        _sql(team_db.url_as(ALICE_LOGIN), statement)
    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
        _sql(team_db.owner_url, statement)
    assert alices.store.verify(incident).ok
    assert len(alices.events(incident)) == 2


def test_each_event_records_the_database_login_as_the_account(
    alices: IncidentService, team_db: TeamDatabase, policy: Policy, clock: FakeClock
) -> None:
    incident = alices.open("x", "SEV-3", "bob", ALICE).incident_id
    with PostgresStore(team_db.url_as(BOB_LOGIN), policy) as bobs:
        IncidentService(bobs, policy, clock).note(incident, "from bob's login", BOB)
    events = alices.events(incident)
    assert [(e.actor.name, e.actor.account) for e in events] == [("alice", ALICE_LOGIN), ("bob", BOB_LOGIN)]
    assert [e.actor.host for e in events] == [ALICE.host, BOB.host]
    with psycopg.connect(team_db.owner_url) as conn:
        logins = [row[0] for row in conn.execute("SELECT login FROM runbook.events ORDER BY seq")]
    assert logins == [ALICE_LOGIN, BOB_LOGIN]


def test_a_retry_after_a_lost_commit_reply_appends_nothing_twice(
    alices: IncidentService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first try commits, then the reply is 'lost': the retry finds the event by its id."""
    incident = alices.open("x", "SEV-3", "bob", ALICE).incident_id
    store = alices.store
    assert isinstance(store, PostgresStore)
    real = store._db.transaction
    tries: list[int] = []

    def lose_the_first_reply(attempt: Callable[[Any], Any]) -> Any:
        result = real(attempt)
        tries.append(1)
        if len(tries) == 1:
            raise StoreUnavailable("connection lost after COMMIT")
        return result

    monkeypatch.setattr(store._db, "transaction", lose_the_first_reply)
    event = alices.note(incident, "exactly once", ALICE)
    monkeypatch.undo()
    assert len(tries) == 2
    texts = [e.payload.get("text") for e in alices.events(incident)]
    assert texts.count("exactly once") == 1
    assert event.seq == 2 and alices.store.verify(incident).ok



def _lose_a_reply(store: PostgresStore, monkeypatch: pytest.MonkeyPatch, *, committed: bool) -> list[int]:
    """The first write's connection 'drops': after its COMMIT (`committed`) or before it."""
    real = store._db.transaction
    tries: list[int] = []

    def drop_once(attempt: Callable[[Any], Any]) -> Any:
        tries.append(1)
        if len(tries) > 1:
            return real(attempt)
        if committed:
            real(attempt)
            raise StoreUnavailable("connection lost after COMMIT")

        def lost(conn: Any) -> Any:
            attempt(conn)
            raise StoreUnavailable("connection lost before COMMIT")  # rolls the transaction back

        return real(lost)

    monkeypatch.setattr(store._db, "transaction", drop_once)
    return tries


@pytest.mark.parametrize("committed", [True, False], ids=["after-commit", "before-commit"])
def test_a_retried_batch_lands_exactly_once(
    alices: IncidentService, monkeypatch: pytest.MonkeyPatch, committed: bool
) -> None:
    """Every event of a batch has its own id: the retry finds the whole batch, or writes it once."""
    incident = alices.open("x", "SEV-3", "bob", ALICE).incident_id
    store = alices.store
    assert isinstance(store, PostgresStore)
    at = store.state(incident).last_event_at
    assert at is not None
    batch = [NewEvent(EventType.NOTE, ALICE, {"text": text}) for text in ("one", "two", "three")]
    tries = _lose_a_reply(store, monkeypatch, committed=committed)
    landed = store.append_many(incident, batch, at, lambda state, event: None)
    monkeypatch.undo()
    assert len(tries) == 2
    texts = [e.payload.get("text") for e in alices.events(incident)]
    assert texts == [None, "one", "two", "three"]
    assert [e.seq for e in landed] == [2, 3, 4] and [e.hash for e in landed] == [
        e.hash for e in alices.events(incident, after_seq=1)
    ]
    assert alices.store.verify(incident).ok

def test_a_dropped_connection_is_reconnected_for_the_next_append(
    alices: IncidentService, team_db: TeamDatabase
) -> None:
    incident = alices.open("x", "SEV-3", "bob", ALICE).incident_id
    kill = f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{ALICE_LOGIN}'"
    _sql(team_db.owner_url, kill)
    assert alices.note(incident, "after the drop", ALICE).seq == 2
    assert alices.store.verify(incident).ok


def test_a_database_without_the_schema_says_to_run_store_init(
    pg_server: object, team_db: TeamDatabase, policy: Policy
) -> None:
    from tests.pg_server import PgServer

    assert isinstance(pg_server, PgServer)
    name = pg_server.new_database()
    try:
        with pytest.raises(InputError, match="no current incident store") as raised:
            PostgresStore(pg_server.database_url(name), policy)
        assert "runbook store init" in raised.value.hint
    finally:
        pg_server.drop_database(name)


def test_an_unreachable_server_is_a_plain_error(policy: Policy) -> None:
    with pytest.raises(StoreUnavailable, match=r"cannot reach the team store at 127\.0\.0\.1:1/nothing"):
        PostgresStore("postgresql://nobody:secret@127.0.0.1:1/nothing", policy)


def test_a_state_a_login_writes_beside_the_chain_is_never_believed(
    alices: IncidentService, team_db: TeamDatabase, policy: Policy, clock: FakeClock
) -> None:
    """The snapshots table of schema 4 is writable by every login and not covered by the chain:
    a state put there (here: bob made IC) must not reach anyone's rules."""
    from runbook_engine.timeline import snapshot

    incident = alices.open("x", "SEV-3", "carol", ALICE).incident_id
    for number in range(snapshot.EVERY + 2):
        alices.note(incident, f"note {number}", ALICE)
    state = alices.state(incident)
    taken = snapshot.take(state, snapshot.fingerprint(policy))
    assert taken is not None and state.ic == "carol"
    forged = taken.state.replace('"carol"', '"bob"')
    with psycopg.connect(team_db.url_as(BOB_LOGIN), autocommit=True) as conn:
        row = (incident, taken.seq, taken.hash, taken.fingerprint, forged)
        conn.execute("INSERT INTO runbook.snapshots VALUES (%s, %s, %s, %s, %s)", row)
    with PostgresStore(team_db.url_as(BOB_LOGIN), policy) as bobs:
        assert IncidentService(bobs, policy, clock).state(incident).ic == "carol"
