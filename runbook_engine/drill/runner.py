"""Running one drill: a throw-away SQLite store, a fake clock, the steps in order, the expectations.

A step the rules refuse is a failure unless the step says `refused`; a step that says `refused`
and goes through is a failure too. The run stops at the first failing step (what follows would
only repeat it); the drill's final `expect` is checked when every step passed.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from runbook_engine.errors import EngineError
from runbook_engine.findings import Position
from runbook_engine.format.model import Runbook
from runbook_engine.policy import Policy
from runbook_engine.timeline.refusal import RuleRefused
from runbook_engine.timeline.store import SqliteStore

from .actions import HANDLERS
from .context import Context, StepProblem
from .expect import evaluate
from .model import Drill, Expectation, Step
from .observe import observe, walked
from .result import FAILED, PASSED, DrillResult, Failure
from .snapshot import Refusal, Snapshot


class _Run:
    """The mutable bookkeeping of one run: refusals seen so far and failures found."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.refusals: list[Refusal] = []
        self.failures: list[Failure] = []
        self.steps_run = 0

    def snapshot(self) -> Snapshot:
        ctx = self.ctx
        walk_key = (ctx.drill.scenario.default_walker, ctx.runbook.id)
        state, now = ctx.state(), ctx.clock.now()
        return observe(
            state, ctx.events(), now, ctx.policy, walk_key, tuple(self.refusals), ctx.gate(state)
        )

    def step(self, step: Step) -> bool:
        """Run one step and its expectations; False when it failed."""
        self.steps_run = step.number
        try:
            if step.at is not None:
                self.ctx.move_clock_to(step.at)
            refusal = self._perform(step)
        except StepProblem as problem:
            return self._fail(problem.expectation, problem.message, step)
        except EngineError as exc:  # e.g. an event the timeline's schema rejects
            return self._fail("step", exc.message, step)
        failed = self._check_refusal(step, refusal)
        if failed is not None:
            return self._fail("refused", failed, step)
        return self._expect(step.expectations, step)

    def _perform(self, step: Step) -> Refusal | None:
        try:
            HANDLERS[step.action](self.ctx, step)
        except RuleRefused as exc:
            refusal = Refusal(step.number, exc.refusal.rule, exc.refusal.reason)
            self.refusals.append(refusal)
            return refusal
        return None

    def _check_refusal(self, step: Step, refusal: Refusal | None) -> str | None:
        wanted = step.refused
        if refusal is None:
            accepted = f"expected the engine to refuse {step.describe()!r}, it accepted it"
            return None if wanted is None else accepted
        if wanted is None:
            return f"the engine refused it ({refusal.rule}): {refusal.reason}"
        if wanted is True or refusal.matches(str(wanted)):
            return None
        return f"expected a refusal by {wanted!r}, got {refusal.rule}: {refusal.reason}"

    def _expect(self, expectations: tuple[Expectation, ...], step: Step | None) -> bool:
        if not expectations:
            return True
        snap = self.snapshot()
        before = len(self.failures)
        for expectation in expectations:
            message = evaluate(expectation.name, snap, expectation.value)
            if message is not None:
                self._record(expectation.name, message, step, expectation, snap)
        return len(self.failures) == before

    def final(self, expectations: tuple[Expectation, ...]) -> None:
        self._expect(expectations, None)

    def _fail(self, name: str, message: str, step: Step) -> bool:
        self._record(name, message, step, None, self.snapshot())
        return False

    def _record(
        self, name: str, message: str, step: Step | None, where: Expectation | None, snap: Snapshot
    ) -> None:
        position = where.position if where is not None else step.position if step else Position()
        self.failures.append(
            Failure(
                expectation=name,
                message=message,
                position=position,
                path_so_far=snap.path_so_far(),
                step=step.number if step else None,
                step_text=step.describe() if step else "",
            )
        )


def run_drill(drill: Drill, runbook: Runbook, policy: Policy) -> DrillResult:
    """Run `drill` against `runbook` in a fresh temporary store; never touches the user's store."""
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="runbook-drill-", dir=_scratch_parent()) as tmp:
        store = SqliteStore(Path(tmp) / "drill.db", policy)
        try:
            run = _execute(drill, runbook, policy, store)
            visits, edges = walked(run.ctx.state(), runbook.id)
            timeline = tuple(run.snapshot().timeline)
        finally:
            store.close()
    return DrillResult(
        drill=drill.id,
        path=drill.path,
        runbook=runbook.id,
        status=FAILED if run.failures else PASSED,
        title=drill.title,
        failures=tuple(run.failures),
        steps_run=run.steps_run,
        steps_total=len(drill.steps),
        seconds=time.perf_counter() - began,
        runbook_path=runbook.source,
        visits=visits,
        edges=edges,
        timeline=timeline,
    )


RAM_FOLDERS = (Path("/dev/shm"),)  # noqa: S108 - only the parent of a private mkdtemp folder
"""Memory-backed folders tried first for a drill's store."""


def _scratch_parent() -> str | None:
    """A memory-backed folder when the system has one, else the default temporary folder.

    The store makes every append durable (an fsync each); a drill's store is thrown away, so on
    disk that is nothing but waiting, several times the cost of the drill itself.
    """
    for folder in RAM_FOLDERS:
        if folder.is_dir() and os.access(folder, os.W_OK):
            return str(folder)
    return None


def _execute(drill: Drill, runbook: Runbook, policy: Policy, store: SqliteStore) -> _Run:
    ctx = Context(drill, runbook, policy, store)
    run = _Run(ctx)
    try:
        ctx.open()
    except RuleRefused as exc:
        run.failures.append(Failure("open", f"the incident cannot be opened: {exc.message}", Position(), ""))
        return run
    except StepProblem as exc:
        run.failures.append(Failure("open", f"the incident cannot be opened: {exc}", Position(), ""))
        return run
    for step in drill.steps:
        if not run.step(step):
            return run
    run.final(drill.expectations)
    return run
