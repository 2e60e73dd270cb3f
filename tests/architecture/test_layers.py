"""The house's layers (docs/ARCHITECTURE.md): every import between packages of ``casemgmt`` points down, so the
package graph has no cycle; and the assignment table has one writer.

Read from the source text with ``ast`` (no import runs), so the test sees imports inside functions too.
"""

from __future__ import annotations

import ast
import graphlib
import re
from collections import defaultdict
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "casemgmt"

# Bottom to top. A package may import from its own layer's modules and from every layer below it, never above.
LAYERS: list[set[str]] = [
    {"settings", "errors"},
    {"db"},
    {"directory"},
    {"auth"},
    {"web"},
    {"audit"},
    {"signin"},
    {"organisation"},
    {"mail"},
    {"notifications"},
    {"references"},
    {"knowledge"},
    {"clients"},
    {"dossiers"},
    {"contacts"},
    {"commitments"},
    {"handoffs", "escalations", "signals"},
    {"casefile"},
    {"reminders"},
    {"pilots"},
    {"surveys"},
    {"metrics"},
    {"dashboard"},
    {"exchange"},
    {"synthetic"},
    {"models"},
    {"cli"},
    {"app"},
    {"__main__", "__init__"},
]
LEVEL = {name: level for level, names in enumerate(LAYERS) for name in names}


def _package_of(path: Path) -> str:
    parts = path.relative_to(SRC).parts
    return parts[0].removesuffix(".py")


def package_imports() -> dict[tuple[str, str], set[str]]:
    """(importing package, imported package) → the files that import so."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        source = _package_of(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                parts = module.split(".")
                if parts[0] == "casemgmt" and len(parts) > 1 and parts[1] != source:
                    edges[(source, parts[1])].add(str(path.relative_to(SRC)))
    return edges


def test_every_package_has_a_layer() -> None:
    packages = {_package_of(path) for path in SRC.rglob("*.py")}
    assert packages - LEVEL.keys() == set(), "add the new package to LAYERS (and to docs/ARCHITECTURE.md)"


def test_imports_point_down() -> None:
    upward = [
        f"{source} -> {target} ({', '.join(sorted(files))})"
        for (source, target), files in sorted(package_imports().items())
        if LEVEL.get(target, -1) >= LEVEL.get(source, -1) and LEVEL.get(target) != LEVEL.get(source)
    ]
    assert upward == []


def test_the_package_graph_has_no_cycle() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in package_imports():
        graph[source].add(target)
    graphlib.TopologicalSorter(graph).prepare()  # raises CycleError naming the circle


# Building an assignment object, or a Core/ORM INSERT into its table (bulk loaders hand their row dicts to
# ``involvement.insert_assignments``).
WRITES_ASSIGNMENTS = re.compile(r"(?<!class )DossierAssignment\(|insert\(\s*(cast\(\s*Table,\s*)?DossierAssignment")


def test_only_involvement_writes_assignments() -> None:
    writers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if WRITES_ASSIGNMENTS.search(path.read_text(encoding="utf-8"))
    )
    assert writers == ["dossiers/involvement.py"]
