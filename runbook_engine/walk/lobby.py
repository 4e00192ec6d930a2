"""Before the walk: join an open incident or open a new one (title, severity, IC) at a prompt."""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import WordCompleter
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.validation import Validator

from runbook_engine.errors import UsageError
from runbook_engine.model import Runbook
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService


def choose_incident(
    service: IncidentService,
    runbook: Runbook,
    actor: Actor,
    *,
    input: Input | None = None,
    output: Output | None = None,
) -> str:
    """The id of the incident to walk in: an open one picked by number, or a newly opened one."""
    session: PromptSession[str] = PromptSession(input=input, output=output)
    open_ones = [s for s in service.incidents() if s.phase != "resolved"]
    if open_ones:
        lines = [f"  {n}  {s.incident_id}  {s.severity}  {s.title}" for n, s in enumerate(open_ones, 1)]
        numbers = [str(n) for n in range(1, len(open_ones) + 1)]
        pick = session.prompt(
            "Open incidents:\n" + "\n".join(lines) + "\nJoin which (number), or Enter to open a new one: ",
            validator=Validator.from_callable(
                lambda text: text.strip() in ("", *numbers), "type a number from the list, or nothing"
            ),
        ).strip()
        if pick:
            return open_ones[int(pick) - 1].incident_id
    return _open_new(service, runbook, actor, session)


def _open_new(
    service: IncidentService, runbook: Runbook, actor: Actor, session: PromptSession[str]
) -> str:
    levels = list(service.policy.severities)
    title = session.prompt("Incident title: ", default=runbook.symptom.summary or runbook.title).strip()
    severity = session.prompt(
        f"Severity ({', '.join(levels)}): ",
        default=runbook.severity if runbook.severity in levels else levels[-1],
        completer=WordCompleter(levels),
        validator=Validator.from_callable(lambda text: text.strip() in levels, "pick a severity"),
    ).strip()
    ic = session.prompt("Incident commander (name): ", default=actor.name).strip()
    if not title or not ic:
        raise UsageError("an incident needs a title and an IC")
    opened = service.open(title, severity, ic, actor, runbook=runbook.id, service=runbook.service or None)
    return opened.incident_id
