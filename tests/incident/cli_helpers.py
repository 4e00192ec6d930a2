"""Running `runbook` in-process against a store in a temporary folder.

In-process calls all run as one OS account, so each call stands in for a different account by
replacing what `os_account()` answers (a people-less policy makes that account the handle).
The authority rules are exercised across real OS accounts in tests/incident/test_accounts.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from runbook_engine.cli import incident, incident_context
from runbook_engine.cli.main import main


@dataclass
class Cli:
    """`main([...])` with `--store` filled in, returning (exit code, stdout, stderr)."""

    store: Path
    capsys: pytest.CaptureFixture[str]
    monkeypatch: pytest.MonkeyPatch

    def __call__(self, *argv: str, actor: str | None = "lee") -> tuple[int, str, str]:
        if actor is not None:
            self.as_account(actor)
        code = main([*argv[:2], "--store", str(self.store), *argv[2:]])
        out, err = self.capsys.readouterr()
        return code, out, err

    def as_account(self, account: str) -> None:
        """Later calls act from OS account `account`."""
        for module in (incident_context, incident):
            self.monkeypatch.setattr(module, "os_account", lambda: account)

    def open(self, *extra: str) -> str:
        code, out, err = self("incident", "open", "Checkout", "failing", "--sev", "SEV-1", *extra)
        assert code == 0, err
        return out.splitlines()[0]


def make_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(tmp_path / "incidents.db", capsys, monkeypatch)
