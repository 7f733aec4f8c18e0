"""Data flows one way: files -> sources -> findings -> rewrites -> diffs/writes -> report.

Every module of the package sits in one layer (docs/ARCHITECTURE.md draws the map) and may
import only from its own layer and the layers below: the analysis knows nothing of rewriting,
and neither the analysis, the rewrites nor the engine know the command line or the report
formats. Function-level and TYPE_CHECKING imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "codemod"
ARCHITECTURE = PACKAGE.parent / "docs" / "ARCHITECTURE.md"

# Lowest first: a top-level module or sub-package, by name.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"catalogue", "gc_pause"}),  # facts, no codemod imports
    frozenset({"target"}),  # which Keras the code runs on
    frozenset({"analysis"}),  # sources -> findings
    frozenset({"rewrite"}),  # findings -> rewritten text
    frozenset({"config", "settings"}),  # run options, from the command line and pyproject
    frozenset({"engine"}),  # files -> reports: reading, writing, notebooks, workers
    frozenset({"output", "explain"}),  # reports -> what users read
    frozenset({"cli", "commands", "__main__", "server"}),  # the command, and the language server
)
LAYER_OF = {unit: depth for depth, units in enumerate(LAYERS) for unit in units}


def imported_units(path: Path) -> set[str]:
    """The codemod sub-packages or modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
            if node.module == "codemod":
                names = [f"codemod.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "codemod" and len(parts) > 1:
                found.add(parts[1])
    return found


def unit_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0] if len(relative.parts) > 1 else relative.stem


def modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer() -> None:
    units = {unit_of(path) for path in modules()} - {"__init__"}
    assert units - LAYER_OF.keys() == set()


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_only_go_downstream(path: Path) -> None:
    unit = unit_of(path)
    if unit == "__init__":
        return
    upward = {
        imported: LAYER_OF[imported]
        for imported in imported_units(path)
        if imported in LAYER_OF and LAYER_OF[imported] > LAYER_OF[unit]
    }
    assert upward == {}, f"{unit} (layer {LAYER_OF[unit]}) imports from above it"


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "flow.py"
    module.write_text("def f():\n    from codemod.rewrite.auto import choose\n")
    assert imported_units(module) == {"rewrite"}
    assert LAYER_OF["rewrite"] > LAYER_OF["analysis"]


def test_the_architecture_map_names_every_module() -> None:
    """docs/ARCHITECTURE.md stays true: each module of the package appears in its map."""
    text = ARCHITECTURE.read_text("utf-8")
    missing = [
        relative
        for path in modules()
        if path.name != "__init__.py"
        if (relative := path.relative_to(PACKAGE).as_posix()) not in text
    ]
    assert missing == []
