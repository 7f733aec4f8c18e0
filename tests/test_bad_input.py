"""Bad input through the real command line: one line per bad path, and the run goes on.

What users rely on, for `check`, `fix --dry-run` and `fix` alike:

* A file that cannot be read, decoded or parsed (syntax errors, Python 2, invalid UTF-8, UTF-16,
  NUL bytes, parentheses nested past Python's limit, broken notebooks), and a path that cannot be
  opened (broken symlink, symlink loop, no permission), is reported as ONE line on stderr,
  `path: error: reason`, never as a traceback, and the exit status is 2.
* Every other file of the same run is still processed: `check` reports its finding, `fix
  --dry-run` prints its diff, `fix` rewrites it. A bad file is never written: it stays
  byte-identical.
* Inputs that look odd but are valid Python or valid notebooks work: a 200,000-character line,
  parentheses nested exactly to Python's limit, a notebook cell whose "source" is one string (kept
  a string when written back), a folder whose name ends in `.py` (walked like any folder).
* A file libcst cannot rewrite because a chain is too long (`a and b and ...` 30,000 times) is
  still checked; `fix` reports it on one line instead of crashing the process.
* Broken symlinks and symlink loops met while walking a folder are skipped silently: they hold no
  code, so nothing goes unchecked, and a dangling link must not fail a CI run (given explicitly,
  they are errors). Each bad path is named exactly once, also when worker processes are used.

Runs are grouped (one subprocess per command over many cases) to keep the file fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from codemod.analysis import NESTING_TOO_DEEP
from codemod.rewrite.helper_source import HELPER_HEADER

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "p18_functional_chain"
GOOD_SOURCE = (GOLDEN / "input.py").read_text()
GOOD_FIXED = (GOLDEN / "fix.auto.py").read_text()
COMMANDS = {"check": ("check",), "dry-run": ("fix", "--dry-run"), "fix": ("fix",)}
CONV_LINE = '    x = layers.Conv1D(8, 3, padding="same")(x)\n'
FIXED_CONV_LINE = '    x = MaskedConv1D(8, 3, padding="same")(x)\n'


def finding_line(path: str, line: int = 12) -> str:
    """The start of the KMC101 line `check` prints for the good model."""
    return f"{path}:{line}:9: KMC101 Conv1D does not support masking"


@dataclass(frozen=True)
class BadFile:
    """A file every command must refuse with `reason`, leaving it untouched."""

    name: str
    data: bytes
    reason: str


MASKING = b"Masking()\n"  # the cheap text test parses only files that use a mask producer


def _notebook(document: object) -> bytes:
    return json.dumps(document).encode()


BAD_FILES = [
    BadFile(
        "syntax_error.py",
        b"model = = layers.Masking()\n",
        "cannot parse: invalid syntax (line 1, column 9)",
    ),
    BadFile(
        "python2.py",
        b'print "x"\n' + MASKING,
        "cannot parse: Missing parentheses in call to 'print'. Did you mean print(...)? "
        "(line 1, column 1)",
    ),
    BadFile(
        "latin1_bytes.py",
        MASKING + b"name = 'caf\xe9'\n",
        "cannot decode as utf-8 (byte 0xe9 at offset 21)",
    ),
    BadFile(
        "utf16.py",
        "# Masking\nx = 1\n".encode("utf-16"),
        "looks like UTF-16 (BOM found); only UTF-8 and PEP 263 encodings are supported",
    ),
    BadFile(
        "nul_bytes.py",
        MASKING + b"x = 1\x00\n",
        "contains NUL bytes (first at offset 15)",
    ),
    BadFile(
        "parens_201.py",
        MASKING + b"x = " + b"(" * 201 + b"1" + b")" * 201 + b"\n",
        "cannot parse: too many nested parentheses (line 2, column 205)",
    ),
    BadFile(
        "parens_1000.py",
        MASKING + b"x = " + b"(" * 1000 + b"1" + b")" * 1000 + b"\n",
        "cannot parse: too many nested parentheses (line 2, column 205)",
    ),
    BadFile(
        "nested_calls.py",
        MASKING + b"x = " + b"f(" * 300 + b"1" + b")" * 300 + b"\n",
        "cannot parse: too many nested parentheses (line 2, column 406)",
    ),
    BadFile(
        "nested_lists.py",
        MASKING + b"x = " + b"[" * 300 + b"1" + b"]" * 300 + b"\n",
        "cannot parse: too many nested parentheses (line 2, column 205)",
    ),
    BadFile(
        "call_chain.py",  # f()()()...: parses, but nests deeper than the analysis can follow
        MASKING + b"x = f" + b"()" * 10_000 + b"\n",
        # Python 3.12 and later stop while building the syntax tree already.
        "cannot parse: nesting too deep" if sys.version_info >= (3, 12) else NESTING_TOO_DEEP,
    ),
    BadFile(
        "invalid_json.ipynb",
        b'{"cells": [' + MASKING,
        "invalid JSON: Expecting value (line 1, column 12)",
    ),
    BadFile(
        "no_cells.ipynb",
        _notebook({"metadata": {"note": "Masking"}, "nbformat": 4, "nbformat_minor": 5}),
        'not a notebook: no "cells" list',
    ),
    BadFile(
        "top_level_list.ipynb",
        _notebook([{"cell_type": "code", "source": "layers.Masking()"}]),
        "not a notebook: the JSON document is not an object",
    ),
]

# Fine for `check`, refused by `fix`: libcst recurses once per `and`.
AND_CHAIN = BadFile(
    "long_and_chain.py",
    (GOOD_SOURCE + "\nREADY = " + " and ".join(["ok"] * 30_000) + "\n").encode(),
    NESTING_TOO_DEEP,
)


def run(cwd: Path, command: str, *paths: str, jobs: str | None = None):
    """The real CLI in a subprocess; exit status, stdout and stderr as text."""
    args = [sys.executable, "-m", "codemod", *COMMANDS[command]]
    args += ["--jobs", jobs] if jobs else []
    result = subprocess.run([*args, *paths], cwd=cwd, capture_output=True, check=False, timeout=300)
    stdout = result.stdout.decode("utf-8", "replace")
    stderr = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stdout + stderr, stdout + stderr
    return result.returncode, stdout, stderr


def error_lines(stderr: str) -> list[str]:
    """The `path: error: reason` lines (stderr also has the summary, and with --dry-run the
    rewrite lines)."""
    return [line for line in stderr.splitlines() if ": error: " in line]


def write_bad_files(folder: Path, files: list[BadFile]) -> None:
    for bad in files:
        (folder / bad.name).write_bytes(bad.data)


def make_path_errors(folder: Path) -> dict[str, str]:
    """A broken symlink, a symlink loop and (unless we may read anything) an unreadable file;
    returns {name: reason} for those that could be made here."""
    made: dict[str, str] = {}
    try:
        (folder / "broken_link.py").symlink_to(folder / "gone.py")
        (folder / "loop_a.py").symlink_to(folder / "loop_b.py")
        (folder / "loop_b.py").symlink_to(folder / "loop_a.py")
    except OSError:  # no symlinks here (Windows without the privilege)
        return made
    made["broken_link.py"] = "broken symbolic link"
    made["loop_a.py"] = "symbolic link loop"
    unreadable = folder / "unreadable.py"
    unreadable.write_bytes(b"import keras\nx = keras.layers.Masking()\n")
    unreadable.chmod(0)
    if os.access(unreadable, os.R_OK):  # root reads mode 000 files: nothing to test
        unreadable.chmod(0o644)
        unreadable.unlink()
    else:
        made["unreadable.py"] = "permission denied"
    return made


def assert_good_file_processed(command: str, stdout: str, folder: Path, name: str) -> None:
    """check reports the finding, fix --dry-run prints the diff, fix rewrites the file."""
    if command == "check":
        assert any(line.startswith(finding_line(name)) for line in stdout.splitlines()), stdout
    elif command == "dry-run":
        assert f"+++ b/{name}\n" in stdout, stdout
        assert f"-{CONV_LINE}" in stdout and f"+{FIXED_CONV_LINE}" in stdout, stdout
        assert (folder / name).read_text() == GOOD_SOURCE
    else:
        assert (folder / name).read_text() == GOOD_FIXED


@dataclass(frozen=True)
class Run:
    """One run of one command over a folder of bad files and good.py."""

    command: str
    folder: Path
    path_errors: dict[str, str]  # {name: reason} of the path errors this platform could make
    code: int
    stdout: str
    stderr: str

    def lines_naming(self, name: str) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith(f"{name}:")]


# -- each bad file alone, with a good file beside it ----------------------------------------------


@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.name for bad in BAD_FILES])
def test_bad_file_is_one_line_and_exit_2_beside_a_good_file(tmp_path: Path, bad: BadFile) -> None:
    write_bad_files(tmp_path, [bad])
    (tmp_path / "good.py").write_text(GOOD_SOURCE)
    code, stdout, stderr = run(tmp_path, "check", bad.name, "good.py")
    assert code == 2
    assert error_lines(stderr) == [f"{bad.name}: error: {bad.reason}"]
    assert_good_file_processed("check", stdout, tmp_path, "good.py")


def test_path_errors_given_explicitly_are_one_line_each(tmp_path: Path) -> None:
    reasons = make_path_errors(tmp_path)
    if not reasons:
        pytest.skip("symbolic links cannot be made here")
    (tmp_path / "good.py").write_text(GOOD_SOURCE)
    code, stdout, stderr = run(tmp_path, "check", *reasons, "good.py")
    assert code == 2
    assert error_lines(stderr) == [f"{name}: error: {reason}" for name, reason in reasons.items()]
    assert_good_file_processed("check", stdout, tmp_path, "good.py")


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "unreadable.py"
    path.write_bytes(b"import keras\nx = keras.layers.Masking()\n")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("this user (root?) can read a file with mode 000")
        code, _, stderr = run(tmp_path, "check", "unreadable.py")
        assert (code, error_lines(stderr)) == (2, ["unreadable.py: error: permission denied"])
    finally:
        path.chmod(0o644)


def test_parser_stack_overflow_gives_a_reason(tmp_path: Path) -> None:
    """Before Python 3.12 the parser's stack overflow is a bare MemoryError(); still a reason."""
    (tmp_path / "minus_signs.py").write_bytes(MASKING + b"x = " + b"-" * 50_000 + b"1\n")
    code, _, stderr = run(tmp_path, "check", "minus_signs.py")
    [line] = error_lines(stderr)
    assert code == 2 and line.startswith("minus_signs.py: error: cannot parse: ")
    assert line.removeprefix("minus_signs.py: error: cannot parse: ").strip(), line


# -- every bad file given explicitly, one run of each command -------------------------------------


@pytest.fixture(scope="module", params=list(COMMANDS))
def explicit_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Run:
    """One run of a command over every bad file and path error, named explicitly, plus good.py."""
    command = request.param
    folder = tmp_path_factory.mktemp(f"explicit-{command}")
    write_bad_files(folder, [*BAD_FILES, AND_CHAIN])
    path_errors = make_path_errors(folder)
    (folder / "good.py").write_text(GOOD_SOURCE)
    names = [bad.name for bad in BAD_FILES] + [AND_CHAIN.name, *path_errors, "good.py"]
    return Run(command, folder, path_errors, *run(folder, command, *names))


@pytest.mark.parametrize("bad", BAD_FILES, ids=[bad.name for bad in BAD_FILES])
def test_every_command_names_each_bad_file_once_and_leaves_it_alone(
    explicit_run: Run, bad: BadFile
) -> None:
    assert explicit_run.lines_naming(bad.name) == [f"{bad.name}: error: {bad.reason}"]
    assert bad.name not in explicit_run.stdout  # no diff, no rewrite line
    assert (explicit_run.folder / bad.name).read_bytes() == bad.data


def test_every_command_names_each_path_error_once(explicit_run: Run) -> None:
    if not explicit_run.path_errors:
        pytest.skip("symbolic links cannot be made here")
    for name, reason in explicit_run.path_errors.items():
        assert explicit_run.lines_naming(name) == [f"{name}: error: {reason}"]
    link = explicit_run.folder / "broken_link.py"
    assert os.readlink(link) == str(explicit_run.folder / "gone.py")  # left as it was


def test_every_command_still_processes_the_good_file_and_exits_2(explicit_run: Run) -> None:
    assert explicit_run.code == 2
    assert_good_file_processed(
        explicit_run.command, explicit_run.stdout, explicit_run.folder, "good.py"
    )
    refused_chain = explicit_run.command != "check"
    expected = len(BAD_FILES) + len(explicit_run.path_errors) + refused_chain
    assert len(error_lines(explicit_run.stderr)) == expected, explicit_run.stderr


def test_fix_refuses_a_chain_too_long_to_rewrite_and_check_still_checks_it(
    explicit_run: Run,
) -> None:
    named = explicit_run.lines_naming(AND_CHAIN.name)
    if explicit_run.command == "check":
        assert named == []
        assert finding_line(AND_CHAIN.name) in explicit_run.stdout
    else:
        assert named == [f"{AND_CHAIN.name}: error: {AND_CHAIN.reason}"]
        assert f"b/{AND_CHAIN.name}" not in explicit_run.stdout
    assert (explicit_run.folder / AND_CHAIN.name).read_bytes() == AND_CHAIN.data


# -- odd but valid input works ---------------------------------------------------------------------

LONG_LINE = "WEIGHTS = [" + ", ".join(str(number) for number in range(33_000)) + "]\n"
DEEPEST_PARENS = "\nDEEP = " + "(" * 200 + "1" + ")" * 200 + "\n"  # exactly Python's limit


def string_source_notebook() -> dict:
    """A notebook whose one code cell has "source" as a single string, as nbformat allows."""
    cell = {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": [],
        "source": GOOD_SOURCE + "model = build_model()\n",
    }
    return {"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def write_valid_odd_files(folder: Path) -> None:
    assert len(LONG_LINE) > 200_000
    (folder / "long_line.py").write_text(LONG_LINE + GOOD_SOURCE)
    (folder / "deepest_parens.py").write_text(GOOD_SOURCE + DEEPEST_PARENS)
    (folder / "string_source.ipynb").write_text(json.dumps(string_source_notebook(), indent=1))
    (folder / "models.py").mkdir()
    (folder / "models.py" / "inner.py").write_text(GOOD_SOURCE)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_odd_but_valid_input_works(tmp_path: Path, command: str) -> None:
    write_valid_odd_files(tmp_path)
    paths = ["long_line.py", "deepest_parens.py", "string_source.ipynb", "models.py"]
    code, stdout, stderr = run(tmp_path, command, *paths)
    assert ": error:" not in stderr, stderr
    notebook = json.loads((tmp_path / "string_source.ipynb").read_text())
    if command == "check":
        starts = [
            finding_line("deepest_parens.py"),
            finding_line("long_line.py", 13),
            finding_line("models.py/inner.py"),
            finding_line("string_source.ipynb:cell 1"),
        ]
        lines = stdout.splitlines()
        assert code == 1 and len(lines) == len(starts), stdout
        assert all(line.startswith(start) for line, start in zip(lines, starts)), stdout
    elif command == "dry-run":
        assert code == 1
        for name in ("deepest_parens.py", "long_line.py", "models.py/inner.py"):
            assert f"+++ b/{name}\n" in stdout
        assert stdout.count(f"+{FIXED_CONV_LINE}") == 3  # the notebook's diff is of its JSON
        assert "+++ b/string_source.ipynb\n" in stdout
    else:
        assert code == 0
        assert (tmp_path / "long_line.py").read_text() == LONG_LINE + GOOD_FIXED
        assert (tmp_path / "deepest_parens.py").read_text() == GOOD_FIXED + DEEPEST_PARENS
        assert (tmp_path / "models.py" / "inner.py").read_text() == GOOD_FIXED
        cells = notebook["cells"]  # the helpers in a cell of their own, before the one using them
        assert len(cells) == 2 and all(isinstance(c["source"], str) for c in cells)  # string form
        assert cells[0]["source"].startswith("import keras\n\n\n" + HELPER_HEADER + "\n")
        assert cells[1]["source"] == (GOOD_SOURCE + "model = build_model()\n").replace(
            CONV_LINE, FIXED_CONV_LINE
        )
        return
    assert notebook == string_source_notebook()  # nothing written


# -- a whole tree of bad input, walked ---------------------------------------------------------------


@pytest.mark.parametrize("command", list(COMMANDS))
def test_walked_tree_of_bad_input_names_each_bad_path_once(tmp_path: Path, command: str) -> None:
    """Every bad file once, walked broken links never, every good file processed, exit 2.
    `--jobs 2`: with this many candidates the files go to worker processes."""
    project = tmp_path / "project"
    (project / "pkg").mkdir(parents=True)
    write_bad_files(project / "pkg", BAD_FILES)
    (project / "pkg" / AND_CHAIN.name).write_bytes(AND_CHAIN.data)
    links = make_path_errors(project / "pkg")
    write_valid_odd_files(project)
    (project / "good.py").write_text(GOOD_SOURCE)

    code, stdout, stderr = run(project, command, ".", jobs="2")

    expected = [f"pkg/{bad.name}: error: {bad.reason}" for bad in BAD_FILES]
    if command != "check":
        expected.append(f"pkg/{AND_CHAIN.name}: error: {AND_CHAIN.reason}")
    if "unreadable.py" in links:
        expected.append("pkg/unreadable.py: error: permission denied")
    assert sorted(error_lines(stderr)) == sorted(expected)
    assert "broken_link" not in stderr + stdout and "loop_" not in stderr + stdout
    assert code == 2
    assert_good_file_processed(command, stdout, project, "good.py")
    assert_good_file_processed(command, stdout, project, "models.py/inner.py")
    for bad in [*BAD_FILES, AND_CHAIN]:
        assert (project / "pkg" / bad.name).read_bytes() == bad.data
    if links:
        assert (project / "pkg" / "loop_a.py").is_symlink()


def test_valid_python_libcst_cannot_parse_is_named_as_such(tmp_path: Path) -> None:
    """Thousands of adjacent string literals: Python accepts them, libcst does not. check still
    checks the file; fix says the limit is libcst's, not a syntax error of the user's."""
    data = GOOD_SOURCE.encode() + b"S = " + b'"a" ' * 5000 + b"\n"
    (tmp_path / "strings.py").write_bytes(data)
    code, stdout, _ = run(tmp_path, "check", "strings.py")
    assert code == 1 and finding_line("strings.py") in stdout
    code, _, stderr = run(tmp_path, "fix", "strings.py")
    [line] = error_lines(stderr)
    assert code == 2 and line.startswith("strings.py: error: valid Python that libcst")
    assert (tmp_path / "strings.py").read_bytes() == data
