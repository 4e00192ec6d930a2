"""The wiki's front page: runbooks by service, and a table from alert name to runbook."""

from __future__ import annotations

from collections.abc import Sequence

from runbook_engine.format.model import Runbook
from runbook_engine.render.escape import markdown, page_link

MAP_PAGE = "library-map.md"


def _link(runbook: Runbook, suffix: str) -> str:
    return f"[{markdown(runbook.title)}]({page_link(runbook.id, suffix)})"


def index_page(runbooks: Sequence[Runbook], suffix: str = ".md") -> str:
    """Markdown for the index; runbooks sorted by service, then title, so the page is stable.

    `suffix` ends every link to a page: `.md` for MkDocs and repository browsers, empty for
    GitHub and GitLab wikis, which name pages without it."""
    ordered = sorted(runbooks, key=lambda r: (r.service, r.title, r.id))
    services = list(dict.fromkeys(r.service or "(no service)" for r in ordered))
    lines = [
        "# Runbooks",
        "",
        f"{len(ordered)} runbooks for {len(services)} services. "
        f"See the [library map]({MAP_PAGE.removesuffix('.md')}{suffix}) for how they lead to each other.",
        "",
        "## By service",
        "",
    ]
    for service in services:
        lines += [f"### {markdown(service)}", ""]
        lines += [
            f"- {_link(r, suffix)}: {markdown(r.symptom.summary)} (default {markdown(r.severity)})"
            for r in ordered
            if (r.service or "(no service)") == service
        ]
        lines.append("")
    return "\n".join(lines + _alerts(ordered, suffix)) + "\n"


def _alerts(runbooks: Sequence[Runbook], suffix: str) -> list[str]:
    rows = sorted(((alert, r) for r in runbooks for alert in r.symptom.alerts),
                  key=lambda row: (row[0], row[1].id))
    lines = ["## Alert to runbook", ""]
    if not rows:
        return [*lines, "No runbook names an alert yet."]
    lines += ["| Alert | Runbook | Service | Default severity |", "|---|---|---|---|"]
    lines += [f"| {markdown(alert)} | {_link(r, suffix)} | {markdown(r.service)} | {markdown(r.severity)} |"
              for alert, r in rows]
    return lines
