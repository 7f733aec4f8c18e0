"""Helper definitions pasted into the fixed file: once, after the imports, in the file's style."""

from __future__ import annotations

import ast
import textwrap

from codemod.rewrite.helper_source import HELPER_HEADER, helper_source
from codemod.rewrite.pipeline import fix_text

SEQUENTIAL = """\
model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.LSTM(2)])
"""


def top_level(text: str) -> list[str]:
    """Top-level statements in order: def/class names, and the first line of the others."""
    out = []
    for node in ast.parse(text).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out.append(node.name)
        else:
            out.append(ast.get_source_segment(text, node).splitlines()[0])
    return out


def test_helpers_go_after_the_imports_and_before_the_first_use() -> None:
    text = (
        textwrap.dedent(
            '''\
        """A model."""
        from __future__ import annotations

        import os

        os.environ["KERAS_BACKEND"] = "jax"

        from keras import Sequential, layers

        '''
        )
        + SEQUENTIAL
    )
    result = fix_text(text, "mask-aware").text
    order = top_level(result)
    assert order[:5] == [
        '"""A model."""',
        "from __future__ import annotations",
        "import os",
        'os.environ["KERAS_BACKEND"] = "jax"',
        "import keras",
    ]
    assert order[5] == "from keras import Sequential, layers"
    assert order[-2:] == [
        "MaskedConv1D",
        "model = Sequential([layers.Masking(), MaskedConv1D(4, 3), layers.LSTM(2)])",
    ]
    # The header comment sits on the block, two blank lines on either side of it.
    block = helper_source(["MaskedConv1D"])
    assert block.startswith(HELPER_HEADER + "\n")
    assert f"from keras import Sequential, layers\n\n\n{block}\n\nmodel = Sequential(" in result


def test_a_second_run_adds_nothing_and_existing_helpers_are_reused() -> None:
    text = "from keras import Sequential, layers\n\n" + SEQUENTIAL
    once = fix_text(text, "mask-aware").text
    assert once.count("class MaskedConv1D") == 1
    assert fix_text(once, "mask-aware").text == once
    again = once + "other = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.GRU(2)])\n"
    twice = fix_text(again, "mask-aware").text
    assert twice.count("class MaskedConv1D") == 1
    assert twice.endswith(
        "other = Sequential([layers.Masking(), MaskedConv1D(4, 3), layers.GRU(2)])\n"
    )


def test_keras_is_imported_only_when_nothing_binds_the_name() -> None:
    tf_style = "from tensorflow import keras\nfrom keras import Sequential, layers\n\n" + SEQUENTIAL
    assert "\nimport keras\n" not in fix_text(tf_style, "mask-aware").text
    plain = "from keras import Sequential, layers\n\n" + SEQUENTIAL
    assert fix_text(plain, "mask-aware").text.startswith("import keras\nfrom keras import")


def test_crlf_and_tab_indented_files_keep_their_style() -> None:
    text = (
        "import keras\r\nfrom keras import layers\r\n\r\n\r\ndef build():\r\n"
        "\tinp = keras.Input((8, 2))\r\n\tx = layers.Masking()(inp)\r\n"
        "\tx = layers.Conv1D(4, 3)(x)\r\n\treturn keras.Model(inp, layers.LSTM(2)(x))\r\n"
    )
    result = fix_text(text, "mask-aware").text
    lines = result.split("\n")
    assert all(line.endswith("\r") for line in lines[:-1]) and lines[-1] == ""
    assert "\tx = MaskedConv1D(4, 3)(x)\r" in lines
    assert "\tdef call(self, inputs, mask=None):\r" in lines
    ast.parse(result)


def test_a_file_without_a_final_newline() -> None:
    text = "from keras import Sequential, layers\n\n" + SEQUENTIAL.rstrip("\n")
    result = fix_text(text, "mask-aware").text
    assert result.endswith("layers.LSTM(2)])")
    assert fix_text(result, "mask-aware").text == result
