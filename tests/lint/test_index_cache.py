"""The cached index of neighbouring runbooks: used only while provably current, never hiding a finding."""

from __future__ import annotations

import marshal
import os
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from runbook_engine.cli.main import main
from runbook_engine.lint import index_cache
from runbook_engine.lint.index_cache import library_entries
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


def listing(cache: Path, folder: Path) -> dict[str, Any]:
    """The folder's stored signatures and files."""
    query = "SELECT listing FROM folders WHERE folder = ?"
    with closing(sqlite3.connect(cache / "library-index.sqlite3")) as db:
        (blob,) = db.execute(query, (str(folder.resolve()),)).fetchone()
    _, signatures, files = marshal.loads(blob)
    return {"signatures": signatures, "files": files}


def store(cache: Path, folder: Path, changed: dict[str, Any]) -> None:
    """Write a listing as a stale cache would leave it."""
    blob = marshal.dumps((index_cache.NAME_RULES, changed["signatures"], changed["files"]))
    sql(cache, "UPDATE folders SET listing = ? WHERE folder = ?", blob, str(folder.resolve()))


def sql(cache: Path, statement: str, *values: object) -> None:
    with closing(sqlite3.connect(cache / "library-index.sqlite3")) as db, db:
        db.execute(statement, values)


def other_id(other: Path, cache: Path) -> str:
    (entry,) = [e for e in library_entries([other.parent], IDS, cache) if e.path == str(other)]
    return entry.id


def lint_out(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["lint", str(path)])
    return code, capsys.readouterr().out


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file counts as read long after its last change (its stat alone then vouches for it)."""
    monkeypatch.setattr(index_cache, "RACY_NS", 0)


def test_a_removed_node_is_found_though_the_index_had_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo, other = library(tmp_path)
    assert lint_out(demo, capsys)[0] == 0
    other.write_text(patched("id: demo", "id: other").replace("watch", "wotch"), encoding="utf-8")
    code, out = lint_out(demo, capsys)
    assert code == 1
    assert "RB206 runbook 'other' has no node 'watch'" in out


def test_a_file_read_soon_after_its_change_has_no_signature_and_is_hashed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A coarse clock can leave a second change with the same size and times; such an entry is never
    trusted on its stat, so a same-size change is seen."""
    monkeypatch.setattr(index_cache, "RACY_NS", 10**18)
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    assert other_id(other, cache) == "other"
    assert listing(cache, other.parent)["signatures"]["other.yaml"] is None
    other.write_text(patched("id: demo", "id: ohter"), encoding="utf-8")
    assert other_id(other, cache) == "ohter"


def test_a_settled_entry_is_used_without_reading_the_file(tmp_path: Path, settled: None) -> None:
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    list(library_entries([other.parent], IDS, cache))
    stat = other.stat()
    assert listing(cache, other.parent)["signatures"]["other.yaml"] == (
        stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino
    )
    _planted(cache, other)
    assert other_id(other, cache) == "from-the-index"
    other.write_text(patched("id: demo", "id: ohter"), encoding="utf-8")
    assert other_id(other, cache) == "ohter"


def test_a_rewrite_in_place_that_puts_the_old_mtime_back_is_seen(tmp_path: Path, settled: None) -> None:
    """Rewritten through the same inode, same size, mtime restored: only ctime tells, and it does."""
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    assert other_id(other, cache) == "other"
    before = other.stat()
    with other.open("r+b") as file:
        file.write(other.read_bytes().replace(b"id: other", b"id: ohter"))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (other.stat().st_size, other.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert other_id(other, cache) == "ohter"


def test_node_ids_come_from_the_content_the_listing_names(tmp_path: Path, settled: None) -> None:
    """A listing's file and node ids are one content's (by digest); a missing content row is read."""
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    list(library_entries([other.parent], IDS, cache))
    sql(cache, "DELETE FROM contents")
    (entry,) = [e for e in library_entries([other.parent], IDS, cache) if e.path == str(other)]
    assert entry.has_node("watch") and not entry.has_node("wotch")


def test_linting_a_changed_file_leaves_the_listing_alone(tmp_path: Path, settled: None) -> None:
    """The linted file is left out of the results, not read for the index: pre-commit lints files
    that just changed, and reading them here too would parse them twice."""
    cache = tmp_path / "cache"
    demo, other = library(tmp_path / "lib")
    list(library_entries([other.parent], IDS, cache))
    before = listing(cache, other.parent)
    demo.write_text(demo.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert [e.path for e in library_entries([other.parent], IDS, cache, skip=[demo])] == [str(other)]
    assert listing(cache, other.parent) == before


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
    assert listing(cache, other.parent)["files"]["other.yaml"][0] == "other"


def test_a_damaged_listing_or_an_older_format_is_read_again(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    list(library_entries([other.parent], IDS, cache))
    sql(cache, "UPDATE folders SET listing = x'00ff'")
    assert other_id(other, cache) == "other"
    sql(cache, "UPDATE folders SET listing = ?", marshal.dumps([1, 2, 3]))
    assert other_id(other, cache) == "other"
    store(cache, other.parent, {"signatures": {}, "files": {"other.yaml": ["other", 7]}})
    assert other_id(other, cache) == "other"
    sql(cache, "PRAGMA user_version = 1")
    sql(cache, "CREATE TABLE files (folder TEXT, name TEXT)")
    assert other_id(other, cache) == "other"
    with closing(sqlite3.connect(cache / "library-index.sqlite3")) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"folders", "contents"}


def test_the_linted_file_is_not_its_own_duplicate_however_spelt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo, _ = library(tmp_path)
    (tmp_path / "sub").mkdir()
    roundabout = tmp_path / "sub" / ".." / demo.name
    assert lint_out(roundabout, capsys)[0] == 0
    (tmp_path / "copy.yaml").write_text(demo.read_text(), encoding="utf-8")
    assert "RB207 runbook id 'demo' is already used" in lint_out(roundabout, capsys)[1]


def test_a_listing_stored_under_other_name_rules_is_read_again(tmp_path: Path) -> None:
    """Names in a listing are not tested again, so a listing is trusted only under the rules that
    chose them: here one that counted `policy.yaml` as a runbook."""
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    (other.parent / "policy.yaml").write_text(patched("id: demo", "id: other"), encoding="utf-8")
    assert other_id(other, cache) == "other"
    stored = listing(cache, other.parent)
    policy = (other.parent / "policy.yaml").stat()
    signature = (policy.st_size, policy.st_mtime_ns, policy.st_ctime_ns, policy.st_ino)
    stored["signatures"]["policy.yaml"] = signature
    stored["files"]["policy.yaml"] = stored["files"]["other.yaml"]
    blob = marshal.dumps((("other rules",), stored["signatures"], stored["files"]))
    sql(cache, "UPDATE folders SET listing = ?", blob)
    paths = [entry.path for entry in library_entries([other.parent], IDS, cache)]
    assert str(other.parent / "policy.yaml") not in paths


def test_linting_a_file_again_finds_its_folder_unchanged(
    tmp_path: Path, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The linted file was never stored (it is skipped): the next run must still see nothing changed
    and read nothing, as the pre-commit case does on every run."""
    cache = tmp_path / "cache"
    demo, other = library(tmp_path / "lib")
    assert [e.path for e in library_entries([other.parent], IDS, cache, skip=[demo])] == [str(other)]
    assert "demo.yaml" not in listing(cache, other.parent)["signatures"]

    def changed(*args: object) -> None:
        raise AssertionError("the folder looked changed")

    monkeypatch.setattr(index_cache, "_update", changed)
    assert [e.path for e in library_entries([other.parent], IDS, cache, skip=[demo])] == [str(other)]


def _planted(cache: Path, other: Path) -> None:
    """The index says other.yaml's id is 'from-the-index' (what another account could plant)."""
    list(library_entries([other.parent], IDS, cache))
    changed = listing(cache, other.parent)
    digest = changed["files"]["other.yaml"][1]
    changed["files"]["other.yaml"] = ("from-the-index", digest)
    store(cache, other.parent, changed)
    sql(cache, "UPDATE contents SET id = 'from-the-index' WHERE digest = ?", digest)


def test_an_index_others_may_write_is_not_read(tmp_path: Path, settled: None) -> None:
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    _planted(cache, other)
    assert other_id(other, cache) == "from-the-index"  # this account's own index is believed
    (cache / "library-index.sqlite3").chmod(0o664)
    assert other_id(other, cache) == "other"
    (cache / "library-index.sqlite3").chmod(0o600)
    cache.chmod(0o777)
    assert other_id(other, cache) == "other"


def test_the_index_is_made_private(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _, other = library(tmp_path / "lib")
    other_id(other, cache)
    modes = [path.stat().st_mode & 0o777 for path in (cache / "library-index.sqlite3", cache)]
    assert modes == [0o600, 0o700]
