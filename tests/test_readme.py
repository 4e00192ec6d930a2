"""Every `sh` block in README.md runs as written, in a throw-away folder that looks like this checkout.

A block with a walk in it runs whole inside a real terminal (tmux on a private socket): the test
waits for the walk's first screen, quits it as a person would, and the block carries on.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.readme import blocks, non_interactive

SH_BLOCKS = blocks("sh")
NUMBERED = {f"block{n}": block for n, block in enumerate(SH_BLOCKS, start=1)}


def test_the_readme_starts_with_the_two_commands() -> None:
    first = SH_BLOCKS[0]
    assert non_interactive(first) == [] and "scripts/demo" in first and "scripts/test" in first
    assert all((REPO / "scripts" / name).is_file() for name in ("demo", "test", "setup", "lock", "upgrade"))


def test_no_sh_block_names_a_literal_incident_id() -> None:
    assert not [block for block in SH_BLOCKS if "INC-2" in block]


def checkout_lookalike(folder: Path) -> Path:
    """A folder with this checkout's runbooks and virtualenv, where a block's files can land."""
    (folder / "runbooks").symlink_to(REPO / "runbooks")
    (folder / ".venv").symlink_to(Path(sys.prefix))
    return folder


def clean_env() -> dict[str, str]:
    return {key: value for key, value in os.environ.items() if not key.startswith("RUNBOOK_STORE")}


@pytest.mark.slow
@pytest.mark.needs_dot
@pytest.mark.parametrize("name", [name for name in NUMBERED if name != "block1"])
def test_a_readme_block_runs_as_written(name: str, tmp_path: Path) -> None:
    if "runbook walk" in NUMBERED[name]:
        run_in_a_terminal(NUMBERED[name], checkout_lookalike(tmp_path))
        return
    script = "set -euo pipefail\n" + "\n".join(non_interactive(NUMBERED[name])) + "\n"
    done = subprocess.run(["bash", "-c", script], cwd=checkout_lookalike(tmp_path), env=clean_env(),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


def run_in_a_terminal(block: str, folder: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not on PATH (scripts/setup installs it)")
    (folder / "block.sh").write_text("set -euo pipefail\n" + block, encoding="utf-8")
    socket = f"readme-{uuid.uuid4().hex[:8]}"
    server = ["tmux", "-L", socket]  # a private tmux server
    command = "bash block.sh; echo $? > exit-code; sleep 60"
    env = {**clean_env(), "TERM": "xterm-256color"}
    subprocess.run([*server, "new-session", "-d", "-s", "readme", "-x", "160", "-y", "40", "-c", str(folder),
                    command], env=env, check=True, timeout=10)
    try:
        wait_for_screen(server, "What next?")
        subprocess.run([*server, "send-keys", "-t", "readme", "C-c"], check=True, timeout=10)
        code = wait_for_file(folder / "exit-code")
        screen = subprocess.run([*server, "capture-pane", "-p", "-S", "-200", "-t", "readme"],
                                capture_output=True, text=True, check=False).stdout
        assert code == "0", screen
        assert (folder / "postmortem.md").is_file() and (folder / "path.svg").is_file()
    finally:
        subprocess.run([*server, "kill-server"], capture_output=True, check=False)


def wait_for_screen(server: list[str], text: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    shown = ""
    while time.monotonic() < deadline:
        shown = subprocess.run([*server, "capture-pane", "-p", "-t", "readme"],
                               capture_output=True, text=True, check=False).stdout
        if text in shown:
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")


def wait_for_file(path: Path, timeout: float = 120.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.is_file() and path.read_text().strip():
            return path.read_text().strip()
        time.sleep(0.2)
    raise AssertionError(f"{path} never appeared")


@pytest.mark.slow
@pytest.mark.needs_tmux
def test_the_first_command_lints_waits_for_enter_then_walks_a_demo(tmp_path: Path) -> None:
    """`scripts/demo` as a new user runs it: the lint summary stays readable until Enter."""
    if not (REPO / ".venv" / "bin" / "runbook").exists():
        pytest.skip("scripts/demo needs the checkout's .venv (scripts/setup makes it)")
    socket = f"demo-{uuid.uuid4().hex[:8]}"
    server = ["tmux", "-L", socket]  # a private tmux server
    env = {**clean_env(), "TERM": "xterm-256color", "RUNBOOK_STORE": str(tmp_path / "demo.db")}
    command = f"{REPO / 'scripts' / 'demo'}; echo $? > {tmp_path / 'exit-code'}; sleep 60"
    subprocess.run([*server, "new-session", "-d", "-s", "readme", "-x", "160", "-y", "40", command],
                   env=env, check=True, timeout=10)
    try:
        wait_for_screen(server, "Press Enter to walk", timeout=120)
        shown = subprocess.run([*server, "capture-pane", "-p", "-t", "readme"],
                               capture_output=True, text=True, check=False).stdout
        assert "0 errors" in shown
        subprocess.run([*server, "send-keys", "-t", "readme", "Enter"], check=True, timeout=10)
        wait_for_screen(server, "DEMO")
        subprocess.run([*server, "send-keys", "-t", "readme", "C-c"], check=True, timeout=10)
        assert wait_for_file(tmp_path / "exit-code") == "0"
    finally:
        subprocess.run([*server, "kill-server"], capture_output=True, check=False)
