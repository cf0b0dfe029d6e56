"""model/ is layered: no module reaches back to one that imports it (imports inside functions count too),
and model/ never imports export/ or Qt."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def _imports() -> dict[str, set[str]]:
    """module → the modules it imports anywhere in its code, except under `if TYPE_CHECKING:`."""
    modules = {_module_name(p): p for p in (ROOT / "model").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree)
                       if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"
                       for n in ast.walk(node)}
        targets: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            if isinstance(node, ast.ImportFrom) and node.module:
                targets.add(node.module)
                targets.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                targets.update(a.name for a in node.names)
        graph[name] = targets
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    inner = {m: {t for t in ts if t in graph} for m, ts in graph.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in inner[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(group)

    for v in inner:
        if v not in index:
            visit(v)
    return found


def test_no_module_of_model_imports_one_that_imports_it():
    # `from package import module` counts as importing the package too, so a package's __init__ that reads
    # its modules must not be imported back by them
    assert _cycles(_imports()) == []


def test_model_never_imports_export_or_qt():
    offending = {m: sorted(t for t in ts if t.split(".")[0] in ("export", "PySide6"))
                 for m, ts in _imports().items()}
    assert {m: ts for m, ts in offending.items() if ts} == {}
