"""lambda: the masking is made explicit where Keras drops it; values stay exactly as they were."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.rewrite.helper_source import KERAS_2_HELPER_HEADER, keras_2_helper_source
from codemod.rewrite.pipeline import FixError, fix_text
from codemod.target import parse_target
from tests.rewrite_cases import dedent, fixed

REWRITES = {
    "Masking becomes the named apply_mask Lambda, other arguments kept, laid out as black does": (
        """\
        from keras import Sequential, layers

        model = Sequential([layers.Masking(mask_value=999.0, name="pad"), layers.Conv1D(2, 3)])
        """,
        """\
        from keras import Sequential, layers

        from h import apply_mask, apply_mask_output_shape

        model = Sequential(
            [
                layers.Lambda(
                    apply_mask,
                    output_shape=apply_mask_output_shape,
                    arguments={"mask_value": 999.0},
                    name="pad",
                ),
                layers.Conv1D(2, 3),
            ]
        )
        """,
    ),
    "bare Masking: Lambda imported beside it; the default mask value written out": (
        """\
        from keras import Sequential
        from keras.layers import Conv1D, Masking

        m = Sequential([
            Masking(),
            Conv1D(2, 3),
        ])
        """,
        """\
        from keras import Sequential
        from keras.layers import Conv1D, Lambda

        from h import apply_mask, apply_mask_output_shape

        m = Sequential([
            Lambda(
                apply_mask,
                output_shape=apply_mask_output_shape,
                arguments={"mask_value": 0.0},
            ),
            Conv1D(2, 3),
        ])
        """,
    ),
    "a mask value that is an expression is passed through": (
        """\
        from keras import Sequential, layers

        PAD = -1.0
        model = Sequential([layers.Masking(PAD), layers.Conv1D(2, 3)])
        """,
        """\
        from keras import Sequential, layers

        from h import apply_mask, apply_mask_output_shape

        PAD = -1.0
        model = Sequential(
            [
                layers.Lambda(
                    apply_mask,
                    output_shape=apply_mask_output_shape,
                    arguments={"mask_value": PAD},
                ),
                layers.Conv1D(2, 3),
            ]
        )
        """,
    ),
    "Embedding loses mask_zero=True": (
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Embedding(100, 8, mask_zero=True),
            layers.Conv1D(4, 3),
        ])
        """,
        """\
        from keras import Sequential, layers

        model = Sequential([
            layers.Embedding(100, 8),
            layers.Conv1D(4, 3),
        ])
        """,
    ),
    "shared Masking: ApplyMask on the destroying branch only": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8, 2))
        masked = layers.Masking(-1.0)(inp)
        a = layers.Conv1D(4, 3)(masked)
        b = layers.LSTM(4)(masked)
        """,
        """\
        import keras
        from keras import layers

        from h import ApplyMask

        inp = keras.Input((8, 2))
        masked = layers.Masking(-1.0)(inp)
        a = layers.Conv1D(4, 3)(ApplyMask()(masked))
        b = layers.LSTM(4)(masked)
        """,
    ),
    "shared Embedding: EndMask keeps the padding vectors the convolution saw": (
        """\
        import keras
        from keras import layers

        inp = keras.Input((8,), dtype="int32")
        emb = layers.Embedding(50, 4, mask_zero=True)(inp)
        a = layers.Conv1D(4, 3)(emb)
        b = layers.GRU(4)(emb)
        """,
        """\
        import keras
        from keras import layers

        from h import EndMask

        inp = keras.Input((8,), dtype="int32")
        emb = layers.Embedding(50, 4, mask_zero=True)(inp)
        a = layers.Conv1D(4, 3)(EndMask()(emb))
        b = layers.GRU(4)(emb)
        """,
    ),
    "Sequential with a mask user before the destroyer: a line is inserted": (
        """\
        from keras import Sequential, layers

        model = Sequential()
        model.add(layers.Masking(-1.0))
        model.add(layers.BatchNormalization())
        # features
        model.add(layers.Conv1D(4, 3))
        """,
        """\
        from keras import Sequential, layers

        from h import ApplyMask

        model = Sequential()
        model.add(layers.Masking(-1.0))
        model.add(layers.BatchNormalization())
        # features
        model.add(ApplyMask())
        model.add(layers.Conv1D(4, 3))
        """,
    ),
}

NOT_APPLICABLE = {
    "keras-hub embeddings have no argument to drop": (
        """\
        import keras
        from keras_hub.layers import TokenAndPositionEmbedding

        inp = keras.Input((8,), dtype="int32")
        x = TokenAndPositionEmbedding(100, 8, 16, mask_zero=True)(inp)
        x = keras.layers.Conv1D(4, 3)(x)
        """,
        "lambda rewrites Masking and Embedding producers only",
    ),
    "tensorflow.python.keras has no register_keras_serializable for a helper": (
        """\
        from tensorflow.python.keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(2, 3)])
        """,
        "tensorflow.python.keras is TensorFlow's private copy of Keras",
    ),
    "a layer cannot be created inside call()": (
        """\
        import keras
        from keras import layers


        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.masking = layers.Masking()
                self.conv = layers.Conv1D(4, 3)
                self.rnn = layers.LSTM(4)

            def call(self, inputs):
                x = self.masking(inputs)
                return self.conv(x), self.rnn(x)
        """,
        "a layer cannot be created inside call()",
    ),
}


@pytest.mark.parametrize(("before", "after"), REWRITES.values(), ids=REWRITES.keys())
def test_lambda_rewrites(before: str, after: str) -> None:
    assert fixed(before, "lambda") == dedent(after)


@pytest.mark.parametrize(("source", "reason"), NOT_APPLICABLE.values(), ids=NOT_APPLICABLE.keys())
def test_lambda_leaves_the_file_alone_and_says_why(source: str, reason: str) -> None:
    result = fix_text(dedent(source), "lambda")
    assert result.text == dedent(source)
    assert any(
        reason in c.reason and c.reason.startswith("lambda not applicable: ")
        for c in result.changes
    )


# Keras 2 ---------------------------------------------------------------------------------------
# Code importing tf_keras (or the like), or any Keras code on a Keras 2 target, gets the helpers
# of templates/keras2_helpers.py, written against the Keras module its layers come from, and
# pasted into the file even with --helpers-module (that module holds the Keras 3 helpers).
# Masking becomes the registered layer ApplyMaskValue: Keras 2's Lambda would save apply_mask as
# bytecode, which .keras files refuse to load with the default safe_mode.

KERAS_2_TARGET = parse_target("2.15", "--target-keras", "--target-keras")
HELPERS = "# HELPERS\n"  # where the expected text holds the Keras 2 helper definitions

KERAS_2_REWRITES = {
    "tf_keras: ApplyMaskValue, written against an added `import tf_keras`": (
        """\
        from tf_keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0, name="pad"), layers.Conv1D(2, 3)])
        """,
        """\
        import tf_keras
        from tf_keras import Sequential, layers


        # HELPERS


        model = Sequential([ApplyMaskValue(-1.0, name="pad"), layers.Conv1D(2, 3)])
        """,
        None,
        "tf_keras",
    ),
    "tf_keras imported under another name: the helpers use that name": (
        """\
        import tf_keras as tk

        model = tk.Sequential([tk.layers.Masking(mask_value=9.0), tk.layers.Conv1D(2, 3)])
        """,
        """\
        import tf_keras as tk


        # HELPERS


        model = tk.Sequential([ApplyMaskValue(mask_value=9.0), tk.layers.Conv1D(2, 3)])
        """,
        None,
        "tk",
    ),
    "bare tf_keras Masking: its import goes, nothing else is imported for it": (
        """\
        import tf_keras
        from tf_keras.layers import Conv1D, Masking

        model = tf_keras.Sequential([Masking(), Conv1D(2, 3), tf_keras.layers.LSTM(2)])
        """,
        """\
        import tf_keras
        from tf_keras.layers import Conv1D


        # HELPERS


        model = tf_keras.Sequential([ApplyMaskValue(), Conv1D(2, 3), tf_keras.layers.LSTM(2)])
        """,
        None,
        "tf_keras",
    ),
    "--target-keras 2.15, from tensorflow import keras: the helpers use keras": (
        """\
        from tensorflow import keras

        inp = keras.Input((8, 2))
        x = keras.layers.Masking(-1.0)(inp)
        x = keras.layers.Conv1D(4, 3)(x)
        """,
        """\
        from tensorflow import keras


        # HELPERS


        inp = keras.Input((8, 2))
        x = ApplyMaskValue(-1.0)(inp)
        x = keras.layers.Conv1D(4, 3)(x)
        """,
        KERAS_2_TARGET,
        "keras",
    ),
    "--target-keras 2.15, tf.keras spelled out: the helpers use tf.keras": (
        """\
        import tensorflow as tf

        model = tf.keras.Sequential([tf.keras.layers.Masking(-1.0), tf.keras.layers.Conv1D(2, 3)])
        """,
        """\
        import tensorflow as tf


        # HELPERS


        model = tf.keras.Sequential([ApplyMaskValue(-1.0), tf.keras.layers.Conv1D(2, 3)])
        """,
        KERAS_2_TARGET,
        "tf.keras",
    ),
    "--target-keras 2.15, only tensorflow.keras.layers bound: `from tensorflow import keras`": (
        """\
        from tensorflow.keras import Sequential, layers

        model = Sequential([layers.Masking(-1.0), layers.Conv1D(2, 3)])
        """,
        """\
        from tensorflow import keras
        from tensorflow.keras import Sequential, layers


        # HELPERS


        model = Sequential([ApplyMaskValue(-1.0), layers.Conv1D(2, 3)])
        """,
        KERAS_2_TARGET,
        "keras",
    ),
    "--target-keras 2.15, the name keras is the user's: import the module by its full name": (
        """\
        from tensorflow.keras import Sequential, layers

        keras = "not a module"
        model = Sequential([layers.Masking(-1.0), layers.Conv1D(2, 3)])
        """,
        """\
        import tensorflow.keras
        from tensorflow.keras import Sequential, layers


        # HELPERS


        keras = "not a module"
        model = Sequential([ApplyMaskValue(-1.0), layers.Conv1D(2, 3)])
        """,
        KERAS_2_TARGET,
        "tensorflow.keras",
    ),
    "shared tf_keras Masking: the Keras 2 ApplyMask on the destroying branch only": (
        """\
        import tf_keras as keras
        from tf_keras import layers

        inp = keras.Input((8, 2))
        masked = layers.Masking(-1.0)(inp)
        a = layers.Conv1D(4, 3)(masked)
        b = layers.LSTM(4)(masked)
        """,
        """\
        import tf_keras as keras
        from tf_keras import layers


        # HELPERS


        inp = keras.Input((8, 2))
        masked = layers.Masking(-1.0)(inp)
        a = layers.Conv1D(4, 3)(ApplyMask()(masked))
        b = layers.LSTM(4)(masked)
        """,
        None,
        "keras",
    ),
    "shared tf_keras Embedding: the Keras 2 EndMask": (
        """\
        import tf_keras

        inp = tf_keras.Input((8,), dtype="int32")
        emb = tf_keras.layers.Embedding(50, 4, mask_zero=True)(inp)
        a = tf_keras.layers.Conv1D(4, 3)(emb)
        b = tf_keras.layers.GRU(4)(emb)
        """,
        """\
        import tf_keras


        # HELPERS


        inp = tf_keras.Input((8,), dtype="int32")
        emb = tf_keras.layers.Embedding(50, 4, mask_zero=True)(inp)
        a = tf_keras.layers.Conv1D(4, 3)(EndMask()(emb))
        b = tf_keras.layers.GRU(4)(emb)
        """,
        None,
        "tf_keras",
    ),
}


def keras_2_expected(after: str, keras: str, fixed_text: str) -> str:
    """`after` with the Keras 2 helpers the fixed text defines, written against `keras`."""
    lines = fixed_text.splitlines()
    names = [line.split()[1].split("(")[0] for line in lines if line.startswith(("def ", "class "))]
    assert names, "no helper was written"
    return dedent(after).replace(HELPERS, keras_2_helper_source(names, keras), 1)


@pytest.mark.parametrize(
    ("before", "after", "target", "keras"), KERAS_2_REWRITES.values(), ids=KERAS_2_REWRITES.keys()
)
def test_keras_2_lambda_rewrites(before: str, after: str, target, keras: str) -> None:
    for helpers_module in (None, "h"):  # pasted even with --helpers-module
        result = fix_text(dedent(before), "lambda", helpers_module, target=target)
        assert result.text == keras_2_expected(after, keras, result.text)
        assert KERAS_2_HELPER_HEADER in result.text and "from h import" not in result.text
        assert f"@{keras}.utils.register_keras_serializable(" in result.text
        assert "keras.ops" not in result.text and "import keras" not in result.text.splitlines()


def test_keras_2_rewrite_asks_for_the_keras_2_helpers_only() -> None:
    """ApplyMaskValue brings apply_mask; nothing from the Keras 3 template comes along."""
    text = KERAS_2_REWRITES["tf_keras: ApplyMaskValue, written against an added `import tf_keras`"]
    result = fix_text(dedent(text[0]), "lambda").text
    defined = [line for line in result.splitlines() if line.startswith(("def ", "class "))]
    assert defined == [
        "def apply_mask(x, mask_value=0.0):",
        "class ApplyMaskValue(tf_keras.layers.Layer):",
    ]


def test_keras_2_mask_aware_stays_not_applicable_and_names_why() -> None:
    source = dedent(
        """\
        from tensorflow import keras

        model = keras.Sequential([keras.layers.Masking(-1.0), keras.layers.Conv1D(2, 3)])
        """
    )
    result = fix_text(source, "mask-aware", target=KERAS_2_TARGET)
    assert result.text == source
    assert [c.reason for c in result.changes] == [
        (
            "mask-aware not applicable: the mask-aware helpers need Keras 3, and the target is "
            "Keras 2.15 (--target-keras)"
        )
    ]
    tf_keras_source = source.replace("from tensorflow import keras", "import tf_keras as keras")
    imported = fix_text(tf_keras_source, "mask-aware")
    assert [c.reason for c in imported.changes] == [
        (
            "mask-aware not applicable: the mask-aware helpers need Keras 3, and this code "
            "imports Keras 2 (tf_keras or the like)"
        )
    ]


def test_keras_2_file_needing_keras_3_helpers_too_is_left_alone() -> None:
    """One file, tf_keras and Keras 3 layers: the helpers' names would clash."""
    source = dedent(
        """\
        import keras
        import tf_keras

        a = tf_keras.Sequential([tf_keras.layers.Masking(-1.0), tf_keras.layers.Conv1D(2, 3)])
        b = keras.Sequential([keras.layers.Masking(-1.0), keras.layers.Conv1D(2, 3)])
        """
    )
    with pytest.raises(FixError, match="helpers for Keras 3 and tf_keras in one file"):
        fix_text(source, "lambda")


MODEL = """\
from tensorflow import keras

model = keras.Sequential([
    keras.Input((20, 3)),
    keras.layers.Masking(mask_value=-1.0),
    keras.layers.Conv1D(8, 3),
    keras.layers.LSTM(4),
])
"""


def test_keras_2_project_from_its_pins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """tensorflow==2.15.0 in requirements.txt: Keras 2, so the Keras 2 helpers, using `keras`."""
    (tmp_path / "requirements.txt").write_text("tensorflow==2.15.0\n")
    (tmp_path / "model.py").write_text(MODEL)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(app, ["fix", "--allow-dirty", "model.py"])

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "model.py:6: lambda: Masking -> ApplyMaskValue (exact values: keeps what Masking(-1.0) "
        "computed, no layer used its mask; mask-aware, for the LSTM at line 7, needs Keras 3)\n"
    )
    text = (tmp_path / "model.py").read_text()
    assert text.startswith("from tensorflow import keras\n\n\n" + KERAS_2_HELPER_HEADER + "\n")
    assert "    keras.layers.Conv1D(8, 3),\n" in text
    assert "    ApplyMaskValue(mask_value=-1.0),\n" in text
    assert "class ApplyMaskValue(keras.layers.Layer):" in text
