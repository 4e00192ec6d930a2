"""The timeline benchmark script still runs (on a tiny incident; no timing is asserted)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO


def test_benchmark_runs_and_reports_a_ratio() -> None:
    script = REPO / "benchmarks" / "timeline_append.py"
    done = subprocess.run([sys.executable, str(script), "30"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "ratio baseline / cached" in done.stdout
