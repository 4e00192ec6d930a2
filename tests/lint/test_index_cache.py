"""The cached index of neighbouring runbooks: used only while provably current, never hiding a finding."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.lint.index_cache import RACY_NS, library_entries
from tests.lint.common import patched

TEAM = "    team: platform-oncall\n"
IDS = {"demo", "other", "ohter", "from-the-index"}


def library(folder: Path) -> tuple[Path, Path]:
    """demo.yaml links to other#watch; other.yaml has that node."""
    folder.mkdir(exist_ok=True)
    demo, other = folder / "demo.yaml", folder / "other.yaml"
    demo.write_text(patched(TEAM, TEAM + "    runbook: other#watch\n"), encoding="utf-8")
    other.write_text(patched("id: demo", "id: other"), encoding="utf-8")
    return demo, other


def row(cache: Path, name: str) -> dict[str, object]:
    with closing(sqlite3.connect(cache / "library-index.sqlite3")) as db:
        db.row_factory = sqlite3.Row
        return dict(db.execute("SELECT * FROM files WHERE name = ?", (name,)).fetchone())


def rewrite(cache: Path, name: str, change: Mapping[str, object]) -> None:
    """Edit a row as a coarse clock or a stale cache would leave it."""
    with closing(sqlite3.connect(cache / "library-index.sqlite3")) as db, db:
        for column, value in change.items():
            db.execute(f"UPDATE files SET {column} = ? WHERE name = ?", (value, name))


def other_id(other: Path, cache: Path) -> str:
    (entry,) = [e for e in library_entries([other.parent], IDS, cache) if e.path == str(other)]
    return entry.id


def lint_out(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["lint", str(path)])
    return code, capsys.readouterr().out


def test_a_removed_node_is_found_though_the_index_had_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo, other = library(tmp_path)
    assert lint_out(demo, capsys)[0] == 0
    other.write_text(patched("id: demo", "id: other").replace("watch", "wotch"), encoding="utf-8")
    code, out = lint_out(demo, capsys)
    assert code == 1
    assert "RB206 runbook 'other' has no node 'watch'" in out


def test_same_size_same_stat_change_is_caught_by_the_content_hash(tmp_path: Path) -> None:
    """A coarse clock can leave size and times unchanged; a recent entry is checked by hash."""
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    assert other_id(other, cache) == "other"
    other.write_text(patched("id: demo", "id: ohter"), encoding="utf-8")
    stat = other.stat()
    same = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "ctime_ns": stat.st_ctime_ns}
    rewrite(cache, "other.yaml", same)
    assert other_id(other, cache) == "ohter"


def test_a_settled_entry_is_used_without_reading_the_file(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    list(library_entries([other.parent], IDS, cache))
    settled = int(str(row(cache, "other.yaml")["read_at_ns"])) + 2 * RACY_NS  # read long after a change
    rewrite(cache, "other.yaml", {"read_at_ns": settled, "id": "from-the-index"})
    assert other_id(other, cache) == "from-the-index"
    other.write_text(patched("id: demo", "id: ohter"), encoding="utf-8")
    assert other_id(other, cache) == "ohter"


def test_new_and_deleted_neighbours(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    demo, other = library(tmp_path)
    assert lint_out(demo, capsys)[0] == 0
    other.unlink()
    assert "RB206 link to unknown runbook 'other'" in lint_out(demo, capsys)[1]
    (tmp_path / "later.yaml").write_text(patched("id: demo", "id: other"), encoding="utf-8")
    assert lint_out(demo, capsys)[0] == 0


def test_a_damaged_index_is_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    list(library_entries([other.parent], IDS, cache))
    (cache / "library-index.sqlite3").write_bytes(b"not a database" * 100)
    assert other_id(other, cache) == "other"
    assert row(cache, "other.yaml")["id"] == "other"


def test_the_linted_file_is_not_its_own_duplicate_however_spelt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo, _ = library(tmp_path)
    (tmp_path / "sub").mkdir()
    roundabout = tmp_path / "sub" / ".." / demo.name
    assert lint_out(roundabout, capsys)[0] == 0
    (tmp_path / "copy.yaml").write_text(demo.read_text(), encoding="utf-8")
    assert "RB207 runbook id 'demo' is already used" in lint_out(roundabout, capsys)[1]
