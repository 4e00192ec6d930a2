"""One walker attached to one incident: the walker's moves appended through the incident service.

The session keeps the folded state in memory and tops it up with events other terminals append
(`refresh`), so a screen can poll cheaply. Every move is appended before the screen changes, so
quitting at any moment loses nothing, and walking again rebuilds the same view from the timeline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import suppress
from datetime import datetime

from runbook_engine.errors import Refused, StoreUnavailable
from runbook_engine.timeline.clock import Clock
from runbook_engine.timeline.events import Event, NewEvent
from runbook_engine.timeline.refusal import Refusal
from runbook_engine.timeline.rules import check
from runbook_engine.timeline.service import IncidentService
from runbook_engine.timeline.state import IncidentState, apply, fold
from runbook_engine.walk import runner
from runbook_engine.walk.view import NodeView
from runbook_engine.walk.walker import Walker


class WalkSession:
    def __init__(
        self,
        service: IncidentService,
        incident_id: str,
        walker: Walker,
        clock: Clock,
        *,
        allow_commands: bool = False,
        dry_run: bool = False,
    ) -> None:
        self.service = service
        self.incident_id = incident_id
        self.walker = walker
        self.clock = clock
        self.allow_commands = allow_commands
        self.dry_run = dry_run
        self.state: IncidentState = service.state(incident_id)
        self.posts_queued: Callable[[], None] = lambda: None
        """Called after a move queued chat posts (the CLI sets it to kick the outbox worker)."""

    @property
    def can_run(self) -> bool:
        """Whether commands may be run from here at all (the step must say `runnable` too)."""
        return self.allow_commands or self.dry_run

    def now(self) -> datetime:
        return self.clock.now()

    def view(self) -> NodeView:
        return self.walker.view(self.state, self.now(), can_run=self.can_run)

    def refresh(self) -> list[Event]:
        """Fold in events appended since the last look (by anyone); returns them."""
        fresh = self.service.events(self.incident_id, after_seq=self.state.last_seq)
        for event in fresh:
            self.state = apply(self.state, event, self.service.policy)
        return fresh

    def append(self, events: Sequence[NewEvent]) -> list[Event]:
        """Append a move's events through the rules in one transaction: all of them, or none and
        the refusal raised."""
        now = self.now()
        policy = self.service.policy

        def rules(state: IncidentState, event: NewEvent) -> Refusal | None:
            return check(state, event, now, policy)

        try:
            landed = self.service.store.append_many(self.incident_id, events, now, rules)
        except BaseException:
            with suppress(StoreUnavailable):  # the append's own error says it better
                self.refresh()
            raise
        if landed and landed[0].prev_hash == self.state.last_hash:  # nobody appended in between
            self.state = fold(landed, self.service.policy, self.state)
        else:
            self.refresh()
        return landed

    def begin(self) -> None:
        self.refresh()
        self.append(self.walker.begin(self.state))

    def command_plan(self, part: str = runner.MAIN_PART) -> runner.CommandPlan:
        """What one of the current node's commands would run, or Refused saying why it may not."""
        node = self.walker.runbook.node(self.walker.position(self.state))
        step = next((p.step for p in runner.command_parts(node) if p.part == part), None)
        why = runner.refusal(step, self.can_run)
        if why is not None or step is None:
            raise Refused(why or "nothing to run")
        values = {
            "incident.id": self.incident_id,
            "incident.severity": self.state.severity,
            "runbook.id": self.walker.runbook.id,
            "runbook.service": self.walker.runbook.service,
            "node.id": node.id,
        }
        return runner.plan(step, values, part)

    def record_run(self, result: runner.CommandResult) -> None:
        event = self.walker.command_run(
            self.state, result.argv, result.exit_code, result.output, result.dry_run, result.part
        )
        self.append([event])
