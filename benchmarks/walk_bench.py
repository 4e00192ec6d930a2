"""How fast `runbook walk` feels: time to the first prompt, and from an answer to the next screen.

Prints, from one run:
1. the median wall time until `runbook walk` (in a pseudo-terminal) has drawn its first screen,
   against `python -c "import prompt_toolkit"` measured the same way (target: at most 2x), with
   a cold and a warm validation cache;
2. the median and 95th percentile time from pressing an answer key to the next screen's text
   (append to the SQLite timeline, fold, view, render) on a generated 5,000-node runbook
   (target: at most 20 ms).

Run: .venv/bin/python benchmarks/walk_bench.py
"""

from __future__ import annotations

import os
import pty
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

RUNS = 7
NODES = 5000
ANSWERS = 200


def first_screen_s(argv: list[str], marker: bytes | None, env: dict[str, str]) -> float:
    """Seconds until `marker` appears on the pty (or the process ends, when marker is None)."""
    main_fd, child_fd = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=child_fd, stdout=child_fd, stderr=child_fd, env=env, cwd=REPO)
    os.close(child_fd)
    seen = b""
    try:
        while marker is None or marker not in seen:
            ready, _, _ = select.select([main_fd], [], [], 10)
            if not ready:
                raise RuntimeError(f"no first screen; output so far: {seen[-500:]!r}")
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        elapsed = time.perf_counter() - started
    finally:
        if process.poll() is None:
            os.write(main_fd, b"\x03")
        process.wait(timeout=10)
        os.close(main_fd)
    return elapsed


def median_of(argv: list[str], marker: bytes | None, env: dict[str, str], before: object = None) -> float:
    times = []
    for _ in range(RUNS):
        if callable(before):
            before()
        times.append(first_screen_s(argv, marker, env))
    return statistics.median(times)


def startup(workdir: Path) -> None:
    from runbook_engine.policy import load_policy
    from runbook_engine.timeline.events import Actor
    from runbook_engine.timeline.service import IncidentService
    from runbook_engine.timeline.store import SqliteStore

    store = workdir / "bench.db"
    policy = load_policy()
    with SqliteStore(store, policy) as opened:
        incident = IncidentService(opened, policy).open("bench", "SEV-2", "bob", Actor.current("bob"))
    runbook = REPO / "runbooks" / "redis-max-connections.yaml"
    walk = [sys.executable, "-m", "runbook_engine", "walk", str(runbook), "--store", str(store)]
    walk += ["--incident", incident.incident_id, "--as", "alice"]
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "80", "LINES": "24", "RUNBOOK_CACHE_DIR": str(workdir)}
    baseline = median_of([sys.executable, "-c", "import prompt_toolkit"], None, env)
    cache = workdir / "validated"
    cold = median_of(walk, b"What next?", env, before=lambda: shutil.rmtree(cache, ignore_errors=True))
    warm = median_of(walk, b"What next?", env)
    print(f"python -c 'import prompt_toolkit':      {baseline * 1000:7.1f} ms (baseline)")
    print(f"runbook walk, first screen, cold cache:  {cold * 1000:7.1f} ms  = {cold / baseline:.2f}x")
    print(f"runbook walk, first screen, warm cache:  {warm * 1000:7.1f} ms  = {warm / baseline:.2f}x"
          "  (target <= 2x)")


def generated_runbook(nodes: int) -> str:
    """A chain of checks, each answer `next` leading on and `stop` to one escalation."""
    lines = [
        "id: generated",
        "title: Generated runbook",
        "service: bench",
        'owners: ["@bench"]',
        "severity: SEV-2",
        "symptom:",
        "  summary: A very long decision chain",
        "start: n0",
        "nodes:",
    ]
    for index in range(nodes - 2):
        after = f"n{index + 1}" if index < nodes - 3 else "done"
        lines += [
            f"  n{index}:",
            "    kind: check",
            f"    text: Is step {index} of the chain fine?",
            "    signal: {kind: metric, query: bench_metric, expect: zero}",
            f"    answers: {{next: {after}, stop: escalate}}",
        ]
    lines += [
        "  escalate: {kind: escalate, text: Page the bench team., team: bench}",
        "  done: {kind: resolve, text: All steps passed.}",
    ]
    return "\n".join(lines) + "\n"


def answer_to_screen(workdir: Path) -> None:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from runbook_engine.format.validation_cache import load_validated
    from runbook_engine.policy import load_policy
    from runbook_engine.timeline.clock import SystemClock
    from runbook_engine.timeline.events import Actor
    from runbook_engine.timeline.service import IncidentService
    from runbook_engine.timeline.store import SqliteStore
    from runbook_engine.walk.controller import Controller
    from runbook_engine.walk.screen import WalkScreen
    from runbook_engine.walk.session import WalkSession
    from runbook_engine.walk.walker import Walker

    path = workdir / "generated.yaml"
    path.write_text(generated_runbook(NODES), encoding="utf-8")
    started = time.perf_counter()
    runbook = load_validated(path, workdir)
    loaded = time.perf_counter() - started
    policy = load_policy()
    store = SqliteStore(workdir / "generated.db", policy)
    service = IncidentService(store, policy, SystemClock())
    incident = service.open("bench", "SEV-2", "bob", Actor.current("bob")).incident_id
    session = WalkSession(service, incident, Walker(runbook, Actor.current("alice"), policy), SystemClock())
    session.begin()
    with create_pipe_input() as pipe:
        screen = WalkScreen(Controller(session), input=pipe, output=DummyOutput())
        times = []
        for _ in range(2 * ANSWERS):
            begin = time.perf_counter()
            screen.controller.pick("1")
            screen.controller.submit("")
            screen.after_action()
            screen.frame()
            times.append(time.perf_counter() - begin)
    store.close()
    reached = session.walker.position(session.state)
    if reached != f"n{2 * ANSWERS}":
        raise RuntimeError(f"the walk stopped at {reached}: the measurement is not of answers")
    measured = sorted(times[ANSWERS:])
    p95 = measured[int(len(measured) * 0.95) - 1]
    print(f"{NODES}-node runbook: validated and loaded in {loaded * 1000:.0f} ms (cold cache)")
    print(f"answer -> next screen: median {statistics.median(measured) * 1000:.2f} ms, "
          f"p95 {p95 * 1000:.2f} ms over {ANSWERS} answers (after {ANSWERS} warm-up)  (target <= 20 ms)")


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        startup(Path(folder))
        answer_to_screen(Path(folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
