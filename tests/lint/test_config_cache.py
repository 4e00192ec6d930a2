"""The `[tool.runbook]` table of a pyproject.toml is kept with its file's text and used only while the
text is the same, so a changed configuration is always the one applied."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from runbook_engine.errors import UsageError
from runbook_engine.lint.config import TOML_TABLES, load_config
from runbook_engine.lint.rules import names_to_codes


def config_of(pyproject: Path) -> tuple[tuple[str, ...], dict[str, str]]:
    config = load_config(pyproject, names_to_codes())
    return config.ignore, {code: level.value for code, level in config.severities.items()}


def kept(cache: Path) -> list[dict[str, object]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in (cache / TOML_TABLES).glob("*.json")]


def test_a_changed_table_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("RUNBOOK_CACHE_DIR", str(cache))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.runbook]\nignore = ["drafts/*"]\n', encoding="utf-8")
    assert config_of(pyproject) == (("drafts/*",), {})
    assert [entry["table"] for entry in kept(cache)] == [{"ignore": ["drafts/*"]}]
    pyproject.write_text('[tool.runbook]\nignore = ["drafts/*"]\n[tool.runbook.rules]\nRB203 = "off"\n')
    assert config_of(pyproject) == (("drafts/*",), {"RB203": "off"})


def test_the_kept_table_is_used_while_the_text_is_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("RUNBOOK_CACHE_DIR", str(cache))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.runbook]\nignore = ["drafts/*"]\n', encoding="utf-8")
    config_of(pyproject)
    (marker,) = (cache / TOML_TABLES).glob("*.json")
    entry = json.loads(marker.read_text(encoding="utf-8"))
    marker.write_text(json.dumps({**entry, "table": {"ignore": ["from-the-cache/*"]}}), encoding="utf-8")
    assert config_of(pyproject) == (("from-the-cache/*",), {})
    elsewhere = {**entry, "path": "/elsewhere/pyproject.toml", "table": {}}
    marker.write_text(json.dumps(elsewhere), encoding="utf-8")
    assert config_of(pyproject) == (("drafts/*",), {})


def test_invalid_toml_is_a_usage_error_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RUNBOOK_CACHE_DIR", str(tmp_path / "cache"))
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.runbook\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(UsageError, match="invalid TOML"):
            load_config(pyproject, names_to_codes())


def test_a_warm_config_does_not_import_tomllib(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.runbook]\nignore = ["drafts/*"]\n', encoding="utf-8")
    code = (
        "import sys, os; os.environ['RUNBOOK_CACHE_DIR'] = sys.argv[2]\n"
        "from pathlib import Path\nfrom runbook_engine.lint.config import load_config\n"
        "print(load_config(Path(sys.argv[1]), {}).ignore, 'tomllib' in sys.modules)"
    )
    argv = [sys.executable, "-c", code, str(pyproject), str(tmp_path / "cache")]
    first, second = (subprocess.run(argv, capture_output=True, text=True, check=True).stdout for _ in "12")
    assert (first.split(), second.split()) == (["('drafts/*',)", "True"], ["('drafts/*',)", "False"])
