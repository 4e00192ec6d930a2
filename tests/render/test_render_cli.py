"""`runbook render` end to end: every bundled runbook with the real dot, formats, errors, lazy imports."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.format.library import discover, load_runbook
from tests.conftest import RUNBOOKS
from tests.render.helpers import FIXTURES, svg_groups

BUNDLED = discover([str(RUNBOOKS)])
FIXTURE = str(FIXTURES / "primary-db-down.yaml")


@pytest.mark.needs_dot
@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_runbook_renders_to_svg_with_every_node(path: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.svg"
    assert main(["render", str(path), "-f", "svg", "-o", str(out)]) == 0
    groups = svg_groups(out.read_bytes())
    missing = [n for n in load_runbook(path).nodes if f"node-{n}" not in groups]
    assert missing == []


@pytest.mark.needs_dot
@pytest.mark.parametrize(("fmt", "magic"), [("png", b"\x89PNG\r\n\x1a\n"), ("pdf", b"%PDF-")])
def test_binary_formats_start_with_their_magic_bytes(fmt: str, magic: bytes, tmp_path: Path) -> None:
    out = tmp_path / f"out.{fmt}"
    assert main(["render", FIXTURE, "-f", fmt, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(magic)


@pytest.mark.needs_dot
def test_format_follows_the_output_suffix(tmp_path: Path) -> None:
    out = tmp_path / "diagram.png"
    assert main(["render", FIXTURE, "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


def test_an_output_suffix_that_names_no_format_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.jpg"
    assert main(["render", FIXTURE, "-o", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "'.jpg'" in err and ".png" in err and "-f" in err


@pytest.mark.needs_dot
def test_an_explicit_format_wins_over_an_unknown_suffix(tmp_path: Path) -> None:
    out = tmp_path / "x.jpg"
    assert main(["render", FIXTURE, "-f", "png", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.needs_dot
def test_svg_goes_to_stdout_without_o(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["render", FIXTURE]) == 0
    assert b"<svg" in capsysbinary.readouterr().out


def _no_dot_on_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize("fmt", ["dot", "mermaid"])
def test_text_formats_work_without_dot(fmt: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _no_dot_on_path(monkeypatch, tmp_path)
    assert main(["render", FIXTURE, "-f", fmt]) == 0
    assert capsys.readouterr().out.startswith("digraph" if fmt == "dot" else "flowchart")


@pytest.mark.parametrize("fmt", ["svg", "png", "pdf"])
def test_images_without_dot_fail_with_the_package_to_install(
    fmt: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _no_dot_on_path(monkeypatch, tmp_path)
    out = tmp_path / f"out.{fmt}"
    assert main(["render", FIXTURE, "-f", fmt, "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "`dot` program, which is not on PATH" in err and "apt-get install graphviz" in err
    assert "Traceback" not in err and not out.exists()


def test_invalid_runbook_reports_a_position(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: [unclosed\n")
    assert main(["render", str(bad), "-f", "dot"]) == 2
    assert f"{bad}:" in capsys.readouterr().err


def test_unwritable_output_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no-such-dir" / "out.dot"
    assert main(["render", FIXTURE, "-o", str(target)]) == 2
    assert "cannot write" in capsys.readouterr().err


def _imported_after(script: str) -> str:
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_rendering_text_formats_never_imports_graphviz() -> None:
    script = (
        "import sys; from runbook_engine.cli.main import main;"
        f"code = main(['render', {FIXTURE!r}, '-f', 'dot', '-o', '/dev/null']);"
        f"code |= main(['render', {FIXTURE!r}, '-f', 'mermaid', '-o', '/dev/null']);"
        "print(code, 'graphviz' in sys.modules)"
    )
    assert _imported_after(script) == "0 False"


def test_render_modules_import_neither_graphviz_nor_networkx() -> None:
    """The drawing code itself stays light; `site` is left out as it loads runbooks via the linter."""
    script = (
        "import sys, pkgutil, importlib, runbook_engine.render as r;"
        "[importlib.import_module('runbook_engine.render.' + m.name)"
        " for m in pkgutil.iter_modules(r.__path__) if m.name not in ('backend', 'site')];"
        "from runbook_engine.format.loader import load_path;"
        "from runbook_engine.format.model import runbook_from_data;"
        "from runbook_engine.render.dot import runbook_dot;"
        "from runbook_engine.render.mermaid import runbook_mermaid;"
        f"rb = runbook_from_data(load_path({FIXTURE!r}).data);"
        "runbook_dot(rb); runbook_mermaid(rb);"
        "print(sorted(m for m in ('graphviz', 'networkx') if m in sys.modules))"
    )
    assert _imported_after(script) == "[]"
