"""Running `runbook` in-process against a store in a temporary folder."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from runbook_engine.cli.main import main


@dataclass
class Cli:
    """`main([...])` with `--store` filled in, returning (exit code, stdout, stderr)."""

    store: Path
    capsys: pytest.CaptureFixture[str]

    def __call__(self, *argv: str, actor: str | None = "lee") -> tuple[int, str, str]:
        extra = ["--store", str(self.store)] + (["--as", actor] if actor else [])
        code = main([*argv[:2], *extra, *argv[2:]])
        out, err = self.capsys.readouterr()
        return code, out, err

    def open(self, *extra: str) -> str:
        code, out, err = self("incident", "open", "Checkout", "failing", "--sev", "SEV-1", *extra)
        assert code == 0, err
        return out.splitlines()[0]
