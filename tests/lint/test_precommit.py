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
from typing import Any

import pytest

from runbook_engine.format.loader import dump, load_data_text
from tests.conftest import FIXTURES, REPO
from tests.readme import blocks

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


def try_repo(
    target: Path, env: dict[str, str], hook: str = "runbook-lint"
) -> subprocess.CompletedProcess[str]:
    subprocess.run(["git", "add", "-A"], cwd=target, check=True)
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(REPO), hook, "--all-files"],
        cwd=target, env=env, capture_output=True, text=True, timeout=300, check=False,
    )


def readme_config() -> dict[str, Any]:
    """The `.pre-commit-config.yaml` the README tells a runbook repository to write."""
    configs = [load_data_text(block) for block in blocks("yaml") if block.startswith("repos:")]
    assert len(configs) == 1
    config: dict[str, Any] = configs[0]
    return config


def readme_hook_ids() -> list[str]:
    return [hook["id"] for repo in readme_config()["repos"] for hook in repo["hooks"]]


def test_the_readme_config_is_valid_and_names_hooks_we_publish(tmp_path: Path) -> None:
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(dump(readme_config()), encoding="utf-8")
    checked = subprocess.run([str(PRE_COMMIT), "validate-config", str(config)],
                             capture_output=True, text=True, timeout=60, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    published = [hook["id"] for hook in load_data_text((REPO / ".pre-commit-hooks.yaml").read_text())]
    assert readme_hook_ids() == published == ["runbook-lint", "runbook-drill"]
    assert all(repo["rev"] for repo in readme_config()["repos"])


def test_the_readme_hooks_pass_a_repository_with_runbooks_and_no_drills_yet(tmp_path: Path) -> None:
    target = tmp_path / "repo"
    (target / "runbooks").mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    shutil.copy(FIXTURES / "good" / "demo.yaml", target / "runbooks" / "demo.yaml")
    env = offline_env(tmp_path / "pre-commit-home")
    for hook in readme_hook_ids():
        done = try_repo(target, env, hook)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Passed" in done.stdout


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
