"""Data flows one way: files -> sources -> findings -> rewrites -> diffs/writes -> report.

The packages below may import only what lies upstream of them: the analysis knows nothing of
rewriting, and neither the analysis, the rewrites nor the engine know the command line or the
report formats. Function-level imports count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "codemod"

# What each package must never import (its downstream).
FORBIDDEN = {
    "analysis": {"rewrite", "engine", "output", "cli", "explain"},
    "rewrite": {"engine", "output", "cli"},
    "engine": {"output", "cli"},
    "output": {"cli"},
}


def imported_packages(path: Path) -> set[str]:
    """The codemod sub-packages or modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "codemod" and len(parts) > 1:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_imports_only_go_downstream(package: str) -> None:
    files = sorted((PACKAGE / package).rglob("*.py"))
    assert files, package
    upward = {
        str(path.relative_to(PACKAGE.parent)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in files
    }
    assert {path: names for path, names in upward.items() if names} == {}


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "flow.py"
    module.write_text("def f():\n    from codemod.rewrite.choose import auto_strategy\n")
    assert imported_packages(module) & FORBIDDEN["analysis"] == {"rewrite"}
