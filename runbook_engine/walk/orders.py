"""The commands typed at any walk prompt: note, hypothesis, evidence, back, where, timeline,
update, sev, handover, action, help and quit. Each either appends at once or opens a short form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from runbook_engine.walk import commands, incident_moves
from runbook_engine.walk.forms import Field

if TYPE_CHECKING:
    from runbook_engine.walk.controller import Controller

TIMELINE_LINES = 40
KINDS = ("initial", "update", "resolution")


class Orders:
    def __init__(self, controller: Controller) -> None:
        self.c = controller
        self.table: dict[str, Callable[[str], None]] = {
            "note": self.note,
            "hypothesis": self.hypothesis,
            "evidence": self.evidence,
            "back": self.back,
            "where": self.where,
            "timeline": self.timeline,
            "update": self.update,
            "sev": self.sev,
            "handover": self.handover,
            "action": self.action,
            "help": self.help,
            "quit": self.quit,
        }

    def run(self, name: str, argument: str) -> None:
        self.table[name](argument)

    def _text_or_ask(self, argument: str, prompt: str, act: Callable[[str], None]) -> None:
        if argument:
            act(argument)
        else:
            self.c.ask(prompt, (Field("text", f"{prompt}: "),), lambda v: act(v["text"]))

    def note(self, argument: str) -> None:
        def act(text: str) -> None:
            self.c.append([self.c.session.walker.note(text)], "note logged")

        self._text_or_ask(argument, "Note", act)

    def hypothesis(self, argument: str) -> None:
        def act(text: str) -> None:
            event = self.c.session.walker.hypothesis(self.c.session.state, text)
            self.c.append([event], f"hypothesis {event.payload['id']} stated")

        self._text_or_ask(argument, "Hypothesis", act)

    def evidence(self, argument: str) -> None:
        def act(text: str) -> None:
            event = self.c.session.walker.evidence(self.c.session.state, text)
            self.c.append([event], "evidence logged")

        self._text_or_ask(argument, "Evidence", act)

    def back(self, argument: str) -> None:
        events = self.c.session.walker.back(self.c.session.state)
        if not events:
            self.c.say("already at the start of the runbook")
            return
        self.c.append(events, "went back")

    def where(self, argument: str) -> None:
        session = self.c.session
        walker = session.walker
        walk = session.state.walk(walker.name, walker.runbook.id)
        lines = []
        for number, visit in enumerate(walk.path if walk else (), start=1):
            node = walker.runbook.nodes.get(visit.node)
            title = node.title if node is not None else visit.node
            answer = f" -> {visit.answer}" if visit.answer else "  (you are here)"
            evidence = f"  [{visit.evidence}]" if visit.evidence else ""
            lines.append(f"{number:>3}. {visit.entered_at:%H:%M} {title}{answer}{evidence}")
        self.c.panel = ("Path so far (Esc to close)", lines or ["nothing walked yet"])

    def timeline(self, argument: str) -> None:
        from runbook_engine.timeline.format import human_line

        session = self.c.session
        events = session.service.events(session.incident_id)
        lines = [human_line(event) for event in reversed(events[-TIMELINE_LINES:])]
        self.c.panel = (f"Timeline of {session.incident_id}, newest first (Esc closes)", lines)

    def update(self, argument: str) -> None:
        session = self.c.session
        symptom = session.walker.runbook.symptom
        defaults = incident_moves.update_defaults(session.state, session.service.policy, symptom.impact)
        fields = (
            Field("kind", "Kind (initial/update/resolution): ", defaults["kind"], KINDS),
            Field("impact", "Impact (who, what, how bad): ", defaults["impact"]),
            Field("hypothesis", "Current hypothesis: ", defaults["hypothesis"]),
            Field("actions", "Actions, `what (owner, ETA); ...`: ", defaults["actions"], required=False),
            Field("next", "Next update in: ", defaults["next"], check=incident_moves.check_duration),
        )

        def finish(values: dict[str, str]) -> None:
            state = self.c.session.state
            policy = session.service.policy_for(session.incident_id)
            post_to = incident_moves.stakeholder_channels(state, policy)
            event = incident_moves.status_update(
                state, session.walker.actor, values, session.now(), post_to, policy
            )
            if self.c.append([event], "status update recorded" + (", posting" if post_to else "")):
                session.posts_queued()

        self.c.ask("update", fields, finish)

    def sev(self, argument: str) -> None:
        session = self.c.session
        levels = tuple(session.service.policy.severities)
        fields = (
            Field("to", f"New severity ({', '.join(levels)}): ", argument.upper(), levels),
            Field("reason", "Why: "),
        )

        def finish(values: dict[str, str]) -> None:
            event = incident_moves.severity(
                self.c.session.state, session.walker.actor, values["to"], values["reason"]
            )
            self.c.append([event], f"severity is now {values['to']}")

        self.c.ask("sev", fields, finish)

    def handover(self, argument: str) -> None:
        session = self.c.session
        fields = (
            Field("role", "Role (ic, comms, ops, scribe...): ", argument or "ic", incident_moves.ROLES),
            Field("to", "Hand it to (name): "),
            Field("reason", "Why: "),
        )

        def finish(values: dict[str, str]) -> None:
            event = incident_moves.handover(
                self.c.session.state, session.walker.actor, values["role"], values["to"], values["reason"]
            )
            self.c.append([event], f"{values['role']} is now @{values['to']}")

        self.c.ask("handover", fields, finish)

    def action(self, argument: str) -> None:
        session = self.c.session
        due = incident_moves.due_date("24h", session.now())
        fields = (
            Field("text", "Action item: ", argument),
            Field("owner", "Owner: ", session.walker.name),
            Field("bucket", "Bucket (1h/24h/1w): ", "24h", tuple(incident_moves.BUCKETS)),
            Field("due", "Due (YYYY-MM-DD): ", due, check=incident_moves.check_date),
        )

        def finish(values: dict[str, str]) -> None:
            event = incident_moves.action_item(
                session.walker.actor, values["text"], values["owner"], values["bucket"], values["due"]
            )
            self.c.append([event], f"action item for @{values['owner']} logged")

        self.c.ask("action", fields, finish)

    def help(self, argument: str) -> None:
        self.c.panel = ("Help (Esc to close)", commands.help_lines())

    def quit(self, argument: str) -> None:
        self.c.done = True
