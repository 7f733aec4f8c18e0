"""No clashes (#13): every name `fix` adds is free in the file, or holds that very thing already.

The pasted helpers (public classes like MaskedConv1D and the private functions they call, like
_spatial_mask), the Lambda the lambda strategy imports, the builtins the pasted helpers call and
the `keras` module they read are checked against every name the file binds at module level and
against star imports. A binding is ours only when it is: the template's very definition in a
block under our header comment, or an import from the --helpers-module; Keras's own Lambda.
Anything else refuses the file with one line saying which name, where, and what to do.

The analysis agrees: a class named like one of our helpers is the user's class, analysed like any
other, unless it is our pasted definition.
"""

from __future__ import annotations

import ast
import textwrap

import pytest

from codemod.analysis import analyze, names, parse, source_lines
from codemod.analysis.findings import Code
from codemod.engine.sources import decode_source
from codemod.rewrite.helper_source import (
    HELPER_HEADER,
    HELPER_NAMES,
    KERAS_2_HELPER_HEADER,
    builtins_used,
    helper_closure,
    helper_source,
)
from codemod.rewrite.pipeline import FixError, fix_text
from codemod.target import parse_target
from tests.golden import GOLDEN

IMPORTS = "from keras import Sequential, layers\n"
MODEL = "model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
POOLING = "pooled = Sequential([layers.Masking(), layers.MaxPooling1D(2), layers.GRU(2)])\n"
KERAS_2_TARGET = parse_target("2.15", "--target-keras", "--target-keras")

# What MaskedConv1D brings along, from the template as it is (its private helpers change).
CONV_HELPERS = helper_closure(["MaskedConv1D"])
PRIVATE = next(name for name in CONV_HELPERS if name.startswith("_"))  # e.g. _spatial_mask
CONV_BUILTINS = builtins_used(CONV_HELPERS)


def dedent(text: str) -> str:
    return textwrap.dedent(text)


def refusal(text: str, strategy: str = "mask-aware", **options: object) -> str:
    with pytest.raises(FixError) as error:
        fix_text(text, strategy, **options)  # type: ignore[arg-type]
    message = str(error.value)
    assert "\n" not in message
    return message


def defined(text: str) -> list[str]:
    return [
        node.name
        for node in ast.parse(text).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    ]


# The names the pasted helpers define -----------------------------------------------------------


def test_a_private_helper_name_the_user_defines_refuses_the_file() -> None:
    """The bug: the user's later `_spatial_mask` won, and MaskedConv1D.call raised TypeError."""
    text = IMPORTS + f"\n\ndef {PRIVATE}(x):\n    return x\n\n\n" + MODEL
    assert refusal(text) == (
        f"the file defines its own {PRIVATE} (line 4), which the pasted helpers"
        " need; rename it or use --helpers-module"
    )


def test_a_private_name_is_free_with_the_helpers_module() -> None:
    """With --helpers-module only the public helpers are imported: the private name is yours."""
    text = IMPORTS + f"\n\ndef {PRIVATE}(x):\n    return x\n\n\n" + MODEL
    result = fix_text(text, "mask-aware", helpers_module="project.mask_layers").text
    assert "from project.mask_layers import MaskedConv1D\n" in result
    assert defined(result) == [PRIVATE]


def test_every_private_helper_the_rewrite_needs_is_checked() -> None:
    for name in [n for n in CONV_HELPERS if n.startswith("_")]:
        text = IMPORTS + f"{name} = 1\n" + MODEL
        assert refusal(text).startswith(f"the file binds {name} (line 2), which the pasted")


def test_a_private_name_the_rewrite_does_not_need_stays_free() -> None:
    """A private helper MaskedConv1D does not use is not pasted: the file may bind its name."""
    unused = sorted(n for n in HELPER_NAMES if n.startswith("_") and n not in CONV_HELPERS)
    for name in unused[:1]:
        text = IMPORTS + f"{name} = 1\n" + MODEL
        assert "class MaskedConv1D" in fix_text(text, "mask-aware").text


def test_a_users_own_class_named_like_a_public_helper_refuses_the_file() -> None:
    """The bug: a hand-written MaskedConv1D was taken for ours, and the rewrite called it."""
    text = (
        dedent(
            """\
        from keras import Sequential, layers


        class MaskedConv1D(layers.Conv1D):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.supports_masking = True


        """
        )
        + MODEL
    )
    assert refusal(text) == (
        "the file defines its own MaskedConv1D (line 4), which the pasted helpers need; rename it"
    )
    # --helpers-module cannot help: the import would replace the user's class.
    assert refusal(text, helpers_module="h") == (
        "the file defines its own MaskedConv1D (line 4), which the helpers imported from h"
        " need; rename it"
    )


@pytest.mark.parametrize(
    ("statement", "line", "binds"),
    [
        ("MaskedConv1D = layers.Conv1D\n", 2, "the file binds MaskedConv1D (line 2)"),
        ("MaskedConv1D: type = layers.Conv1D\n", 2, "the file binds MaskedConv1D (line 2)"),
        ("MaskedConv1D, other = 1, 2\n", 2, "the file binds MaskedConv1D (line 2)"),
        ("for MaskedConv1D in []:\n    pass\n", 2, "the file binds MaskedConv1D (line 2)"),
        ("with open('f') as MaskedConv1D:\n    pass\n", 2, "the file binds MaskedConv1D (line 2)"),
        (
            "try:\n    pass\nexcept Exception as MaskedConv1D:\n    pass\n",
            4,
            "the file binds MaskedConv1D (line 4)",
        ),
        ("if True:\n    MaskedConv1D = 1\n", 3, "the file binds MaskedConv1D (line 3)"),
        ("[(MaskedConv1D := x) for x in ()]\n", 2, "the file binds MaskedConv1D (line 2)"),
        (
            "def make():\n    global MaskedConv1D\n    MaskedConv1D = 1\n",
            3,
            "the file binds MaskedConv1D (line 3)",
        ),
        (
            "match 1:\n    case MaskedConv1D:\n        pass\n",
            3,
            "the file binds MaskedConv1D (line 3)",
        ),
        (
            "from mylib.layers import MaskedConv1D\n",
            2,
            "the file imports MaskedConv1D from mylib.layers (line 2)",
        ),
        (
            "from mylib import Conv as MaskedConv1D\n",
            2,
            "the file imports MaskedConv1D from mylib (line 2)",
        ),
        (
            "import mylib.layers as MaskedConv1D\n",
            2,
            "the file imports the module mylib.layers as MaskedConv1D (line 2)",
        ),
        (
            "class MaskedConv1D:\n    pass\n",
            2,
            "the file defines its own MaskedConv1D (line 2)",
        ),
    ],
)
def test_a_public_helper_name_bound_any_way_refuses_the_file(
    statement: str, line: int, binds: str
) -> None:
    text = IMPORTS + statement + MODEL
    message = refusal(text)
    assert message.startswith(binds + ", which the pasted helpers need; rename it")


def test_a_global_declared_but_never_bound_binds_nothing() -> None:
    text = IMPORTS + "def f():\n    global MaskedConv1D\n    return MaskedConv1D\n" + MODEL
    assert "class MaskedConv1D" in fix_text(text, "mask-aware").text


def test_a_local_name_binds_nothing_at_module_level() -> None:
    text = IMPORTS + f"def f({PRIVATE}, MaskedConv1D):\n    return MaskedConv1D\n" + MODEL
    assert "class MaskedConv1D" in fix_text(text, "mask-aware").text


def test_a_name_imported_from_elsewhere_is_not_ours() -> None:
    text = "from mylib import MaskedConv1D\n" + IMPORTS + MODEL
    assert refusal(text) == (
        "the file imports MaskedConv1D from mylib (line 1), which the pasted helpers"
        " need; rename it, or use --helpers-module mylib if that module holds"
        " keras-mask-codemod's helpers"
    )
    assert refusal(text, helpers_module="project.mask_layers") == (
        "the file imports MaskedConv1D from mylib (line 1), which the helpers imported from"
        " project.mask_layers need; rename it"
    )


def test_a_name_imported_from_the_helpers_module_is_ours() -> None:
    text = "from project.mask_layers import MaskedConv1D\n" + IMPORTS + MODEL
    result = fix_text(text, "mask-aware", helpers_module="project.mask_layers").text
    assert result == text.replace("layers.Conv1D(", "MaskedConv1D(")
    aliased = "from project.mask_layers import MaskedConv2D as MaskedConv1D\n" + IMPORTS + MODEL
    assert refusal(aliased, helpers_module="project.mask_layers").startswith(
        "the file imports MaskedConv1D from project.mask_layers (line 1)"
    )


# Star imports ----------------------------------------------------------------------------------


def test_star_imports_from_keras_bind_none_of_our_names() -> None:
    text = dedent(
        """\
        from keras.layers import *
        from keras import Sequential

        model = Sequential([Masking(), Conv1D(4, 3), LSTM(2)])
        """
    )
    assert "MaskedConv1D(4, 3)" in fix_text(text, "mask-aware").text
    assert "output_shape=apply_mask_output_shape" in fix_text(text, "lambda").text


def test_star_import_of_an_unknown_module_and_a_name_the_file_reads() -> None:
    """`from utils import *` may bind MaskedConv1D: the file's own uses of it would change."""
    text = "from utils import *\n" + IMPORTS + "old = MaskedConv1D(2, 2)\n" + MODEL
    assert refusal(text, helpers_module="h") == (
        "`from utils import *` (line 1) may bind MaskedConv1D, which the file uses and the"
        " helpers imported from h need; import what you use from utils by name"
    )


def test_star_import_of_an_unknown_module_before_the_import_of_the_helpers() -> None:
    """Nothing in the file reads MaskedConv1D, and the helpers' import comes later: ours wins."""
    text = "from utils import *\n" + IMPORTS + "\n" + MODEL
    result = fix_text(text, "mask-aware", helpers_module="h").text
    assert result.startswith("from utils import *\nfrom keras import Sequential, layers\n")
    assert "from h import MaskedConv1D\n" in result


def test_star_import_of_an_unknown_module_after_the_helpers_are_bound() -> None:
    """The import of the helpers goes after the imports before the first def; a star import
    further down would bind MaskedConv1D again, over ours."""
    text = IMPORTS + "\n\ndef f():\n    pass\n\n\nfrom utils import *\n\n" + MODEL
    assert refusal(text, helpers_module="h") == (
        "`from utils import *` (line 8) runs after the rewrite binds MaskedConv1D and may bind"
        " it again; import what you use from utils by name, or move that import up"
    )
    above = IMPORTS + "from utils import *\n\n\ndef f():\n    pass\n\n\n" + MODEL
    assert "from h import MaskedConv1D\n" in fix_text(above, "mask-aware", helpers_module="h").text


def test_star_import_of_an_unknown_module_may_rebind_the_builtins_the_helpers_call() -> None:
    """`from numpy import *` binds max and min; an unknown module may bind any public name."""
    if not CONV_BUILTINS:
        pytest.skip("MaskedConv1D and its helpers call no builtin")
    text = "from utils import *\n" + IMPORTS + MODEL
    assert refusal(text) == (
        "`from utils import *` (line 1) may rebind Python builtins that the pasted"
        f" helpers call ({', '.join(CONV_BUILTINS)}); import what you use from utils by name"
        " or use --helpers-module"
    )


def test_star_import_of_the_helpers_module_binds_ours() -> None:
    text = "from h import *\n" + IMPORTS + "old = MaskedConv1D(2, 2)\n" + MODEL
    result = fix_text(text, "mask-aware", helpers_module="h").text
    assert "from h import MaskedConv1D\n" in result


def test_private_names_are_out_of_reach_of_star_imports() -> None:
    """Without `__all__` a star import binds no name starting with "_"; with the helpers
    imported from a module, nothing else about the star import matters."""
    text = "from utils import *\n" + IMPORTS + f"x = {PRIVATE}\n" + MODEL
    assert "from h import MaskedConv1D" in fix_text(text, "mask-aware", helpers_module="h").text


# Builtins and the keras module the pasted helpers read -----------------------------------------


def test_a_builtin_the_pasted_helpers_call_rebound_by_the_file() -> None:
    if not CONV_BUILTINS:
        pytest.skip("MaskedConv1D and its helpers call no builtin")
    builtin = CONV_BUILTINS[0]
    text = IMPORTS + f"{builtin} = 3\n" + MODEL
    assert refusal(text) == (
        f"the file binds {builtin} (line 2), which the pasted helpers need as"
        " Python's builtin; rename it or use --helpers-module"
    )
    assert "from h import MaskedConv1D" in fix_text(text, "mask-aware", helpers_module="h").text


def test_keras_bound_to_anything_but_the_keras_module() -> None:
    text = IMPORTS + "keras = None\n" + MODEL
    assert refusal(text) == (
        "the file binds keras (line 2), which the pasted helpers need as the Keras"
        " module; rename it or use --helpers-module"
    )
    imported = "import tensorflow as keras\n" + IMPORTS + MODEL
    assert refusal(imported).startswith("the file imports the module tensorflow as keras (line 1)")
    for fine in (
        "import keras\n",
        "from tensorflow import keras\n",
        "import tensorflow as tf\nkeras = tf.keras\n",
    ):
        assert "class MaskedConv1D" in fix_text(fine + IMPORTS + MODEL, "mask-aware").text
    keras_2 = "import tf_keras\nkeras = tf_keras\n" + IMPORTS + MODEL
    assert refusal(keras_2).startswith("the file binds keras (line 2), which the pasted")


# Lambda ----------------------------------------------------------------------------------------

LAMBDA_IMPORTS = "from keras import Sequential\nfrom keras.layers import LSTM, Conv1D, Masking\n"
LAMBDA_MODEL = "model = Sequential([Masking(), Conv1D(4, 3), LSTM(2)])\n"


def test_lambda_bound_by_the_file_refuses_the_lambda_rewrite() -> None:
    """Before, Lambda was added to the Masking import and the later binding won."""
    text = LAMBDA_IMPORTS + "Lambda = None\n" + LAMBDA_MODEL
    assert refusal(text, "lambda") == (
        "the file binds Lambda (line 3), which the rewrite of Masking into Lambda needs; rename it"
    )
    other = LAMBDA_IMPORTS + "from mylib import Lambda\n" + LAMBDA_MODEL
    assert refusal(other, "lambda").startswith("the file imports Lambda from mylib (line 3)")


def test_keras_lambda_imported_already_is_reused() -> None:
    text = LAMBDA_IMPORTS + "from tensorflow.keras.layers import Lambda\n" + LAMBDA_MODEL
    result = fix_text(text, "lambda").text
    assert "output_shape=apply_mask_output_shape" in result


# Our own helpers, already in the file ----------------------------------------------------------


def defined_before_use(text: str) -> bool:
    """Every base class a top-level class names is defined above it (or imported)."""
    seen: set[str] = set()
    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef):
            bases = {base.id for base in node.bases if isinstance(base, ast.Name)}
            if not bases <= seen:
                return False
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            seen.add(node.name)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            seen |= {alias.asname or alias.name for alias in node.names}
    return True


def test_our_block_is_reused_and_only_missing_helpers_are_pasted() -> None:
    once = fix_text(IMPORTS + MODEL, "mask-aware").text
    twice = fix_text(once + POOLING, "mask-aware").text
    assert twice.count(HELPER_HEADER) == 2
    names_defined = defined(twice)
    assert len(names_defined) == len(set(names_defined)), "a helper is defined twice"
    new = [n for n in helper_closure(["MaskedMaxPooling1D"]) if n not in CONV_HELPERS]
    assert defined(twice.split(HELPER_HEADER)[2])[: len(new)] == new
    # After the helpers it reuses, which the new ones may subclass.
    second = twice.index(HELPER_HEADER, twice.index(HELPER_HEADER) + 1)
    assert twice.index("class MaskedConv1D") < second
    assert defined_before_use(twice)
    assert fix_text(twice, "mask-aware").text == twice
    assert analyze(twice) == []


def test_our_block_in_tabs_and_crlf_is_still_ours() -> None:
    text = (
        "import keras\r\nfrom keras import layers\r\n\r\n\r\ndef build():\r\n"
        "\tinp = keras.Input((8, 2))\r\n\tx = layers.Masking()(inp)\r\n"
        "\tx = layers.Conv1D(4, 3)(x)\r\n\treturn keras.Model(inp, layers.LSTM(2)(x))\r\n"
    )
    once = fix_text(text, "mask-aware").text
    more = once.replace("layers.LSTM(2)(x)", "layers.LSTM(2)(layers.Conv1D(4, 3)(x))")
    twice = fix_text(more, "mask-aware").text
    assert twice.count("class MaskedConv1D") == 1
    assert "layers.LSTM(2)(MaskedConv1D(4, 3)(x))" in twice


def test_an_edited_helper_in_our_block_is_not_ours() -> None:
    once = fix_text(IMPORTS + MODEL, "mask-aware").text
    header = once[once.index("class MaskedConv1D(") :].split("\n", 1)[0]
    edited = once.replace(header, header + "\n    edited = True", 1)
    line = edited[: edited.index("class MaskedConv1D")].count("\n") + 1
    assert refusal(edited + POOLING.replace("MaxPooling1D(2)", "Conv1D(2, 2)")) == (
        f"the file defines MaskedConv1D (line {line}) unlike the keras-mask-codemod helper of"
        " that name (edited by hand, written by another version, or the file's own), and the"
        " pasted helpers need it; remove or rename it"
    )


def test_a_copy_of_our_helper_without_our_header_is_not_ours() -> None:
    once = fix_text(IMPORTS + MODEL, "mask-aware").text
    copied = once.replace(HELPER_HEADER + "\n", "")
    message = refusal(copied + POOLING)
    assert message.startswith(f"the file defines its own {CONV_HELPERS[0]} (line ")


def test_our_keras_2_block_is_reused() -> None:
    text = dedent(
        """\
        from tf_keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(2, 3)])
        """
    )
    once = fix_text(text, "lambda", target=KERAS_2_TARGET).text
    assert KERAS_2_HELPER_HEADER in once
    more = once + "other = Sequential([layers.Masking(), layers.Conv1D(2, 3)])\n"
    twice = fix_text(more, "lambda", target=KERAS_2_TARGET).text
    assert twice.count("class ApplyMaskValue") == 1
    assert twice.endswith("other = Sequential([ApplyMaskValue(), layers.Conv1D(2, 3)])\n")


def test_a_users_keras_2_helper_name_refuses_the_file() -> None:
    text = dedent(
        """\
        from tf_keras import Sequential, layers


        def apply_mask(x):
            return x


        model = Sequential([layers.Masking(-1.0), layers.Conv1D(2, 3)])
        """
    )
    assert refusal(text, "lambda", target=KERAS_2_TARGET) == (
        "the file defines its own apply_mask (line 4), which the pasted Keras 2 helpers need;"
        " rename it"
    )


def test_notebook_lines_are_given_as_cell_and_line() -> None:
    class Cells:
        def locate(self, line: int) -> tuple[int, int]:
            return (3, line - 1) if line > 1 else (1, 1)

        def start_of_cell(self, cell: int | None) -> str | None:
            return None

    text = IMPORTS + f"{PRIVATE} = 1\n" + MODEL
    with pytest.raises(FixError, match=rf"^the file binds {PRIVATE} \(cell 3, line 1\), "):
        fix_text(text, "mask-aware", cells=Cells())


# The analysis: whose class is it? --------------------------------------------------------------

USERS_CLASS = dedent(
    """\
    from keras import Sequential, layers


    class MaskedConv1D(layers.Conv1D):
        \"\"\"A user's "masked" convolution that forgot supports_masking.\"\"\"


    model = Sequential([layers.Masking(), MaskedConv1D(4, 3), layers.LSTM(2)])
    """
)


def test_a_users_class_named_like_our_helper_is_analysed_as_the_users() -> None:
    findings = analyze(USERS_CLASS)
    assert [(f.code, f.destroyer.name if f.destroyer else None) for f in findings] == [
        (Code.MASKING_TO_CONV, "MaskedConv1D")
    ]
    assert not findings[0].destroyer_is_keras


def test_our_pasted_class_is_analysed_as_our_helper() -> None:
    text = "import keras\n" + IMPORTS + "\n\n" + helper_source(["MaskedConv1D"])
    text += "\n\n" + MODEL.replace("layers.Conv1D", "MaskedConv1D")
    assert analyze(text) == []
    assert "MaskedConv1D" in {node.name for node in ours(text)}
    # The same class under our header, edited, is no longer ours: the analysis runs its code.
    header = text[text.index("class MaskedConv1D(") :].split("\n", 1)[0]
    edited = text.replace(header, header + "\n    edited = True", 1)
    assert "MaskedConv1D" not in {node.name for node in ours(edited)}


def ours(text: str) -> list[ast.FunctionDef | ast.ClassDef]:
    return names.our_definitions(parse(text), source_lines(text))


def test_helper_blocks_recognise_every_golden_output() -> None:
    """Every block `fix` wrote into a golden output is ours: in any encoding, newline and indent
    style, for Keras 3 and Keras 2 (whatever module reference the Keras 2 helpers use)."""
    outputs = sorted(GOLDEN.rglob("fix.*.py"))
    checked = 0
    for path in outputs:
        text = decode_source(path.read_bytes(), str(path)).text
        if HELPER_HEADER not in text and KERAS_2_HELPER_HEADER not in text:
            continue
        blocks = names.helper_blocks(parse(text), source_lines(text))
        own = _defined_names(path.parent / "input.py")  # the user's, right after our block (p51)
        pasted = [
            block
            for block in blocks
            if block.node.name in _template_names(block) and block.node.name not in own
        ]
        assert pasted and all(block.ours for block in pasted), path
        checked += 1
    assert checked >= 20  # most golden outputs import the helpers instead (tests/golden.py)


def _defined_names(path) -> set[str]:
    text = decode_source(path.read_bytes(), str(path)).text
    return {
        node.name
        for node in ast.parse(text).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }


def _template_names(block: names.BlockDefinition) -> set[str]:
    tree = ast.parse(names.template_text(block.template.file))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def test_the_helpers_module_text_is_all_ours() -> None:
    from codemod.engine.helpers_module import helpers_module_text

    text = helpers_module_text()
    blocks = names.helper_blocks(parse(text), source_lines(text))
    assert blocks and all(block.ours for block in blocks)


def test_a_rewrite_that_adds_no_name_checks_none() -> None:
    """remove adds nothing: the file's own `keras`, `len` or MaskedConv1D are no business of it."""
    text = IMPORTS + "keras = None\nlen = 3\nMaskedConv1D = 1\n" + MODEL
    assert "layers.Masking()" not in fix_text(text, "remove").text
