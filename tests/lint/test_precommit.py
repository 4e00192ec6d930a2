"""The real `pre-commit try-repo` runs our hook: a bad runbook fails the commit, a good one passes.

Offline: pre-commit builds our package with the setuptools wheel that virtualenv ships, installs it
without dependencies, and the hook finds those dependencies through PYTHONPATH (this test's venv).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, REPO

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"

MISSING = not PRE_COMMIT.exists() or shutil.which("git") is None
pytestmark = [pytest.mark.slow, pytest.mark.skipif(MISSING, reason="needs pre-commit and git")]


def offline_env(home: Path) -> dict[str, str]:
    import virtualenv

    embedded = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    site = sysconfig.get_paths()["purelib"]
    return {
        **os.environ,
        "PRE_COMMIT_HOME": str(home),
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(embedded),
        "PIP_NO_DEPS": "1",
        "PYTHONPATH": site,
    }


def try_repo(target: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(REPO), "runbook-lint", "--all-files"],
        cwd=target, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def test_pre_commit_hook_fails_bad_and_passes_good_runbooks(tmp_path: Path) -> None:
    target = tmp_path / "repo"
    (target / "runbooks").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    shutil.copy(FIXTURES / "good" / "demo.yaml", target / "runbooks" / "demo.yaml")
    (target / "runbooks" / "policy.yaml").write_text("not: a runbook\n", encoding="utf-8")
    env = offline_env(tmp_path / "pre-commit-home")

    good = try_repo(target, env)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "runbook lint" in good.stdout and "Passed" in good.stdout

    bad = (FIXTURES / "bad" / "rb202-dangling-next.yaml").read_text(encoding="utf-8")
    (target / "runbooks" / "broken.yaml").write_text(bad.replace("id: demo", "id: broken"), encoding="utf-8")
    failed = try_repo(target, env)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "runbooks/broken.yaml:33:11: RB202 'next' leads to unknown node 'wait'" in failed.stdout
