"""Before the walk: join an open incident or open a new one (title, severity, IC) at a prompt."""

from __future__ import annotations

from prompt_toolkit import PromptSession
from prompt_toolkit.completion import Completer, WordCompleter
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output
from prompt_toolkit.validation import Validator

from runbook_engine.errors import UsageError
from runbook_engine.format.model import Runbook
from runbook_engine.frozen import frozen
from runbook_engine.timeline.events import Actor
from runbook_engine.timeline.service import IncidentService


@frozen
class Asker:
    """One fresh prompt per question: a PromptSession would carry a validator over to the next."""

    input: Input | None = None
    output: Output | None = None

    def __call__(
        self,
        message: str,
        default: str = "",
        validator: Validator | None = None,
        completer: Completer | None = None,
    ) -> str:
        session: PromptSession[str] = PromptSession(input=self.input, output=self.output)
        answer = session.prompt(message, default=default, validator=validator, completer=completer)
        return answer.strip()


def choose_incident(
    service: IncidentService,
    runbook: Runbook,
    actor: Actor,
    *,
    input: Input | None = None,
    output: Output | None = None,
    severity: str = "",
) -> str:
    """The id of the incident to walk in: an open one picked by number, or a newly opened one
    (at `severity` by default when given: the paging alert's)."""
    ask = Asker(input, output)
    open_ones = [s for s in service.incidents() if s.phase != "resolved"]
    if open_ones:
        lines = [f"  {n}  {s.incident_id}  {s.severity}  {s.title}" for n, s in enumerate(open_ones, 1)]
        numbers = [str(n) for n in range(1, len(open_ones) + 1)]
        pick = ask(
            "Open incidents:\n" + "\n".join(lines) + "\nJoin which (number), or Enter to open a new one: ",
            validator=Validator.from_callable(
                lambda text: text.strip() in ("", *numbers), "type a number from the list, or nothing"
            ),
        )
        if pick:
            return open_ones[int(pick) - 1].incident_id
    return _open_new(service, runbook, actor, ask, severity)


def _open_new(
    service: IncidentService, runbook: Runbook, actor: Actor, ask: Asker, severity: str = ""
) -> str:
    levels = list(service.policy.severities)
    title = ask("Incident title: ", runbook.symptom.summary or runbook.title)
    default = severity or runbook.default_severity
    severity = ask(
        f"Severity ({', '.join(levels)}): ",
        default if default in levels else levels[-1],
        Validator.from_callable(lambda text: text.strip() in levels, "pick a severity"),
        WordCompleter(levels),
    )
    ic = ask("Incident commander (name): ", actor.name)
    if not title or not ic:
        raise UsageError("an incident needs a title and an IC")
    opened = service.open(title, severity, ic, actor, runbook=runbook.id, service=runbook.service or None)
    return opened.incident_id
