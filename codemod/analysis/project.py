"""The project's own modules, found and read (never imported) for the analysis of one file.

A model file often takes its layers from the project: a base class in `models/base.py`, an
encoder in `layers.py`, a producer the user wrote. `ProjectImports` finds the file behind an
import of such a module, the way Python would find it when the project runs: relative imports
from the importing file's package; absolute ones below the importing file's folder (a script's
folder is on its path), below the top of its package, and below the project's roots (the work
tree, the paths given). Keras, TensorFlow and the libraries around them are never looked for
there: the analysis knows them from the catalogue.

Parsed modules are kept for the run, keyed by file and content hash (the most recent 256), so
a module many files import is parsed once per process; installed libraries
(site-packages) are never the project. A module that cannot be read or parsed is as good as missing:
the import stays opaque (at most a manual-review finding), never an error.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import os
import re
import sys
import warnings
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

# Top-level packages the catalogue models: a project file of that name is never taken for them.
_KNOWN_ROOTS = frozenset(
    {"keras", "tensorflow", "tf_keras", "keras_hub", "keras_nlp", "keras_cv", "numpy", "jax"}
)
# How every helpers module keras-mask-codemod writes starts (engine/helpers_module.py).
_OURS = b'"""Mask-aware Keras layers written by keras-mask-codemod'
MAX_MODULE_BYTES = 2_000_000  # a generated file this large is no model code to follow

# Per process, for the run: modules read (by file, mtime and size; the most recent kept) and
# where each imported name was found.
MAX_MODULES_KEPT = 256
_read: OrderedDict[tuple[str, bytes], ProjectModule | None] = OrderedDict()
_found: dict[tuple[str, str, tuple[str, ...]], str | None] = {}
_producer_modules: dict[tuple[str, int], bool] = {}  # (file, depth) -> may hold a producer
# An import line; `"` may open it, as in a notebook's JSON (a cell's source is a list of strings).
_IMPORT = re.compile(
    rb'[ \t]*"?(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+\(?([\w, \t*]+)|import[ \t]+([\w.]+))'
)
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ()))
_NOT_PROJECT = _KNOWN_ROOTS | _STDLIB


@dataclass(frozen=True)
class ProjectModule:
    """A module of the project: its file and tree (the analysis of a file importing it runs the
    tree's code in scopes that know this file, interpreter.Scope)."""

    path: str
    tree: ast.Module
    data: bytes

    @functools.cached_property
    def lines(self) -> list[str]:
        """The module's lines, decoded as Python decodes the file: the places of its nodes
        in characters, for a rewrite of this file asked for by a file importing it."""
        import io
        import tokenize

        from codemod.analysis import source_lines

        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(self.data).readline)
            text = self.data.decode(encoding, errors="replace")
        except (SyntaxError, LookupError):
            text = self.data.decode("utf-8", errors="replace")
        return source_lines(text.removeprefix("\ufeff"))


@dataclass(frozen=True)
class ProjectImports:
    """How one file (`path`) reaches the project's modules; `roots` bound the project."""

    path: str
    roots: tuple[str, ...] = ()

    @functools.cached_property
    def folder(self) -> str:
        """The file's absolute folder (asked for each import the file makes)."""
        return _folder_of(self.path)

    def find(self, module: str, importer: str | None = None) -> str | None:
        """The file of `module` ("pkg.layers", ".base", "..common") imported from `importer`
        (default: this file), or None when it is not the project's (once per process for each
        module, importing folder and roots)."""
        folder = self.folder if importer is None else _folder_of(importer)
        key = (module, folder, self.roots)
        if key not in _found:
            _found[key] = None if _installed(folder) else self._find(module, folder)
        return _found[key]

    def _find(self, module: str, folder: str) -> str | None:
        level = len(module) - len(module.lstrip("."))
        parts = [part for part in module.lstrip(".").split(".") if part]
        if level:
            base = folder
            for _ in range(level - 1):
                base = os.path.dirname(base)
            return _module_file(base, parts)
        if not parts or parts[0] in _KNOWN_ROOTS:
            return None
        for base in self._bases(folder):
            found = _module_file(base, parts)
            if found is not None:
                return found
        return None

    def imports_producer(self, text: str | bytes, depth: int = 2) -> bool:
        """Whether the file imports a module of the project that may hold a mask producer (the
        cheap text test on its bytes), directly or through `depth` - 1 more imports: such a file
        is analysed though its own text names no producer."""
        if _installed(self.folder):
            return False  # an installed library imports no module of the project (find)
        data = text.encode("utf-8", errors="surrogateescape") if isinstance(text, str) else text
        if b"\r" in data:  # old Mac endings: lines are split at \n only
            data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        for module in _imported_modules(data):
            file = self.find(module)
            if file is None:
                continue
            key = (file, depth)  # find gives absolute paths
            if key not in _producer_modules:
                _producer_modules[key] = False  # a cycle: not through itself
                _producer_modules[key] = _holds_producer(file, self.roots, depth)
            if _producer_modules[key]:
                return True
        return False

    def read(self, file: str) -> ProjectModule | None:
        """The module in `file`, parsed (once per file and content: an edit of the same size
        within the clock's tick is still seen, as a language server needs), or None when it
        cannot be, or when it is the helpers module we wrote: its layers are known as ours
        (names.classify)."""
        try:
            with open(file, "rb") as handle:
                data = handle.read(MAX_MODULE_BYTES + 1)
        except OSError:
            return None
        key = (os.path.abspath(file), hashlib.blake2b(data, digest_size=16).digest())
        if key in _read:
            _read.move_to_end(key)
            return _read[key]
        module = _module(file, data)
        _read[key] = module
        if len(_read) > MAX_MODULES_KEPT:
            _read.popitem(last=False)
        return module

    def _bases(self, folder: str) -> list[str]:
        """Where an absolute import from a file of `folder` is looked for."""
        top = folder
        while os.path.isfile(os.path.join(top, "__init__.py")):
            parent = os.path.dirname(top)
            if parent == top:
                break
            top = parent
        bases = [folder, top, *self.roots]
        bases += [os.path.join(root, "src") for root in self.roots]
        found = (os.path.abspath(base) for base in bases)
        return [base for base in dict.fromkeys(found) if not _installed(base)]


def _module(file: str, data: bytes) -> ProjectModule | None:
    if len(data) > MAX_MODULE_BYTES or data.lstrip(b"\xef\xbb\xbf").startswith(_OURS):
        return None
    tree = _parse(data)
    if tree is None:
        return None
    return ProjectModule(file, tree, data)


def _imported_modules(data: bytes) -> list[str]:
    """The modules an import statement of `data` may name (`from a import b` may import the
    submodule a.b), skipping the standard library and the libraries the catalogue knows.

    Only lines holding the word `import` are matched: finding the word is many times faster
    than trying the pattern at every line."""
    found: list[str] = []
    position = data.find(b"import")
    while position >= 0:
        start = data.rfind(b"\n", 0, position) + 1
        match = _IMPORT.match(data, start)
        if match is not None:
            found += _candidates(match)
        end = data.find(b"\n", position)
        position = data.find(b"import", end) if end >= 0 else -1
    return list(dict.fromkeys(found))


def _candidates(match: re.Match[bytes]) -> list[str]:
    named = match.group(1) or match.group(3)
    if named.split(b".")[0].decode(errors="replace") in _NOT_PROJECT:
        return []  # most import lines: every candidate has this root
    module, names, plain = (
        part.decode(errors="replace") if part is not None else "" for part in match.groups()
    )
    if plain:
        candidates = [plain]
    else:
        joiner = "" if module.endswith(".") else "."
        candidates = [module] + [
            module + joiner + name.strip()
            for name in names.split(",")
            if name.strip().isidentifier()
        ]
    return [candidate for candidate in candidates if candidate.split(".")[0] not in _NOT_PROJECT]


def _holds_producer(file: str, roots: tuple[str, ...], depth: int) -> bool:
    from codemod.analysis import may_contain_producer

    try:
        with open(file, "rb") as handle:
            data = handle.read(MAX_MODULE_BYTES + 1)
    except OSError:
        return False
    if may_contain_producer(data):
        return True
    return depth > 1 and ProjectImports(file, roots).imports_producer(data, depth - 1)


def _folder_of(file: str) -> str:
    return os.path.dirname(file if os.path.isabs(file) else os.path.abspath(file))


def _installed(folder: str) -> bool:
    """Whether `folder` is in an installed library's place: never the project."""
    parts = folder.replace("\\", "/").split("/")
    return "site-packages" in parts or "dist-packages" in parts


def _module_file(base: str, parts: Sequence[str]) -> str | None:
    """`base/a/b.py` or `base/a/b/__init__.py` for the parts [a, b]; None when neither is."""
    if not parts:
        init = os.path.join(base, "__init__.py")
        return init if os.path.isfile(init) else None
    path = os.path.join(base, *parts)
    for candidate in (path + ".py", os.path.join(path, "__init__.py")):
        if os.path.isfile(candidate):
            return candidate
    return None


def _parse(data: bytes) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(data)
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
