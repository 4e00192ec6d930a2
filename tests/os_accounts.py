"""Throw-away OS accounts for tests where identity matters: a team sharing one host.

Only root can make accounts (CI runs as root); elsewhere the tests that need them skip and say
why. The accounts cannot read root's interpreter under /root, so they run a virtualenv built from
the distribution's /usr/bin/python3 whose path file puts this checkout and its installed
dependencies on `sys.path`. Names carry this process's id, so parallel test runs never collide,
and accounts left behind by a killed run are removed by the next one.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SYSTEM_PYTHON = Path("/usr/bin/python3")
_PREFIX = "rbt"
_OURS = re.compile(rf"^{_PREFIX}(\d+)[a-z]+$")


@dataclass(frozen=True)
class Account:
    """One OS account and how to run `runbook` as it."""

    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]
    python: Path
    home: Path

    def runbook(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """`runbook ARGV...` as this account; returns the finished process (text output)."""
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "RUNBOOK_CACHE_DIR": str(self.home / "cache"),
        }
        return subprocess.run(
            [str(self.python), "-m", "runbook_engine", *argv],
            user=self.uid,
            group=self.gid,
            extra_groups=list(self.groups),
            env=env,
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


class Accounts:
    """Makes accounts on demand (one shared group for them all) and removes them afterwards."""

    def __init__(self, base: Path, python: Path) -> None:
        self.base = base
        self.python = python
        self.group = f"{_PREFIX}{os.getpid()}grp"
        self._made: list[str] = []
        _run(["groupadd", self.group])
        self.gid = grp.getgrnam(self.group).gr_gid

    def make(self, handle: str, *, in_group: bool = True) -> Account:
        """A new account named after `handle` (letters only); in the shared group unless told not."""
        name = f"{_PREFIX}{os.getpid()}{handle}"
        home = self.base / name
        _run(["useradd", "--no-create-home", "--home-dir", str(home), "--shell", "/usr/sbin/nologin", name])
        self._made.append(name)
        entry = pwd.getpwnam(name)
        home.mkdir(mode=0o700)
        os.chown(home, entry.pw_uid, entry.pw_gid)
        groups = (self.gid,) if in_group else ()
        return Account(name, entry.pw_uid, entry.pw_gid, groups, self.python, home)

    def shared_folder(self, name: str) -> Path:
        """A folder set up as docs/incident.md says: the on-call group, mode 2770."""
        folder = self.base / name
        folder.mkdir()
        os.chown(folder, 0, self.gid)
        folder.chmod(0o2770)
        return folder

    def remove(self) -> None:
        for name in self._made:
            _run(["userdel", name], check=False)
        _run(["groupdel", self.group], check=False)


def _run(argv: list[str], check: bool = True) -> None:
    subprocess.run(argv, check=check, capture_output=True)


def why_not() -> str | None:
    """Why throw-away accounts cannot be made here, or None when they can."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root to create throw-away OS accounts (CI runs as root)"
    missing = [tool for tool in ("useradd", "userdel", "groupadd") if shutil.which(tool) is None]
    if missing:
        return f"needs {missing[0]} to create throw-away OS accounts"
    if not SYSTEM_PYTHON.exists():
        return f"needs {SYSTEM_PYTHON} for the accounts' virtualenv"
    return None


def build_venv(base: Path) -> Path:
    """A virtualenv from /usr/bin/python3 that imports this checkout and its dependencies."""
    venv = base / "venv"
    subprocess.run([str(SYSTEM_PYTHON), "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    deps = sysconfig.get_paths()["purelib"]
    checkout = Path(__file__).resolve().parent.parent
    lines = f"{checkout}\nimport site; site.addsitedir({deps!r})\n"
    (Path(site) / "runbook-checkout.pth").write_text(lines, encoding="utf-8")
    return python


def _remove_leftovers() -> None:
    """Accounts of test runs that were killed before they could clean up."""
    for entry in pwd.getpwall():
        match = _OURS.match(entry.pw_name)
        if match and not Path(f"/proc/{match[1]}").exists():
            _run(["userdel", entry.pw_name], check=False)
    for group in grp.getgrall():
        match = re.match(rf"^{_PREFIX}(\d+)grp$", group.gr_name)
        if match and not Path(f"/proc/{match[1]}").exists():
            _run(["groupdel", group.gr_name], check=False)


@pytest.fixture(scope="session")
def os_accounts() -> Iterator[Accounts]:
    """Throw-away accounts sharing a group, with a venv they can run; skips unless root."""
    reason = why_not()
    if reason is not None:
        pytest.skip(reason)
    _remove_leftovers()
    base = Path(tempfile.mkdtemp(prefix="rbt-accounts-"))
    base.chmod(0o755)  # the accounts must reach the venv and their homes below it
    python = build_venv(base)
    accounts = Accounts(base, python)
    try:
        probe = accounts.make("probe")
        check = probe.runbook("--version")
        if check.returncode != 0:
            version = f"{sys.version_info.major}.{sys.version_info.minor}"
            pytest.skip(f"the accounts' venv cannot import this checkout (Python {version}): {check.stderr}")
        yield accounts
    finally:
        accounts.remove()
        shutil.rmtree(base, ignore_errors=True)
