"""helper_source cuts mask-aware helpers out of the template as text: no Keras is imported."""

from __future__ import annotations

import ast
import subprocess
import sys
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


def test_requested_class_comes_with_the_functions_it_calls() -> None:
    names = _defined_names(helper_source(["MaskedConv1D"]))

    assert set(names) == {
        "_spatial_mask",
        "_zero_masked_steps",
        "_window_output_mask",
        "_any_under_window",
        "_ones_kernel",
        "MaskedConv1D",
    }


def test_dependencies_are_followed_transitively() -> None:
    # MaskedMaxPooling1D -> _masked_max_pool -> _window_output_mask -> _spatial_mask
    names = set(_defined_names(helper_source(["MaskedMaxPooling1D"])))

    assert {"_masked_max_pool", "_window_output_mask", "_spatial_mask"} <= names
    assert "MaskedConv1D" not in names
    assert "_masked_average_pool" not in names


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
    assert source.startswith(HELPER_HEADER + "\n@keras.utils.register_keras_serializable")
    separated = source.count("\n\n\n@keras.utils.register_keras_serializable")
    assert separated == len(HELPER_NAMES) - 1


def test_every_definition_is_registered_for_keras_saving() -> None:
    source = helper_source(HELPER_NAMES)
    decorators = [
        ast.get_source_segment(source, node.decorator_list[0])
        for node in ast.parse(source).body
        if isinstance(node, (ast.FunctionDef, ast.ClassDef))
    ]

    assert decorators == [
        'keras.utils.register_keras_serializable(package="keras_mask_codemod")'
    ] * len(HELPER_NAMES)


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
    the very layer it replaces, so it takes the same arguments."""
    source = helper_source([fact.helper])
    classes = [node for node in ast.parse(source).body if isinstance(node, ast.ClassDef)]
    helper = next(node for node in classes if node.name == fact.helper)
    assert [ast.unparse(base) for base in helper.bases] == [f"keras.layers.{fact.name}"]


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
    assert source.count(f"@{keras}.utils.register_keras_serializable(") == 4
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
