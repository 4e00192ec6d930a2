"""Fuzzing the whole pipeline (load -> schema -> lint -> model -> DOT/Mermaid/page) within the suite.

A bounded hypothesis run here; scripts/fuzz.py runs the same pipeline over 100,000+ inputs.
"""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runbook_engine.errors import EngineError
from tests.conftest import REPO


def _fuzz_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fuzz_script", REPO / "scripts" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FUZZ = _fuzz_script()
SEEDS = FUZZ.seeds()
OUTCOMES = {"load", "blocked", "rendered"}


def _outcome(raw: bytes) -> str:
    try:
        return str(FUZZ.through_pipeline(raw))
    except EngineError:
        return "engine-error"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FUZZ.TOKENS), max_size=120).map("".join))
def test_yaml_token_sequences_never_crash(text: str) -> None:
    assert _outcome(text.encode("utf-8", "surrogatepass")) in {*OUTCOMES, "engine-error"}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=2**32))
def test_mutated_bundled_runbooks_never_crash(seed: int) -> None:
    raw = FUZZ.mutation(random.Random(seed), SEEDS)
    assert _outcome(raw) in {*OUTCOMES, "engine-error"}


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(raw: bytes) -> None:
    assert _outcome(raw) in {*OUTCOMES, "engine-error"}


def test_the_fuzz_script_runs_and_counts_no_crash(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "fuzz.py"), "--inputs", "300", "--jobs", "1",
         "--crashes", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "inputs run: 300" in done.stdout and "crashes: 0" in done.stdout
