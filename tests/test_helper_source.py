"""helper_source cuts mask-aware helpers out of the template as text: no Keras is imported."""

from __future__ import annotations

import ast
import importlib.util
import io
import itertools
import keyword
import re
import subprocess
import sys
import tokenize
import zipfile
from pathlib import Path

import pytest

from codemod.catalogue import HELPER_FUNCTIONS, HELPER_MASK, KERAS_3_15, helper_for_layer
from codemod.rewrite.helper_source import (
    HELPER_HEADER,
    HELPER_IMPORTS,
    HELPER_NAMES,
    KERAS_2_HELPER_HEADER,
    KERAS_2_HELPER_NAMES,
    helper_source,
    keras_2_helper_source,
)

# What the rewrites may paste into a Keras 3 file: every helper the catalogue names except the
# Keras 2 only ApplyMaskValue, and the functions given to Lambda.
PUBLIC_HELPERS = (HELPER_MASK.keys() - {"ApplyMaskValue"}) | HELPER_FUNCTIONS
REGISTRATION = 'keras.utils.register_keras_serializable(package="keras_mask_codemod")'


def _defined_names(source: str) -> list[str]:
    return [
        node.name
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    ]


def _template_order() -> list[str]:
    return _defined_names(helper_source(HELPER_NAMES))


def _run_ruff(*paths: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", *map(str, paths)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_public_helper_is_available() -> None:
    assert PUBLIC_HELPERS <= HELPER_NAMES
    assert all(name in PUBLIC_HELPERS or name.startswith("_") for name in HELPER_NAMES)


def test_helper_imports_are_only_keras() -> None:
    assert HELPER_IMPORTS == ("keras",)


def test_requested_class_comes_with_the_mixin_it_derives_from() -> None:
    assert _defined_names(helper_source(["MaskedConv1D"])) == ["_MaskedLayer", "MaskedConv1D"]


def test_dependencies_are_followed_transitively() -> None:
    # MaskedMaxPooling1D -> _MaskedMax -> _MaskedLayer
    names = _defined_names(helper_source(["MaskedMaxPooling1D"]))

    assert names == ["_MaskedLayer", "_MaskedMax", "MaskedMaxPooling1D"]


def test_function_only_helper_needs_nothing_else() -> None:
    assert _defined_names(helper_source(["apply_mask"])) == ["apply_mask"]


def test_order_is_the_template_order_whatever_the_request_order() -> None:
    forward = helper_source(["MaskedConv2D", "ApplyMask", "MaskedGlobalMaxPooling1D"])
    backward = helper_source(["MaskedGlobalMaxPooling1D", "ApplyMask", "MaskedConv2D", "ApplyMask"])

    assert forward == backward
    names = _defined_names(forward)
    order = _template_order()
    assert names == sorted(names, key=order.index)


def test_output_starts_with_one_comment_line_and_has_no_import() -> None:
    source = helper_source(["MaskedConv1D"])

    assert source.splitlines()[0] == HELPER_HEADER
    assert HELPER_HEADER.startswith("# ")
    assert not any(line.startswith("import ") for line in source.splitlines())
    assert "from keras" not in source


def test_definitions_are_separated_by_two_blank_lines() -> None:
    source = helper_source(HELPER_NAMES)

    assert source.endswith("\n") and not source.endswith("\n\n")
    assert "\n\n\n\n" not in source
    # The header comment sits right on the first definition, like a comment above any def.
    assert source.startswith(HELPER_HEADER + "\nclass _MaskedLayer:")
    separated = re.findall(r"\n\n\n(?=@keras|class |def )", source)
    assert len(separated) == len(HELPER_NAMES) - 1


def test_only_what_keras_deserializes_is_registered() -> None:
    """Public layers and the functions a saved Lambda names are registered (package name
    unchanged, so saved models keep loading); the private mixins are never saved."""
    source = helper_source(HELPER_NAMES)
    decorators = {
        node.name: [ast.get_source_segment(source, d) for d in node.decorator_list]
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    }

    assert decorators == {
        name: [] if name.startswith("_") else [REGISTRATION] for name in HELPER_NAMES
    }
    assert {"apply_mask", "apply_mask_output_shape"} <= decorators.keys()


def test_public_classes_are_a_mixin_and_their_keras_layer() -> None:
    """Each family's code is pasted once, in a private mixin: a public layer class is just its
    decorator, its class line and a one-line docstring (apart from the few with methods)."""
    with_methods = {"MaskedFlatten", "MaskedTimeDistributed", "ApplyMask", "EndMask"}
    source = helper_source(HELPER_NAMES)
    classes = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)]
    for node in classes:
        if node.name.startswith("_") or node.name in with_methods:
            continue
        assert len(node.bases) == 2 and ast.unparse(node.bases[0]).startswith("_"), node.name
        assert len(node.body) == 1 and isinstance(node.body[0], ast.Expr), node.name
        assert node.end_lineno - node.decorator_list[0].lineno == 2, node.name


@pytest.mark.parametrize(
    ("names", "most"),
    [
        (["MaskedConv1D"], 37),
        (["MaskedConv2D", "MaskedGlobalMaxPooling2D"], 55),
        (["MaskedTimeDistributed"], 55),
        (["apply_mask", "apply_mask_output_shape"], 13),
        (["ApplyMask"], 45),
    ],
)
def test_pasted_helpers_stay_short(names: list[str], most: int) -> None:
    """`fix` adds these lines plus three blank ones around them: one Conv1D costs at most 40."""
    assert len(helper_source(names).splitlines()) <= most


@pytest.mark.parametrize(
    "family",
    [
        ["MaskedConv1D", "MaskedConv2D", "MaskedConv3D", "MaskedSeparableConv1D"],
        ["MaskedConv1DTranspose", "MaskedConv2DTranspose", "MaskedConv3DTranspose"],
        ["MaskedMaxPooling1D", "MaskedMaxPooling2D", "MaskedGlobalMaxPooling3D"],
        ["MaskedAveragePooling1D", "MaskedAveragePooling3D", "MaskedGlobalAveragePooling2D"],
    ],
)
def test_each_further_helper_of_a_family_adds_five_lines(family: list[str]) -> None:
    lengths = [len(helper_source(family[: n + 1]).splitlines()) for n in range(len(family))]
    assert [b - a for a, b in itertools.pairwise(lengths)] == [5] * (len(family) - 1)


def test_no_names_give_no_text() -> None:
    assert helper_source([]) == ""


def test_unknown_name_is_refused() -> None:
    with pytest.raises(KeyError, match="MaskedLSTM"):
        helper_source(["MaskedLSTM"])


def test_output_compiles_after_import_keras() -> None:
    compile("import keras\n\n\n" + helper_source(HELPER_NAMES), "<helpers>", "exec")


def test_each_helper_passes_ruff_alone(tmp_path: Path) -> None:
    # A missing dependency would show up as F821 (undefined name) in its file.
    paths = []
    for name in sorted(PUBLIC_HELPERS):
        path = tmp_path / f"user_{name.lower()}.py"
        path.write_text("import keras\n\n\n" + helper_source([name]), encoding="utf-8")
        paths.append(path)

    result = _run_ruff(*paths)

    assert result.returncode == 0, result.stdout + result.stderr


def test_all_helpers_together_pass_ruff(tmp_path: Path) -> None:
    path = tmp_path / "user_model.py"
    path.write_text("import keras\n\n\n" + helper_source(HELPER_NAMES), encoding="utf-8")

    result = _run_ruff(path)

    assert result.returncode == 0, result.stdout + result.stderr


def test_building_helper_source_does_not_import_keras() -> None:
    code = (
        "import sys\n"
        "from codemod.rewrite.helper_source import HELPER_NAMES, helper_source\n"
        "assert helper_source(HELPER_NAMES)\n"
        "assert 'keras' not in sys.modules, 'keras was imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("keras_name", "helper"),
    [
        ("Conv1D", "MaskedConv1D"),
        ("Convolution1D", "MaskedConv1D"),
        ("Conv2D", "MaskedConv2D"),
        ("Convolution3D", "MaskedConv3D"),
        ("Conv2DTranspose", "MaskedConv2DTranspose"),
        ("Convolution2DTranspose", "MaskedConv2DTranspose"),
        ("Convolution3DTranspose", "MaskedConv3DTranspose"),
        ("SeparableConv1D", "MaskedSeparableConv1D"),
        ("SeparableConvolution1D", "MaskedSeparableConv1D"),
        ("SeparableConvolution2D", "MaskedSeparableConv2D"),
        ("DepthwiseConv1D", "MaskedDepthwiseConv1D"),
        ("DepthwiseConv2D", "MaskedDepthwiseConv2D"),
        ("MaxPooling1D", "MaskedMaxPooling1D"),
        ("MaxPool1D", "MaskedMaxPooling1D"),
        ("MaxPool3D", "MaskedMaxPooling3D"),
        ("AveragePooling2D", "MaskedAveragePooling2D"),
        ("AvgPool2D", "MaskedAveragePooling2D"),
        ("GlobalMaxPool1D", "MaskedGlobalMaxPooling1D"),
        ("GlobalMaxPooling2D", "MaskedGlobalMaxPooling2D"),
        ("GlobalAvgPool2D", "MaskedGlobalAveragePooling2D"),
        ("GlobalAveragePooling3D", "MaskedGlobalAveragePooling3D"),
        ("Flatten", "MaskedFlatten"),
        ("TimeDistributed", "MaskedTimeDistributed"),
    ],
)
def test_helper_for_layer_maps_keras_names_and_aliases(keras_name: str, helper: str) -> None:
    assert helper_for_layer(keras_name) == helper


@pytest.mark.parametrize(
    "keras_name",
    # GlobalAveragePooling1D already honours masks; the others need no helper or have none.
    ["GlobalAveragePooling1D", "GlobalAvgPool1D", "Dense", "LSTM", "Masking", "Layer", "conv1d"],
)
def test_helper_for_layer_is_none_without_a_helper(keras_name: str) -> None:
    assert helper_for_layer(keras_name) is None


def test_template_is_read_as_package_data_even_from_a_zip(tmp_path: Path) -> None:
    """importlib.resources, not a file path: works wherever the package is installed."""
    package_root = Path(__file__).resolve().parents[1] / "codemod"
    archive = tmp_path / "codemod.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in package_root.rglob("*.py"):
            zipped.write(path, path.relative_to(package_root.parent).as_posix())
    code = (
        "import sys\n"
        f"sys.path.insert(0, {str(archive)!r})\n"
        "from codemod.rewrite import helper_source as module\n"
        "assert module.__file__.startswith(sys.path[0]), module.__file__\n"
        "assert 'class MaskedConv1D' in module.helper_source(['MaskedConv1D'])\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path
    )

    assert result.returncode == 0, result.stderr


def test_the_analysis_knows_every_emitted_helper() -> None:
    """check must recognise what fix emits, or a fixed file would be reported again."""
    public = {name for name in HELPER_NAMES | KERAS_2_HELPER_NAMES if not name.startswith("_")}
    assert public == HELPER_MASK.keys() | HELPER_FUNCTIONS


@pytest.mark.parametrize("fact", [f for f in KERAS_3_15 if f.helper], ids=lambda f: f.name)
def test_each_helper_the_catalogue_names_subclasses_its_layer(fact) -> None:
    """The catalogue is the one list of helpers: the template must define each as a subclass of
    the very layer it replaces (its name or an alias of it: GlobalAvgPool2D keeps the class line
    within 79 characters), after the private mixin of its family, so it takes the same arguments.
    tests/test_helper_layers.py checks the subclassing in real Keras."""
    source = helper_source([fact.helper])
    classes = {node.name: node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)}
    helper = classes[fact.helper]
    *mixins, keras_base = [ast.unparse(base) for base in helper.bases]
    assert keras_base.startswith("keras.layers.")
    assert helper_for_layer(keras_base.removeprefix("keras.layers.")) == fact.helper
    assert all(mixin.startswith("_") and mixin in classes for mixin in mixins)


# Keras 2 (templates/keras2_helpers.py) --------------------------------------------------------


def test_keras_2_helpers_are_the_lambda_ones() -> None:
    assert KERAS_2_HELPER_NAMES == {"apply_mask", "ApplyMaskValue", "ApplyMask", "EndMask"}
    assert _defined_names(keras_2_helper_source(["ApplyMaskValue"], "keras")) == [
        "apply_mask",
        "ApplyMaskValue",
    ]


@pytest.mark.parametrize("keras", ["keras", "tf_keras", "tf.keras", "tk"])
def test_keras_2_helpers_use_the_files_own_keras(keras: str) -> None:
    """Every `keras` the template reads becomes the file's own name for its Keras 2 module;
    nothing else changes (docstrings keep their words)."""
    source = keras_2_helper_source(KERAS_2_HELPER_NAMES, keras)
    template = keras_2_helper_source(KERAS_2_HELPER_NAMES, "keras")
    assert source.startswith(KERAS_2_HELPER_HEADER + "\n")
    assert source.count(f'@{keras}.utils.register_keras_serializable("keras_mask_codemod")') == 4
    assert source.count(f"{keras}.") == template.count("keras.") - template.count("`keras.")
    reads = {
        ast.unparse(node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in ("utils", "layers", "backend")
    }
    assert reads == {keras}
    assert "keras.ops" not in source and "keras.saving" not in source


def test_keras_2_helpers_pass_ruff(tmp_path: Path) -> None:
    path = tmp_path / "user_model.py"
    path.write_text(
        "import tf_keras\n\n\n" + keras_2_helper_source(KERAS_2_HELPER_NAMES, "tf_keras")
    )

    result = _run_ruff(path)

    assert result.returncode == 0, result.stdout + result.stderr


# Formatting: the user's formatter and linter leave what is pasted alone ----------------------
#
# By construction: every pasted statement is one physical line of at most 79 characters, with
# double quotes, no magic trailing commas and black's blank lines, so no formatter splits or
# joins anything at any line length from 79 up. (Single-quote projects are not covered: ruff
# format with quote-style "single" rewrites every string literal, docstrings excepted.)

LINE_LENGTHS = ("79", "88", "100", "120")
# How a Keras 2 file may refer to its Keras (imports.module_reference), with the import that
# binds it: the longest, tensorflow.keras, sets the room the Keras 2 template leaves.
KERAS_2_REFERENCES = {
    "keras": "from tensorflow import keras",
    "tf_keras": "import tf_keras",
    "tf.keras": "import tensorflow as tf",
    "tensorflow.keras": "import tensorflow",
}


def _pasted_texts() -> dict[str, str]:
    """Every public helper alone and each template whole, as a user's file would hold them."""
    texts = {"keras3_all": "import keras\n\n\n" + helper_source(HELPER_NAMES)}
    for name in sorted(PUBLIC_HELPERS):
        texts[f"keras3_{name}"] = "import keras\n\n\n" + helper_source([name])
    for reference, statement in KERAS_2_REFERENCES.items():
        stem = "keras2_" + reference.replace(".", "_")
        for names in [sorted(KERAS_2_HELPER_NAMES), *([n] for n in sorted(KERAS_2_HELPER_NAMES))]:
            suffix = "all" if len(names) > 1 else names[0]
            pasted = keras_2_helper_source(names, reference)
            texts[f"{stem}_{suffix}"] = f"{statement}\n\n\n{pasted}"
    return texts


@pytest.fixture(scope="module")
def pasted_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pasted_helpers")
    for stem, text in _pasted_texts().items():
        (folder / f"{stem}.py").write_text(text, encoding="utf-8")
    return folder


def _tool(module: str) -> None:
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed in this environment")


def _run_in(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=folder, capture_output=True, text=True, check=False
    )


def test_every_pasted_statement_is_one_line_of_at_most_79_characters() -> None:
    for stem, text in _pasted_texts().items():
        lines = text.splitlines()
        assert max(map(len, lines)) <= 79, stem  # the header comment included
        assert _magic_trailing_commas(text) == [], stem
        for node in ast.walk(ast.parse(text)):
            body = getattr(node, "body", None)
            if isinstance(node, ast.stmt) and isinstance(body, list):  # its header: one line
                assert body[0].lineno == node.lineno + 1, (stem, node.lineno)
            elif isinstance(node, ast.stmt) and not _is_docstring(node):
                assert node.lineno == node.end_lineno, (stem, node.lineno)


def _is_docstring(node: ast.stmt) -> bool:
    return isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)


def _magic_trailing_commas(text: str) -> list[int]:
    """Rows of commas right before a closing bracket, which make black and ruff format explode
    the brackets, except the comma of a one-element tuple `(x,)`, which is not magic."""
    significant = [
        token
        for token in tokenize.generate_tokens(io.StringIO(text).readline)
        if token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT)
    ]
    rows, stack = [], []  # stack: [whether a tuple's parenthesis, commas at its top level]
    for before, token, after in zip([None, *significant], significant, [*significant[1:], None]):
        if token.type == tokenize.OP and token.string in "([{":
            previous = before.string if before is not None else ""
            called = previous in (")", "]") or (
                previous.isidentifier() and not keyword.iskeyword(previous)
            )
            stack.append([token.string == "(" and not called, 0])
        elif token.type == tokenize.OP and token.string in ")]}":
            stack.pop()
        elif token.string == "," and stack:
            stack[-1][1] += 1
            if after is not None and after.string in ")]}" and stack[-1] != [True, 1]:
                rows.append(token.start[0])
    return rows


@pytest.mark.parametrize("line_length", LINE_LENGTHS)
def test_black_leaves_pasted_helpers_alone(pasted_folder: Path, line_length: str) -> None:
    _tool("black")
    for options in ([], ["--skip-magic-trailing-comma"]):
        result = _run_in(pasted_folder, "black", "--check", "-l", line_length, *options, ".")
        assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("line_length", LINE_LENGTHS)
def test_ruff_format_leaves_pasted_helpers_alone(pasted_folder: Path, line_length: str) -> None:
    _tool("ruff")
    for option in ('format.quote-style="double"', "format.skip-magic-trailing-comma=true"):
        result = _run_in(
            pasted_folder,
            *("ruff", "format", "--isolated", "--check", "--line-length", line_length),
            *("--config", option, "."),
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("line_length", LINE_LENGTHS)
def test_ruff_check_passes_pasted_helpers(pasted_folder: Path, line_length: str) -> None:
    """pycodestyle (E501 included), pyflakes and isort, as tests/test_golden_formatting.py."""
    _tool("ruff")
    result = _run_in(
        pasted_folder,
        *("ruff", "check", "--isolated", "--select", "E,F,W,I", "--line-length", line_length),
        ".",
    )
    assert result.returncode == 0, result.stdout + result.stderr
