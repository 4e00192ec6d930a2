"""The validation cache: full checks once per file content, a plain parse after that."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_engine.cache_dir import _linux_cache_dir, default_cache_dir
from runbook_engine.format import library
from runbook_engine.format.library import RunbookInvalid
from runbook_engine.format.loader import load_path
from runbook_engine.format.marker import decode_marker, encode_marker
from runbook_engine.format.model import LazyNodes, runbook_from_data
from runbook_engine.format.validation_cache import CACHE_FOLDER, load_validated
from tests.conftest import RUNBOOKS


@pytest.fixture
def runbook(tmp_path: Path) -> Path:
    return Path(shutil.copy(RUNBOOKS / "redis-max-connections.yaml", tmp_path))


def forbid_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any full validation from now on fails the test (also used by test_validation_ahead.py)."""

    def refuse(*args: object) -> None:
        raise AssertionError("validated again")

    monkeypatch.setattr(library, "checked_document", refuse)


def test_second_load_of_the_same_bytes_skips_validation(
    runbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = load_validated(runbook, cache)
    assert len(list((cache / CACHE_FOLDER).iterdir())) == 1
    forbid_validation(monkeypatch)
    assert load_validated(runbook, cache) == first


def test_an_edit_validates_again(runbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    load_validated(runbook, cache)
    runbook.write_text(runbook.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    forbid_validation(monkeypatch)
    with pytest.raises(AssertionError, match="validated again"):
        load_validated(runbook, cache)


def test_an_invalid_runbook_is_never_marked(runbook: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    runbook.write_text(runbook.read_text(encoding="utf-8").replace("start: ", "start: nowhere-"))
    for _ in range(2):
        with pytest.raises(RunbookInvalid, match="RB201"):
            load_validated(runbook, cache)
    assert not (cache / CACHE_FOLDER).exists()


def test_an_unwritable_cache_still_loads(runbook: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("", encoding="utf-8")
    assert load_validated(runbook, blocked).id == "redis-max-connections"


def test_default_cache_dir_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RUNBOOK_CACHE_DIR", str(tmp_path / "explicit"))
    assert default_cache_dir() == tmp_path / "explicit"
    monkeypatch.delenv("RUNBOOK_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "runbook-engine"


def test_without_an_explicit_folder_the_platforms_cache_folder_is_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import platformdirs

    monkeypatch.delenv("RUNBOOK_CACHE_DIR")
    asked: list[tuple[object, ...]] = []

    def user_cache_dir(*args: object, **kwargs: object) -> str:
        asked.append((*args, *kwargs.values()))
        return str(tmp_path / "Library" / "Caches" / "runbook-engine")

    monkeypatch.setattr(platformdirs, "user_cache_dir", user_cache_dir)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # not a case the Linux shortcut decides
    assert default_cache_dir() == tmp_path / "Library" / "Caches" / "runbook-engine"
    assert asked == [("runbook-engine", False)]


@pytest.mark.skipif(sys.platform != "linux", reason="the shortcut is for Linux")
@pytest.mark.parametrize(
    ("xdg", "home"),
    [("/x/cache", "/home/a"), ("/x/cache/", "/home/a"), (None, "/home/a"), ("", "/home/a/"), (None, "/")],
)
def test_on_linux_the_cache_folder_is_platformdirs_own_without_importing_it(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None, home: str
) -> None:
    import platformdirs

    monkeypatch.delenv("RUNBOOK_CACHE_DIR", raising=False)
    monkeypatch.delenv("ANDROID_DATA", raising=False)
    monkeypatch.setenv("HOME", home)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert _linux_cache_dir() == Path(platformdirs.user_cache_dir("runbook-engine", appauthor=False))


def test_a_warm_load_never_imports_the_yaml_parser(runbook: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_validated(runbook, cache)
    code = (
        "import sys; from runbook_engine.format.validation_cache import load_validated; "
        f"r = load_validated({str(runbook)!r}, __import__('pathlib').Path({str(cache)!r})); "
        "print(r.id, 'yaml' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["redis-max-connections", "False"]


def test_a_damaged_marker_validates_again(runbook: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_validated(runbook, cache)
    (marker,) = (cache / CACHE_FOLDER).iterdir()
    marker.write_text("{not json", encoding="utf-8")
    assert load_validated(runbook, cache) == first
    assert decode_marker(marker.read_bytes()) is not None


def test_a_marker_changed_after_it_was_written_validates_again(runbook: Path, tmp_path: Path) -> None:
    """Node data is parsed only when shown, so the checksum stands for the parse: one changed byte
    anywhere (here a node's text) and the marker is not believed."""
    cache = tmp_path / "cache"
    first = load_validated(runbook, cache)
    (marker,) = (cache / CACHE_FOLDER).iterdir()
    kept = marker.read_bytes()
    changed = kept[:-10] + bytes([kept[-10] ^ 1]) + kept[-9:]  # one bit of the last node's text
    marker.write_bytes(changed)
    assert decode_marker(changed) is None
    assert load_validated(runbook, cache) == first
    assert marker.read_bytes() == kept


def test_a_marker_holds_the_data_with_each_node_apart(runbook: Path, tmp_path: Path) -> None:
    data = {"id": "x", "title": "Ünïcode ✓", "nodes": {"a": {"title": "é"}, "b": "no node", "c": {"n": [1]}}}
    decoded = decode_marker(encode_marker(data))
    assert decoded is not None
    head, nodes = decoded
    assert head == {"id": "x", "title": "Ünïcode ✓"}
    assert list(nodes) == ["a", "c"] and "b" not in nodes
    assert (nodes["a"], nodes["c"]) == ({"title": "é"}, {"n": [1]})
    whole = load_validated(runbook, tmp_path / "cache")
    assert isinstance(whole.nodes, LazyNodes)
    assert whole == runbook_from_data(load_path(runbook).data, str(runbook))


def _plant(cache: Path, runbook: Path) -> Path:
    """Validate once, then change the kept data's title (a planted marker, written whole)."""
    load_validated(runbook, cache)
    (marker,) = (cache / CACHE_FOLDER).iterdir()
    decoded = decode_marker(marker.read_bytes())
    assert decoded is not None
    head, nodes = decoded
    planted = json.loads(json.dumps({**head, "nodes": dict(nodes)}).replace("Redis", "PLANTED"))
    marker.write_bytes(encode_marker(planted))
    return marker


def test_a_marker_others_may_write_is_not_believed(runbook: Path, tmp_path: Path) -> None:
    """The walk shows and runs what a marker holds: one that another account could have written
    is validated again instead."""
    cache = tmp_path / "cache"
    marker = _plant(cache, runbook)
    assert "PLANTED" in load_validated(runbook, cache).title  # this account's own: kept
    marker.chmod(0o666)
    assert "PLANTED" not in load_validated(runbook, cache).title


def test_nothing_is_read_from_or_kept_in_a_folder_others_may_write(runbook: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    _plant(cache, runbook)
    (cache / CACHE_FOLDER).chmod(0o777)
    assert "PLANTED" not in load_validated(runbook, cache).title
    other = tmp_path / "shared"
    (other / CACHE_FOLDER).mkdir(parents=True, mode=0o777)
    (other / CACHE_FOLDER).chmod(0o777)
    load_validated(runbook, other)
    assert list((other / CACHE_FOLDER).iterdir()) == []


def test_markers_are_made_private(runbook: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_validated(runbook, cache)
    (marker,) = (cache / CACHE_FOLDER).iterdir()
    assert (marker.stat().st_mode & 0o777, (cache / CACHE_FOLDER).stat().st_mode & 0o777) == (0o600, 0o700)
