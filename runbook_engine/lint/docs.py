"""The rule reference (docs/rules.md and `runbook lint --list-rules`), built from the rules themselves."""

from __future__ import annotations

from runbook_engine.findings import Severity
from runbook_engine.format.loader import LOADER_CODES
from runbook_engine.lint import coverage, documents
from runbook_engine.lint.result import RuleInfo
from runbook_engine.lint.rules import RULES, rule_info

HEADER = """\
# Lint rules

Generated from the rule docstrings by `runbook lint --list-rules --format markdown > docs/rules.md`;
a test fails when this file is stale. Change a rule's severity or turn it off in `[tool.runbook.rules]`
of `pyproject.toml` or under `rules:` in `.runbook.yaml`; silence it on one node with
`suppress: [{rule: RB203, reason: ...}]` (the reason is required).
"""


def rules_markdown() -> str:
    parts = [HEADER, _summary_table(), _loader_section()]
    parts += [_rule_section(rule_info(rule)) for rule in RULES.values()]
    parts += [_documents_section(), _coverage_section()]
    return "\n".join(parts).rstrip() + "\n"


def rules_text() -> str:
    lines = [f"{code}  {'error':7}  {title}" for code, (title, _) in LOADER_CODES.items()]
    lines += [
        f"{info.code}  {info.severity.value:7}  {info.name}: {info.summary}"
        for info in map(rule_info, RULES.values())
    ]
    lines.append(f"{documents.CODE}  {'opt-in':7}  {documents.NAME}: {documents.SUMMARY}")
    lines.append(f"{coverage.CODE}  {'opt-in':7}  {coverage.NAME}: {coverage.SUMMARY}")
    return "\n".join(lines) + "\n"


def _summary_table() -> str:
    rows = ["| code | name | default | what it finds |", "|---|---|---|---|"]
    rows += [f"| {code} | - | error | {title} |" for code, (title, _) in LOADER_CODES.items()]
    rows += [
        f"| [{info.code}](#{info.code.lower()}-{info.name}) | {info.name} | {_level(info.severity)} "
        f"| {info.summary} |"
        for info in map(rule_info, RULES.values())
    ]
    docs_anchor = f"{documents.CODE.lower()}-{documents.NAME}"
    docs_row = f"| [{documents.CODE}](#{docs_anchor}) | {documents.NAME} | off (opt-in) | "
    docs_row += f"{documents.SUMMARY} |"
    rows.append(docs_row)
    anchor = f"{coverage.CODE.lower()}-{coverage.NAME}"
    rows.append(f"| [{coverage.CODE}](#{anchor}) | {coverage.NAME} | off (opt-in) | {coverage.SUMMARY} |")
    return "\n".join(rows) + "\n"


def _loader_section() -> str:
    lines = [
        "## Loader codes (RB0xx)\n",
        "Reported while reading a file, before any rule runs; always errors, not configurable.\n",
    ]
    lines += [f"- **{code}** {title}: {hint}." for code, (title, hint) in LOADER_CODES.items()]
    return "\n".join(lines) + "\n"


def _documents_section() -> str:
    return (
        f"## {documents.CODE} {documents.NAME}\n\n"
        "Default: **off (opt-in)**. Pass `--check-documents` (and `--document-timeout S`, default 5):\n"
        "lint then requests every http(s) `document` and `see_also` of the linted runbooks once (HEAD,\n"
        "then GET when HEAD is refused) and reports each one that does not answer, or answers with an\n"
        "HTTP error, at the line that names it. `wiki:` paths are not checked. "
        f"{documents.HINT[:1].upper()}{documents.HINT[1:]}.\n"
    )


def _coverage_section() -> str:
    return (
        f"## {coverage.CODE} {coverage.NAME}\n\n"
        "Default: **off (opt-in)**. Set `min-drill-coverage = 70` in `[tool.runbook]` (or\n"
        "`min-drill-coverage: 70` in `.runbook.yaml`, or pass `--min-drill-coverage 70`): lint then\n"
        "runs the drills found beside the linted runbooks (see docs/drills.md) and reports, at line 1\n"
        f"of each runbook, coverage of its nodes and edges under that percentage. {coverage.HINT[:1].upper()}"
        f"{coverage.HINT[1:]}.\n"
    )


def _rule_section(info: RuleInfo) -> str:
    title, _, body = info.doc.partition("\n")
    heading = f"## {info.code} {info.name}"
    what = title.split(":", 1)[-1].strip()
    meta = f"Default: **{_level(info.severity)}**. {what[:1].upper()}{what[1:]}"
    return f"{heading}\n\n{meta}\n\n{body.strip()}\n"


def _level(severity: Severity) -> str:
    return "off (opt-in)" if severity is Severity.OFF else severity.value
