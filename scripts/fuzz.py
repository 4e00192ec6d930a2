#!/usr/bin/env python3
"""Fuzz the runbook pipeline: load -> schema -> lint -> model -> DOT/Mermaid/page, counting crashes.

Inputs come from three sources, in equal shares by default:

- random bytes (sometimes behind a valid-looking first line);
- sequences of YAML tokens (indentation, flow brackets, anchors, aliases, tags, merge keys,
  escapes, runbook field names, long numbers, control and bidi characters);
- structure-aware mutations of the bundled runbooks (runbooks/ and tests/fixtures/good/): keys
  dropped or renamed, values replaced by hostile ones, answers retargeted, kinds swapped, nodes
  duplicated, then dumped to YAML; or text-level edits of their source (lines dropped,
  duplicated or swapped, tokens inserted, bytes flipped).

Each input goes through `load_bytes`, the full lint (schema and every rule), and, when the
blocking checks pass, the model, `runbook_dot`, `runbook_mermaid` and the docs page. A finding or
the project's own errors (LoadError, EngineError) are expected outcomes; any other exception is
a crash and is counted, with the first input of each kind saved under --crashes.

    .venv/bin/python scripts/fuzz.py [--inputs 100000] [--seed 1] [--jobs 2] [--crashes DIR]

Exit status: 0 when nothing crashed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from runbook_engine.errors import EngineError  # noqa: E402
from runbook_engine.findings import Severity  # noqa: E402
from runbook_engine.format.loader import LoadError, dump, load_bytes, load_text  # noqa: E402
from runbook_engine.format.model import runbook_from_data  # noqa: E402
from runbook_engine.lint.config import LintConfig  # noqa: E402
from runbook_engine.lint.engine import library_findings, lint_document  # noqa: E402
from runbook_engine.lint.rules import BLOCKING  # noqa: E402
from runbook_engine.render.dot import runbook_dot  # noqa: E402
from runbook_engine.render.mermaid import runbook_mermaid  # noqa: E402
from runbook_engine.render.page import runbook_page  # noqa: E402

KINDS = ("bytes", "tokens", "mutation")
TOKENS = [
    *" \n\n  \t:-,[]{}#&*!|>'\"?%@`.\\", "\r\n", "    ", "- ", ": ", "---\n", "...\n", "%YAML 1.1\n",
    "id: ", "title: ", "service: ", "owners: ", "severity: ", "symptom: ", "summary: ", "start: ",
    "nodes:\n", "kind: ", "check", "action", "wait", "resolve", "escalate", "cause", "cleanup",
    "text: ", "answers: ", "outcomes: ", "next: ", "signal: ", "step: ", "argv: ", "query: ",
    "risk: risky", "rollback: ", "duration: ", "monitoring: ", "timeout: ", "runbook: ", "stages: ",
    "&a ", "*a", "&b ", "*b", "<<: ", "<<: *a", "!!python/object:os.system", "!!binary ", "!!int ",
    "!!bool ", "!!float ", "!!null ", "!!timestamp ",
    "!!str ", "!!map ", "!!set ", "!custom ", "? ", "\\e]0;PWNED\\a", "\u202e", "\x1b[2J", "\x00",
    "\ufeff", "1" * 40, "9" * 4400, "99999999999999h", "1e999", "0x1F", "0o17", ".nan", "-.inf",
    "yes", "no", "on", "null", "~", "2026-03-01", "12:30:00", "\"a\\nb\"", "'it''s'", "|\n  x\n",
    ">-\n  y\n", "a" * 200, "é", "日本",
]
HOSTILE_VALUES: list[Any] = [
    None, True, 0, -1, 10**30, 1.5, float("inf"), "", " ", "x" * 70_000, "\x1b]0;PWNED\x07\x1b[2J",
    "\u202eevil\u202c", "a\nb", "demo\n", "# heading", "$(id); rm -rf /", "{{incident}}", "{{nope}}",
    "99999999999999999999h", "721h", "0s", "TODO", "@", [], [None], {}, {"x": {"y": {"z": []}}},
    ["a"] * 50, {"kind": "check"}, "SEV-9", "risky", "irreversible",
]
FIELDS = [
    "id", "title", "service", "owners", "severity", "symptom", "start", "nodes", "kind", "text",
    "answers", "outcomes", "next", "signal", "step", "argv", "risk", "rollback", "verify", "cleanup",
    "duration", "monitoring", "timeout", "runbook", "team", "stages", "suppress", "tags", "query",
]


def through_pipeline(raw: bytes) -> str:
    """The outcome: `load` (refused by the loader), `blocked` (a blocking finding), `rendered`."""
    try:
        document = load_bytes(raw, "fuzz.yaml")
    except LoadError:
        return "load"
    outcome = lint_document(document, LintConfig())
    entries = [outcome.entry] if outcome.entry else []
    list(library_findings(entries, LintConfig()))
    blocking = [f for f in outcome.findings if f.code in BLOCKING and f.severity is Severity.ERROR]
    if blocking:
        return "blocked"
    runbook = runbook_from_data(document.data, "fuzz.yaml")
    runbook_dot(runbook)
    runbook_mermaid(runbook)
    runbook_page(runbook, "diagram")
    return "rendered"


def random_bytes(rng: random.Random) -> bytes:
    body = rng.randbytes(rng.randint(0, 2000))
    return (b"id: demo\n" + body) if rng.random() < 0.3 else body


def token_text(rng: random.Random) -> bytes:
    return "".join(rng.choice(TOKENS) for _ in range(rng.randint(1, 200))).encode("utf-8", "surrogatepass")


def seeds() -> list[tuple[str, Any]]:
    """The bundled runbooks, as source text and as loaded data."""
    paths = sorted((REPO / "runbooks").glob("*.yaml")) + sorted((REPO / "tests/fixtures/good").glob("*.y*ml"))
    found = []
    for path in paths:
        if path.name == "policy.yaml":
            continue
        text = path.read_text(encoding="utf-8")
        found.append((text, load_text(text, str(path)).data))
    return found


def mutation(rng: random.Random, seed_list: list[tuple[str, Any]]) -> bytes:
    text, data = rng.choice(seed_list)
    if rng.random() < 0.35:
        return _text_mutation(rng, text).encode("utf-8", "surrogatepass")
    mutated = copy.deepcopy(data)
    for _ in range(rng.randint(1, 4)):
        mutated = _data_mutation(rng, mutated)
    return dump(mutated).encode("utf-8")


def _text_mutation(rng: random.Random, text: str) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(lines) or 1)
        choice = rng.randrange(5)
        if choice == 0 and lines:
            del lines[where]
        elif choice == 1 and lines:
            lines.insert(where, lines[rng.randrange(len(lines))])
        elif choice == 2 and len(lines) > 1:
            other = rng.randrange(len(lines))
            lines[where], lines[other] = lines[other], lines[where]
        elif choice == 3:
            lines.insert(where, rng.choice(TOKENS))
        elif lines:
            line = lines[where]
            spot = rng.randrange(len(line) or 1)
            char = chr(rng.randrange(0x110000) if rng.random() < 0.2 else rng.randrange(128))
            lines[where] = line[:spot] + char + line[spot + 1 :]
    return "".join(lines).replace("\ud800", "")


def _containers(data: Any) -> list[Any]:
    found, todo = [], [data]
    while todo:
        item = todo.pop()
        if isinstance(item, (dict, list)):
            found.append(item)
            todo.extend(item.values() if isinstance(item, dict) else item)
    return found


def _data_mutation(rng: random.Random, data: Any) -> Any:
    target = rng.choice(_containers(data) or [data])
    if isinstance(target, dict) and target:
        key = rng.choice(list(target))
        action = rng.randrange(5)
        if action == 0:
            del target[key]
        elif action == 1:
            target[key] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
        elif action == 2:
            target[rng.choice([*FIELDS, key + "x", key.upper(), "\u202e" + key])] = target.pop(key)
        elif action == 3:
            target[f"{key}-copy"] = copy.deepcopy(target[key])
        else:
            target[key] = _retarget(rng, data, target[key])
    elif isinstance(target, list):
        if target and rng.random() < 0.5:
            target[rng.randrange(len(target))] = copy.deepcopy(rng.choice(HOSTILE_VALUES))
        else:
            target.append(copy.deepcopy(rng.choice(HOSTILE_VALUES)))
    return data


def _retarget(rng: random.Random, data: Any, value: Any) -> Any:
    """Point a reference at another node, itself, a missing node or a link."""
    found = data.get("nodes") if isinstance(data, dict) else None
    nodes = list(found) if isinstance(found, dict) else []
    options = [*nodes[:20], "missing-node", "other-runbook#node", "x" * 65, value]
    return rng.choice(options) if isinstance(value, str) else value


def generate(kind: str, rng: random.Random, seed_list: list[tuple[str, Any]]) -> bytes:
    if kind == "bytes":
        return random_bytes(rng)
    if kind == "tokens":
        return token_text(rng)
    return mutation(rng, seed_list)


def run_chunk(job: tuple[int, int, int, str]) -> dict[str, Any]:
    """Run `count` inputs from one seed; returns counts, crash kinds with a first example, slowest."""
    seed, start, count, crash_dir = job
    rng = random.Random(seed)  # noqa: S311 - reproducible inputs, not secrets
    seed_list = seeds()
    outcomes: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    slowest = (0.0, "")
    for number in range(start, start + count):
        kind = KINDS[number % len(KINDS)]
        raw = generate(kind, rng, seed_list)
        began = time.perf_counter()
        try:
            outcomes[f"{kind}:{through_pipeline(raw)}"] += 1
        except EngineError:
            outcomes[f"{kind}:engine-error"] += 1
        except Exception as exc:  # the point of the exercise: anything else is a crash
            name = f"{type(exc).__name__}: {str(exc)[:120]}"
            if not crashes[name]:
                Path(crash_dir).mkdir(parents=True, exist_ok=True)
                (Path(crash_dir) / f"crash-{seed}-{number}.yaml").write_bytes(raw)
            crashes[name] += 1
        took = time.perf_counter() - began
        if took > slowest[0]:
            slowest = (took, f"{kind} #{number}")
    return {"outcomes": outcomes, "crashes": crashes, "slowest": slowest}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--crashes", default=str(REPO / ".fuzz-crashes"))
    args = parser.parse_args(argv)
    chunk = 2_000
    jobs = [(args.seed * 1_000_003 + start, start, min(chunk, args.inputs - start), args.crashes)
            for start in range(0, args.inputs, chunk)]
    began = time.perf_counter()
    outcomes: Counter[str] = Counter()
    crashes: Counter[str] = Counter()
    slowest = (0.0, "")
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for result in pool.map(run_chunk, jobs):
            outcomes.update(result["outcomes"])
            crashes.update(result["crashes"])
            slowest = max(slowest, result["slowest"])
    total = sum(outcomes.values()) + sum(crashes.values())
    print(f"inputs run: {total} in {time.perf_counter() - began:.0f} s (seed {args.seed})")
    for name, count in sorted(outcomes.items()):
        print(f"  {name}: {count}")
    print(f"slowest input: {slowest[0]:.2f} s ({slowest[1]})")
    print(f"crashes: {sum(crashes.values())}")
    for name, count in crashes.most_common():
        print(f"  {count} x {name}")
    return 1 if crashes else 0


if __name__ == "__main__":
    raise SystemExit(main())
