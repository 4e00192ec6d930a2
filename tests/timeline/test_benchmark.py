"""The timeline benchmark script still runs (on a tiny incident; no timing is asserted)."""

from __future__ import annotations

import pytest

from benchmarks.timeline_append import main


def test_benchmark_runs_and_reports_a_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["30"]) == 0
    assert "ratio baseline / cached" in capsys.readouterr().out
