"""The package layout tells the architecture: no module imports itself back through others."""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "runbook_engine"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, name: str, known: set[str]) -> set[str]:
    """Modules of the package that `path` imports, at any depth of its code (lazy imports count)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {module for module in found if module in known and module != name}


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` except those under `if TYPE_CHECKING:` (annotations only, never run)."""
    nodes: list[ast.AST] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        nodes.append(node)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))
    return nodes


def import_graph() -> nx.DiGraph:
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph = nx.DiGraph()
    for name, path in files.items():
        graph.add_node(name)
        for target in _imports(path, name, set(files)):
            if not (name.startswith(f"{target}.") or target.startswith(f"{name}.")):
                graph.add_edge(name, target)
    return graph


def test_no_import_circles_between_modules() -> None:
    cycles = list(nx.simple_cycles(import_graph()))
    assert cycles == [], f"import circles: {cycles[:5]}"


def test_lint_never_imports_drill() -> None:
    graph = import_graph()
    lint = [node for node in graph if node.startswith("runbook_engine.lint")]
    reached = set().union(*(nx.descendants(graph, node) for node in lint))
    assert not {node for node in reached if node.startswith("runbook_engine.drill")}


def test_the_format_modules_live_in_one_package() -> None:
    names = {"loader", "model", "schema", "compiled_schema", "placeholders", "durations", "library"}
    assert {path.stem for path in (PACKAGE / "format").glob("*.py")} >= names | {"validation_cache"}
    assert not [name for name in names if (PACKAGE / f"{name}.py").exists()]
