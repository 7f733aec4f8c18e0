"""`[tool.keras-mask-codemod]` in the nearest pyproject.toml: project defaults for the options.

The command line wins over the file. An unknown key or a bad value is an error that names the file
and the key, so a typo never passes silently.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codemod.config import OUTPUT_FORMATS
from codemod.rewrite.style import DEFAULT_STYLE, CodeStyle
from codemod.target import parse_target, shown_path, toml

SECTION = "keras-mask-codemod"


class SettingsError(Exception):
    """The pyproject.toml section is wrong; the message is one line for the user."""


@dataclass(frozen=True)
class Settings:
    path: Path | None = None  # the pyproject.toml read, if any
    strategy: str | None = None
    exclude: tuple[str, ...] | None = None
    force_exclude: bool | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    helpers_module: str | None = None
    output_format: str | None = None
    target_keras: str | None = None  # checked here, resolved with the pins by codemod.target
    style: CodeStyle = DEFAULT_STYLE  # from [tool.black] and [tool.ruff], for what fix writes

    def where(self, key: str) -> str:
        """Where `key` is set, for messages: "pyproject.toml [tool.keras-mask-codemod] key"."""
        return f"{shown_path(self.path) if self.path else 'pyproject.toml'} [tool.{SECTION}] {key}"


def _strings(key: str, value: object) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError(f"{key} must be a list of strings")


def _choice(choices: Callable[[], tuple[str, ...]]):
    """A check that the value is one of `choices()`, read when a file is checked."""

    def check(key: str, value: object) -> str:
        if isinstance(value, str) and value in choices():
            return value
        raise ValueError(f"{key} must be one of {', '.join(choices())}, not {value!r}")

    return check


def _strategies() -> tuple[str, ...]:
    """The registered strategies, imported only for a pyproject.toml that names one."""
    from codemod.rewrite import strategies

    return strategies.choices()


def _boolean(key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    raise ValueError(f"{key} must be true or false, not {value!r}")


def _module(key: str, value: object) -> str:
    if isinstance(value, str) and value and all(p.isidentifier() for p in value.split(".")):
        return value
    raise ValueError(f"{key} must be a dotted module name, not {value!r}")


def _target_keras(key: str, value: object) -> str:
    return parse_target(value, key, source=key).version


_KEYS = {
    "strategy": ("strategy", _choice(_strategies)),
    "exclude": ("exclude", _strings),
    "force-exclude": ("force_exclude", _boolean),
    "select": ("select", _strings),
    "ignore": ("ignore", _strings),
    "helpers-module": ("helpers_module", _module),
    "format": ("output_format", _choice(lambda: OUTPUT_FORMATS)),
    "target-keras": ("target_keras", _target_keras),
}


def find_pyproject(start: Path) -> Path | None:
    """The nearest pyproject.toml at or above `start` (a file's folder, or a folder)."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def code_style(tool: dict) -> CodeStyle:
    """The project's formatting, as black and ruff read it: `[tool.black] line-length`, else
    `[tool.ruff] line-length` (88 without either); single quotes when `[tool.ruff.format]
    quote-style = "single"` (black itself always prefers double quotes). Values of the wrong
    type are ignored: they are the formatters' to report."""
    black = tool.get("black") if isinstance(tool.get("black"), dict) else {}
    ruff = tool.get("ruff") if isinstance(tool.get("ruff"), dict) else {}
    ruff_format = ruff.get("format") if isinstance(ruff.get("format"), dict) else {}
    length = black.get("line-length", ruff.get("line-length", DEFAULT_STYLE.line_length))
    if not isinstance(length, int) or isinstance(length, bool) or length < 1:
        length = DEFAULT_STYLE.line_length
    quote = '"'
    if ruff_format.get("quote-style") == "single":
        quote = "'"
    return CodeStyle(length, quote)


def load_settings(start: Path) -> Settings:
    """Settings from the nearest pyproject.toml above `start`; empty when there is none."""
    path = find_pyproject(start.resolve())
    if path is None:
        return Settings()
    tomllib = toml()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(f"{path}: cannot read: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingsError(f"{path}: not valid TOML: {error}") from None
    style = code_style(data.get("tool", {}))
    section = data.get("tool", {}).get(SECTION)
    if section is None:
        return Settings(path=path, style=style)
    if not isinstance(section, dict):
        raise SettingsError(f"{path}: [tool.{SECTION}] must be a table")
    values: dict[str, object] = {"path": path, "style": style}
    for key, value in section.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise SettingsError(f"{path}: [tool.{SECTION}] unknown key {key!r} (known: {known})")
        field, check = _KEYS[key]
        try:
            values[field] = check(key, value)
        except ValueError as error:
            raise SettingsError(f"{path}: [tool.{SECTION}] {error}") from None
    return Settings(**values)  # type: ignore[arg-type]
