#!/usr/bin/env python3
"""Print the package import graph of `src/evidence_tracer` and fail on a cycle or an upward arrow.

Layers, one way down (a package may import its own layer when that makes no cycle, and any lower one):

    cli, web                       people
    app                            use cases
    readiness, deliverables, report  pure: values in, documents out
    checks                         pure functions over an inventory
    sources, fakes                 the outside world (beside storage; write through the store's interface)
    inventory, catalog, config, governance, policies   the domain
    evidence                       storage only
    models, errors, clock, ...     values every layer shares

Imports inside `if TYPE_CHECKING:` count too: a type is a dependency.
Usage: scripts/import_graph.py [--why PACKAGE]  (--why lists the modules behind each arrow of PACKAGE)
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "evidence_tracer"
PACKAGE = "evidence_tracer"

LAYERS: tuple[tuple[str, ...], ...] = (
    ("models", "errors", "clock", "atomic", "yamlfile", "names", "jsontext", "__init__"),
    ("evidence",),
    ("catalog", "config", "inventory", "governance", "policies"),
    ("sources", "fakes"),
    ("checks",),
    ("readiness", "deliverables", "report", "period"),
    ("app",),
    ("cli", "web", "__main__"),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}
# The outside world is reached from use cases only: checks, readiness and the renderers read an inventory and
# import no source (and no fake), whatever their rank.
OUTSIDE = frozenset({"sources", "fakes"})
MAY_REACH_OUTSIDE = frozenset({"sources", "fakes", "app", "cli", "web", "__main__"})


def unit_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return parts[0]


def module_of(path: Path) -> list[str]:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return [PACKAGE, *parts]


def imported(path: Path) -> set[str]:
    """Every evidence_tracer module the file imports, absolute or relative."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_of(path)
    is_init = path.name == "__init__.py"
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_init else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {n for n in names if n.startswith(PACKAGE + ".")}


def graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], set[str]]]:
    edges: dict[str, set[str]] = defaultdict(set)
    why: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in sorted(ROOT.rglob("*.py")):
        source = unit_of(path)
        edges.setdefault(source, set())
        for name in imported(path):
            target = name.split(".")[1]
            known = (ROOT / target).is_dir() or (ROOT / f"{target}.py").is_file()
            if known and target != source:
                edges[source].add(target)
                why[(source, target)].add(str(path.relative_to(ROOT)))
    return edges, why


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def main(argv: list[str]) -> int:
    edges, why = graph()
    problems: list[str] = []
    for unit in sorted(edges):
        if unit not in RANK:
            problems.append(f"{unit} is in no layer: add it to LAYERS in scripts/import_graph.py")
    for source in sorted(edges, key=lambda u: (-RANK.get(u, 99), u)):
        targets = sorted(edges[source], key=lambda u: (-RANK.get(u, 99), u))
        print(f"[{RANK.get(source, '?')}] {source} -> {', '.join(targets) or '(nothing)'}")
        for target in targets:
            files = ", ".join(sorted(why[(source, target)]))
            if RANK.get(target, -1) > RANK.get(source, 99):
                problems.append(f"upward arrow {source} -> {target} ({files})")
            elif target in OUTSIDE and source not in MAY_REACH_OUTSIDE:
                problems.append(f"{source} imports {target} ({files}): only use cases reach the outside world")
    for component in cycles(edges):
        detail = "; ".join(
            f"{a} -> {b} ({', '.join(sorted(why[(a, b)]))})" for a in component for b in component if b in edges[a]
        )
        problems.append(f"cycle among {', '.join(component)}: {detail}")
    if "--why" in argv:
        wanted = argv[argv.index("--why") + 1]
        for (a, b), modules in sorted(why.items()):
            if wanted in (a, b):
                print(f"  {a} -> {b}: {', '.join(sorted(modules))}")
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if not problems:
        print("import graph: no cycle, no upward arrow")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
