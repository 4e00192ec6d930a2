"""Broken drill files give positioned findings (file:line:col: CODE message) and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.drill.parse import DrillInvalid, load_drill

HEAD = "drill: d\nrunbook: tiny\nscenario:\n  severity: SEV-3\n  roles: {ic: ines, owner: olga}\n"


def _codes(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    path = tmp_path / "drills" / "d.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DrillInvalid) as caught:
        load_drill(path)
    return [(f.position.line, f.position.column, f.code) for f in caught.value.findings]


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ("  - as: omar\n", [(7, 5, "DR101")]),
        ("  - wait: 5m\n    note: hi\n", [(8, 5, "DR102")]),
        ("  - deny: true\n", [(7, 5, "DR103")]),
        ("  - note: hi\n    evidence: x\n", [(8, 5, "DR104")]),
        ("  - wait: ten minutes\n", [(7, 11, "DR100")]),
        ("  - answer: 'yes'\n    expect: {nod: x}\n", [(8, 14, "DR100")]),
        ("  - wait: 5m\n    at: '25:00'\n", [(8, 9, "DR100")]),
    ],
)
def test_step_problems_are_positioned(
    tmp_path: Path, steps: str, expected: list[tuple[int, int, str]]
) -> None:
    assert _codes(tmp_path, HEAD + "steps:\n" + steps) == expected


def test_yaml_errors_keep_loader_codes(tmp_path: Path) -> None:
    assert _codes(tmp_path, HEAD + "steps:\n  - note: a\n  - note: [\n") == [(9, 1, "RB001")]
    assert _codes(tmp_path, HEAD + "drill: again\nsteps:\n  - check: true\n") == [(6, 1, "RB006")]


def test_impossible_start_is_positioned(tmp_path: Path) -> None:
    text = HEAD.replace("  roles:", "  start: 2026-02-30T10:00Z\n  roles:") + "steps:\n  - check: true\n"
    assert _codes(tmp_path, text) == [(5, 10, "DR105")]


def test_missing_fields_name_the_field(tmp_path: Path) -> None:
    path = tmp_path / "d.drill.yaml"
    path.write_text("drill: d\nrunbook: tiny\n", encoding="utf-8")
    with pytest.raises(DrillInvalid) as caught:
        load_drill(path)
    messages = [f.message for f in caught.value.findings]
    assert any("'scenario' is a required property" in m for m in messages)


def test_invalid_drill_exits_2_and_others_still_run(
    tiny_library: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drills = tiny_library / "drills"
    (drills / "broken.yaml").write_text(HEAD + "steps:\n  - deny: true\n", encoding="utf-8")
    (drills / "fine.yaml").write_text(
        HEAD.replace("drill: d", "drill: fine") + "steps:\n  - answer: 'yes'\n", encoding="utf-8"
    )
    assert main(["drill", str(drills)]) == 2
    out = capsys.readouterr().out
    assert f"  {drills / 'broken.yaml'}:7:5: DR103 step 1: deny needs a reason" in out
    assert "PASSED fine (tiny, 1/1 steps)" in out


def test_unknown_runbook_is_an_error(tiny_library: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drill = tiny_library / "drills" / "lost.yaml"
    drill.write_text(HEAD.replace("runbook: tiny", "runbook: nowhere") + "steps:\n  - check: true\n")
    assert main(["drill", str(drill)]) == 2
    assert "DR200 no runbook with id 'nowhere'" in capsys.readouterr().out


def test_no_drills_passes_and_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["drill", str(tmp_path)]) == 0
    assert "no drills yet" in capsys.readouterr().out
    assert main(["drill", str(tmp_path), "--min-coverage", "50"]) == 0


def test_hidden_and_tool_folders_are_not_searched(tiny_library: Path) -> None:
    from runbook_engine.drill.library import discover_drills

    good = tiny_library / "drills" / "a.yaml"
    good.write_text(HEAD + "steps:\n  - check: true\n", encoding="utf-8")
    for hidden in (".venv/lib/drills", "node_modules/x/drills"):
        folder = tiny_library / hidden
        folder.mkdir(parents=True)
        (folder / "b.yaml").write_text("not: a drill\n", encoding="utf-8")
    (tiny_library / "tiny.drill.yaml").write_text(HEAD + "steps:\n  - check: true\n", encoding="utf-8")
    assert discover_drills([str(tiny_library)]) == [good, tiny_library / "tiny.drill.yaml"]


def test_a_bare_yes_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "d.drill.yaml"
    path.write_text(HEAD + "steps:\n  - answer: yes\n", encoding="utf-8")
    with pytest.raises(DrillInvalid) as caught:
        load_drill(path)
    (finding,) = caught.value.findings
    assert (finding.position.line, finding.code) == (7, "DR100")
    assert 'Quote yes and no (answer: "yes")' in finding.hint
