"""Finding golden cases and comparing outputs with their expected files, byte for byte."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from codemod.analysis.project import ProjectImports
from codemod.rewrite import strategies

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


HELPERS_MODULE = GOLDEN / "keras_mask_helpers.py"
"""The helpers module as fix writes it. Golden cases run the way a file in a repository that has
one runs: beside this module, so their outputs import the helpers from it. A case whose folder
holds PASTES (a line saying why) runs alone and gets the helpers pasted in."""

PASTES = "pastes-helpers.txt"


def pastes_helpers(case: Path) -> bool:
    return (case / PASTES).is_file()


def helpers_module(case: Path) -> str | None:
    """The helpers module fix finds beside the case's input (None when the case pastes them)."""
    return None if pastes_helpers(case) else HELPERS_MODULE.stem


def project_modules(case: Path) -> list[Path]:
    """The case's other modules (a multi-module case: base.py, masks.py...), which input.py
    imports: every .py file but the input and the expected outputs."""
    return sorted(
        path
        for path in case.glob("*.py")
        if path.name != "input.py" and not path.name.startswith(("fix.", "fix-all."))
    )


def case_imports(case: Path) -> ProjectImports:
    """How the case's input reaches its project's modules, as check and fix resolve them."""
    return ProjectImports(str(case / "input.py"), (str(case),))


def place_input(case: Path, folder: Path) -> Path:
    """Copy the case's input into `folder`, with its other modules, and the helpers module
    beside it unless the case pastes them; the copy's path."""
    if not pastes_helpers(case):
        shutil.copyfile(HELPERS_MODULE, folder / HELPERS_MODULE.name)
    for module in project_modules(case):
        shutil.copyfile(module, folder / module.name)
    return Path(shutil.copy(case / "input.py", folder / "input.py"))


def cases() -> list[Path]:
    return sorted(p for p in GOLDEN.iterdir() if (p / "input.py").is_file())


STRATEGIES = strategies.choices()  # auto, then every registered strategy

# Code written for Keras 2 only (tf_keras, tensorflow.python.keras, keras.layers.core...): the
# Keras 3 proofs cannot run it; tests/test_golden_fix_keras2.py proves what runs on Keras 2.
_KERAS_2_IMPORT = re.compile(
    r"^(?:import|from) (?:tf_keras|tensorflow\.python\.keras|keras\.layers\.\w+ )", re.MULTILINE
)
_BUILDER = re.compile(r"^def (build_\w+)\(", re.MULTILINE)
_MODULE_MODEL = re.compile(r"^(\w+) = [\w.]*(?:Sequential|Model)\(", re.MULTILINE)


_KERAS_2_TARGET = re.compile(r"--target-keras[ =]2\b")


def imports_keras_2(case: Path) -> bool:
    return bool(_KERAS_2_IMPORT.search((case / "input.py").read_text()))


def is_keras_2_case(case: Path) -> bool:
    """Code for Keras 2: it imports a Keras 2 only path, or its args.txt targets Keras 2."""
    args = case / "args.txt"
    targets_keras_2 = args.is_file() and bool(_KERAS_2_TARGET.search(args.read_text()))
    return imports_keras_2(case) or targets_keras_2


def runnable_cases(keras_2: bool = False) -> list[Path]:
    """Cases the Keras proofs run: they say what data their models take (`INPUT_SPEC`)."""
    return [
        case
        for case in cases()
        if "INPUT_SPEC = " in (case / "input.py").read_text() and is_keras_2_case(case) == keras_2
    ]


def builder_names(case: Path) -> list[str]:
    """How to get the case's models: `build_model` first, then its other `build_*` functions
    (p37 has two models); a case without any builds its model at module level (`model =
    Sequential(...)`, p05): then the variable's name."""
    source = (case / "input.py").read_text()
    names = _BUILDER.findall(source) or _MODULE_MODEL.findall(source)
    assert names, f"{case.name}: no build_* function and no model at module level"
    return sorted(names, key=lambda name: name != "build_model")


# A strategy key's suffix for `fix` on the case's whole folder (input.py and its modules).
WHOLE = "@all"


def fix_outputs(case: Path, strategy: str) -> tuple[Path, Path]:
    """golden/<case>/fix.<strategy>.txt (the lines fix prints) and .py (the file after fix,
    present only when fix changes it). For `<strategy>@all`, what `fix .` prints on the
    case's folder (fix-all.<strategy>.txt), and its input.py in fix-all.<strategy>/, the
    folder as fix leaves it, present only when fix changes one of the case's other modules."""
    if strategy.endswith(WHOLE):
        name = strategy.removesuffix(WHOLE)
        return case / f"fix-all.{name}.txt", case / f"fix-all.{name}" / "input.py"
    return case / f"fix.{strategy}.txt", case / f"fix.{strategy}.py"


def strategy_of(key: str) -> str:
    """The strategy of a key such as "mask-aware@all"."""
    return key.removesuffix(WHOLE)


def compare_absent(expected_path: Path, update: bool) -> None:
    """Assert there is no expected file (nothing to expect); with --update-golden delete it."""
    if update:
        expected_path.unlink(missing_ok=True)
        return
    assert not expected_path.exists(), f"{expected_path} should not exist: fix changes nothing"


def compare(expected_path: Path, actual: bytes, update: bool) -> None:
    """Assert `actual` equals the expected file; with --update-golden write it instead."""
    if update:
        expected_path.write_bytes(actual)
        return
    assert expected_path.exists(), f"{expected_path} is missing: run pytest --update-golden"
    expected = expected_path.read_bytes()
    assert actual == expected, (
        f"{expected_path.relative_to(GOLDEN.parent)} differs:\n"
        f"--- expected\n{expected.decode(errors='replace')}\n--- actual\n{actual.decode(errors='replace')}"
    )
