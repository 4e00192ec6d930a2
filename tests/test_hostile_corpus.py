"""The hostile-input corpus: every bad runbook goes through lint, render, drill and walk.

Each file in tests/fixtures/bad declares the error it must give (`# expect: CODE line N`); a few
hostile inputs that cannot live in the repository (a FIFO, a symlink to /dev/zero, a file past
the size limit) are made here. For every one, through the real CLI in-process: lint names the
declared code; render, drill and walk refuse a runbook that fails a blocking check, naming the
code, before any screen or `dot` runs, and treat the others as runbooks; nothing ever exits 3 or
prints a traceback, each step takes under 5 s, and the Python heap while the file is read and
linted (where every command parses it) stays under 256 MiB (tracemalloc).
"""

from __future__ import annotations

import os
import re
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from runbook_engine.cli import walk as walk_cli
from runbook_engine.cli.main import main
from runbook_engine.errors import EngineError
from runbook_engine.format.loader import LOADER_CODES
from runbook_engine.format.reading import MAX_FILE_BYTES
from runbook_engine.format.validation_cache import load_validated
from runbook_engine.lint.rules import BLOCKING
from tests.conftest import FIXTURES

EXPECT = re.compile(rb"^# expect: (RB\d{3}) line (\d+)", re.MULTILINE)
BAD = sorted((FIXTURES / "bad").glob("*.yaml"))
MAX_SECONDS = 5.0
MAX_HEAP = 256 * 1024 * 1024
DRILL = """\
drill: corpus
runbook: {runbook}
scenario:
  severity: SEV-3
  roles: {{ic: ines}}
steps:
  - note: corpus run
"""


def _fifo(folder: Path) -> Path:
    path = folder / "fifo.yaml"
    os.mkfifo(path)
    return path


def _dev_zero(folder: Path) -> Path:
    path = folder / "zero.yaml"
    path.symlink_to("/dev/zero")
    return path


def _too_large(folder: Path) -> Path:
    path = folder / "large.yaml"
    path.write_bytes(b"id: demo\nx: " + b"a" * MAX_FILE_BYTES + b"\n")
    return path


MADE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "fifo": (_fifo, "RB011"),
    "symlink-to-dev-zero": (_dev_zero, "RB011"),
    "one-byte-over-the-limit": (_too_large, "RB009"),
}


@pytest.fixture(scope="module", autouse=True)
def _warm(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Import what the commands import once, so the 5 s budget measures the file, not the imports."""
    folder = tmp_path_factory.mktemp("warm")
    good = FIXTURES / "good" / "demo.yaml"
    main(["lint", str(good)])
    main(["render", str(good), "-f", "mermaid", "-o", str(folder / "g.mmd")])
    (folder / "w.drill.yaml").write_text(DRILL.format(runbook=str(good)))
    main(["drill", str(folder / "w.drill.yaml")])
    _walk(FIXTURES / "bad" / "rb001-syntax-error.yaml", folder / "s.db")


def test_the_corpus_holds_at_least_sixty_files_each_with_its_error() -> None:
    assert len(BAD) >= 60
    assert all(EXPECT.search(path.read_bytes()[:300]) for path in BAD)


class Run:
    """Runs one step of the corpus, checking exit code, traceback, time and heap."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def cli(self, *argv: str, heap: bool = False) -> tuple[int, str]:
        code, text = self.measure(lambda: main(list(argv)), heap)
        assert code in (0, 1, 2), f"runbook {' '.join(argv)} exited {code}: {text}"
        return code, text

    def measure(self, step: Callable[[], int], heap: bool = False) -> tuple[int, str]:
        """Run `step`; `heap` traces the Python heap too (slower, so only where parsing happens)."""
        if heap:
            tracemalloc.start()
        began = time.monotonic()
        try:
            code = step()
        finally:
            took = time.monotonic() - began
            peak = tracemalloc.get_traced_memory()[1] if heap else 0
            tracemalloc.stop()
        out, err = self.capsys.readouterr()
        text = out + err
        assert "Traceback" not in text and "internal error" not in text, text
        assert took < MAX_SECONDS, f"took {took:.1f} s"
        assert peak < MAX_HEAP, f"peak heap {peak / 2**20:.0f} MiB"
        return code, text


def _walk(path: Path, store: Path) -> int:
    """The real walk with a pipe for keys: a blocked runbook is refused before the screen; for
    the others Ctrl-C is waiting in the pipe, so the lobby that opens closes again."""
    args = walk_cli.build_parser("runbook walk").parse_args([str(path), "--store", str(store)])
    with create_pipe_input() as pipe:
        pipe.send_text("\x03")
        try:
            return walk_cli.walk(args, walk_cli.Terminal(pipe, DummyOutput()))
        except EngineError as exc:
            print(exc.message, *exc.details, sep="\n")
            return exc.exit_code
        except KeyboardInterrupt:
            return 130  # what `main` returns for Ctrl-C


def _blocked(path: Path) -> bool:
    """Whether the engine refuses to walk, render or drill this file (loader or blocking checks)."""
    try:
        load_validated(path)
    except EngineError:
        return True
    return False


REFUSAL = re.compile(r":\d+:\d+: (RB\d{3}) ")


def _refused(exit_code: int, text: str, code: str) -> bool:
    """Refused with positioned findings, naming the declared code when it is a blocking one."""
    named = set(REFUSAL.findall(text))
    must_name = code in BLOCKING or code in LOADER_CODES
    return exit_code != 0 and bool(named) and (code in named or not must_name)


def _through_everything(path: Path, code: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = Run(capsys)
    blocked = _blocked(path)
    lint_code, text = run.cli("lint", "--strict", str(path), heap=True)
    assert lint_code in (1, 2) and code in text
    render_code, text = run.cli("render", str(path), "-o", str(tmp_path / "graph.svg"))
    assert _refused(render_code, text, code) if blocked else render_code in (0, 2)
    drill = tmp_path / "corpus.drill.yaml"
    drill.write_text(DRILL.format(runbook=path.name if path.parent == tmp_path else str(path)))
    drill_code, text = run.cli("drill", str(drill))
    assert _refused(drill_code, text, code) if blocked else drill_code in (0, 1)
    walk_code, text = run.measure(lambda: _walk(path, tmp_path / "store.db"))
    assert _refused(walk_code, text, code) if blocked else walk_code in (0, 130)


@pytest.mark.parametrize("path", BAD, ids=[path.stem for path in BAD])
def test_a_hostile_file_goes_through_every_command_safely(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    match = EXPECT.search(path.read_bytes()[:300])
    assert match is not None
    _through_everything(path, match.group(1).decode(), tmp_path, capsys)


@pytest.mark.parametrize("name", list(MADE))
def test_a_hostile_file_made_here_goes_through_every_command_safely(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, code = MADE[name]
    _through_everything(make(tmp_path), code, tmp_path, capsys)
