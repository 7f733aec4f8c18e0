"""Options for one run, as the command line and pyproject.toml set them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from codemod.analysis.findings import Code
from codemod.rewrite.style import DEFAULT_STYLE, CodeStyle
from codemod.target import DEFAULT_TARGET, KerasTarget

if TYPE_CHECKING:
    from codemod.analysis.project import ProjectImports

OUTPUT_FORMATS = ("text", "json", "github", "sarif")


@dataclass(frozen=True)
class Options:
    exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    select: frozenset[Code] = field(default_factory=lambda: frozenset(Code))
    output_format: str = "text"
    stdin_filename: str | None = None
    strategy: str = "auto"
    helpers_module: str | None = None
    jobs: int = 1  # worker processes; the CLI defaults to every core
    allow_dirty: bool = False  # fix files git reports as changed or untracked
    target: KerasTarget = DEFAULT_TARGET  # the Keras the code runs on (codemod/target.py)
    style: CodeStyle = DEFAULT_STYLE  # the project's line length and quotes (codemod/settings.py)
    # The folders bounding the project (the work trees of the paths given, else the paths'
    # folders): where the analysis looks for the modules a file imports (analysis/project.py).
    project_roots: tuple[str, ...] = ()

    def imports_of(self, path: str) -> ProjectImports | None:
        """How the file at `path` reaches the project's modules (None for unnamed stdin)."""
        from codemod.analysis.project import ProjectImports

        return None if path == "-" else ProjectImports(path, self.project_roots)

    def wants(self, code: Code) -> bool:
        return code in self.select


def parse_codes(values: list[str] | None, *, option: str) -> frozenset[Code]:
    """`--select KMC1,KMC301`: codes or code prefixes, comma- or repeat-separated."""
    wanted: set[Code] = set()
    for value in values or []:
        for part in filter(None, (p.strip().upper() for p in value.split(","))):
            matched = {code for code in Code if code.value.startswith(part)}
            if not matched:
                known = ", ".join(code.value for code in Code)
                raise ValueError(f"{option}: unknown rule code {part!r} (known: {known})")
            wanted |= matched
    return frozenset(wanted)
