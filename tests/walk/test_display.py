"""What the screen shows: toolbar countdown and overdue, badges, gate lines, wrapping."""

from __future__ import annotations

from datetime import timedelta

from prompt_toolkit.output import ColorDepth

from runbook_engine.walk import render
from runbook_engine.walk.screen import color_depth
from runbook_engine.walk.toolbar import toolbar
from tests.walk.conftest import World


def text(fragments: list[tuple[str, str]]) -> str:
    return "".join(part for _, part in fragments)


def test_toolbar_shows_incident_severity_ic_elapsed_and_countdown(world: World) -> None:
    state = world.service.state(world.incident_id)
    world.clock.advance(5 * 60)
    line = text(toolbar(state, world.clock.now(), "alice"))
    for part in (world.incident_id, "SEV-2", "IC @bob", "T+5m", "next update 10m", "change: none"):
        assert part in line, part


def test_toolbar_turns_overdue_red_and_names_pending_approvals(world: World) -> None:
    session = world.session()
    session.begin()
    for label in ("at-limit", "one-service-over-its-pool", "confirmed"):
        session.append(session.walker.answer(session.state, label))
    session.append(session.walker.propose(session.state))
    world.clock.advance(20 * 60)
    fragments = toolbar(session.state, world.clock.now(), "bob")
    assert ("class:toolbar.overdue", "UPDATE OVERDUE 5m") in fragments
    assert ("class:toolbar.pending", "approval pending: C1") in fragments
    assert "IC @bob (you)" in text(fragments)


def test_toolbar_says_which_tasks_are_not_yet_acknowledged(world: World) -> None:
    eta = world.clock.now() + timedelta(minutes=10)
    world.service.assign_task(world.incident_id, "Check the gateway", "alice", eta, world.ic)
    state = world.service.state(world.incident_id)
    assert ("class:toolbar.pending", "not yet acknowledged: T1") in toolbar(state, world.clock.now(), "bob")
    world.service.ack_task(world.incident_id, "T1", world.alice)
    state = world.service.state(world.incident_id)
    assert "tasks: T1" in text(toolbar(state, world.clock.now(), "bob"))


def test_risky_node_shows_badge_gate_and_where_answers_lead(world: World) -> None:
    session = world.session()
    session.begin()
    for label in ("at-limit", "one-service-over-its-pool", "confirmed"):
        session.append(session.walker.answer(session.state, label))
    view = session.view()
    body = text(render.node_body(view))
    assert "RISKY" in body and "Rollback" in body and "kubectl rollout undo" in body
    assert "Strategy  rollback" in body
    assert "[..] approval" in body and "[ok] rollback ready" in body
    choices = text(render.choices_block(view))
    assert "1  propose" in choices


def test_the_gate_shows_whole_details_on_a_wide_screen(world: World) -> None:
    session = world.session()
    session.begin()
    for label in ("at-limit", "one-service-over-its-pool", "confirmed"):
        session.append(session.walker.answer(session.state, label))
    view = session.view()
    longest = max(view.gate, key=lambda item: len(item.detail))
    assert len(longest.detail) > render.GATE_DETAIL_CHARS
    assert longest.detail not in text(render.node_body(view, width=80))
    assert longest.detail in text(render.node_body(view, width=180))


def test_wrap_keeps_lines_within_the_width_and_indents_values() -> None:
    fragments = [("class:label", "Verify    "), ("", "word " * 30 + "\n"), ("", "short")]
    wrapped = text(render.wrap(fragments, 40))
    lines = wrapped.split("\n")
    assert all(len(line) <= 40 for line in lines)
    assert lines[1].startswith(" " * 10) and lines[-1] == "short"


def test_no_color_turns_colour_off() -> None:
    assert color_depth({"NO_COLOR": "1"}) is ColorDepth.DEPTH_1_BIT
    assert color_depth({}) is None


def test_wrapping_shows_escapes_and_bidi_overrides_as_text() -> None:
    shown = text(render.wrap([("class:text", "a\x1b]0;PWNED\x07 b\x9b2J \u202eevil\n")], 40))
    assert "^[]0;PWNED^G" in shown and "<9b>2J" in shown and "<U+202E>evil" in shown
    assert not any((ord(char) < 0x20 and char != "\n") or 0x7F <= ord(char) < 0xA0 for char in shown)


def test_wrapping_counts_wide_characters_as_two_columns() -> None:
    line = "\u5b57" * 30 + " end"
    rows = text(render.wrap([("", line)], 40)).split("\n")
    assert rows == ["\u5b57" * 20, "\u5b57" * 10 + " end"]
    assert text(render.wrap([("", "e\u0301" * 30)], 40)) == "e\u0301" * 30  # combining: no column
    tabbed = text(render.wrap([("", "a\tb " * 12)], 40)).split("\n")
    assert tabbed[0] == "a\tb " * 7 + "a\tb"  # a tab is shown as ^I: two columns
