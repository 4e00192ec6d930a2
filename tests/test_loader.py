"""The loader: safe YAML with positions, and a finding code for everything a runbook must not be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from runbook_engine.findings import Position
from runbook_engine.format import loader
from runbook_engine.format.loader import (
    LOADER_CODES,
    LoadError,
    dump,
    load_bytes,
    load_data_text,
    load_path,
    load_text,
)
from runbook_engine.format.reading import MAX_FILE_BYTES

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)

DEEP_BLOCK = "a:\n" + "".join("  " * i + "k:\n" for i in range(1, 60)) + "  " * 60 + "v: 1\n"


def error_of(text: str) -> tuple[str, Position]:
    with pytest.raises(LoadError) as caught:
        load_text(text)
    return caught.value.code, caught.value.position


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("a: 1\na: 2\n", "RB006", Position(2, 1)),
        ("a:\n  b: [1\n", "RB001", Position(3, 1)),
        ("a: 1\n---\nb: 2\n", "RB001", Position(2, 1)),
        ("a:\n\tb: 1\n", "RB003", Position(2, 1)),
        ("", "RB004", Position(1, 1)),
        ("  \n\n", "RB004", Position(1, 1)),
        ("# only a comment\n", "RB004", Position(1, 1)),
        ("- a\n- b\n", "RB005", Position(1, 1)),
        ("just text\n", "RB005", Position(1, 1)),
        ("a: !!python/object:os.system x\n", "RB007", Position(1, 4)),
        ("a: !custom x\n", "RB007", Position(1, 4)),
        ("a: &x [*x]\n", "RB010", Position(1, 4)),
        (BOMB, "RB008", Position(6, 4)),
        ("? [a, b]\n: 1\n", "RB001", Position(1, 3)),
        ("1: a\n'1': b\n", "RB006", Position(2, 1)),
        ("!!python/name:os.system x: 1\n", "RB007", Position(1, 1)),
        ("a: " + "[" * 100_000 + "]" * 100_000 + "\n", "RB012", Position(1, 53)),
        (DEEP_BLOCK, "RB012", Position(51, 101)),
        ("a: '" + "[" * 80 + "'\nb: [\n", "RB001", Position(3, 1)),
    ],
)
def test_refused_documents_give_a_code_and_position(text: str, code: str, position: Position) -> None:
    assert error_of(text) == (code, position)


def test_brackets_inside_quotes_do_not_count_as_nesting() -> None:
    assert load_text("q: '" + "[" * 80 + "'\n").data == {"q": "[" * 80}


def test_every_loader_code_has_a_title_and_hint() -> None:
    assert sorted(LOADER_CODES) == [f"RB{n:03d}" for n in range(1, 14)]
    assert all(title and hint for title, hint in LOADER_CODES.values())


def test_non_utf8_byte_is_located() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a: 1\nb: caf" + b"\xe9\n")
    assert (caught.value.code, caught.value.position) == ("RB002", Position(2, 7))


def test_byte_order_mark_is_ignored() -> None:
    assert load_bytes("\ufeffa: 1\n".encode()).data == {"a": 1}


def test_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(LoadError) as caught:
        load_bytes(b"a: " + b"x" * MAX_FILE_BYTES)
    assert caught.value.code == "RB009"


def test_missing_file_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(LoadError) as caught:
        load_path(tmp_path / "nope.yaml")
    assert caught.value.code == "RB011"
    assert caught.value.hint == LOADER_CODES["RB011"][1]


def test_plain_values_and_timestamps_stay_json_like() -> None:
    data = load_text("a: 1\nb: 1.5\nc: true\nd: null\ne: 2024-01-02\nf: [x, {g: h}]\n").data
    assert data == {"a": 1, "b": 1.5, "c": True, "d": None, "e": "2024-01-02", "f": ["x", {"g": "h"}]}


def test_merge_keys_fill_in_but_written_keys_win() -> None:
    data = load_text("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n").data
    assert data["use"] == {"x": 1, "y": 3}


def test_shared_anchors_within_budget_load() -> None:
    data = load_text("a: &a [1, 2]\nb: [*a, *a]\n").data
    assert data == {"a": [1, 2], "b": [[1, 2], [1, 2]]}


def test_locate_values_keys_items_and_missing_paths() -> None:
    document = load_text("top: 1\nnodes:\n  one:\n    kind: check\n    list: [a, b]\n")
    assert document.locate(("nodes", "one", "kind")) == Position(4, 11)
    assert document.locate(("nodes", "one", "kind"), key=True) == Position(4, 5)
    assert document.locate(("nodes", "one", "list", 1)) == Position(5, 15)
    assert document.locate(("nodes", "one", "text")) == Position(3, 3)
    assert document.locate(("absent",)) == Position(1, 1)
    assert document.locate(()) == Position(1, 1)


def test_load_data_text_accepts_any_shape() -> None:
    assert load_data_text("- 1\n- 2\n") == [1, 2]
    assert load_data_text("") is None


def test_dump_round_trips() -> None:
    data = {"id": "x", "nodes": {"a": {"kind": "check", "argv": ["kubectl", "get"]}}, "ünï": "çödé"}
    assert load_text(dump(data)).data == data


def test_keys_stay_as_written() -> None:
    """YAML 1.1 reads `yes`/`no` as booleans; an answer label must stay the word its author wrote."""
    data = load_text("answers:\n  yes: a\n  no: b\n  1: c\n  null: d\n").data
    assert list(data["answers"]) == ["yes", "no", "1", "null"]


class _StopsAtAThousand(yaml.SafeLoader):
    """Behaves as libyaml 0.2.6 does: a syntax error of its own at 1,000 nesting levels."""

    def __init__(self, stream: str) -> None:
        if "[" * 1000 in stream:
            mark = yaml.Mark("<string>", 1002, 0, 1002, "", 0)
            raise yaml.MarkedYAMLError(problem="exceeded maximum nesting depth", problem_mark=mark)
        super().__init__(stream)


class _NoLimitOfItsOwn(yaml.SafeLoader):
    """Behaves as libyaml 0.2.5 and the pure-Python parser do: no nesting limit at all."""


@pytest.mark.parametrize("composer", [_StopsAtAThousand, _NoLimitOfItsOwn], ids=["libyaml-0.2.6", "no-limit"])
def test_our_nesting_bound_decides_before_the_parser_does(
    composer: type[yaml.SafeLoader], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(loader, "_Loader", composer)
    text = "a: " + "[" * 5_000 + "]" * 5_000 + "\n"
    assert error_of(text) == ("RB012", Position(1, 53))


def test_a_number_past_pythons_digit_limit_is_rb013_at_its_position() -> None:
    with pytest.raises(LoadError) as caught:
        load_text("id: demo\nx: " + "1" * 4301 + "\n")
    assert (caught.value.code, caught.value.position) == ("RB013", Position(2, 4))


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    with pytest.raises(LoadError, match="not a regular file") as caught:
        load_path(fifo)
    assert caught.value.code == "RB011"


def test_a_symlink_to_dev_zero_is_refused_not_read(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    with pytest.raises(LoadError, match="not a regular file"):
        load_path(link)


def test_a_folder_named_like_a_runbook_is_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    with pytest.raises(LoadError) as caught:
        load_path(tmp_path / "dir.yaml")
    assert caught.value.code == "RB011"


def test_a_large_file_is_refused_after_reading_one_byte_past_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: " + b"x" * (3 * MAX_FILE_BYTES))
    with pytest.raises(LoadError, match=f"limit of {MAX_FILE_BYTES} bytes") as caught:
        load_path(big)
    assert caught.value.code == "RB009"


@pytest.mark.parametrize("value", ["!!int", "!!int abc", "!!float", "!!float x", "!!bool maybe", "!!bool"])
def test_an_explicit_scalar_tag_on_a_bad_value_is_rb007(value: str) -> None:
    with pytest.raises(LoadError) as caught:
        load_text(f"id: demo\nx: {value}\n")
    assert (caught.value.code, caught.value.position) == ("RB007", Position(2, 4))


def test_many_shallow_flow_collections_load_and_a_deep_one_among_them_does_not() -> None:
    """More openers than the depth limit send the text to the bracket-depth scan; only real depth
    refuses it (a quoted `[` counts too, which errs on the side of the exact count)."""
    shallow = "a: [" + ", ".join(["{k: [x]}"] * 60) + "]\nb: '[[[['\n"
    assert len(load_text(shallow).data["a"]) == 60
    assert error_of(shallow + "c: " + "[" * 51 + "]" * 51 + "\n") == ("RB012", Position(3, 53))
