"""`runbook lint` in-process: exit codes, formats, output files, configuration and library links."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runbook_engine.cli.main import main
from runbook_engine.lint import engine
from tests.conftest import FIXTURES
from tests.lint.common import BASE, patched

BAD = FIXTURES / "bad" / "rb202-dangling-next.yaml"
WARN_ONLY = FIXTURES / "bad" / "rb203-unreachable-node.yaml"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_clean_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(FIXTURES / "good" / "demo.yaml")]) == 0
    assert capsys.readouterr().out == "0 errors, 0 warnings in 1 file checked\n"


def test_errors_exit_1_with_located_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(BAD)]) == 1
    out = capsys.readouterr().out
    assert f"{BAD}:33:11: RB202 'next' leads to unknown node 'wait'\n    hint: did you mean 'watch'?" in out


def test_warnings_pass_unless_strict(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(WARN_ONLY)]) == 0
    assert main(["lint", "--strict", str(WARN_ONLY)]) == 1


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tmp_path / "absent.yaml")]) == 2
    assert "RB011" in capsys.readouterr().out


def test_no_runbooks_found_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(tmp_path)]) == 2
    assert "no runbook files" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["lint"], ["lint", "--format", "markdown", "x.yaml"], ["lint", "--list-rules", "--format", "sarif"],
     ["lint", "--jobs", "0", "x.yaml"], ["lint", "--format", "xml", "x.yaml"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_json_format_to_an_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = tmp_path / "out.json"
    assert main(["lint", "-f", "json", "-o", str(report), str(BAD)]) == 1
    assert capsys.readouterr().out == ""
    codes = {finding["code"] for finding in json.loads(report.read_text())["findings"]}
    assert codes == {"RB202", "RB203", "RB204"}


def test_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["lint", "-o", str(tmp_path / "no" / "such" / "dir.txt"), str(BAD)]) == 2


def test_internal_error_exits_3_without_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("runbook_engine.cli.lint.lint_paths", broken)
    assert main(["lint", str(BAD)]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and "Traceback" not in err


def test_directories_and_globs_skip_policy_and_drills(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "lib/demo.yaml", BASE)
    write(tmp_path, "lib/policy.yaml", "severities: {}\n")
    write(tmp_path, "lib/drills/d.yaml", "not: a runbook\n")
    assert main(["lint", str(tmp_path / "lib")]) == 0
    assert main(["lint", str(tmp_path / "lib" / "*.yaml")]) == 0
    assert main(["lint", str(tmp_path / "lib" / ".." / "lib" / "**" / "*.yaml")]) == 0
    assert capsys.readouterr().out.count("in 1 file checked") == 3


def test_a_folder_named_drills_above_the_searched_folder_hides_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    library = tmp_path / "drills" / "team" / "runbooks"
    write(library, "demo.yaml", BASE)
    write(library, "drills/d.yaml", "not: a runbook\n")
    assert main(["lint", str(library)]) == 0
    assert main(["lint", str(library / "demo.yaml")]) == 0
    assert capsys.readouterr().out.count("in 1 file checked") == 2


@pytest.mark.parametrize(
    ("name", "said", "hint"),
    [
        ("policy.yaml", "is the severity policy, not a runbook", "runbook policy check"),
        ("drills/d.yaml", "is a drill, not a runbook", "runbook drill"),
        (".runbook.yaml", "is lint configuration", "lint reads it"),
    ],
)
def test_linting_a_file_that_is_not_a_runbook_says_what_it_is(
    name: str, said: str, hint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, name, "a: 1\n")
    assert main(["lint", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err and hint in err


def test_policy_check_validates_the_bundled_and_a_broken_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["policy", "check"]) == 0
    assert "valid policy with severities SEV-1" in capsys.readouterr().out
    broken = write(tmp_path, "policy.yaml", "severities: 3\n")
    assert main(["policy", "check", str(broken)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_runbook_yaml_config_is_found_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "rb/t.yaml", patched("text: Roll back the deploy.", "text: TODO"))
    write(tmp_path, ".runbook.yaml", "rules:\n  placeholder-text: error\n")
    monkeypatch.chdir(tmp_path / "rb")
    assert main(["lint", "t.yaml"]) == 1
    write(tmp_path, ".runbook.yaml", "rules:\n  RB305: off\n")
    assert main(["lint", "--strict", "t.yaml"]) == 0


def test_pyproject_config_ignores_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, "drafts/bad.yaml", BAD.read_text())
    write(tmp_path, "ok.yaml", BASE)
    write(tmp_path, "pyproject.toml", '[tool.runbook]\nignore = ["drafts/*"]\n')
    monkeypatch.chdir(tmp_path)
    assert main(["lint", "."]) == 0
    assert "in 1 file checked" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("rules:\n  RB999: off\n", "rules.RB999: unknown rule"),
        ("rules:\n  RB001: off\n", "rules.RB001: unknown rule"),
        ("rules:\n  RB203: loud\n", "'loud' is not a level"),
        ("colour: red\n", "unknown key 'colour'"),
        ("ignore: drafts\n", "`ignore` must be a list"),
        ("rules: [RB203]\n", "`rules` must map"),
        ("- a\n", "must be a mapping"),
        ("a: [\n", ".runbook.yaml:2:1: did not find expected node content"),
    ],
)
def test_bad_configuration_exits_2_naming_the_problem(
    tmp_path: Path, config: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, ".runbook.yaml", config)
    assert main(["lint", "--config", str(path), str(BAD)]) == 2
    assert message in capsys.readouterr().err


def test_links_resolve_against_neighbours_not_linted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    team = "    team: platform-oncall\n"
    write(tmp_path, "demo.yaml", patched(team, team + "    runbook: other#watch\n"))
    write(tmp_path, "other.yaml", patched("id: demo", "id: other"))
    assert main(["lint", str(tmp_path / "demo.yaml")]) == 0
    (tmp_path / "other.yaml").unlink()
    assert main(["lint", str(tmp_path / "demo.yaml")]) == 1
    assert "RB206 link to unknown runbook 'other'" in capsys.readouterr().out


def test_node_links_between_linted_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    team = "    team: platform-oncall\n"
    write(tmp_path, "other.yaml", patched("id: demo", "id: other"))
    write(tmp_path, "demo.yaml", patched(team, team + "    runbook: other#watch\n"))
    assert main(["lint", str(tmp_path)]) == 0
    write(tmp_path, "demo.yaml", patched(team, team + "    runbook: other#wait\n"))
    assert main(["lint", str(tmp_path)]) == 1
    assert "RB206 runbook 'other' has no node 'wait'" in capsys.readouterr().out


def test_duplicate_ids_across_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write(tmp_path, "a.yaml", BASE)
    write(tmp_path, "b.yaml", BASE)
    assert main(["lint", str(tmp_path)]) == 1
    assert f"{tmp_path / 'b.yaml'}:1:5: RB207 runbook id 'demo' is already used" in capsys.readouterr().out


def test_worker_pool_gives_the_same_result(tmp_path: Path) -> None:
    sources = [BAD.read_text() if n % 7 else BASE for n in range(engine.PARALLEL_MIN_FILES + 6)]
    paths = [
        write(tmp_path, f"r{n:03d}.yaml", patched("id: demo", f"id: demo-{n}", source))
        for n, source in enumerate(sources)
    ]
    sequential = engine.lint_paths(paths, jobs=1)
    parallel = engine.lint_paths(paths, jobs=2)
    assert parallel == sequential
    assert sequential.errors > 0
