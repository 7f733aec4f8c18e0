"""String quotes in what fix writes follow ruff's quote-style, f-strings included, on every Python.

Python 3.12 tokenizes an f-string in parts (FSTRING_START ... FSTRING_END) where 3.11 gave one
STRING token; both must come out the same.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codemod.rewrite.style import with_quotes

CASES = {
    'x = "a"\n': "x = 'a'\n",
    'f("a", b"b", r"c")\n': "f('a', b'b', r'c')\n",
    'raise ValueError(f"shape {x.shape} does not fit")\n': (
        "raise ValueError(f'shape {x.shape} does not fit')\n"
    ),
    'y = f"{x!r:>3} and {z}"\n': "y = f'{x!r:>3} and {z}'\n",
    'z = f"it\'s {x}"\n': 'z = f"it\'s {x}"\n',  # would need escaping: kept
    'w = "a\\\\n"\n': 'w = "a\\\\n"\n',  # a backslash: kept
    '"""Docstring."""\n': '"""Docstring."""\n',
}


@pytest.mark.parametrize(("code", "expected"), CASES.items(), ids=list(CASES))
def test_single_quotes(code: str, expected: str) -> None:
    assert with_quotes(code, "'") == expected


def test_double_quotes_change_nothing() -> None:
    for code in CASES:
        assert with_quotes(code, '"') == code


def _other_python() -> str | None:
    """An interpreter that tokenizes f-strings the other way from this one, if installed (on the
    PATH, or among pyenv's versions)."""
    if sys.version_info >= (3, 12):
        names, versions = ["python3.11", "python3.10"], "3.1[01].*"
    else:
        names, versions = ["python3.12", "python3.13"], "3.1[2-9].*"
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates = [shutil.which(name) for name in names]
    candidates += [str(path) for path in sorted(pyenv.glob(f"{versions}/bin/python3"))]
    for found in filter(None, candidates):
        if subprocess.run([found, "-c", "pass"], capture_output=True, check=False).returncode == 0:
            return found
    return None


def test_the_other_tokenizer_gives_the_same_result() -> None:
    python = _other_python()
    if python is None:
        pytest.skip("no Python of the other f-string tokenizer installed")
    codes = [code for code in CASES if 'f"{f"' not in code]
    script = (
        "import json, sys; from codemod.rewrite.style import with_quotes;"
        'print(json.dumps([with_quotes(c, "\'") for c in json.load(sys.stdin)]))'
    )
    result = subprocess.run(
        [python, "-c", script],
        input=json.dumps(codes),
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert json.loads(result.stdout) == [with_quotes(code, "'") for code in codes]
