"""Lint configuration from `[tool.runbook]` in pyproject.toml or `.runbook.yaml`, validated here only.

```toml
[tool.runbook]
ignore = ["drafts/*"]            # fnmatch patterns, relative to the configuration file
min-drill-coverage = 70          # opt-in RB401: run the drills beside the runbooks, require 70 %
[tool.runbook.rules]
RB203 = "off"                    # a code or a rule name; error, warning, info or off
placeholder-text = "error"
```
"""

from __future__ import annotations

import contextlib
import fnmatch
import importlib
import sys
import zlib
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from runbook_engine.cache_dir import default_cache_dir, read_marker, write_marker
from runbook_engine.errors import UsageError
from runbook_engine.findings import Severity
from runbook_engine.format.loader import LoadError, load_data_text
from runbook_engine.format.reading import ReadRefused, read_text_limited
from runbook_engine.frozen import frozen

CONFIG_FILES = (".runbook.yaml", ".runbook.yml")
KEYS = ("ignore", "rules", "min-drill-coverage")
LEVELS = {level.value: level for level in Severity}


@frozen
class LintConfig:
    """Severity overrides by rule code and ignored path patterns; the default is empty."""

    severities: Mapping[str, Severity] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    root: Path = field(default_factory=Path)
    source: str = "defaults"
    min_drill_coverage: float | None = None

    def severity(self, code: str, default: Severity) -> Severity:
        return self.severities.get(code, default)

    def ignores(self, path: Path) -> bool:
        """Whether `path` matches an ignore pattern (relative to the configuration's folder)."""
        if not self.ignore:
            return False
        candidates = {path.as_posix()}
        with contextlib.suppress(ValueError):
            candidates.add(path.resolve().relative_to(self.root.resolve()).as_posix())
        return any(fnmatch.fnmatch(c, pattern) for c in candidates for pattern in self.ignore)


def find_config(start: Path) -> Path | None:
    """The nearest `.runbook.yaml` or pyproject.toml with `[tool.runbook]`, from `start` upward."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            if (folder / name).is_file():
                return folder / name
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "[tool.runbook" in _read(pyproject):
            return pyproject
    return None


def load_config(path: Path | None, rules: Mapping[str, str]) -> LintConfig:
    """Read and validate a configuration file; `rules` maps every code and name to its code."""
    if path is None:
        return LintConfig()
    raw = _raw_config(path)
    return parse_config(raw, rules, root=path.parent, source=str(path))


def parse_config(
    raw: Any, rules: Mapping[str, str], *, root: Path = Path(), source: str = "<config>"
) -> LintConfig:
    """Validate configuration data; every mistake is a UsageError naming the file and key."""
    if raw is None:
        return LintConfig(root=root, source=source)
    if not isinstance(raw, Mapping):
        raise UsageError(f"{source}: the configuration must be a mapping", f"allowed keys: {', '.join(KEYS)}")
    unknown = [str(key) for key in raw if key not in KEYS]
    if unknown:
        raise UsageError(f"{source}: unknown key {unknown[0]!r}", f"allowed keys: {', '.join(KEYS)}")
    return LintConfig(
        severities=_severities(raw.get("rules", {}), rules, source),
        ignore=_ignore(raw.get("ignore", []), source),
        root=root,
        source=source,
        min_drill_coverage=_percent(raw.get("min-drill-coverage"), source),
    )


def _severities(raw: Any, rules: Mapping[str, str], source: str) -> dict[str, Severity]:
    if not isinstance(raw, Mapping):
        raise UsageError(f"{source}: `rules` must map rule codes to levels", "e.g. RB203 = \"off\"")
    result: dict[str, Severity] = {}
    for key, value in raw.items():
        code = rules.get(str(key))
        if code is None:
            raise UsageError(
                f"{source}: rules.{key}: unknown rule",
                "`runbook lint --list-rules` lists codes and names (loader codes RB0xx are fixed)",
            )
        result[code] = _level(key, value, source)
    return result


def _level(key: Any, value: Any, source: str) -> Severity:
    if value is False:  # YAML reads an unquoted `off` as false
        return Severity.OFF
    level = LEVELS.get(str(value).lower()) if isinstance(value, str) else None
    if level is None:
        raise UsageError(
            f"{source}: rules.{key}: {value!r} is not a level", f"use one of: {', '.join(LEVELS)}"
        )
    return level


def _ignore(raw: Any, source: str) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        raise UsageError(f"{source}: `ignore` must be a list of path patterns", 'e.g. ["drafts/*"]')
    return tuple(raw)


def _percent(raw: Any, source: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not 0 <= raw <= 100:
        raise UsageError(f"{source}: `min-drill-coverage` must be a percentage from 0 to 100", "e.g. 70")
    return float(raw)


def _raw_config(path: Path) -> Any:
    text = _read(path)
    if path.name == "pyproject.toml":
        return _tool_table(path, text)
    try:
        return load_data_text(text, str(path))
    except LoadError as exc:
        raise UsageError(f"{path}:{exc.position.line}:{exc.position.column}: {exc.message}") from None


TOML_TABLES = "pyproject-tables"
"""Cache folder of parsed `[tool.runbook]` tables: one small JSON file per pyproject.toml."""


def _tool_table(path: Path, text: str) -> Any:
    """`[tool.runbook]` of a pyproject.toml, kept in the user cache with the file's exact text and
    used only while the text is the same: importing tomllib costs a single-file lint about a tenth of
    its time, comparing a few kilobytes nothing. The file name only spreads paths over files; the
    path and text inside decide."""
    name = str(path.resolve())
    marker = default_cache_dir() / TOML_TABLES / f"{zlib.crc32(name.encode()):08x}.json"
    kept = read_marker(marker)
    if isinstance(kept, dict) and kept.get("path") == name and kept.get("text") == text and "table" in kept:
        return kept["table"]
    table = _parse_tool_table(path, text)
    write_marker(marker, {"path": name, "text": text, "table": table})
    return table


def _parse_tool_table(path: Path, text: str) -> Any:
    toml = importlib.import_module("tomllib" if sys.version_info >= (3, 11) else "tomli")
    try:
        return toml.loads(text).get("tool", {}).get("runbook")
    except toml.TOMLDecodeError as exc:
        raise UsageError(f"{path}: invalid TOML: {exc}") from None


def _read(path: Path) -> str:
    try:
        return read_text_limited(path)
    except ReadRefused as exc:
        raise UsageError(f"{path}: cannot read configuration: {exc.message}") from None
