"""The app import graph: which app imports which, the pairs that import each other, module-level
import cycles and imports inside functions. Run from the project root:

    .venv/bin/python bench/import_graph.py            # summary
    .venv/bin/python bench/import_graph.py --edges    # every app edge with its count of imports

Only the project's own apps are counted; tests and migrations are left out. Management commands
count: a command that imports an app above its own is a lower floor reaching up like any module.
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIP_PARTS = {"tests", "migrations", ".venv", "node_modules", "bench", "e2e"}


def apps() -> list[str]:
    return sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def modules(app_names: list[str]):
    for app in app_names:
        for path in (ROOT / app).rglob("*.py"):
            if SKIP_PARTS & set(path.relative_to(ROOT).parts):
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            yield name.removesuffix(".__init__"), path


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    package = base[: len(base) - node.level] if not module.endswith("__init__") else base
    return ".".join([*package, *([node.module] if node.module else [])])


def imports(module: str, path: Path):
    """(imported module, is inside a function) for each import of the module."""
    tree = ast.parse(path.read_text())
    inside = set()
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            inside.update(id(n) for n in ast.walk(fn) if isinstance(n, ast.Import | ast.ImportFrom))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, id(node) in inside, node.lineno
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            for alias in node.names:
                yield target, id(node) in inside, node.lineno
                yield f"{target}.{alias.name}", id(node) in inside, node.lineno


def main() -> None:
    app_names = apps()
    mods = dict(modules(app_names))
    app_edges: dict[tuple[str, str], int] = defaultdict(int)
    module_edges: dict[str, set[str]] = defaultdict(set)
    late = []
    for module, path in mods.items():
        seen_late = set()
        for target, is_late, line in imports(module, path):
            if target not in mods:
                continue
            source_app, target_app = module.split(".")[0], target.split(".")[0]
            if is_late:
                if (target, line) not in seen_late:
                    late.append(f"{module}:{line} -> {target}")
                    seen_late.add((target, line))
            else:
                module_edges[module].add(target)
            if source_app != target_app:
                app_edges[(source_app, target_app)] += 1
    pairs = sorted({tuple(sorted(e)) for e in app_edges if (e[1], e[0]) in app_edges})
    cycles = _cycles(module_edges)
    if "--edges" in sys.argv:
        for (a, b), n in sorted(app_edges.items()):
            print(f"{a} -> {b} ({n})")
    print(f"apps: {len(app_names)}; app edges: {len(app_edges)}")
    print(f"pairs of apps importing each other: {len(pairs)}")
    for a, b in pairs:
        print(f"  {a} <-> {b}")
    print(f"module import cycles (strongly connected groups, top-level imports): {len(cycles)}")
    for group in cycles:
        print("  " + ", ".join(sorted(group)))
    print(f"imports inside functions: {len(late)}")
    for entry in late:
        print(f"  {entry}")


def _cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]
    nodes = set(edges) | {t for ts in edges.values() for t in ts}

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
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
                out.append(group)

    sys.setrecursionlimit(10_000)
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return out


if __name__ == "__main__":
    main()
