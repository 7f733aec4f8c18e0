"""Which Keras a project runs: the `target-keras` setting, else what the project's pins say.

Keras 2 (TensorFlow <= 2.15, tf_keras), Keras 3.0 to 3.15 and Keras 3.16+ do different things with
masks, and the source alone cannot say which one runs it. As with ruff's `target-version`, the
command line or pyproject.toml may name it; otherwise it is read from the pin files nearest the
code (read as text: nothing is imported or run); otherwise the newest release is assumed. The
target selects the catalogue release the analysis uses.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from codemod.catalogue import KERAS_RELEASES, NEWEST_KERAS, Catalogue

OPTION = "--target-keras"
SETTING = "target-keras"

Version = tuple[int, ...]


@dataclass(frozen=True)
class KerasTarget:
    """The Keras a run checks against. Plain strings, so it travels to --jobs workers.

    version: for people ("3.15", "2.15", "3"); release: the catalogue key it selects ("2", "3",
    "3.16"); source: where it came from ("--target-keras", "requirements.txt: tensorflow==2.15.0").
    """

    version: str
    release: str
    source: str

    @property
    def keras_2(self) -> bool:
        return self.release == "2"

    @property
    def catalogue(self) -> Catalogue:
        return _catalogue(self.release)

    def describe(self) -> str:
        """`Keras 2.15 (requirements.txt: tensorflow==2.15.0; ...)`, for messages."""
        return f"Keras {self.version} ({self.source})"


def toml():
    """The TOML parser, imported only when a TOML file is read: a run over a tree often reads none,
    and its import is a tenth of a fast run's start."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


@functools.cache
def _catalogue(release: str) -> Catalogue:
    return Catalogue(release)


def release_of(version: Version) -> str:
    """The catalogue release that holds for Keras `version`: its keys are the first version each
    applies to, so it is the newest key not after `version` (Keras 1 counts as Keras 2)."""
    keys = sorted(KERAS_RELEASES, key=_key_version)
    return next((k for k in reversed(keys) if _key_version(k) <= version), keys[0])


def _key_version(key: str) -> Version:
    return tuple(int(part) for part in key.split("."))


def _dotted(version: Version) -> str:
    return ".".join(str(part) for part in version)


NEWEST = _dotted(NEWEST_KERAS)
DEFAULT_TARGET = KerasTarget(
    NEWEST,
    release_of(NEWEST_KERAS),
    "default: no Keras or TensorFlow pin found, assuming the newest release",
)

# What a user may name: a major version, or major.minor, of Keras 2 or 3.
_USER_VERSION = re.compile(r"([23])(?:\.(\d+))?")


def parse_target(value: object, key: str, source: str) -> KerasTarget:
    """The target a user named as `key` ("2", "2.15", "3", "3.16"...); ValueError, one line, if
    it is not one."""
    match = _USER_VERSION.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(
            f'{key} must be a Keras version string such as "2", "2.15", "3" or "3.16", '
            f"not {value!r}"
        )
    version = (int(match[1]),) if match[2] is None else (int(match[1]), int(match[2]))
    return KerasTarget(_dotted(version), release_of(version), source)


class TargetSetting(Protocol):
    """What the project's settings (codemod/settings.py) say of the target."""

    target_keras: str | None  # the `target-keras` value, if set

    def where(self, key: str) -> str:
        """Where `key` is set, for messages: "pyproject.toml [tool.keras-mask-codemod] key"."""
        ...


def resolve_target(option: str | None, settings: TargetSetting, start: Path) -> KerasTarget:
    """The run's target: --target-keras, else the pyproject.toml setting, else the pins nearest
    `start` (the first path given). ValueError, one line, for a bad --target-keras."""
    if option is not None:
        return parse_target(option, OPTION, OPTION)
    if settings.target_keras is not None:
        return parse_target(settings.target_keras, SETTING, settings.where(SETTING))
    return infer_target(start)


# Inference from pins -------------------------------------------------------------------------

KERAS_PACKAGES = frozenset({"keras"})
TENSORFLOW_PACKAGES = frozenset(
    {
        "tensorflow",
        "tensorflow-cpu",
        "tensorflow-gpu",
        "tensorflow-macos",
        "tensorflow-intel",
        "tf-nightly",
    }
)
# TensorFlow 2.16 is the first whose tf.keras is Keras 3; 2.21 the newest release.
TENSORFLOW_WITH_KERAS_3 = (2, 16)
NEWEST_TENSORFLOW = (2, 21)

# The release lines a pin can select (major, minor), with one line after the newest release so
# that `keras>=3.16` selects a version not released yet while `keras>=3` stays on the newest.
_KERAS_LINES = (
    [(2, minor) for minor in range(16)]
    + [(3, minor) for minor in range(NEWEST_KERAS[1] + 1)]
    + [(NEWEST_KERAS[0], NEWEST_KERAS[1] + 1)]
)
_TENSORFLOW_LINES = (
    [(1, minor) for minor in range(16)]
    + [(2, minor) for minor in range(NEWEST_TENSORFLOW[1] + 1)]
    + [(NEWEST_TENSORFLOW[0], NEWEST_TENSORFLOW[1] + 1)]
)

# Files that hold pins, in the order they are trusted: lock files (exact versions) first.
LOCK_FILES = ("poetry.lock", "uv.lock", "Pipfile.lock")
SPECIFIER_FILES = (
    "pyproject.toml",
    "setup.cfg",
    "setup.py",
    "Pipfile",
    "environment.yml",
    "environment.yaml",
)
REQUIREMENTS_GLOB = "requirements*.txt"
MAX_REQUIREMENTS_FILES = 32  # -r includes followed per folder, cycles or not


@dataclass(frozen=True)
class Pin:
    """One package requirement read from a pin file."""

    file: Path
    name: str  # normalised (PEP 503): tensorflow-cpu
    spec: str  # the version constraint: "==2.15.0", ">=2.12,<2.16", "^2.15", "" for any
    shown: str  # as the file writes it, for the target's source
    locked: bool = False  # an exact version from a lock file


def infer_target(start: Path) -> KerasTarget:
    """The target the pins nearest `start` give, or the default when they give none.

    Lock files win over specifiers; a Keras pin decides over a TensorFlow one. Several
    specifiers for one package (pyproject.toml and requirements.txt) must all hold.
    """
    pins = list(dict.fromkeys(pin for file in find_pin_files(start) for pin in read_pins(file)))
    for locked in (True, False):
        for packages, target_of in (
            (KERAS_PACKAGES, _keras_target),
            (TENSORFLOW_PACKAGES, _tensorflow_target),
        ):
            chosen = [p for p in pins if p.locked is locked and p.name in packages]
            target = _first_target(chosen, target_of)
            if target is not None:
                return target
    return DEFAULT_TARGET


def _first_target(
    pins: list[Pin], target_of: Callable[[list[Pin]], KerasTarget | None]
) -> KerasTarget | None:
    """All the pins together; if they admit no version together, the first one that admits one."""
    if not pins:
        return None
    together = target_of(pins)
    if together is not None or len(pins) == 1:
        return together
    return next((t for t in (target_of([pin]) for pin in pins) if t is not None), None)


def _keras_target(pins: list[Pin]) -> KerasTarget | None:
    line = newest_admitted([pin.spec for pin in pins], _KERAS_LINES, NEWEST_KERAS)
    if line is None:
        return None
    return KerasTarget(_dotted(line), release_of(line), _pins_source(pins))


def _tensorflow_target(pins: list[Pin]) -> KerasTarget | None:
    line = newest_admitted([pin.spec for pin in pins], _TENSORFLOW_LINES, NEWEST_TENSORFLOW)
    if line is None:
        return None
    if line < TENSORFLOW_WITH_KERAS_3:
        # TensorFlow 2.6 to 2.15 ship Keras of the same version; older ones an older Keras 2.
        version = f"2.{line[1]}" if line >= (2, 6) else "2"
        source = f"{_pins_source(pins)}; TensorFlow before 2.16 comes with Keras 2"
        return KerasTarget(version, release_of((2,)), source)
    source = (
        f"{_pins_source(pins)}; TensorFlow 2.16 and later come with Keras 3, "
        "assuming its newest release"
    )
    return KerasTarget(NEWEST, release_of(NEWEST_KERAS), source)


def _pins_source(pins: list[Pin]) -> str:
    return "; ".join(f"{shown_path(pin.file)}: {pin.shown}" for pin in pins)


def shown_path(path: Path) -> str:
    """The path relative to the current folder when it is below it, else absolute."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def find_pin_files(start: Path) -> list[Path]:
    """The pin files of the first folder at or above `start` that has any, not looking above
    the git work tree's root; lock files first."""
    folder = (start if start.is_dir() else start.parent).resolve()
    for candidate in (folder, *folder.parents):
        files = [candidate / name for name in (*LOCK_FILES, *SPECIFIER_FILES)]
        files = [f for f in files if f.is_file()]
        files += sorted(f for f in candidate.glob(REQUIREMENTS_GLOB) if f.is_file())
        if files or (candidate / ".git").exists():
            return files
    return []


def read_pins(file: Path) -> list[Pin]:
    """The Keras and TensorFlow pins in one pin file; none when it cannot be read or parsed."""
    import configparser  # for setup.cfg and its errors: imported only where pins are read

    reader = _READERS.get(file.name, _requirements_file)
    try:
        pins = list(reader(file))
    except (
        OSError,
        UnicodeDecodeError,
        ValueError,  # TOML and JSON errors too
        SyntaxError,
        RecursionError,
        MemoryError,
        configparser.Error,
    ):
        return []
    return list(dict.fromkeys(pin for pin in pins if pin.name in _PACKAGES))


_PACKAGES = KERAS_PACKAGES | TENSORFLOW_PACKAGES


def normalise(name: str) -> str:
    """PEP 503: `TensorFlow_CPU` and `tensorflow-cpu` are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


# PEP 508: name, optional [extras], then a version specifier or `@ url`; markers after `;`.
_REQUIREMENT = re.compile(r"([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)")


def requirement_pin(text: str, file: Path) -> Pin | None:
    """A PEP 508 requirement (`tensorflow[and-cuda]>=2.12,<2.16; python_version < "3.12"`);
    markers are not evaluated, and a direct URL reference says no version."""
    text = text.split(";", 1)[0].strip()
    match = _REQUIREMENT.fullmatch(text)
    if match is None or match[3].startswith("@"):
        return None
    spec = match[3].strip()
    if spec.startswith("(") and spec.endswith(")"):
        spec = spec[1:-1].strip()
    return Pin(file, normalise(match[1]), spec, text)


def _table_pin(name: object, value: object, file: Path) -> Pin | None:
    """Poetry and Pipfile: `tensorflow = "^2.15"` or `{version = "^2.15", ...}` (a list of
    such tables is a choice by platform: any of them)."""
    if not isinstance(name, str):
        return None
    tables = value if isinstance(value, list) else [value]
    specs = [t if isinstance(t, str) else _table(t).get("version") for t in tables]
    if not specs or not all(isinstance(spec, str) for spec in specs):
        return None  # a path, git or url dependency: no version
    spec = " || ".join(specs)  # type: ignore[arg-type]
    return Pin(file, normalise(name), spec, _shown(name, spec))


def _shown(name: str, spec: str) -> str:
    if spec[:1] in ("<", ">", "=", "!") or spec.startswith("~="):
        return f"{name}{spec}"
    return f"{name} {spec}" if spec else name


def _pyproject(file: Path) -> Iterator[Pin]:
    """[project] dependencies and optional-dependencies, [dependency-groups], and Poetry's
    [tool.poetry] dependencies, dev-dependencies and groups."""
    data = toml().loads(file.read_text("utf-8"))
    project = _table(data.get("project"))
    requirements = _list(project.get("dependencies"))
    for extra in _table(project.get("optional-dependencies")).values():
        requirements += _list(extra)
    for group in _table(data.get("dependency-groups")).values():
        requirements += _list(group)
    for text in requirements:
        if isinstance(text, str) and (pin := requirement_pin(text, file)) is not None:
            yield pin
    poetry = _table(_table(data.get("tool")).get("poetry"))
    tables = [poetry.get("dependencies"), poetry.get("dev-dependencies")]
    tables += [_table(group).get("dependencies") for group in _table(poetry.get("group")).values()]
    for table in tables:
        for name, value in _table(table).items():
            if (pin := _table_pin(name, value, file)) is not None:
                yield pin


def _pipfile(file: Path) -> Iterator[Pin]:
    data = toml().loads(file.read_text("utf-8"))
    for section in ("packages", "dev-packages"):
        for name, value in _table(data.get(section)).items():
            if (pin := _table_pin(name, value, file)) is not None:
                yield pin


def _package_lock(file: Path) -> Iterator[Pin]:
    """poetry.lock and uv.lock: `[[package]]` tables with `name` and `version`. Read by lines,
    not as TOML: lock files run to megabytes and only two keys matter."""
    text = file.read_text("utf-8")
    for block in text.split("[[package]]")[1:]:
        name = re.search(r'^name\s*=\s*"([^"]+)"', block, re.MULTILINE)
        version = re.search(r'^version\s*=\s*"([^"]+)"', block, re.MULTILINE)
        if name is not None and version is not None:
            yield Pin(file, normalise(name[1]), f"=={version[1]}", f"{name[1]} {version[1]}", True)


def _pipfile_lock(file: Path) -> Iterator[Pin]:
    import json

    data = json.loads(file.read_text("utf-8"))
    for section in ("default", "develop"):
        for name, entry in _table(_table(data).get(section)).items():
            version = _table(entry).get("version")
            if isinstance(name, str) and isinstance(version, str):
                shown = f"{name} {version.lstrip('=')}"
                yield Pin(file, normalise(name), version, shown, True)


def _setup_cfg(file: Path) -> Iterator[Pin]:
    """[options] install_requires and [options.extras_require]."""
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(file.read_text("utf-8"))
    values = []
    if parser.has_option("options", "install_requires"):
        values.append(parser.get("options", "install_requires"))
    if parser.has_section("options.extras_require"):
        values += [value for _, value in parser.items("options.extras_require")]
    for value in values:
        for line in _lines(value):
            if (pin := requirement_pin(line, file)) is not None:
                yield pin


def _setup_py(file: Path) -> Iterator[Pin]:
    """`setup(install_requires=[...], extras_require={...})` with literal lists, or names bound
    to literal lists at module level. Parsed with ast; never run."""
    tree = ast.parse(file.read_text("utf-8"))
    bound = {
        target.id: node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }

    def literal(node: ast.expr) -> object:
        if isinstance(node, ast.Name) and node.id in bound:
            node = bound[node.id]
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            return None

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or _called_name(node.func) != "setup":
            continue
        for keyword in node.keywords:
            if keyword.arg == "install_requires":
                requirements = _list(literal(keyword.value))
            elif keyword.arg == "extras_require":
                extras = _table(literal(keyword.value)).values()
                requirements = [text for extra in extras for text in _list(extra)]
            else:
                continue
            for text in requirements:
                if isinstance(text, str) and (pin := requirement_pin(text, file)) is not None:
                    yield pin


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else None


_INCLUDE = re.compile(r"(?:-[rc]\s*|--(?:requirement|constraint)(?:\s*=\s*|\s+))(\S+)")
_OPTION_AFTER = re.compile(r"\s+-")  # `pkg==1.0 --hash=sha256:...`


def _requirements_file(file: Path, seen: set[Path] | None = None) -> Iterator[Pin]:
    """requirements*.txt, following `-r` and `-c` includes (a bounded number of files)."""
    seen = set() if seen is None else seen
    seen.add(file)
    for line in _lines(re.sub(r"\\\r?\n", "", file.read_text("utf-8"))):
        include = _INCLUDE.fullmatch(line)
        if include is not None:
            included = (file.parent / include[1]).resolve()
            if included in seen or len(seen) >= MAX_REQUIREMENTS_FILES:
                continue
            try:
                yield from list(_requirements_file(included, seen))
            except (OSError, UnicodeDecodeError):
                continue
        elif not line.startswith("-"):
            pin = requirement_pin(_OPTION_AFTER.split(line, 1)[0], file)
            if pin is not None:
                yield pin


def _environment_yml(file: Path) -> Iterator[Pin]:
    """A conda environment's `dependencies:` list and its nested `pip:` list. Read by lines
    (PyYAML is not a dependency): block-style lists, as conda writes them."""
    in_dependencies = False
    pip_indent: int | None = None
    for raw in file.read_text("utf-8").splitlines():
        line = re.sub(r"(^|\s)#.*", "", raw).rstrip()
        text = line.strip()
        if not text:
            continue
        indent = len(line) - len(line.lstrip())
        if not in_dependencies:
            in_dependencies = indent == 0 and text == "dependencies:"
            continue
        if indent == 0 and not text.startswith("-"):
            break  # the next top-level key
        if not text.startswith("-"):
            continue
        item = text[1:].strip().strip("'\"")
        if pip_indent is not None and indent > pip_indent:
            pin = requirement_pin(item, file)
        else:
            pip_indent = indent if item.replace(" ", "") == "pip:" else None
            pin = None if pip_indent is not None else _conda_pin(item, file)
        if pin is not None:
            yield pin


_CONDA_VERSION = re.compile(r"(==|=)?(\d[^=<>!,|\s]*)(=\S*)?")


def _conda_pin(item: str, file: Path) -> Pin | None:
    """A conda match spec: `tensorflow=2.15` (fuzzy: 2.15.*), `tensorflow==2.15.0=cpu_py310`
    (exact, with a build), `tensorflow 2.15.*`, `conda-forge::keras>=3`."""
    spec_text = item.split("::")[-1].strip()
    match = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)\s*(.*)", spec_text)
    if match is None:
        return None
    rest = match[2].split()[0] if match[2].strip() else ""
    single = _CONDA_VERSION.fullmatch(rest)
    if single is None:
        spec = rest  # a range: >=2.12,<2.16
    elif single[1] == "==":
        spec = f"=={single[2]}"
    else:
        spec = f"=={single[2].rstrip('.*')}.*"
    return Pin(file, normalise(match[1]), spec, item)


def _lines(text: str) -> Iterator[str]:
    """Non-empty lines without comments."""
    for line in text.splitlines():
        line = re.sub(r"(^|\s)#.*", "", line).strip()
        if line:
            yield line


def _table(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return list(value) if isinstance(value, (list, tuple)) else []


_READERS: dict[str, Callable[[Path], Iterable[Pin]]] = {
    "poetry.lock": _package_lock,
    "uv.lock": _package_lock,
    "Pipfile.lock": _pipfile_lock,
    "pyproject.toml": _pyproject,
    "setup.cfg": _setup_cfg,
    "setup.py": _setup_py,
    "Pipfile": _pipfile,
    "environment.yml": _environment_yml,
    "environment.yaml": _environment_yml,
}


# Version specifiers ----------------------------------------------------------------------------

# One constraint: an operator (PEP 440, Poetry's ^ and ~, conda's =) and a version or wildcard.
_CONSTRAINT = re.compile(r"(===|==|!=|~=|<=|>=|<|>|=|\^|~)?\s*(?<![\w.*])(\*|\d[\w.*+!-]*)")
_RELEASE = re.compile(r"(?:\d+!)?(\d+(?:\.\d+)*)")
_HIGH = 10**6  # a patch number above any real one: the last release of a line


def newest_admitted(
    specs: list[str], lines: list[tuple[int, int]], newest: tuple[int, int]
) -> tuple[int, int] | None:
    """The (major, minor) of the newest released version that every spec admits; if they admit
    only versions after `newest`, the first of those; None if they admit none we know of.

    Candidates are each line's first and last patch, and every version a spec names, so
    `<2.16`, `>2.15.0,<2.16`, `~=2.15.0`, `==2.15.*` and `^2.15` all find 2.15.
    """
    candidates: set[Version] = {(*line, patch) for line in lines for patch in (0, _HIGH)}
    for spec in specs:
        candidates |= {_padded(v, 3) for _, text in _constraints(spec) if (v := _release(text))}
    admitted = sorted(c for c in candidates if all(admits(spec, c) for spec in specs))
    released = [c for c in admitted if c[:2] <= newest]
    chosen = released[-1] if released else admitted[0] if admitted else None
    return None if chosen is None else (chosen[0], chosen[1])


def admits(spec: str, version: Version) -> bool:
    """Whether `version` meets `spec`: PEP 440 clauses joined by commas, Poetry's `^`, `~`,
    spaces and `||`, conda's `|`. An empty spec or `*` admits every version."""
    alternatives = [part for part in re.split(r"\|\|?", spec) if part.strip()]
    if not alternatives:
        return True
    return any(
        all(_meets(op, text, version) for op, text in _constraints(part)) for part in alternatives
    )


def _constraints(spec: str) -> list[tuple[str, str]]:
    return [(m[1] or "", m[2]) for m in _CONSTRAINT.finditer(spec)]


def _meets(op: str, text: str, version: Version) -> bool:
    if text == "*":
        return op != "!="
    bound = _release(text)
    if bound is None:
        return True
    if op in ("", "=", "==", "==="):  # a bare version is exact in Poetry
        return _matches(text, bound, version)
    if op == "!=":
        return not _matches(text, bound, version)
    if op == "~=":
        return _compare(version, bound) >= 0 and _prefix(version, bound[:-1] or bound)
    if op == "^":
        first = next((i for i, part in enumerate(bound) if part), len(bound) - 1)
        upper = (*bound[:first], bound[first] + 1)
        return _compare(version, bound) >= 0 and _compare(version, upper) < 0
    if op == "~":
        upper = (bound[0], bound[1] + 1) if len(bound) > 1 else (bound[0] + 1,)
        return _compare(version, bound) >= 0 and _compare(version, upper) < 0
    order = _compare(version, bound)
    return {"<": order < 0, "<=": order <= 0, ">": order > 0, ">=": order >= 0}[op]


def _matches(text: str, bound: Version, version: Version) -> bool:
    """`==2.15.*` is a prefix; `==2.15` is 2.15.0."""
    return _prefix(version, bound) if text.endswith("*") else _compare(version, bound) == 0


def _prefix(version: Version, prefix: Version) -> bool:
    return _padded(version, len(prefix))[: len(prefix)] == prefix


def _compare(a: Version, b: Version) -> int:
    size = max(len(a), len(b))
    left, right = _padded(a, size), _padded(b, size)
    return (left > right) - (left < right)


def _padded(version: Version, size: int) -> Version:
    return version + (0,) * (size - len(version))


def _release(text: str) -> Version | None:
    """The release numbers of a version (`2.17.0rc1` -> (2, 17, 0)); None for `*`."""
    match = _RELEASE.match(text)
    return tuple(int(part) for part in match[1].split(".")) if match else None
