"""One drill's running incident: the throw-away store, the fake clock, the cast and the walkers.

Every event goes through the store's append with the real incident rules, exactly as a terminal's
would; people are `Actor`s whose account is their own name, so the audit never mistakes the cast
of a drill for one person approving their own change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from runbook_engine.format.model import Runbook
from runbook_engine.policy import Policy
from runbook_engine.timeline import rules
from runbook_engine.timeline.clock import FakeClock
from runbook_engine.timeline.events import Actor, Event, EventType, NewEvent
from runbook_engine.timeline.refusal import refuse_if
from runbook_engine.timeline.state import IncidentState, severity_rule
from runbook_engine.timeline.store import SqliteStore
from runbook_engine.walk import gate
from runbook_engine.walk.view import GateItem
from runbook_engine.walk.walker import Walker, next_change_id

from .model import Drill, Step
from .times import iso, moment, parse_start

DRILL_HOST = "drill"


class StepProblem(Exception):
    """The step does not fit the runbook or the incident (not a refusal: the drill is wrong)."""

    def __init__(self, expectation: str, message: str) -> None:
        super().__init__(message)
        self.expectation = expectation
        self.message = message


def actor(name: str) -> Actor:
    return Actor(name=name, account=name, host=DRILL_HOST)


class Context:
    """The incident a drill runs in, and the few lookups every step handler needs."""

    def __init__(self, drill: Drill, runbook: Runbook, policy: Policy, store: SqliteStore) -> None:
        self.drill = drill
        self.runbook = runbook
        self.policy = policy
        self.store = store
        self.clock = FakeClock(parse_start(drill.scenario.start))
        self.aliases: dict[str, str] = {}
        self.incident_id = ""

    # -- the incident ---------------------------------------------------------------------------

    def _alert_severity(self) -> str:
        """The severity of the alert that paged (its variant's), else the runbook's default."""
        alert = self.drill.scenario.alert
        if alert is None:
            return self.runbook.default_severity
        severity = self.runbook.severity_for(alert)
        if severity is None:
            known = ", ".join(self.runbook.symptom.alerts) or "none"
            raise StepProblem("scenario", f"{self.runbook.id} has no alert {alert!r}; its alerts: {known}")
        return severity

    def open(self) -> None:
        """Open the incident as the IC, give every other role to its player, start the walk; or,
        with `declared_by`, declare it with nobody in command (the steps assign the roles)."""
        scenario = self.drill.scenario
        declarer = scenario.declared_by or scenario.ic
        payload: dict[str, Any] = {
            "title": scenario.title,
            "severity": scenario.severity or self._alert_severity() or "SEV-3",
            "ic": None if scenario.declared_by else scenario.ic,
            "started_at": iso(self._started()),
            "runbook": self.runbook.id,
            "service": self.runbook.service,
        }
        if self.policy.digest:
            payload["policy"] = {"digest": self.policy.digest, "data": dict(self.policy.data)}
        event = NewEvent(EventType.INCIDENT_OPENED, actor(declarer), payload)
        refuse_if(rules.check_open(event, self.policy))
        self.incident_id = self.store.create_incident(event, self.clock.now()).incident_id
        for role, person in scenario.roles.items():
            if role != "ic" and not scenario.declared_by:
                assigned = {"role": role, "person": person}
                self.append(NewEvent(EventType.ROLE_ASSIGNED, actor(scenario.ic), assigned))
        self.walker_named(scenario.default_walker)

    def _started(self) -> datetime:
        started = self.drill.scenario.started
        return moment(started, self.clock.now()) if started else self.clock.now()

    def append(self, *events: NewEvent) -> None:
        """Append in order through the rules; the first refusal raises and stops the rest."""
        for event in events:
            self.store.append(self.incident_id, event, self.clock.now(), self._check)

    def _check(self, state: IncidentState, event: NewEvent) -> rules.Refusal | None:
        return rules.check(state, event, self.clock.now(), self.policy)

    def state(self) -> IncidentState:
        return self.store.state(self.incident_id)

    def events(self) -> list[Event]:
        return self.store.events(self.incident_id)

    # -- people and walkers ---------------------------------------------------------------------

    def actor_name(self, step: Step, default: str | None = None) -> str:
        return step.actor or default or self.drill.scenario.default_walker

    def event(
        self, step: Step, kind: EventType, payload: Mapping[str, Any], default: str | None = None
    ) -> NewEvent:
        return NewEvent(kind, actor(self.actor_name(step, default)), dict(payload))

    def walker(self, step: Step) -> Walker:
        return self.walker_named(self.actor_name(step))

    def walker_named(self, name: str) -> Walker:
        """The walker for `name`, entering the start node on its first move (as `runbook walk`)."""
        walker = Walker(self.runbook, actor(name), self.policy)
        self.append(*walker.begin(self.state()))
        return walker

    def move_clock_to(self, text: str) -> None:
        """`T+6m` (since the incident opened) or `14:11` (UTC, the start's day); never backwards."""
        target = moment(text, parse_start(self.drill.scenario.start))
        if target < self.clock.now():
            raise StepProblem("at", f"{text} is before the drill's clock ({self.clock.now():%H:%M} UTC)")
        self.clock.set(target)

    def gate(self, state: IncidentState) -> tuple[GateItem, ...] | None:
        """The risky-change gate the scenario's walker sees now; None unless at a risky action."""
        walker = Walker(self.runbook, actor(self.drill.scenario.default_walker), self.policy)
        node = self.runbook.nodes.get(walker.position(state))
        if node is None or not node.is_change or not node.is_risky:
            return None
        return walker.view(state, self.clock.now()).gate

    def ic(self) -> str:
        return self.state().ic or self.drill.scenario.ic

    # -- changes and policy ---------------------------------------------------------------------

    def new_alias(self, alias: str | None, *, announced: bool = True) -> str:
        """A change id for an off-runbook change, remembered under its alias.

        An unannounced change never reaches the timeline, so it gets an id of its own that a
        later announced change cannot collide with.
        """
        state = self.state()
        change_id = next_change_id(state) if announced else f"U{len(self.aliases) + 1}"
        if alias:
            self.aliases[alias] = change_id
        return change_id

    def alias(self, name: str) -> str:
        return self.aliases.get(name, name)

    def cadence_s(self) -> int | None:
        rule = severity_rule(self.policy, self.state().severity)
        return rule.update_cadence_s if rule else None

    def approver_role(self) -> str:
        return gate.approver_role(self.state(), self.policy)

    def monitoring_window_s(self) -> int:
        """The policy's window, lengthened by the resolve node the scenario's walker stands at."""
        state = self.state()
        walker = Walker(self.runbook, actor(self.drill.scenario.default_walker), self.policy)
        node = self.runbook.nodes.get(walker.position(state))
        return gate.monitoring_window_s(state, self.policy, node if node and node.kind == "resolve" else None)
