"""What the walk screen does with each key and line: moves, commands, forms, panels and messages.

No prompt-toolkit here: the screen renders this object's fields (`form`, `panel`, `messages`)
and forwards keys and lines to it. Every move goes through the session, which appends it to the
timeline before anything else happens, so a refusal from the incident rules becomes a message.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from runbook_engine.errors import EngineError, StoreUnavailable
from runbook_engine.format.durations import format_duration
from runbook_engine.timeline.events import Event, NewEvent
from runbook_engine.timeline.format import human_line
from runbook_engine.walk import commands
from runbook_engine.walk import runner as runner_mod
from runbook_engine.walk.forms import Field, Form, is_yes, yes_no
from runbook_engine.walk.orders import Orders
from runbook_engine.walk.session import WalkSession
from runbook_engine.walk.view import Choice, Move, Phase

Spawn = Callable[[Callable[[], Any], Callable[[Any], None]], None]
"""Run the first function away from the screen, then hand its result to the second."""

MAX_MESSAGES = 2


def spawn_inline(work: Callable[[], Any], done: Callable[[Any], None]) -> None:
    done(work())


class Controller:
    def __init__(self, session: WalkSession, spawn: Spawn = spawn_inline) -> None:
        self.session = session
        self.spawn = spawn
        self.form: Form | None = None
        self.panel: tuple[str, list[str]] | None = None
        self.messages: deque[tuple[str, str]] = deque(maxlen=MAX_MESSAGES)
        self.running: str | None = None
        self.retype: str | None = None
        """A refused form answer, given back to the input line to be corrected."""
        self.done = False
        self.offline = False
        """The store could not be reached at the last look (said once, until it is back)."""
        self.orders = Orders(self)

    # -- input from the screen ----------------------------------------------------------------

    def pick(self, key: str) -> bool:
        """A single key pressed on an empty line; True when it picked a choice."""
        choice = next((c for c in self.session.view().choices if c.key == key), None)
        if choice is None:
            return False
        self.panel = None
        self.choose(choice)
        return True

    def submit(self, text: str) -> None:
        """Enter on the input line: a form field, a command or a choice."""
        if self.form is not None:
            self._submit_form(text)
            return
        self.panel = None
        typed = commands.parse(text, self.session.view())
        if typed.command is not None:
            self.orders.run(typed.command, typed.argument)
        elif typed.choice is not None:
            self.choose(typed.choice)
        elif typed.unknown and text.strip():
            self.say(f"not an answer or command: {text.strip()!r} (type help)", "error")

    def cancel(self) -> None:
        if self.form is not None:
            self.say(f"{self.form.title}: cancelled")
        self.form = None
        self.panel = None

    def tick(self) -> list[Event]:
        """Pick up what other terminals appended; their events show up as messages.

        While the team store cannot be reached the walk keeps its place and says so once."""
        try:
            fresh = self.session.refresh()
        except StoreUnavailable as exc:
            if not self.offline:
                kept = "your place is kept; nothing can be recorded until it is back"
                self.say(f"{exc.message}. {kept}", "error")
            self.offline = True
            return []
        if self.offline:
            self.offline = False
            self.say("the incident store is reachable again: caught up with the timeline")
        me = self.session.walker.actor
        for event in fresh:
            if event.actor != me:
                self.say(human_line(event), "event")
        return fresh

    # -- helpers for orders and moves -----------------------------------------------------------

    def say(self, text: str, style: str = "info") -> None:
        self.messages.append((style, text))

    def ask(self, title: str, fields: tuple[Field, ...], on_done: Callable[[dict[str, str]], None]) -> None:
        self.form = Form(title, fields, on_done)

    def append(self, events: list[NewEvent], success: str = "") -> bool:
        """Append through the rules; a refusal becomes a message and False."""
        try:
            self.session.append(events)
        except EngineError as exc:
            self.say(exc.message + (f" ({exc.hint})" if exc.hint else ""), "error")
            return False
        if success:
            self.say(success)
        return True

    def _submit_form(self, text: str) -> None:
        form = self.form
        assert form is not None
        problem = form.submit(text)
        if problem is not None:
            self.say(problem, "error")
            self.retype = text
        elif form.finished and self.form is form:
            self.form = None

    # -- moves ---------------------------------------------------------------------------------

    def choose(self, choice: Choice) -> None:
        handlers: dict[Move, Callable[[Choice], None]] = {
            Move.ANSWER: self._answer,
            Move.PROPOSE: self._propose,
            Move.START: self._start,
            Move.RUN: self._run,
            Move.MITIGATE: self._mitigate,
            Move.RESOLVE: self._resolve,
            Move.OVERRIDE: self._override,
            Move.SKIP: self._skip,
            Move.DETOUR: self._detour,
            Move.GATHER: self._gather,
        }
        handlers[choice.move](choice)

    def _answer(self, choice: Choice) -> None:
        view = self.session.view()
        walker = self.session.walker

        def finish(values: dict[str, str]) -> None:
            state, now = self.session.state, self.session.clock.now()
            try:
                events = walker.answer(state, choice.label, values.get("evidence", ""), now)
            except (KeyError, ValueError):
                self.say(f"{choice.label!r} no longer fits here: the timeline moved on", "error")
                return
            early = walker.early_by_s(walker.runbook.node(walker.position(state)), state, now)
            if self.append(events, f"{choice.label} -> {choice.target_title}"):
                if early:
                    left = format_duration(early["early_by_s"])
                    self.say(f"answered with {left} still on the wait: logged as an early answer", "warning")
                self._point_to_linked_runbook()

        if view.phase is Phase.IN_FLIGHT:
            field = Field("evidence", "What did you observe? ")
            self.ask("result", (field,), finish)
        elif view.asks_evidence:
            field = Field("evidence", "Evidence (value or link, Enter to skip): ", required=False)
            self.ask("evidence", (field,), finish)
        else:
            finish({})

    def _skip(self, choice: Choice) -> None:
        def finish(values: dict[str, str]) -> None:
            try:
                events = self.session.walker.skip(self.session.state, values["reason"])
            except ValueError as exc:
                self.say(str(exc), "error")
                return
            self.append(events, f"skipped (not tried: {values['reason']}) -> {choice.target}")

        self.ask("skip", (Field("reason", "Not tried because: "),), finish)

    def _gather(self, choice: Choice) -> None:
        def finish(values: dict[str, str]) -> None:
            try:
                events = self.session.walker.gather(self.session.state, choice.part, values["evidence"])
            except ValueError as exc:
                self.say(str(exc), "error")
                return
            self.append(events, f"gathered: {choice.part}")

        self.ask("gather", (Field("evidence", f"{choice.part}: what did you see? "),), finish)

    def _detour(self, choice: Choice) -> None:
        try:
            events = self.session.walker.go_to(self.session.state, choice.target or "")
        except ValueError as exc:
            self.say(str(exc), "error")
            return
        self.append(events, f"cleanup before the ending: {choice.target_title}")

    def _point_to_linked_runbook(self) -> None:
        """At a handoff, say exactly how to go on: the other runbook within this incident, or the
        outside document to open."""
        session = self.session
        node = session.walker.runbook.node(session.walker.position(session.state))
        if node.document:
            self.say(f"continue in: {node.document}")
        if node.link is None:
            return
        folder = Path(session.walker.runbook.source).parent
        path = folder / f"{node.link.runbook}.yaml"
        where = str(path) if path.exists() else f"<the {node.link.runbook} runbook>"
        self.say(f"continue with: runbook walk {where} --incident {session.incident_id}")

    def _propose(self, choice: Choice) -> None:
        node = self.session.view().node
        if node.irreversible is None:
            self._propose_with_hypothesis()
            return
        # The consequence and the precheck are on screen above ("Cannot undo", "Precheck"); the
        # question stays one short line so the input row shows all of it.
        done = "Precheck done, and you" if node.irreversible.precheck else "You"
        question = f"IRREVERSIBLE: {done} accept what is lost for good (above)? (y/n) "

        def accepted(values: dict[str, str]) -> None:
            if is_yes(values["confirm"]):
                self._propose_with_hypothesis()
            else:
                self.say("not proposed: the irreversible step was not accepted")

        self.ask("accept irreversible", (yes_no(question),), accepted)

    def _propose_with_hypothesis(self) -> None:
        state, walker = self.session.state, self.session.walker
        if state.active_hypotheses:
            self._append_proposal([])
            return

        def with_hypothesis(values: dict[str, str]) -> None:
            self._append_proposal([walker.hypothesis(self.session.state, values["hypothesis"])])

        self.ask("hypothesis", (Field("hypothesis", "Hypothesis this change tests: "),), with_hypothesis)

    def _append_proposal(self, before: list[NewEvent]) -> None:
        if before and not self.append(before):
            return
        events = self.session.walker.propose(self.session.state)
        change_id = events[0].payload["change_id"]
        approver = self.session.state.roles.get(str(events[-1].payload.get("approver_role", "ic")))
        self.append(
            events,
            f"{change_id} proposed; asked @{approver or '?'} to approve "
            f"(runbook incident approve {self.session.incident_id} {change_id})",
        )

    def _start(self, choice: Choice) -> None:
        events = self.session.walker.start(self.session.state)
        self.append(events, "change started: watch the signal, then pick what happened")

    def _run(self, choice: Choice) -> None:
        if self.running is not None:
            self.say(f"still running: {self.running}", "error")
            return
        try:
            plan = self.session.command_plan(choice.part or runner_mod.MAIN_PART)
        except EngineError as exc:
            self.say(exc.message + (f" ({exc.hint})" if exc.hint else ""), "error")
            return
        verb = "Show what would run" if self.session.dry_run else "Run"

        def confirmed(values: dict[str, str]) -> None:
            if is_yes(values["confirm"]):
                self._execute(plan)

        self.ask("run", (yes_no(f"{verb}: {plan.shown()} ? (y/n) "),), confirmed)

    def _execute(self, plan: runner_mod.CommandPlan) -> None:
        phase = self.session.view().phase
        if phase in (Phase.READY, Phase.APPROVED) and not self.append(
            self.session.walker.start(self.session.state)
        ):
            return
        self.running = plan.shown()
        dry_run = self.session.dry_run
        self.spawn(lambda: runner_mod.execute(plan, dry_run), self._ran)

    def _ran(self, result: runner_mod.CommandResult) -> None:
        self.running = None
        try:
            self.session.record_run(result)
        except EngineError as exc:
            self.say(exc.message, "error")
            return
        last = result.output.strip().splitlines()[-1:] or [""]
        style = "info" if result.exit_code == 0 else "error"
        self.say(f"exit {result.exit_code}: {last[0][:200]}", style)

    def _mitigate(self, choice: Choice) -> None:
        def finish(values: dict[str, str]) -> None:
            events = self.session.walker.mitigate(self.session.state, values["summary"])
            self.append(events, "mitigated; monitoring window started")

        default = self._last_observation()
        self.ask("mitigated", (Field("summary", "What mitigated it? ", default),), finish)

    def _resolve(self, choice: Choice) -> None:
        def finish(values: dict[str, str]) -> None:
            self.append(self.session.walker.resolve(values["summary"]), "incident resolved")

        default = self.session.state.mitigation_summary
        self.ask("resolve", (Field("summary", "Resolution summary: ", default),), finish)

    def _override(self, choice: Choice) -> None:
        def finish(values: dict[str, str]) -> None:
            events = self.session.walker.resolve(values["summary"], values["reason"])
            self.append(events, "incident resolved (IC override logged)")

        fields = (
            Field("reason", "Why resolve before the monitoring window ends? "),
            Field("summary", "Resolution summary: ", self.session.state.mitigation_summary),
        )
        self.ask("override", fields, finish)

    def _last_observation(self) -> str:
        helped = [c for c in self.session.state.changes.values() if c.result == "helped"]
        return f"{helped[-1].action}: {helped[-1].observation}".rstrip(": ") if helped else ""
