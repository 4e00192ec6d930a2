"""The one entry point every front end acts on an incident through: build the event, check, append.

Each method builds a `NewEvent`, appends it through the store with the incident rules checked
inside the store's transaction, and returns the recorded `Event`; a refusal raises `Refused`.
Values that depend on the current state (the next hypothesis or change id, the current severity
or role holder) are filled in inside that transaction, so racing terminals never collide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from runbook_engine.identity import normalise
from runbook_engine.policy import Policy
from runbook_engine.timeline.authority_service import AuthorityActions, Builder
from runbook_engine.timeline.clock import Clock, SystemClock
from runbook_engine.timeline.events import MAIN_COMMAND_PART, Actor, Event, EventType, NewEvent, iso_utc
from runbook_engine.timeline.four_eyes import approver_roles, decider
from runbook_engine.timeline.refusal import Refusal, refuse_if
from runbook_engine.timeline.rules import check, check_open
from runbook_engine.timeline.state import IncidentState, next_update_due, severity_rule
from runbook_engine.timeline.store import IncidentSummary, Store
from runbook_engine.timeline.values import effective_policy, evolve

OUTPUT_LIMIT = 4000
"""Characters of command output kept in the timeline (the head and the tail)."""



class IncidentService(AuthorityActions):
    def __init__(self, store: Store, policy: Policy, clock: Clock | None = None) -> None:
        self.store = store
        self.policy = policy
        self.clock: Clock = clock or SystemClock()

    def state(self, incident_id: str) -> IncidentState:
        """The folded state, with the status-update due time under this service's policy."""
        state = self.store.state(incident_id)
        return evolve(state, next_update_due_at=next_update_due(state, self.policy))

    def policy_for(self, incident_id: str) -> Policy:
        """The policy the incident pinned at its opening (or the IC's latest replacement)."""
        return effective_policy(self.store.state(incident_id), self.policy)

    def events(self, incident_id: str, after_seq: int = 0) -> list[Event]:
        return self.store.events(incident_id, after_seq)

    def incidents(self) -> list[IncidentSummary]:
        return self.store.incidents()

    def open(
        self,
        title: str,
        severity: str,
        ic: str | None,
        actor: Actor,
        runbook: str | None = None,
        started_at: datetime | None = None,
        service: str | None = None,
        demo: bool = False,
    ) -> Event:
        """Declare an incident, pinning this service's policy; `ic` (None: nobody yet) commands."""
        now = self.clock.now()
        payload: dict[str, Any] = {
            "title": title,
            "severity": severity,
            "ic": normalise(ic) if ic else None,
            "started_at": iso_utc(started_at or now),
            "runbook": runbook,
            "service": service,
        }
        if self.policy.digest:  # a policy built in code (tests) has no content to pin
            payload["policy"] = {"digest": self.policy.digest, "data": dict(self.policy.data)}
        if demo:
            payload["demo"] = True
        new = NewEvent(EventType.INCIDENT_OPENED, actor, payload)
        refuse_if(check_open(new, self.policy))
        return self.store.create_incident(new, now)

    def assign(self, incident_id: str, role: str, person: str, actor: Actor) -> Event:
        person = normalise(person)
        return self._append(incident_id, EventType.ROLE_ASSIGNED, actor, role=role, person=person)

    def handover(self, incident_id: str, role: str, to: str, reason: str, actor: Actor) -> Event:
        def build(state: IncidentState) -> NewEvent:
            holder = state.roles.get(role)
            if holder is None:
                refuse_if(Refusal("not_holder", f"nobody holds {role}", "assign it instead"))
            payload = {"role": role, "from": holder, "to": normalise(to), "reason": reason}
            return NewEvent(EventType.ROLE_HANDED_OVER, actor, payload)

        return self._append_built(incident_id, build)

    def set_severity(self, incident_id: str, severity: str, reason: str, actor: Actor) -> Event:
        def build(state: IncidentState) -> NewEvent:
            payload = {"from": state.severity, "to": severity, "reason": reason}
            return NewEvent(EventType.SEVERITY_CHANGED, actor, payload)

        return self._append_built(incident_id, build)

    def note(self, incident_id: str, text: str, actor: Actor, topic: str | None = None) -> Event:
        """A note; `topic="recent_changes"` marks it as the answer to "what changed lately?"."""
        fields = {"topic": topic} if topic else {}
        return self._append(incident_id, EventType.NOTE, actor, text=text, **fields)

    def hypothesis(
        self, incident_id: str, text: str, actor: Actor, hypothesis_id: str | None = None
    ) -> Event:
        """State a hypothesis; its id is `H<n>` unless given."""

        def build(state: IncidentState) -> NewEvent:
            hid = hypothesis_id or _next_id("H", state.hypotheses)
            return NewEvent(EventType.HYPOTHESIS_STATED, actor, {"id": hid, "text": text})

        return self._append_built(incident_id, build)

    def drop_hypothesis(self, incident_id: str, hypothesis_id: str, reason: str, actor: Actor) -> Event:
        return self._append(incident_id, EventType.HYPOTHESIS_DROPPED, actor, id=hypothesis_id, reason=reason)

    def enter_node(
        self, incident_id: str, runbook: str, node: str, actor: Actor, walker: str | None = None
    ) -> Event:
        return self._append(
            incident_id,
            EventType.NODE_ENTERED,
            actor,
            runbook=runbook,
            node=node,
            walker=walker or actor.name,
        )

    def answer_node(
        self,
        incident_id: str,
        runbook: str,
        node: str,
        answer: str,
        actor: Actor,
        evidence: str | None = None,
        walker: str | None = None,
        cleanup: Sequence[str] = (),
    ) -> Event:
        """Record a walker's answer; `cleanup` lists cleanup node ids this step makes owed."""
        fields: dict[str, Any] = {"runbook": runbook, "node": node, "answer": answer}
        fields.update(evidence=evidence, walker=walker or actor.name)
        if cleanup:
            fields["cleanup"] = list(cleanup)
        return self._append(incident_id, EventType.NODE_ANSWERED, actor, **fields)

    def propose_change(
        self,
        incident_id: str,
        action: str,
        owner: str,
        actor: Actor,
        *,
        hypothesis: str = "",
        rollback: str | None = None,
        irreversible: bool = False,
        risky: bool = False,
        runbook: str | None = None,
        node: str | None = None,
        cleanup: Sequence[str] = (),
        change_id: str | None = None,
        strategy: str | None = None,
    ) -> Event:
        """Propose a change (`C<n>` unless an id is given); risky ones then need approval.

        Risk is not the proposer's to lower: without a runbook `node` the change is ad hoc, and
        counts as risky until the IC classifies it safe."""
        source = "node" if node else ("declared" if risky else "ad_hoc")
        fields: dict[str, Any] = {"action": action, "owner": normalise(owner), "hypothesis": hypothesis}
        fields.update(rollback=rollback, irreversible=irreversible, risky=risky or not node)
        fields["risk_source"] = source
        fields.update(runbook=runbook, node=node, cleanup=list(cleanup))
        if strategy is not None:
            fields["strategy"] = strategy

        def build(state: IncidentState) -> NewEvent:
            cid = change_id or _next_id("C", state.changes)
            return NewEvent(EventType.CHANGE_PROPOSED, actor, {"change_id": cid, **fields})

        return self._append_built(incident_id, build)

    def request_approval(self, incident_id: str, change_id: str, actor: Actor) -> Event:
        """Ask the role that decides the change now (the approver, or the fallback: four eyes)."""

        def build(state: IncidentState) -> NewEvent:
            policy = effective_policy(state, self.policy)
            change = state.changes.get(change_id)
            chosen = decider(state, change, policy) if change else None
            role = chosen[0] if chosen else approver_roles(state, policy)[0]
            payload = {"change_id": change_id, "approver_role": role}
            return NewEvent(EventType.APPROVAL_REQUESTED, actor, payload)

        return self._append_built(incident_id, build)

    def approve(
        self,
        incident_id: str,
        change_id: str,
        actor: Actor,
        by: str | None = None,
        reason: str | None = None,
    ) -> Event:
        """Approve as `by` (default: the actor); refused unless `by` is the policy's approver."""
        by = by or actor.name
        return self._append(
            incident_id, EventType.APPROVAL_GRANTED, actor, change_id=change_id, by=by, reason=reason
        )

    def deny(
        self, incident_id: str, change_id: str, reason: str, actor: Actor, by: str | None = None
    ) -> Event:
        by = by or actor.name
        return self._append(
            incident_id, EventType.APPROVAL_DENIED, actor, change_id=change_id, by=by, reason=reason
        )

    def start_change(self, incident_id: str, change_id: str, actor: Actor) -> Event:
        return self._append(incident_id, EventType.CHANGE_STARTED, actor, change_id=change_id)

    def record_result(
        self, incident_id: str, change_id: str, result: str, observation: str, actor: Actor
    ) -> Event:
        """Record what the change did: `helped`, `no_change` or `worse`, with what was seen."""
        return self._append(
            incident_id,
            EventType.CHANGE_RESULT,
            actor,
            change_id=change_id,
            result=result,
            observation=observation,
        )

    def command_run(
        self,
        incident_id: str,
        argv: Sequence[str],
        exit_code: int | None,
        output: str,
        actor: Actor,
        change_id: str | None = None,
        dry_run: bool = False,
        part: str = MAIN_COMMAND_PART,
    ) -> Event:
        fields: dict[str, Any] = {"argv": list(argv), "exit_code": exit_code}
        fields.update(output=truncate(output), dry_run=dry_run, change_id=change_id, part=part)
        return self._append(incident_id, EventType.COMMAND_RUN, actor, **fields)

    def status_update(
        self,
        incident_id: str,
        kind: str,
        text: str,
        actor: Actor,
        *,
        impact: str = "",
        hypothesis: str = "",
        actions: Sequence[Mapping[str, str]] = (),
        trend: str | None = None,
        next_update_at: datetime | None = None,
        severity: str | None = None,
        post_to: Sequence[str] = (),
    ) -> Event:
        """Record a status update (`initial`, `update` or `resolution`) and its promise; `post_to`
        queues it for those channels in the same event, so it cannot be recorded and lost."""
        fields: dict[str, Any] = {"kind": kind, "text": text, "impact": impact}
        fields.update(hypothesis=hypothesis, actions=[dict(a) for a in actions], trend=trend)
        fields["next_update_at"] = iso_utc(next_update_at) if next_update_at else None
        fields.update({"severity": severity} if severity else {})
        fields.update({"post_to": list(post_to)} if post_to else {})
        return self._append(incident_id, EventType.STATUS_UPDATE, actor, **fields)

    def action_item(
        self, incident_id: str, text: str, owner: str, due: date, bucket: str, actor: Actor
    ) -> Event:
        return self._append(
            incident_id,
            EventType.ACTION_ITEM,
            actor,
            text=text,
            owner=owner,
            due=due.isoformat(),
            bucket=bucket,
        )

    def mitigate(self, incident_id: str, summary: str, actor: Actor) -> Event:
        return self._append(incident_id, EventType.MITIGATED, actor, summary=summary)

    def start_monitoring(self, incident_id: str, actor: Actor, window_s: int | None = None) -> Event:
        """Start the monitoring window: `window_s`, or the policy's for the current severity."""

        def build(state: IncidentState) -> NewEvent:
            rule = severity_rule(effective_policy(state, self.policy), state.severity)
            window = window_s if window_s is not None else (rule.monitoring_window_s if rule else 0)
            return NewEvent(EventType.MONITORING_STARTED, actor, {"window_s": window})

        return self._append_built(incident_id, build)

    def resolve(
        self, incident_id: str, summary: str, actor: Actor, override_reason: str | None = None
    ) -> Event:
        """Resolve; an IC-only `override_reason` sets the monitoring rules aside (and is logged)."""
        return self._append(
            incident_id,
            EventType.RESOLVED,
            actor,
            summary=summary,
            override_reason=override_reason,
        )

    def reopen(self, incident_id: str, reason: str, actor: Actor) -> Event:
        return self._append(incident_id, EventType.REOPENED, actor, reason=reason)

    def override(self, incident_id: str, rule: str, reason: str, actor: Actor) -> Event:
        """The IC sets `observation_window` or `monitoring_window` aside once, with a reason."""
        return self._append(incident_id, EventType.OVERRIDE, actor, rule=rule, reason=reason)

    def append(self, incident_id: str, new_event: NewEvent | Builder) -> Event:
        """Append an event built elsewhere (the outbox's), through the same rules."""
        return self._append_built(incident_id, new_event)

    def _append(self, incident_id: str, event_type: EventType, actor: Actor, **payload: Any) -> Event:
        return self._append_built(incident_id, NewEvent(event_type, actor, payload))

    def _append_built(self, incident_id: str, new: NewEvent | Builder) -> Event:
        now = self.clock.now()

        def rules(state: IncidentState, event: NewEvent) -> Refusal | None:
            return check(state, event, now, self.policy)

        return self.store.append(incident_id, new, now, rules)


def truncate(output: str, limit: int = OUTPUT_LIMIT) -> str:
    """Keep the head and tail of long output, saying how much was cut."""
    if len(output) <= limit:
        return output
    half = limit // 2
    cut = len(output) - 2 * half
    return f"{output[:half]}\n... [{cut} characters cut] ...\n{output[-half:]}"


def _next_id(prefix: str, existing: Mapping[str, Any]) -> str:
    number = len(existing) + 1
    while f"{prefix}{number}" in existing:
        number += 1
    return f"{prefix}{number}"
