"""The `runbook` entry point: usage, unknown commands and the one error handler."""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path

import pytest

from runbook_engine.cli import main as cli_main
from runbook_engine.errors import Refused


def test_no_arguments_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main([]) == 2
    assert "usage: runbook" in capsys.readouterr().err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in cli_main.COMMANDS:
        assert name in out


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main.main(["frobnicate"]) == 2
    assert "unknown command 'frobnicate'" in capsys.readouterr().err


def _fake_command(monkeypatch: pytest.MonkeyPatch, behaviour: BaseException) -> None:
    module = types.ModuleType("fake_command")

    def build_parser(prog: str) -> argparse.ArgumentParser:
        return argparse.ArgumentParser(prog=prog)

    def run(args: argparse.Namespace) -> int:
        raise behaviour

    module.build_parser = build_parser  # type: ignore[attr-defined]
    module.run = run  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "fake_command", module)
    monkeypatch.setitem(cli_main.COMMANDS, "fake", ("fake_command", "a test double"))


def test_refusal_is_exit_1_with_hint(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_command(monkeypatch, Refused("a change is already in flight", "record its result first"))
    assert cli_main.main(["fake"]) == 1
    err = capsys.readouterr().err
    assert "a change is already in flight" in err and "hint: record its result first" in err


def test_internal_error_is_exit_3_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("RUNBOOK_DEBUG", raising=False)
    _fake_command(monkeypatch, ZeroDivisionError("boom"))
    assert cli_main.main(["fake"]) == 3
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err


def test_interrupt_is_130(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_command(monkeypatch, KeyboardInterrupt())
    assert cli_main.main(["fake"]) == 130


def test_bad_option_is_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _fake_command(monkeypatch, KeyboardInterrupt())
    assert cli_main.main(["fake", "--nope"]) == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_every_finding_of_an_invalid_runbook_is_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: y\nnodes:\n  a: {kind: check, text: look}\n", encoding="utf-8")
    assert cli_main.main(["render", str(bad), "-f", "dot"]) == 2
    err = capsys.readouterr().err
    assert err.count(f"{bad}:") >= 4 and "hint: add `" in err and "Traceback" not in err
