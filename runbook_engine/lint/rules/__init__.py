"""The rule registry: every lint rule listed explicitly, by code (no discovery magic).

A rule is a module with `CODE`, `NAME`, `SUMMARY`, a default `SEVERITY`, a docstring with a failing
and a passing example (it becomes docs/rules.md), and `check`. Runbook rules take one runbook's
context and yield `Issue`s (a data path, never a line); library rules take the index of every
runbook in the run and yield `Located` findings. The engine adds code, severity and position.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from runbook_engine.findings import Issue, Severity
from runbook_engine.format.loader import LOADER_CODES
from runbook_engine.lint import coverage, documents
from runbook_engine.lint.context import RunbookContext
from runbook_engine.lint.index import IndexEntry, Located
from runbook_engine.lint.result import RuleInfo
from runbook_engine.lint.rules import (
    rb101_missing_field,
    rb102_unknown_field,
    rb103_wrong_type,
    rb104_invalid_value,
    rb201_unknown_start,
    rb202_dangling_reference,
    rb203_unreachable_node,
    rb204_dead_end,
    rb205_loop_without_exit,
    rb206_unknown_link,
    rb207_duplicate_id,
    rb208_cleanup_not_cleanup,
    rb209_unwritten_branch,
    rb301_risky_without_rollback,
    rb302_act_before_confirm,
    rb303_cause_without_signal,
    rb304_risky_without_verify,
    rb305_placeholder_text,
    rb306_missing_owner,
    rb307_unknown_severity,
    rb308_cleanup_not_on_every_path,
    rb309_unknown_suppression,
    rb310_resolve_without_monitoring,
    rb311_shell_in_argv,
    rb312_unknown_placeholder,
    rb313_bidi_override,
    rb314_cleanup_before_handover,
    rb315_shell_step,
)


class RuleModule(Protocol):
    """What every rule module declares."""

    CODE: str
    NAME: str
    SUMMARY: str
    SEVERITY: Severity
    __doc__: str | None


class RunbookRule(RuleModule, Protocol):
    def check(self, ctx: RunbookContext) -> Iterator[Issue]: ...


class LibraryRule(RuleModule, Protocol):
    def check(self, entries: Sequence[IndexEntry]) -> Iterator[Located]: ...


_RUNBOOK_RULES: tuple[RunbookRule, ...] = (
    rb101_missing_field,
    rb102_unknown_field,
    rb103_wrong_type,
    rb104_invalid_value,
    rb201_unknown_start,
    rb202_dangling_reference,
    rb203_unreachable_node,
    rb204_dead_end,
    rb205_loop_without_exit,
    rb208_cleanup_not_cleanup,
    rb209_unwritten_branch,
    rb301_risky_without_rollback,
    rb302_act_before_confirm,
    rb303_cause_without_signal,
    rb304_risky_without_verify,
    rb305_placeholder_text,
    rb306_missing_owner,
    rb307_unknown_severity,
    rb308_cleanup_not_on_every_path,
    rb309_unknown_suppression,
    rb310_resolve_without_monitoring,
    rb311_shell_in_argv,
    rb312_unknown_placeholder,
    rb313_bidi_override,
    rb314_cleanup_before_handover,
    rb315_shell_step,
)
_LIBRARY_RULES: tuple[LibraryRule, ...] = (rb206_unknown_link, rb207_duplicate_id)

RUNBOOK_RULES: dict[str, RunbookRule] = {rule.CODE: rule for rule in _RUNBOOK_RULES}
LIBRARY_RULES: dict[str, LibraryRule] = {rule.CODE: rule for rule in _LIBRARY_RULES}
RULES: dict[str, RuleModule] = dict(sorted({**RUNBOOK_RULES, **LIBRARY_RULES}.items()))
"""Every configurable rule by code, in code order."""

BLOCKING = ("RB101", "RB102", "RB103", "RB104", "RB201", "RB202", "RB306", "RB307")
"""The checks a runbook must pass before it can be walked, rendered or drilled."""

ALL_CODES = frozenset(LOADER_CODES) | frozenset(RULES)


def rule_info(rule: RuleModule) -> RuleInfo:
    return RuleInfo(rule.CODE, rule.NAME, rule.SUMMARY, rule.SEVERITY, (rule.__doc__ or "").strip())


def catalog() -> tuple[RuleInfo, ...]:
    """Loader codes (fixed, always errors) and every rule, in code order."""
    loader = tuple(
        RuleInfo(code, title.lower().replace(" ", "-"), title, Severity.ERROR, f"{code}: {title}.\n\n{hint}.")
        for code, (title, hint) in LOADER_CODES.items()
    )
    rules = tuple(rule_info(rule) for rule in RULES.values())
    return tuple(sorted((*loader, *rules, documents_info(), coverage_info()), key=lambda info: info.code))


def coverage_info() -> RuleInfo:
    """RB401 runs after the rules (it needs the drills), but reporters list it like one."""
    doc = f"{coverage.CODE}: {coverage.SUMMARY}.\n\n{coverage.HINT}."
    return RuleInfo(coverage.CODE, coverage.NAME, coverage.SUMMARY, Severity.ERROR, doc)


def documents_info() -> RuleInfo:
    """RB210 runs after the rules (it goes to the network, only when asked); listed like a rule."""
    doc = f"{documents.CODE}: {documents.SUMMARY}.\n\n{documents.__doc__}\n{documents.HINT}."
    return RuleInfo(documents.CODE, documents.NAME, documents.SUMMARY, Severity.ERROR, doc)


def names_to_codes() -> dict[str, str]:
    """Every code and rule name a configuration may use, mapped to the code."""
    mapping = {code: code for code in RULES}
    mapping.update({rule.NAME: code for code, rule in RULES.items()})
    return mapping
