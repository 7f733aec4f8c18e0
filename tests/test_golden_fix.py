"""`fix` on every golden case and strategy: the exact lines printed and the exact file written.

golden/<case>/fix.<strategy>.txt holds what `fix --strategy <strategy> input.py` prints, and
fix.<strategy>.py the file it leaves, when it changes it. A strategy that does not apply prints
"<strategy> not applicable: <reason>" and leaves the file alone, so it has no .py.

Each case runs beside golden/keras_mask_helpers.py, the helpers module as fix writes it, so its
outputs import the helpers from there; a case with pastes-helpers.txt runs alone and gets them
pasted in (see tests/golden.py).

golden/<case>/args.txt, when present, holds options given to both check and fix on that case
(one line, e.g. `--target-keras 2.15`: a golden case has no pin files to infer a target from).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.analysis import analyze
from codemod.cli import app
from codemod.engine.helpers_module import helpers_module_text
from codemod.rewrite.pipeline import fix_text
from codemod.target import OPTION, KerasTarget, parse_target
from tests.golden import (
    HELPERS_MODULE,
    PASTES,
    STRATEGIES,
    case_imports,
    cases,
    compare,
    compare_absent,
    fix_outputs,
    helpers_module,
    pastes_helpers,
    place_input,
)

CASES = cases()
POSITIVE = [c for c in CASES if c.name.startswith("p")]
NEGATIVE = [c for c in CASES if c.name.startswith("n")]
PAIRS = [(case, strategy) for case in POSITIVE for strategy in STRATEGIES]


def case_args(case: Path) -> list[str]:
    """The options golden/<case>/args.txt gives check and fix on this case (none without it)."""
    path = case / "args.txt"
    return shlex.split(path.read_text("utf-8")) if path.is_file() else []


def case_target(case: Path) -> KerasTarget | None:
    """The --target-keras of the case's args.txt, None (the default target) without one."""
    args = case_args(case)
    if OPTION not in args:
        return None
    return parse_target(args[args.index(OPTION) + 1], OPTION, OPTION)


def run_fix(folder: Path, strategy: str, *args: str):
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return CliRunner().invoke(app, ["fix", "input.py", "--strategy", strategy, "-q", *args])
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(("case", "strategy"), PAIRS, ids=[f"{c.name}-{s}" for c, s in PAIRS])
def test_fix_output(case: Path, strategy: str, tmp_path: Path, update_golden: bool) -> None:
    place_input(case, tmp_path)
    result = run_fix(tmp_path, strategy, *case_args(case))
    lines_path, fixed_path = fix_outputs(case, strategy)
    refusal_path = case / f"fix.{strategy}.err"  # a refused file: its one line, on stderr

    refusals = "".join(line for line in result.stderr.splitlines(True) if ": error: " in line)
    assert result.exit_code in (0, 1, 2), result.output
    assert (result.exit_code == 2) == bool(refusals), result.output
    compare(lines_path, result.stdout.encode(), update_golden)
    if refusals:
        compare(refusal_path, refusals.encode(), update_golden)
    else:
        compare_absent(refusal_path, update_golden)
    after = (tmp_path / "input.py").read_bytes()
    if after == (case / "input.py").read_bytes():
        compare_absent(fixed_path, update_golden)
    else:
        compare(fixed_path, after, update_golden)
    if not pastes_helpers(case):  # the module was there already: fix leaves it alone
        assert (tmp_path / HELPERS_MODULE.name).read_bytes() == HELPERS_MODULE.read_bytes()


def test_the_helpers_module_is_the_one_fix_writes(update_golden: bool) -> None:
    compare(HELPERS_MODULE, helpers_module_text().encode("utf-8"), update_golden)


def test_most_outputs_import_the_helpers_and_a_few_paste_them() -> None:
    """The golden outputs show the common case, a repository with one helpers module; the cases
    that paste say why."""
    pasting = [case for case in POSITIVE if pastes_helpers(case)]
    assert 0 < len(pasting) <= len(POSITIVE) // 5
    for case in pasting:
        assert (case / PASTES).read_text("utf-8").strip(), case.name
    importing = [
        fixed
        for case in POSITIVE
        if not pastes_helpers(case)
        for strategy in STRATEGIES
        if (fixed := fix_outputs(case, strategy)[1]).exists()
        and "from keras_mask_helpers import " in fixed.read_text("utf-8")
    ]
    assert len(importing) >= 40


def test_enough_cases_with_rewrites() -> None:
    rewritten = [c for c in POSITIVE if any(fix_outputs(c, s)[1].exists() for s in STRATEGIES)]
    assert len(rewritten) >= 25
    for strategy in STRATEGIES:
        assert sum(fix_outputs(c, strategy)[1].exists() for c in POSITIVE) >= 10, strategy


EXPECTED = sorted(
    fixed
    for case in POSITIVE
    for strategy in STRATEGIES
    if (fixed := fix_outputs(case, strategy)[1]).exists()
)


@pytest.mark.parametrize("fixed", EXPECTED, ids=[f"{p.parent.name}/{p.name}" for p in EXPECTED])
def test_expected_output_is_a_fixed_point(fixed: Path) -> None:
    """fix on a fixed file changes nothing, with any strategy, and check reports nothing (on
    the case's target)."""
    text = fixed.read_text("utf-8")
    target = case_target(fixed.parent)
    module = helpers_module(fixed.parent)
    imports = case_imports(fixed.parent)
    assert analyze(text, target, imports=imports) == []
    for strategy in STRATEGIES:
        again = fix_text(text, strategy, target=target, helpers_module=module, imports=imports)
        assert again.text == text


@pytest.mark.parametrize("case", NEGATIVE, ids=[c.name for c in NEGATIVE])
@pytest.mark.parametrize("strategy", STRATEGIES)
def test_fix_leaves_negative_cases_alone(case: Path, strategy: str, tmp_path: Path) -> None:
    place_input(case, tmp_path)
    result = run_fix(tmp_path, strategy, *case_args(case))
    assert result.exit_code == 0 and result.stdout == ""
    assert (tmp_path / "input.py").read_bytes() == (case / "input.py").read_bytes()


def ruff_codes(paths: list[Path]) -> dict[Path, list[str]]:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--isolated",
            "--output-format",
            "json",
            *map(str, paths),
        ],
        cwd=HELPERS_MODULE.parent,  # the project root: ruff sees the helpers module first-party
        capture_output=True,
        text=True,
        check=False,
    )
    codes: dict[Path, list[str]] = {path: [] for path in paths}
    for violation in json.loads(result.stdout):
        codes[Path(violation["filename"])].append(violation["code"])
    return {path: sorted(found) for path, found in codes.items()}


def test_rewrites_add_no_ruff_violations() -> None:
    """`ruff check` (default rules) finds nothing in a rewritten file that was not in its input:
    helper definitions, added imports and rewritten calls are all clean."""
    inputs = sorted({fixed.parent / "input.py" for fixed in EXPECTED})
    found = ruff_codes([*inputs, *EXPECTED])
    for fixed in EXPECTED:
        before, after = found[fixed.parent / "input.py"], found[fixed]
        assert all(after.count(code) <= before.count(code) for code in after), (fixed, after)


@pytest.mark.parametrize("fixed", EXPECTED, ids=[f"{p.parent.name}/{p.name}" for p in EXPECTED])
def test_dry_run_diff_applies_to_give_the_fixed_file(fixed: Path, tmp_path: Path) -> None:
    """`fix --dry-run | git apply` leaves exactly what `fix` writes, on every golden rewrite."""
    strategy = fixed.name.removeprefix("fix.").removesuffix(".py")
    place_input(fixed.parent, tmp_path)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        dry = CliRunner().invoke(
            app,
            ["fix", "--dry-run", "--strategy", strategy, "input.py", *case_args(fixed.parent)],
        )
    finally:
        os.chdir(cwd)
    assert dry.exit_code == 1
    assert (tmp_path / "input.py").read_bytes() == (fixed.parent / "input.py").read_bytes()
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "apply"], input=dry.stdout.encode(), cwd=tmp_path, check=True)
    assert (tmp_path / "input.py").read_bytes() == fixed.read_bytes()


def test_args_files_hold_only_known_options() -> None:
    """args.txt is for what a golden case cannot say in files (a target); nothing else."""
    with_args = [case for case in CASES if (case / "args.txt").is_file()]
    assert with_args, "the Keras 2 target cases carry args.txt"
    for case in with_args:
        args = case_args(case)
        assert args[0::2] == [OPTION] and len(args) == 2, (case.name, args)
        assert case_target(case) is not None


@pytest.mark.parametrize(("case", "strategy"), PAIRS, ids=[f"{c.name}-{s}" for c, s in PAIRS])
def test_a_rewrite_fix_reports_is_in_the_file(case: Path, strategy: str) -> None:
    """Output tells the truth: a golden run that prints a rewrite leaves a changed file."""
    lines_path, fixed_path = fix_outputs(case, strategy)
    printed = lines_path.read_text("utf-8").splitlines() if lines_path.exists() else []
    left = (" not applicable: ", ": manual: ")  # what fix says it does not rewrite
    rewrites = [line for line in printed if not any(word in line for word in left)]
    assert not rewrites or fixed_path.exists(), rewrites
