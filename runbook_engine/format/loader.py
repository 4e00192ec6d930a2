"""Safe YAML loading with positions: the only module that imports `yaml`.

PyYAML's own loaders drop positions, silently keep the last of two duplicate keys and expand aliases
without limit. Here the document is composed into nodes (libyaml when present), then turned into
plain JSON-like values by a small constructor that refuses duplicate keys, unknown tags, recursive
aliases and alias bombs. Positions stay available through `Document.locate`, which walks the composed
tree only when a finding needs a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from runbook_engine.findings import DocPath, Position
from runbook_engine.format.reading import MAX_FILE_BYTES, ReadRefused, read_limited

try:
    from yaml import CSafeLoader as _Composer
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Composer  # type: ignore[assignment]

MAX_VALUES = 200_000
"""How many values alias expansion may produce; a billion-laughs file hits this in milliseconds."""

MAX_DEPTH = 50
"""How deeply collections may nest. libyaml's composer recurses in C and crashes the process on
a file of a few thousand `[`; a runbook needs fewer than ten levels."""

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_IMPLICIT = {first: tuple(pairs) for first, pairs in _Composer.yaml_implicit_resolvers.items()}
"""PyYAML's implicit tags by a plain scalar's first character (`yes` a bool, `1.5` a float...)."""


class _Loader(_Composer):
    """libyaml's composer with a lean resolver: the same tags, a fifth less composing time.

    The composer asks Python for the tag of every node it builds. PyYAML's resolver also serves
    path resolvers and wildcard implicit ones, which safe loading never registers, and pays for
    them on every node; here only the implicit resolvers of the scalar's first character run.
    """

    @staticmethod
    def resolve(kind: type[yaml.Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode:
            if implicit[0]:  # plain (unquoted) scalar: its text decides
                for tag, pattern in _IMPLICIT.get(value[:1], ()):
                    if pattern.match(value):
                        return str(tag)
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """No path resolvers: nothing to track while descending."""

    def ascend_resolver(self) -> None:
        """No path resolvers: nothing to track while ascending."""

LOADER_CODES: dict[str, tuple[str, str]] = {
    "RB001": ("YAML syntax error", "fix the YAML at this position; a validating editor shows it as you type"),
    "RB002": ("file is not UTF-8", "save the file as UTF-8"),
    "RB003": ("tab character in indentation", "indent with spaces only; YAML forbids tabs there"),
    "RB004": ("empty file", "a runbook needs at least id, title, start and nodes"),
    "RB005": ("document is not a mapping", "the top level must be `key: value` pairs (id, title, nodes...)"),
    "RB006": ("duplicate key", "remove or rename one of the two keys; YAML keeps only the last one"),
    "RB007": ("unsupported YAML tag", "remove the tag: runbooks hold plain strings, numbers, lists and maps"),
    "RB008": ("alias expansion too large", "write the values out instead of nesting aliases"),
    "RB009": ("file too large", f"split the runbook: files over {MAX_FILE_BYTES // 1024} KiB are refused"),
    "RB010": ("recursive alias", "an anchor may not contain an alias to itself"),
    "RB011": ("unreadable file", "check the path and its permissions"),
    "RB012": ("nesting too deep", f"flatten the structure: more than {MAX_DEPTH} levels are refused"),
    "RB013": ("number too large", "quote the value if it is text; no runbook field needs a number this long"),
}


class LoadError(Exception):
    """A file could not be turned into a document: a code from LOADER_CODES, a position, a message."""

    def __init__(self, code: str, position: Position, message: str) -> None:
        super().__init__(f"{position.line}:{position.column}: {code} {message}")
        self.code = code
        self.position = position
        self.message = message

    @property
    def hint(self) -> str:
        return LOADER_CODES[self.code][1]


def position_of(mark: Any) -> Position:
    """The one place where 0-based parser marks become 1-based positions."""
    return Position(mark.line + 1, mark.column + 1)


@dataclass
class Document:
    """A loaded YAML file: its plain data and a way back from a data path to a position."""

    path: str
    data: Any
    _root: yaml.Node | None = field(repr=False, default=None)
    text: str = field(repr=False, default="")
    """The decoded source, for checks that are cheapest as one scan of the text."""
    _keys: dict[int, dict[str, tuple[Any, yaml.Node]]] = field(repr=False, default_factory=dict)

    def locate(self, path: DocPath, *, key: bool = False) -> Position:
        """Position of the value at `path` (or of its key).

        The composed tree is searched along the path, so a clean file never pays for an index.
        A path that does not exist (a missing field) falls back to the key of its nearest parent:
        `nodes.db: 'text' is a required property` points at the line `db:`. A mapping's keys are
        indexed the first time a path passes through it, so locating n findings stays linear.
        """
        if self._root is None:
            return Position()
        node, key_mark = self._root, self._root.start_mark
        for part in path:
            child = self._child(node, part)
            if child is None:
                return position_of(key_mark)
            key_mark, node = child
        return position_of(key_mark if key else node.start_mark)

    def _child(self, node: yaml.Node, part: str | int) -> tuple[Any, yaml.Node] | None:
        """The (key mark, value node) for one step of a data path, or None when it is absent."""
        if isinstance(node, yaml.MappingNode):
            keys = self._keys.get(id(node))
            if keys is None:
                keys = self._keys[id(node)] = _mapping_index(node)
            return keys.get(str(part))
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            item = node.value[part]
            return item.start_mark, item
        return None


def _mapping_index(node: yaml.MappingNode) -> dict[str, tuple[Any, yaml.Node]]:
    """Scalar keys to (key mark, value node); a later duplicate wins, as in the loaded data."""
    return {
        key_node.value: (key_node.start_mark, value_node)
        for key_node, value_node in node.value
        if isinstance(key_node, yaml.ScalarNode)
    }


def load_path(path: str | Path) -> Document:
    """Read and load one file; raises LoadError for anything that is not a YAML mapping."""
    try:
        raw = read_limited(path)
    except ReadRefused as exc:
        raise LoadError(exc.code, Position(), exc.message) from None
    return load_bytes(raw, str(path))


def load_bytes(raw: bytes, name: str = "<string>") -> Document:
    """Load YAML bytes into a Document, refusing what a runbook must never contain."""
    if len(raw) > MAX_FILE_BYTES:
        raise LoadError("RB009", Position(), f"file is {len(raw)} bytes, over the limit")
    text = _decode(raw)
    return load_text(text, name)


def load_text(text: str, name: str = "<string>") -> Document:
    """Load YAML text into a Document whose top level is a mapping."""
    if not text.strip() or _only_comments(text):
        raise LoadError("RB004", Position(), "the file has no content")
    _check_depth(text)
    root = _compose(text)
    if root is None:
        raise LoadError("RB004", Position(), "the file has no content")
    if not isinstance(root, yaml.MappingNode):
        raise LoadError(
            "RB005", position_of(root.start_mark), f"the top level is a {_kind_name(root)}"
        )
    if _might_alias(text):
        _check_expansion(root)
    data = _Constructor().construct(root)
    return Document(name, data, root, text)


_ALIAS = re.compile(r"(?:^|[\s\[{,:])\*[^\s\]},]")
"""Where an alias token (`*name`) can stand: at a line start or after a space or `[ { , :`, and a
name follows. PromQL's `.*` and a `*` inside words never match, so the guard below runs only for
documents that may have an alias; a false match merely costs the walk."""


def _might_alias(text: str) -> bool:
    return "*" in text and _ALIAS.search(text) is not None


def _check_expansion(root: yaml.Node) -> None:
    """Refuse alias bombs before building anything, pointing at the value that expands too far.

    Sizes are counted bottom-up once per distinct node, so shared anchors cost nothing extra.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if children_done:
            active.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[id(node)] > MAX_VALUES:
                raise LoadError("RB008", position_of(node.start_mark), "aliases expand too far")
            continue
        if id(node) in active:
            raise LoadError("RB010", position_of(node.start_mark), "alias refers to itself")
        active.add(id(node))
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def load_data_text(text: str, name: str = "<string>") -> Any:
    """Load YAML text of any shape (policies, drills, configuration) with the same safety rules."""
    _check_depth(text)
    root = _compose(text)
    return None if root is None else _Constructor().construct(root)


def dump(data: Any) -> str:
    """Plain block-style YAML for values we write ourselves (drill templates, exports)."""
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)


def _check_depth(text: str) -> None:
    """Refuse flow collections nested past MAX_DEPTH before libyaml's recursive composer sees them.

    Counting brackets is a cheap over-estimate (it ignores quoting): first all openers, then, when
    there are more than the limit, their depth; only when that passes the limit are parser events
    counted exactly. That count uses PyYAML's pure-Python parser on purpose: it
    streams events without recursion and has no nesting limit of its own, so our limit decides
    first whatever libyaml does (0.2.5 recursed until the process crashed, 0.2.6 stops at 1,000
    levels with a syntax error of its own).
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return  # fewer openers than the limit: nothing can nest that deep
    depth = deepest = 0
    for bracket in _NOT_BRACKETS.sub("", text):
        depth = depth + 1 if bracket in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    if deepest <= MAX_DEPTH:
        return
    depth = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise LoadError("RB012", position_of(event.start_mark), "collections nest too deep")
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return  # a syntax error: composing reports it with its position


def _only_comments(text: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines())


def _decode(raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            "RB002", Position(line, column), f"byte 0x{raw[exc.start]:02x} is not valid UTF-8"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        position = position_of(mark) if mark is not None else Position()
        tab = _tab_in_indentation(text, position.line)
        if tab is not None:
            raise LoadError("RB003", tab, "tab in indentation") from None
        problem = exc.problem or "invalid YAML"
        if "single document" in str(exc.context or ""):
            problem = "more than one YAML document in the file (remove the `---` separators)"
        raise LoadError("RB001", position, problem) from None
    except yaml.reader.ReaderError as exc:
        where = _position_at(text, exc.position)
        raise LoadError("RB001", where, f"character U+{exc.character:04X} is not allowed in YAML") from None
    except yaml.YAMLError as exc:
        raise LoadError("RB001", Position(), str(exc)) from None


def _position_at(text: str, index: int) -> Position:
    """The 1-based line and column of a character index (the reader reports only the index)."""
    line = text.count("\n", 0, index) + 1
    return Position(line, index - (text.rfind("\n", 0, index) + 1) + 1)


def _tab_in_indentation(text: str, near_line: int) -> Position | None:
    """The first indentation tab at or before the line where the parser gave up."""
    for number, line in enumerate(text.splitlines()[:near_line], start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            return Position(number, indent.index("\t") + 1)
    return None


def _kind_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "list"
    return "scalar value"


class _Constructor:
    """Turns composed nodes into dicts, lists, str, int, float, bool and None."""

    def __init__(self) -> None:
        self._budget = MAX_VALUES
        self._active: set[int] = set()
        self._depth = 0
        self._scalars = yaml.constructor.SafeConstructor()

    def construct(self, node: yaml.Node) -> Any:
        self._budget -= 1
        if self._budget < 0:
            raise LoadError("RB008", position_of(node.start_mark), "aliases expand too far")
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if id(node) in self._active:
            raise LoadError("RB010", position_of(node.start_mark), "alias refers to itself")
        if self._depth >= MAX_DEPTH:
            raise LoadError("RB012", position_of(node.start_mark), "collections nest too deep")
        self._active.add(id(node))
        self._depth += 1
        try:
            if isinstance(node, yaml.SequenceNode):
                return self._sequence(node)
            return self._mapping(node)
        finally:
            self._depth -= 1
            self._active.discard(id(node))

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag == _STR:
            return node.value
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return self._bool(node)
        if tag in (_INT, _FLOAT):
            return self._number(node)
        if tag == _TIMESTAMP:
            return node.value
        raise _bad_tag(node)

    def _number(self, node: yaml.ScalarNode) -> int | float:
        """An int or float; Python refuses ints past 4,300 digits with a ValueError of its own.

        Plain numbers always parse; only an explicit tag (`!!int ""`, `!!float x`) can carry a
        value PyYAML's constructor fails on, with whatever exception it happens to raise."""
        try:
            if node.tag == _INT:
                return int(self._scalars.construct_yaml_int(node))
            return float(self._scalars.construct_yaml_float(node))
        except OverflowError:
            raise LoadError("RB013", position_of(node.start_mark), "number too large to read") from None
        except ValueError as exc:
            if "digits" in str(exc):
                raise LoadError("RB013", position_of(node.start_mark), "number too large to read") from None
            raise _bad_value(node) from None
        except (IndexError, KeyError, TypeError):
            raise _bad_value(node) from None

    def _bool(self, node: yaml.ScalarNode) -> bool:
        try:
            return bool(self._scalars.construct_yaml_bool(node))
        except (KeyError, IndexError, TypeError, ValueError):
            raise _bad_value(node) from None

    def _sequence(self, node: yaml.SequenceNode) -> list[Any]:
        if node.tag != _SEQ:
            raise _bad_tag(node)
        return [self.construct(item) for item in node.value]

    def _mapping(self, node: yaml.Node) -> dict[Any, Any]:
        if node.tag != _MAP:
            raise _bad_tag(node)
        result: dict[Any, Any] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge(merged, value_node)
                continue
            key = self._key(key_node)
            if key in result:
                raise LoadError(
                    "RB006", position_of(key_node.start_mark), f"duplicate key {key!r}"
                )
            result[key] = self.construct(value_node)
        for key, value in merged.items():
            result.setdefault(key, value)  # keys written out override merged ones
        return result

    def _key(self, node: yaml.Node) -> str:
        """A mapping key as written: `yes:` stays "yes", `1:` stays "1".

        Every key in our documents is a name (JSON object keys are strings), and YAML 1.1 would
        otherwise turn an answer label `yes` into True and `no` into False.
        """
        if not isinstance(node, yaml.ScalarNode):
            raise LoadError("RB001", position_of(node.start_mark), "a key must be a plain value")
        self._scalar(node)  # refuses unknown tags on keys as on values
        return str(node.value)

    def _merge(self, result: dict[Any, Any], value_node: yaml.Node) -> None:
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        for source in sources:
            merged = self.construct(source)
            if not isinstance(merged, dict):
                raise LoadError(
                    "RB001", position_of(source.start_mark), "`<<` must merge a mapping"
                )
            for key, value in merged.items():
                result.setdefault(key, value)


def _bad_value(node: yaml.ScalarNode) -> LoadError:
    shown = node.value if len(node.value) <= 40 else node.value[:40] + "..."
    kind = node.tag.rsplit(":", 1)[-1]
    return LoadError("RB007", position_of(node.start_mark), f"{shown!r} is not a valid {kind}")


def _bad_tag(node: yaml.Node) -> LoadError:
    return LoadError("RB007", position_of(node.start_mark), f"tag {node.tag} is not allowed")
