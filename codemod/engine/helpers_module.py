"""`--helpers-module pkg.mod`: the helper layers live in one module of the user's project.

The module holds every public helper (one fixed text), so files fixed at different times never
need it to change. It is created when missing, left alone when it already holds exactly that
text, and never overwritten when it holds anything else.
"""

from __future__ import annotations

from pathlib import Path

from codemod.engine.sources import SourceError, write_atomic


class HelpersModuleError(Exception):
    def __init__(self, path: str, reason: str) -> None:
        super().__init__(reason)
        self.path, self.reason = path, reason


def helpers_module_path(module: str, root: Path | None = None) -> Path:
    """Where `pkg.mod` lives below the current folder (or below src/, for a src layout)."""
    root = root or Path()
    parts = module.split(".")
    if not (root / parts[0]).exists() and (root / "src" / parts[0]).is_dir():
        root = root / "src"
    return root.joinpath(*parts[:-1], parts[-1] + ".py")


def helpers_module_text() -> str:
    from codemod.rewrite.helper_source import HELPER_NAMES, helper_source

    public = sorted(name for name in HELPER_NAMES if not name.startswith("_"))
    return (
        '"""Mask-aware Keras layers written by keras-mask-codemod (--helpers-module).\n\n'
        "Saved .keras models that use them need this module imported before loading.\n"
        '"""\n\nimport keras\n\n\n' + helper_source(public)
    )


def ensure_helpers_module(module: str, root: Path | None = None) -> Path:
    path = helpers_module_path(module, root)
    text = helpers_module_text()
    if path.exists():
        try:
            if path.read_text("utf-8") == text:
                return path
        except (OSError, UnicodeDecodeError):
            pass
        raise HelpersModuleError(
            str(path),
            "exists with other content; not overwritten (choose another --helpers-module)",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode("utf-8"))
    except (OSError, SourceError) as error:
        raise HelpersModuleError(str(path), f"cannot write the helpers module: {error}") from None
    return path
