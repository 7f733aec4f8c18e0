"""Where fix puts the import of the helpers module: where isort and ruff put a first-party import.

The helpers module is the project's own (`keras_mask_helpers.py`, `pkg/keras_mask_helpers.py`),
so its import belongs to the first-party section, after the third-party block holding Keras and
before relative imports. Each case is also checked with `ruff check --select I` in a folder that
holds the module, so ruff sees it as first-party as it would in the user's project.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from codemod.rewrite.imports import add_from_import

CASES = {
    "a block of its own after the Keras block": (
        "keras_mask_helpers",
        ["MaskedConv1D"],
        """\
        import numpy as np
        from tensorflow import keras

        model = keras.Sequential()
        """,
        """\
        import numpy as np
        from tensorflow import keras

        from keras_mask_helpers import MaskedConv1D

        model = keras.Sequential()
        """,
    ),
    "sorted into the first-party block": (
        "keras_mask_helpers",
        ["MaskedConv1D"],
        """\
        import keras

        import data
        from models import blocks
        """,
        """\
        import keras

        import data
        from keras_mask_helpers import MaskedConv1D
        from models import blocks
        """,
    ),
    "a block of its own before the relative imports": (
        "pkg.keras_mask_helpers",
        ["MaskedConv1D"],
        """\
        import keras

        from . import data
        """,
        """\
        import keras

        from pkg.keras_mask_helpers import MaskedConv1D

        from . import data
        """,
    ),
    "merged into the import from the module the file has": (
        "keras_mask_helpers",
        ["MaskedLSTM", "apply_mask"],
        """\
        import keras

        from keras_mask_helpers import MaskedConv1D
        """,
        """\
        import keras

        from keras_mask_helpers import MaskedConv1D, MaskedLSTM, apply_mask
        """,
    ),
    "wrapped as black wraps it when too long": (
        "keras_mask_helpers",
        ["MaskedConv1D", "MaskedGlobalMaxPooling1D", "MaskedMaxPooling1D", "apply_mask"],
        """\
        import keras
        """,
        """\
        import keras

        from keras_mask_helpers import (
            MaskedConv1D,
            MaskedGlobalMaxPooling1D,
            MaskedMaxPooling1D,
            apply_mask,
        )
        """,
    ),
    "after a docstring and future import when there is no Keras block": (
        "keras_mask_helpers",
        ["MaskedConv1D"],
        '''\
        """Models."""

        from __future__ import annotations

        import numpy as np
        ''',
        '''\
        """Models."""

        from __future__ import annotations

        import numpy as np

        from keras_mask_helpers import MaskedConv1D
        ''',
    ),
    "a name the file binds already is not imported again": (
        "keras_mask_helpers",
        ["MaskedConv1D"],
        """\
        import keras

        from keras_mask_helpers import MaskedConv1D
        """,
        """\
        import keras

        from keras_mask_helpers import MaskedConv1D
        """,
    ),
}


def placed(source: str, names: list[str], before: str) -> str:
    return add_from_import(cst.parse_module(textwrap.dedent(before)), source, names).code


@pytest.mark.parametrize(("source", "names", "before", "after"), CASES.values(), ids=CASES.keys())
def test_the_import_goes_where_isort_puts_it(
    source: str, names: list[str], before: str, after: str
) -> None:
    assert placed(source, names, before) == textwrap.dedent(after)


def test_ruff_accepts_the_import_order_of_every_case(tmp_path: Path) -> None:
    """Inputs and outputs alike pass ruff's import sorting, the module and package present."""
    (tmp_path / "keras_mask_helpers.py").write_text("")
    for package in ("pkg", "models"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
    (tmp_path / "data.py").write_text("")
    files = []
    for number, (source, names, before, after) in enumerate(CASES.values()):
        for kind, text in (("before", textwrap.dedent(before)), ("after", textwrap.dedent(after))):
            path = tmp_path / "pkg" / f"case{number}_{kind}.py"
            path.write_text(text)
            files.append(path)
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--select", "I", *map(str, files)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout
