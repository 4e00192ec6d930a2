"""The walk as pure logic: what to show at a walker's node and which events each move appends.

Nothing here reads a clock, a file or a terminal. The walker's position, the change it has in
progress and whether that change is approved all come from the incident state (a fold of the
timeline), so quitting and walking again resumes exactly where the timeline says. The screen,
drills and tests drive this one class; moves return `NewEvent`s for the caller to append through
the incident rules, and `refusal()` tells beforehand what the rules would say.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from runbook_engine.format.model import Node, Runbook
from runbook_engine.policy import Policy
from runbook_engine.timeline.events import Actor, EventType, NewEvent
from runbook_engine.timeline.state import Change, IncidentState
from runbook_engine.walk import gate as gates
from runbook_engine.walk import runner, steps
from runbook_engine.walk.view import (
    ANSWER_KEYS,
    Choice,
    Move,
    NodeView,
    Phase,
)

OUTCOMES = ("helped", "no_change", "worse")
"""Results a change can have; an action node's `outcomes` are keyed by them."""


class Walker:
    """One person's walk of one runbook within an incident."""

    def __init__(self, runbook: Runbook, actor: Actor, policy: Policy) -> None:
        self.runbook = runbook
        self.actor = actor
        self.policy = policy

    @property
    def name(self) -> str:
        return self.actor.name

    # -- where we are -------------------------------------------------------------------------

    def started(self, state: IncidentState) -> bool:
        walk = state.walk(self.name, self.runbook.id)
        return walk is not None and walk.position is not None

    def position(self, state: IncidentState) -> str:
        """The current node id (the runbook's start before the first step)."""
        walk = state.walk(self.name, self.runbook.id)
        node = walk.position if walk is not None else None
        return node if node is not None and node in self.runbook.nodes else self.runbook.start

    def trail(self, state: IncidentState) -> tuple[str, ...]:
        """The path that `back` unwinds: re-entering a node earlier on it cuts the trail there."""
        walk = state.walk(self.name, self.runbook.id)
        trail: list[str] = []
        index: dict[str, int] = {}
        for visit in walk.path if walk is not None else ():
            at = index.get(visit.node)
            if at is not None:  # cut back to it: forget only what was cut (a long walk stays linear)
                for dropped in trail[at + 1 :]:
                    del index[dropped]
                del trail[at + 1 :]
                continue
            index[visit.node] = len(trail)
            trail.append(visit.node)
        return tuple(trail) or (self.runbook.start,)

    def change(self, state: IncidentState) -> Change | None:
        """This walker's latest change at the current node, unless it is already finished."""
        node = self.position(state)
        latest: Change | None = None
        for change in state.changes.values():
            if change.runbook == self.runbook.id and change.node == node and change.owner == self.name:
                latest = change
        return latest if latest is not None and latest.status != "done" else None

    # -- what to show -------------------------------------------------------------------------

    def view(self, state: IncidentState, now: datetime, *, can_run: bool = False) -> NodeView:
        """Everything the screen shows at the current node; `can_run` when commands may run."""
        node = self.runbook.node(self.position(state))
        change = self.change(state) if node.is_change else None
        phase = self._phase(node, state, change, now)
        gated = node.is_change and node.is_risky
        return NodeView(
            runbook_id=self.runbook.id,
            node=node,
            phase=phase,
            choices=_numbered(self._choices(node, phase, state, can_run)),
            gate=gates.gate(node, state, change, self.name, self.policy, now) if gated else (),
            change=change,
            notice=gates.notice(node, state, self.name, self.policy)
            or steps.wait_nudge(node, self._seconds_waited(node, state, now), self.policy, state.severity),
            asks_evidence=steps.asks_evidence(node) and phase is Phase.QUESTION,
            seconds_left=self._seconds_left(node, state, now),
            seconds_waited=self._seconds_waited(node, state, now),
            gathered=steps.gathered(state, self.name, self.runbook, node),
        )

    def _phase(
        self, node: Node, state: IncidentState, change: Change | None, now: datetime
    ) -> Phase:
        if node.is_change:
            return gates.action_phase(change)
        if node.kind == "resolve":
            return gates.resolve_phase(state, self.policy, now)
        return Phase.END if node.is_terminal else Phase.QUESTION

    def _choices(
        self, node: Node, phase: Phase, state: IncidentState, can_run: bool
    ) -> tuple[Choice, ...]:
        runs = _run_choices(node, phase) if can_run else ()
        if node.kind == "gather":
            done = steps.gathered(state, self.name, self.runbook, node)
            missing = steps.gather_choices(node, done)
            return missing or self._answers(node)
        if phase in (Phase.QUESTION, Phase.IN_FLIGHT):
            return self._answers(node) + runs
        detours = steps.cleanup_detours(node, state, self.runbook)
        return gates.phase_choices(node, phase, state, runs, self.name) + detours

    def _answers(self, node: Node) -> tuple[Choice, ...]:
        return tuple(
            Choice(key, edge.label, Move.ANSWER, edge.target, self._title(edge.target))
            for key, edge in zip(ANSWER_KEYS, node.edges, strict=False)
        )

    def _title(self, node_id: str) -> str:
        node = self.runbook.nodes.get(node_id)
        return node.title if node is not None else node_id

    def early_by_s(self, node: Node, state: IncidentState, now: datetime | None) -> dict[str, int]:
        """`{"early_by_s": N}` when a wait node is answered with N whole seconds still to go."""
        if node.kind != "wait" or now is None:
            return {}
        left = self._seconds_left(node, state, now)
        return {"early_by_s": int(left)} if left is not None and left >= 1 else {}

    def _seconds_left(self, node: Node, state: IncidentState, now: datetime) -> float | None:
        if node.kind == "resolve":
            return gates.monitoring_left_s(state, self.policy, now)
        waited = self._seconds_waited(node, state, now)
        if waited is None or node.duration_s is None:
            return None
        return node.duration_s - waited

    def _seconds_waited(self, node: Node, state: IncidentState, now: datetime) -> float | None:
        """How long the walker has been at a wait node (an unbounded wait counts up from here)."""
        walk = state.walk(self.name, self.runbook.id)
        if node.kind != "wait" or walk is None or not walk.path:
            return None
        return (now - walk.path[-1].entered_at).total_seconds()

    # -- moves: each returns the events to append, in order --------------------------------------

    def begin(self, state: IncidentState) -> list[NewEvent]:
        """Enter the start node when this walker has not walked this runbook yet."""
        return [] if self.started(state) else [self._enter(self.runbook.start)]

    def answer(
        self, state: IncidentState, label: str, evidence: str = "", now: datetime | None = None
    ) -> list[NewEvent]:
        """Answer the current node: the answer, what it implies, then entering the next node.

        At an action node the answer is the change's result, so `evidence` is the observation.
        At a wait node answered before its time is up (given `now`), the answer records how early.
        """
        node = self.runbook.node(self.position(state))
        target = node.target(label)
        if target is None:
            raise KeyError(label)
        steps.check_gathered(node, steps.gathered(state, self.name, self.runbook, node))
        events: list[NewEvent] = []
        change = self.change(state) if node.is_change else None
        if node.is_change and (change is None or change.status != "in_flight"):
            raise ValueError(f"this {node.kind} is a change: its answer is its result; start it first")
        if change is not None:
            observation = evidence or f"{label} (no observation written)"
            payload = {
                "change_id": change.change_id,
                "result": steps.change_result(node, label),
                "observation": observation,
            }
            events.append(self._event(EventType.CHANGE_RESULT, payload))
        events += self._implied(node, label, state)
        answered = self._answered(node, label, evidence, **steps.task_fields(node, self.name))
        early = self.early_by_s(node, state, now)
        events.append(self._event(EventType.NODE_ANSWERED, {**answered, **early}))
        events.append(self._enter(target))
        return events

    def skip(self, state: IncidentState, reason: str) -> list[NewEvent]:
        """Skip a rung of a ladder without starting it: logged with the reason, on to `no_change`."""
        node = self.runbook.node(self.position(state))
        target = steps.skip_target(node)
        if target is None or self.change(state) is not None:
            raise ValueError(f"{node.id} cannot be skipped here (nothing started, and a no_change way on)")
        answered = self._answered(node, "no_change", f"not tried: {reason}", skipped=reason)
        return [self._event(EventType.NODE_ANSWERED, answered), self._enter(target)]

    def gather(self, state: IncidentState, check: str, evidence: str) -> list[NewEvent]:
        """Answer one check of the current gather node with what it showed; the walker stays."""
        node = self.runbook.node(self.position(state))
        if check not in steps.still_to_gather(node, steps.gathered(state, self.name, self.runbook, node)):
            raise ValueError(f"{check!r} is not a check still to gather at {node.id}")
        return [self._event(EventType.NODE_ANSWERED, self._answered(node, check, evidence, gathered=True))]

    def go_to(self, state: IncidentState, node_id: str) -> list[NewEvent]:
        """Enter an owed cleanup node of this runbook from an ending (a detour the screen offers)."""
        if node_id not in self.runbook.nodes or node_id not in state.cleanup_owed:
            raise ValueError(f"{node_id} is not owed cleanup of this runbook")
        return [self._enter(node_id)]

    def _answered(self, node: Node, label: str, evidence: str, **more: object) -> dict[str, object]:
        """A `node_answered` payload; empty evidence is left out."""
        payload: dict[str, object] = {"runbook": self.runbook.id, "node": node.id, "answer": label}
        payload["walker"] = self.name
        return {**payload, **({"evidence": evidence} if evidence else {}), **more}

    def _implied(self, node: Node, label: str, state: IncidentState) -> list[NewEvent]:
        """A confirmed cause becomes a stated hypothesis (the change it leads to tests it)."""
        if node.kind != "cause" or label != "confirmed":
            return []
        if any(h.text == node.text for h in state.active_hypotheses):
            return []
        return [self.hypothesis(state, node.text)]

    def hypothesis(self, state: IncidentState, text: str) -> NewEvent:
        """State a hypothesis; ids run H1, H2... in the order they are stated."""
        hypothesis_id = f"H{len(state.hypotheses) + 1}"
        return self._event(EventType.HYPOTHESIS_STATED, {"id": hypothesis_id, "text": text})

    def back(self, state: IncidentState) -> list[NewEvent]:
        """Step back to the previous node on the trail (nothing at the start)."""
        trail = self.trail(state)
        return [self._enter(trail[-2])] if len(trail) > 1 else []

    def propose(self, state: IncidentState) -> list[NewEvent]:
        """Propose the current action as a change; a risky one also asks for approval."""
        node = self.runbook.node(self.position(state))
        change_id = next_change_id(state)
        hypothesis = state.active_hypotheses[-1].text if state.active_hypotheses else ""
        payload = steps.proposal(node, self.runbook.id, change_id, hypothesis, self.name)
        events = [self._event(EventType.CHANGE_PROPOSED, payload)]
        if node.is_risky:
            role = gates.approver_role(state, self.policy, node, self.name)
            events.append(
                self._event(EventType.APPROVAL_REQUESTED, {"change_id": change_id, "approver_role": role})
            )
        return events

    def start(self, state: IncidentState) -> list[NewEvent]:
        """Start this walker's change (a safe action is proposed and started in one go)."""
        change = self.change(state)
        if change is None:
            proposed = self.propose(state)
            change_id = str(proposed[0].payload["change_id"])
            return [*proposed, self._event(EventType.CHANGE_STARTED, {"change_id": change_id})]
        return [self._event(EventType.CHANGE_STARTED, {"change_id": change.change_id})]

    def command_run(
        self,
        state: IncidentState,
        argv: Sequence[str],
        exit_code: int,
        output: str,
        dry_run: bool,
        part: str = runner.MAIN_PART,
    ) -> NewEvent:
        change = self.change(state)
        payload = {
            "change_id": change.change_id if change is not None else None,
            "argv": list(argv),
            "exit_code": exit_code,
            "output": output,
            "dry_run": dry_run,
            "part": part,
        }
        return self._event(EventType.COMMAND_RUN, payload)

    def mitigate(self, state: IncidentState, summary: str) -> list[NewEvent]:
        """Mark the incident mitigated and start monitoring: the policy's window, or the resolve
        node's `monitoring:` when that is longer."""
        window = gates.monitoring_window_s(state, self.policy, self.runbook.nodes[self.position(state)])
        events = [] if state.mitigated_at is not None else [
            self._event(EventType.MITIGATED, {"summary": summary})
        ]
        return [*events, self._event(EventType.MONITORING_STARTED, {"window_s": window})]

    def resolve(self, summary: str, override_reason: str = "") -> list[NewEvent]:
        payload = {"summary": summary}
        if override_reason:
            payload["override_reason"] = override_reason
        return [self._event(EventType.RESOLVED, payload)]

    def note(self, text: str) -> NewEvent:
        return self._event(EventType.NOTE, {"text": text})

    def evidence(self, state: IncidentState, text: str) -> NewEvent:
        """Evidence gathered at the current node, logged as a note that names the node."""
        node = self.runbook.node(self.position(state))
        return self.note(f"Evidence at {node.title}: {text}")

    def _enter(self, node_id: str) -> NewEvent:
        payload = {"runbook": self.runbook.id, "node": node_id, "walker": self.name}
        return self._event(EventType.NODE_ENTERED, payload)

    def _event(self, kind: EventType, payload: Mapping[str, object]) -> NewEvent:
        return NewEvent(kind, self.actor, payload)


def _run_choices(node: Node, phase: Phase) -> tuple[Choice, ...]:
    """A run move for each of the node's commands. Running the step or a stage of a change that
    has not started starts it; the rollback is offered only while the change is in flight."""
    starting = phase in (Phase.READY, Phase.APPROVED)
    return tuple(
        Choice("", part.label, Move.RUN, hint=_run_hint(part.part, starting), part=part.part)
        for part in runner.command_parts(node)
        if part.part != runner.ROLLBACK_PART or phase is Phase.IN_FLIGHT
    )


def _run_hint(part: str, starting: bool) -> str:
    if part == runner.ROLLBACK_PART:
        return "run the rollback command and log its output"
    return "start the change and run this command" if starting else "run the command and log its output"


def _numbered(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """Every choice gets a number key, so letters stay free for typing commands."""
    return tuple(replace(choice, key=key) for key, choice in zip(ANSWER_KEYS, choices, strict=False))


def next_change_id(state: IncidentState) -> str:
    return f"C{len(state.changes) + 1}"
