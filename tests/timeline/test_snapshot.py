"""Folded-state snapshots: exact round trips, used only while they match the chain and the code."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook_engine.policy import Policy, load_policy
from runbook_engine.timeline import snapshot
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.refusal import RuleRefused
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.snapshot_cache import FILE_NAME
from runbook_engine.timeline.state import fold
from runbook_engine.timeline.store import SqliteStore
from tests.timeline.conftest import ALICE, BOB
from tests.timeline.test_properties import Action, _actions

POLICY = load_policy()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_actions(), min_size=10, max_size=30))
def test_any_state_survives_a_round_trip(script: list[tuple[str, Action]]) -> None:
    with tempfile.TemporaryDirectory() as tmp, SqliteStore(Path(tmp) / "p.db", POLICY) as store:
        clock = FakeClock()
        svc = IncidentService(store, POLICY, clock)
        incident = svc.open("prop", "SEV-2", "bob", ALICE).incident_id
        svc.enter_node(incident, "checkout", "start", ALICE)
        svc.answer_node(incident, "checkout", "start", "yes", ALICE, evidence="graph")
        for _label, action in script:
            with contextlib.suppress(RuleRefused):
                action(svc, incident, clock)
        state = store.state(incident)
        taken = snapshot.take(state, "code")
        assert taken is not None
        assert snapshot.resume(taken, state.last_hash, "code") == state


def filled(path: Path, policy: Policy, notes: int) -> str:
    with SqliteStore(path, policy) as store:
        svc = IncidentService(store, policy, FakeClock())
        incident = svc.open("long", "SEV-2", "bob", ALICE).incident_id
        svc.hypothesis(incident, "a bad deploy", BOB)
        for number in range(notes):
            svc.note(incident, f"note {number}", BOB)
        return incident


def cache() -> Path:
    """This test's private snapshot cache (RUNBOOK_CACHE_DIR is per test, see tests/conftest.py)."""
    return Path(os.environ["RUNBOOK_CACHE_DIR"]) / FILE_NAME


def snapshot_row(path: Path | None = None) -> tuple[int, str]:
    with closing(sqlite3.connect(path or cache())) as db:
        seq, state = db.execute("SELECT seq, state FROM snapshots").fetchone()
        return int(seq), str(state)


def test_a_new_store_starts_from_the_snapshot_and_agrees_with_the_full_fold(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY * 2 + 5)
    last_seq = snapshot.EVERY * 2 + 7  # opened, a hypothesis, the notes
    assert snapshot_row()[0] == last_seq  # kept once, when the store closed
    with SqliteStore(path, POLICY) as store:
        assert store.state(incident) == fold(store.events(incident), POLICY)
        assert store._snapshots.kept_seq[incident] == last_seq


def test_a_snapshot_that_disagrees_with_the_chain_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY + 3)
    with closing(sqlite3.connect(cache())) as db, db:
        forged = "UPDATE snapshots SET hash = ?, state = replace(state, 'a bad deploy', 'forged')"
        db.execute(forged, ("0" * 64,))
    with SqliteStore(path, POLICY) as store:
        state = store.state(incident)
        assert state == fold(store.events(incident), POLICY)
        assert [h.text for h in state.hypotheses.values()] == ["a bad deploy"]


def test_a_snapshot_from_other_code_or_policy_or_beyond_the_head_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY + 3)
    with closing(sqlite3.connect(cache())) as db, db:
        db.execute("UPDATE snapshots SET state = replace(state, 'a bad deploy', 'forged')")
        db.execute("UPDATE snapshots SET fingerprint = 'older code'")
    with SqliteStore(path, POLICY) as store:
        assert [h.text for h in store.state(incident).hypotheses.values()] == ["a bad deploy"]
    with closing(sqlite3.connect(cache())) as db, db:  # the read kept one of this code: move it ahead
        db.execute("DELETE FROM snapshots WHERE fingerprint = 'older code'")
        db.execute("UPDATE snapshots SET seq = seq + 1000, state = replace(state, 'a bad deploy', 'forged')")
    with SqliteStore(path, POLICY) as store:
        assert [h.text for h in store.state(incident).hypotheses.values()] == ["a bad deploy"]


def test_damaged_snapshot_text_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY + 3)
    with closing(sqlite3.connect(cache())) as db, db:
        db.execute("UPDATE snapshots SET state = '{\"incident_id\": 1}'")
    with SqliteStore(path, POLICY) as store:
        assert store.state(incident) == fold(store.events(incident), POLICY)


def test_a_changed_policy_changes_the_fingerprint() -> None:
    other = Policy({name: rule for name, rule in POLICY.severities.items() if name != "SEV-4"})
    assert snapshot.fingerprint(other) != snapshot.fingerprint(POLICY)


def _forged_state_text(path: Path, incident: str) -> tuple[int, str, str]:
    """(seq, hash, state) of a snapshot that names mallory IC and is otherwise right: the seq and
    hash of a real event, this code's fingerprint, a state that decodes."""
    seq, state = snapshot_row()
    with SqliteStore(path, POLICY) as store:
        hash_at = store.events(incident, until_seq=seq)[-1].hash
    return seq, hash_at, state.replace('"bob"', '"mallory"')


def test_a_state_written_into_the_shared_store_is_never_believed(tmp_path: Path) -> None:
    """Anyone who may write the store could put a state beside the chain (IC: themselves), which
    verify cannot see: states are only ever read from this account's own cache."""
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY + 3)
    seq, hash_at, forged = _forged_state_text(path, incident)
    cache().unlink()
    with closing(sqlite3.connect(path)) as db, db:
        row = (incident, seq, hash_at, snapshot.fingerprint(POLICY), forged)
        db.execute("INSERT OR REPLACE INTO snapshots VALUES (?, ?, ?, ?, ?)", row)
    with SqliteStore(path, POLICY) as store:
        assert store.state(incident).ic == "bob"


def test_a_cache_that_others_may_write_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY + 3)
    _, _, forged = _forged_state_text(path, incident)
    with closing(sqlite3.connect(cache())) as db, db:
        db.execute("UPDATE snapshots SET state = ?", (forged,))
    with SqliteStore(path, POLICY) as store:  # this account's own cache is believed
        assert store.state(incident).ic == "mallory"
    cache().chmod(0o660)
    with SqliteStore(path, POLICY) as store:
        assert store.state(incident).ic == "bob"


def test_a_read_keeps_a_snapshot_too(tmp_path: Path) -> None:
    """After an upgrade (new fingerprint) or on a new machine, the first read keeps one."""
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY + 3)
    cache().unlink()
    with SqliteStore(path, POLICY) as store:
        store.state(incident)
    assert snapshot_row()[0] == snapshot.EVERY + 5
    assert cache().stat().st_mode & 0o777 == 0o600


def test_a_damaged_or_linked_cache_file_only_means_folding_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    incident = filled(path, POLICY, snapshot.EVERY + 3)
    cache().unlink()
    cache().write_bytes(b"not a database \x00\xff" * 64)
    cache().chmod(0o600)
    with SqliteStore(path, POLICY) as store:
        assert store.state(incident) == fold(store.events(incident), POLICY)
    cache().unlink()
    elsewhere = tmp_path / "elsewhere.sqlite3"
    cache().symlink_to(elsewhere)
    with SqliteStore(path, POLICY) as store:
        assert store.state(incident) == fold(store.events(incident), POLICY)
    assert not elsewhere.exists()
