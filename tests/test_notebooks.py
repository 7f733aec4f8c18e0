"""Notebooks as code: cells joined into one program, IPython lines kept, JSON written back intact."""

from __future__ import annotations

import ast
import codecs
import copy
import json
from typing import Any

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings

from codemod.engine.notebook_cells import split_virtual, virtual_source
from codemod.engine.notebook_json import Notebook, parse_notebook, replace_cells
from codemod.engine.sources import SourceError


def code(source: list[str] | str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": None,
        "metadata": {},
        "outputs": outputs or [],
        "source": source,
    }


def markdown(source: list[str]) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def notebook(*cells: dict[str, Any], language: str = "python") -> dict[str, Any]:
    return {
        "cells": list(cells),
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": language, "name": "python3"},
            "language_info": {"name": language, "version": "3.11.7"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def jupyter_bytes(nb: dict[str, Any]) -> bytes:
    """What Jupyter writes: indent 1, sorted keys, raw UTF-8, trailing newline."""
    return (json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode()


# Formatting styles met in the wild, each a way to turn a notebook dict into bytes.
STYLES = {
    "jupyter indent 1": jupyter_bytes,
    "indent 2, ASCII escapes, insertion order": lambda nb: json.dumps(nb, indent=2).encode(),
    "indent 4, no final newline": lambda nb: json.dumps(nb, indent=4, ensure_ascii=False).encode(),
    "indent 0": lambda nb: json.dumps(nb, indent=0).encode(),
    "single line": lambda nb: json.dumps(nb).encode(),
    "compact separators": lambda nb: json.dumps(nb, separators=(",", ":")).encode(),
    "tab indent, CRLF": lambda nb: json.dumps(nb, indent="\t").replace("\n", "\r\n").encode(),
    "UTF-8 BOM": lambda nb: codecs.BOM_UTF8 + jupyter_bytes(nb),
}


def rich_notebook() -> dict[str, Any]:
    """Markdown, outputs, magics, shell escapes, help lines, a %%bash cell, a string source."""
    stream = {"name": "stdout", "output_type": "stream", "text": ["Épreuve ✓\n", "done\n"]}
    figure = {
        "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure size 640x480>"]},
        "metadata": {"needs_background": "light"},
        "output_type": "display_data",
    }
    return notebook(
        markdown(["# Masking demo\n", "Ünïcode in markdown"]),
        code(["%matplotlib inline\n", "!pip install -q keras\n", "import keras"], [stream]),
        code(
            [
                "files = !ls data\n",
                "inputs = keras.Input((None, 8))\n",
                "if True:\n",
                "    %time x = keras.layers.Masking()(inputs)\n",
                "keras.layers.Masking?\n",
                "??keras.layers.Conv1D\n",
                "x = keras.layers.Conv1D(4, 3)(x)\n",
            ],
            [figure],
        ),
        markdown(["Now a shell cell"]),
        code(["%%bash\n", "echo 'not python ('\n", "ls -la"]),
        code("%%time\nmodel = keras.Model(inputs, x)\nmodel.summary()"),
        code([]),
    )


def test_code_cells_are_numbered_among_all_cells() -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    assert [index for index, _ in nb.code_cells] == [2, 3, 5, 6, 7]
    assert nb.code_cells[0] == (2, "%matplotlib inline\n!pip install -q keras\nimport keras")
    assert nb.code_cells[3] == (6, "%%time\nmodel = keras.Model(inputs, x)\nmodel.summary()")
    assert nb.code_cells[4] == (7, "")
    assert nb.cells[5].source_is_string and not nb.cells[1].source_is_string


def test_virtual_source_is_python_and_keeps_line_numbers() -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    vs = virtual_source(nb)
    ast.parse(vs.text)  # every IPython line was replaced by something Python accepts
    lines = vs.text.splitlines()
    assert lines[0].startswith("pass  # ")  # %matplotlib inline
    assert lines[1].startswith("pass  # ")  # !pip install
    assert lines[2] == "import keras"
    first, last = vs.cell_span(3)
    cell3 = lines[first - 1 : last]
    assert cell3[0].startswith("files = None  # ")
    assert cell3[1] == "inputs = keras.Input((None, 8))"
    assert cell3[3].startswith("    pass  # ")  # the magic inside the if body keeps its indent
    assert cell3[4].startswith("pass  # ") and cell3[5].startswith("pass  # ")  # help lines
    assert cell3[6] == "x = keras.layers.Conv1D(4, 3)(x)"


def test_cell_magics_time_runs_its_body_as_python_others_are_not_code() -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    vs = virtual_source(nb)
    lines = vs.text.splitlines()
    first, last = vs.cell_span(5)
    assert all(line.startswith("pass  # ") for line in lines[first - 1 : last])
    assert "echo" not in vs.text
    first, last = vs.cell_span(6)
    assert lines[first - 1].startswith("pass  # ")
    assert lines[first:last] == ["model = keras.Model(inputs, x)", "model.summary()"]
    assert vs.non_python_cells == (5,)


def test_locate_maps_every_virtual_line_to_its_cell() -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    vs = virtual_source(nb)
    for index, text in nb.code_cells:
        first, last = vs.cell_span(index)
        assert last - first + 1 == max(len(text.splitlines()), 1)
        for offset in range(last - first + 1):
            assert vs.locate(first + offset) == (index, offset + 1)
    lines = vs.text.splitlines()
    conv = lines.index("x = keras.layers.Conv1D(4, 3)(x)") + 1
    assert vs.locate(conv) == (3, 7)
    assert vs.locate(lines.index("model.summary()") + 1) == (6, 3)
    # The end-of-cell line after cell 2 and anything past the end stay inside a cell.
    assert vs.locate(vs.cell_span(2)[1] + 1) == (2, 3)
    assert vs.locate(len(lines) + 5) == (7, 1)
    with pytest.raises(ValueError):
        vs.locate(0)
    with pytest.raises(ValueError):
        vs.cell_span(1)  # a markdown cell


def test_ipython_syntax_inside_strings_and_brackets_stays_python() -> None:
    cell = code(
        [
            's = """\n',
            "!not a shell command\n",
            "%not a magic\n",
            '"""\n',
            "total = (1 +\n",
            "    2)\n",
            "pip = 3\n",
            "pip -q\n",
            "pip install keras\n",
            "y = !echo hi\n",
            "ok = x != y\n",
        ]
    )
    vs = virtual_source(parse_notebook(jupyter_bytes(notebook(cell)), "n.ipynb"))
    lines = vs.text.splitlines()
    assert lines[1:3] == ["!not a shell command", "%not a magic"]
    assert lines[4:8] == ["total = (1 +", "    2)", "pip = 3", "pip -q"]
    assert lines[8].startswith("pass  # ")  # automagic: `pip install keras` is not Python
    assert lines[9].startswith("y = None  # ")
    assert lines[10] == "ok = x != y"
    ast.parse(vs.text)


def test_backslash_continued_shell_command_is_one_placeholder_group() -> None:
    cell = code(["if True:\n", "    !pip install \\\n", "        keras\n", "    done = 1\n"])
    nb = parse_notebook(jupyter_bytes(notebook(cell)), "n.ipynb")
    vs = virtual_source(nb)
    ast.parse(vs.text)
    lines = vs.text.splitlines()
    assert lines[1].startswith("    pass  # ") and lines[2].startswith("    pass  # ")
    assert split_virtual(vs, vs.text) == {1: "".join(cell["source"])}
    # Inserting a line between the two halves would change what the command means.
    broken = vs.text.replace(lines[2], "    extra = 1\n" + lines[2])
    with pytest.raises(SourceError, match="split the continued IPython command"):
        split_virtual(vs, broken)


@pytest.mark.parametrize("style", STYLES.values(), ids=STYLES.keys())
def test_unchanged_notebook_comes_back_byte_identical(style: Any) -> None:
    raw = style(rich_notebook())
    nb = parse_notebook(raw, "demo.ipynb")
    vs = virtual_source(nb)
    texts = split_virtual(vs, vs.text)
    assert texts == dict(nb.code_cells)  # IPython lines restored exactly
    assert replace_cells(nb, raw, texts) == raw
    assert replace_cells(nb, raw, {}) == raw


def _rewrite_conv(nb: Notebook) -> dict[int, str]:
    """What a rewrite does: edit the virtual source, insert a line, map back to cells."""
    vs = virtual_source(nb)
    new = vs.text.replace(
        "x = keras.layers.Conv1D(4, 3)(x)\n",
        "x = MaskedConv1D(4, 3)(x)\nx._keras_mask_note = 'é'\n",
    ).replace("import keras\n", "import keras\nfrom fixes import MaskedConv1D\n")
    return split_virtual(vs, new)


def _expected_after_rewrite(original: dict[str, Any]) -> dict[str, Any]:
    expected = copy.deepcopy(original)
    expected["cells"][1]["source"] = [
        "%matplotlib inline\n",
        "!pip install -q keras\n",
        "import keras\n",
        "from fixes import MaskedConv1D",
    ]
    expected["cells"][2]["source"] = [
        *original["cells"][2]["source"][:-1],
        "x = MaskedConv1D(4, 3)(x)\n",
        "x._keras_mask_note = 'é'\n",
    ]
    return expected


# Writers whose output for an edited notebook we can predict exactly.
DUMPS = {
    "jupyter indent 1": lambda nb: (
        json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    ),
    "indent 2 ascii": lambda nb: json.dumps(nb, indent=2),
    "indent 4": lambda nb: json.dumps(nb, indent=4, ensure_ascii=False),
    "indent 0": lambda nb: json.dumps(nb, indent=0),
    "single line": lambda nb: json.dumps(nb),
    "compact": lambda nb: json.dumps(nb, separators=(",", ":")),
}


@pytest.mark.parametrize("dump", DUMPS.values(), ids=DUMPS.keys())
def test_changed_cells_are_written_in_the_files_own_style(dump: Any) -> None:
    original = rich_notebook()
    raw = dump(original).encode()
    nb = parse_notebook(raw, "demo.ipynb")
    texts = _rewrite_conv(nb)
    assert texts[2] == "%matplotlib inline\n!pip install -q keras\nimport keras\n" + (
        "from fixes import MaskedConv1D"
    )
    out = replace_cells(nb, raw, texts)
    # Exactly what the same writer would have produced for the edited notebook: outputs, metadata,
    # key order, indentation, escaping and the trailing newline all kept.
    assert out == dump(_expected_after_rewrite(original)).encode()


def test_changed_cell_in_crlf_bom_notebook_keeps_crlf_and_bom() -> None:
    original = rich_notebook()
    raw = codecs.BOM_UTF8 + json.dumps(original, indent=1).replace("\n", "\r\n").encode()
    nb = parse_notebook(raw, "demo.ipynb")
    out = replace_cells(nb, raw, _rewrite_conv(nb))
    expected = json.dumps(_expected_after_rewrite(original), indent=1).replace("\n", "\r\n")
    assert out == codecs.BOM_UTF8 + expected.encode()


def test_string_source_stays_a_string() -> None:
    original = rich_notebook()
    raw = jupyter_bytes(original)
    nb = parse_notebook(raw, "demo.ipynb")
    vs = virtual_source(nb)
    texts = split_virtual(vs, vs.text.replace("model.summary()", "model.summary(expand_nested=1)"))
    assert texts[6] == "%%time\nmodel = keras.Model(inputs, x)\nmodel.summary(expand_nested=1)"
    out = replace_cells(nb, raw, texts)
    expected = copy.deepcopy(original)
    expected["cells"][5]["source"] = texts[6]
    assert out == jupyter_bytes(expected)


@pytest.mark.parametrize("dump", DUMPS.values(), ids=DUMPS.keys())
def test_code_added_to_an_empty_cell_becomes_a_source_list(dump: Any) -> None:
    original = rich_notebook()
    raw = dump(original).encode()
    nb = parse_notebook(raw, "demo.ipynb")
    out = replace_cells(nb, raw, {7: "model.save('m.keras')\nprint('saved')"})
    expected = copy.deepcopy(original)
    expected["cells"][6]["source"] = ["model.save('m.keras')\n", "print('saved')"]
    assert out == dump(expected).encode()


def test_cells_without_a_final_newline_stay_without_one() -> None:
    raw = jupyter_bytes(notebook(code(["x = 1"]), code(["y = 2\n"])))
    nb = parse_notebook(raw, "n.ipynb")
    vs = virtual_source(nb)
    assert vs.text.startswith("x = 1\n# ")
    texts = split_virtual(vs, vs.text.replace("x = 1\n", "x = 1\nx += 1\n"))
    assert texts == {1: "x = 1\nx += 1", 2: "y = 2\n"}


def test_cell_sources_with_crlf_round_trip() -> None:
    raw = jupyter_bytes(notebook(code(["%time f()\r\n", "x = 1\r\n", "y = 2"])))
    nb = parse_notebook(raw, "n.ipynb")
    vs = virtual_source(nb)
    assert split_virtual(vs, vs.text) == {1: "%time f()\r\nx = 1\r\ny = 2"}
    assert replace_cells(nb, raw, split_virtual(vs, vs.text)) == raw


def test_marker_changes_when_a_cell_already_contains_it() -> None:
    cell = code(["# keras-mask-codemod: end of cell 1\n", "!ls\n"])
    nb = parse_notebook(jupyter_bytes(notebook(cell)), "n.ipynb")
    vs = virtual_source(nb)
    assert vs.marker != "keras-mask-codemod"
    assert split_virtual(vs, vs.text) == {1: "# keras-mask-codemod: end of cell 1\n!ls\n"}


def test_code_inserted_above_the_first_line_belongs_to_the_first_cell() -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    vs = virtual_source(nb)
    texts = split_virtual(vs, "import fixes\n" + vs.text)
    assert texts[2] == "import fixes\n%matplotlib inline\n!pip install -q keras\nimport keras"


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (lambda text, lines: text.replace(lines[0], "    " + lines[0]), "changed the line"),
        (lambda text, lines: text.replace(lines[0] + "\n", ""), "removed the line"),
        (
            lambda text, lines: text.replace(lines[3] + "\n", "", 1),
            "moved or removed the end of cell 2",
        ),
        (
            lambda text, lines: text.replace(lines[3], lines[3] + "\n" + lines[0], 1),
            "moved an IPython line of cell 2 into cell 3",
        ),
        (lambda text, lines: text + "print('late')\n", "added code after the last cell"),
    ],
    ids=["edited", "deleted", "boundary removed", "moved across cells", "trailing"],
)
def test_rewrites_that_cannot_be_mapped_back_are_refused(edit: Any, reason: str) -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    vs = virtual_source(nb)
    lines = vs.text.splitlines()
    assert lines[3].startswith("# keras-mask-codemod: end of cell 2")
    with pytest.raises(SourceError, match=reason):
        split_virtual(vs, edit(vs.text, lines))


def test_a_non_python_cell_must_not_change() -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    vs = virtual_source(nb)
    lines = vs.text.splitlines()
    first, _ = vs.cell_span(5)
    with pytest.raises(SourceError, match="changed cell 5, which is not Python"):
        split_virtual(vs, vs.text.replace(lines[first - 1], "import os\n" + lines[first - 1]))


def test_cell_magic_must_stay_the_first_line() -> None:
    nb = parse_notebook(jupyter_bytes(rich_notebook()), "demo.ipynb")
    vs = virtual_source(nb)
    lines = vs.text.splitlines()
    first, _ = vs.cell_span(6)
    moved = vs.text.replace(lines[first - 1], "import os\n" + lines[first - 1])
    with pytest.raises(SourceError, match="must stay on the first line"):
        split_virtual(vs, moved)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"cells": [', "invalid JSON: Expecting value (line 1, column 12)"),
        (b"[]", "not a notebook: the JSON document is not an object"),
        (b'{"metadata": {}}', 'not a notebook: no "cells" list'),
        (b'{"cells": {}}', 'not a notebook: no "cells" list'),
        (b'{"worksheets": []}', "nbformat 3 notebooks are not supported"),
        (b'{"cells": [3]}', "cell 1 is not a JSON object"),
        (b'{"cells": [{"source": []}]}', 'cell 1 has no "cell_type"'),
        (
            (
                b'{"cells": [{"cell_type": "markdown", "source": ""},'
                b' {"cell_type": "code", "source": ["x", 1]}]}'
            ),
            'cell 2: "source" must be a string or a list of strings (found a list)',
        ),
        (
            b'{"cells": [{"cell_type": "code"}]}',
            'cell 1: "source" must be a string or a list of strings (found missing)',
        ),
        (b'{"cells": []}\xff', "cannot decode as utf-8 (byte 0xff at offset 13)"),
        ('{"cells": []}'.encode("utf-16"), "looks like UTF-16"),
    ],
)
def test_unusable_notebooks_give_a_one_line_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(SourceError) as caught:
        parse_notebook(raw, "bad.ipynb")
    assert caught.value.reason.startswith(reason)
    assert caught.value.path == "bad.ipynb"
    assert "\n" not in caught.value.describe()


def test_string_source_is_valid_nbformat() -> None:
    nb = parse_notebook(b'{"cells": [{"cell_type": "code", "source": "x = 1\\n"}]}', "n.ipynb")
    assert nb.code_cells == [(1, "x = 1\n")]


def test_language_tells_python_notebooks_apart() -> None:
    python = parse_notebook(jupyter_bytes(notebook(code(["x"]))), "p.ipynb")
    r = parse_notebook(jupyter_bytes(notebook(code(["x <- 1"]), language="R")), "r.ipynb")
    bare = parse_notebook(b'{"cells": []}', "b.ipynb")
    assert (python.language, python.is_python) == ("python", True)
    assert (r.language, r.is_python) == ("r", False)
    assert (bare.language, bare.is_python) == (None, True)


def test_replace_cells_refuses_a_markdown_cell_index() -> None:
    raw = jupyter_bytes(rich_notebook())
    nb = parse_notebook(raw, "demo.ipynb")
    with pytest.raises(ValueError):
        replace_cells(nb, raw, {1: "# not code"})


def test_notebook_without_code_cells() -> None:
    raw = jupyter_bytes(notebook(markdown(["only text"])))
    nb = parse_notebook(raw, "n.ipynb")
    vs = virtual_source(nb)
    assert vs.text == ""
    assert split_virtual(vs, "") == {}
    with pytest.raises(ValueError):
        vs.locate(1)


@pytest.mark.parametrize("dump", DUMPS.values(), ids=DUMPS.keys())
def test_one_line_cell_grows_into_a_list_in_the_files_style(dump: Any) -> None:
    original = notebook(markdown(["# t"]), code(["x = 1"]))
    raw = dump(original).encode()
    nb = parse_notebook(raw, "n.ipynb")
    out = replace_cells(nb, raw, {2: "x = 1\ny = x\n"})
    expected = copy.deepcopy(original)
    expected["cells"][1]["source"] = ["x = 1\n", "y = x\n"]
    assert out == dump(expected).encode()


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # raised while hypothesmith builds programs
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(program=hypothesmith.from_grammar())
def test_plain_python_is_never_mistaken_for_ipython(program: str) -> None:
    raw = json.dumps(notebook(code(program))).encode()
    vs = virtual_source(parse_notebook(raw, "n.ipynb"))
    assert vs.text.startswith(program)  # not one line replaced
    assert not vs.regions[0].placeholders
    assert split_virtual(vs, vs.text) == {1: program}


def test_a_libcst_rewrite_of_the_virtual_source_maps_back_to_cells() -> None:
    import libcst as cst

    class RenameConv(cst.CSTTransformer):
        def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
            if updated.attr.value == "Conv1D":
                return updated.with_changes(attr=cst.Name("MaskedConv1D"))
            return updated

    original = rich_notebook()
    raw = jupyter_bytes(original)
    nb = parse_notebook(raw, "demo.ipynb")
    vs = virtual_source(nb)
    module = cst.parse_module(vs.text)
    assert module.code == vs.text
    texts = split_virtual(vs, module.visit(RenameConv()).code)
    expected = copy.deepcopy(original)
    expected["cells"][2]["source"][-1] = "x = keras.layers.MaskedConv1D(4, 3)(x)\n"
    expected["cells"][2]["source"][-2] = "??keras.layers.Conv1D\n"  # IPython lines are not code
    assert replace_cells(nb, raw, texts) == jupyter_bytes(expected)
