"""Proofs, with real Keras 3, that the helpers keras-mask-codemod emits keep their promises.

Each helper is built after a real mask producer (Masking or Embedding(mask_zero=True)), run,
saved to `.keras` and loaded back. The headline property: right-padded, masked sequences give
the same outputs at valid positions as the same sequences without padding.
"""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # as tests/conftest.py

import keras
import numpy as np
import pytest

from codemod.catalogue import helper_for_layer
from codemod.rewrite.helper_source import HELPER_NAMES, helper_source
from codemod.rewrite.templates import keras_helpers as kh
from tests.keras_compat import get_keras_mask

pytestmark = [
    pytest.mark.keras,
    # Keras's own get_weights/set_weights on jax arrays, not the helpers.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept:DeprecationWarning"),
]

MASK_WARNING = "does not support masking"
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


# --------------------------------------------------------------------------------------------
# Shared tools


@contextmanager
def no_mask_warning() -> Iterator[None]:
    """Fail if Keras warns that a layer destroys a mask while the block runs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    messages = [str(w.message) for w in caught if MASK_WARNING in str(w.message)]
    assert messages == []


def test_warning_detector_sees_the_keras_warning_for_a_plain_conv1d() -> None:
    """Guards every no-warning test below: the detector does catch Keras's warning."""
    with pytest.raises(AssertionError), no_mask_warning():
        inputs = keras.Input((None, 3))
        keras.layers.Conv1D(2, 3)(keras.layers.Masking()(inputs))


def masked_batch(shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    """Random batch of 2 whose sample 0 ends with 2 padded (all-zero) steps and sample 1 has a
    fully zero step in the middle and, when there are spatial axes left, a zero position."""
    rng = np.random.default_rng(seed)
    data = rng.normal(size=(2, *shape)).astype("float32")
    data[0, -2:] = 0.0
    data[1, 1] = 0.0
    if len(shape) > 2:
        data[1, 0, 0] = 0.0
    return data


def describe(value: object) -> str:
    """Readable test id for a layer factory: MaskedConv1D(2, 3, strides=2)."""
    if isinstance(value, partial):
        arguments = [repr(a) for a in value.args] + [
            f"{k}={v!r}" for k, v in value.keywords.items()
        ]
        return f"{value.func.__name__}({', '.join(arguments)})"
    return str(value)


def predict(model: keras.Model, data: np.ndarray) -> list[np.ndarray]:
    outputs = model.predict(data, verbose=0)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def random_mask(shape: tuple[int, ...], seed: int, valid_fraction: float = 0.7) -> np.ndarray:
    """Random holes, plus a masked second half in sample 0 (right padding) and a fully valid
    first two thirds in sample 1, so every rule sees both valid and invalid windows."""
    mask = np.random.default_rng(seed).random(shape) < valid_fraction
    length = shape[1]
    mask[0, length // 2 :] = False
    mask[1, : 2 * length // 3] = True
    return mask


# --------------------------------------------------------------------------------------------
# Every helper layer, in a small model after Masking


@dataclass(frozen=True)
class Case:
    make: Callable[[], keras.layers.Layer]
    input_shape: tuple[int, ...]  # without the batch axis
    ends_mask: bool = False
    mask_axes: int | None = None  # leading output axes the mask covers; None: all but channels

    @property
    def name(self) -> str:
        return type(self.make()).__name__


SEQ, IMAGE, VOLUME, VIDEO = (9, 3), (7, 6, 2), (5, 5, 4, 2), (4, 5, 5, 2)

CASES = [
    Case(lambda: kh.MaskedConv1D(4, 3, padding="valid"), SEQ),
    Case(lambda: kh.MaskedConv2D(4, 3, padding="valid"), IMAGE),
    Case(lambda: kh.MaskedConv3D(2, 2, padding="same"), VOLUME),
    Case(lambda: kh.MaskedConv1DTranspose(4, 3, strides=2), SEQ),
    Case(lambda: kh.MaskedConv2DTranspose(2, 3, strides=2, padding="same"), IMAGE),
    Case(lambda: kh.MaskedConv3DTranspose(2, 2), VOLUME),
    Case(lambda: kh.MaskedSeparableConv1D(4, 3, padding="same"), SEQ),
    Case(lambda: kh.MaskedSeparableConv2D(4, 3, strides=2), IMAGE),
    Case(lambda: kh.MaskedDepthwiseConv1D(3, depth_multiplier=2), SEQ),
    Case(lambda: kh.MaskedDepthwiseConv2D(2, padding="same"), IMAGE),
    Case(lambda: kh.MaskedMaxPooling1D(2), SEQ),
    Case(lambda: kh.MaskedMaxPooling2D(2, padding="same"), IMAGE),
    Case(lambda: kh.MaskedMaxPooling3D(2), VOLUME),
    Case(lambda: kh.MaskedAveragePooling1D(3, strides=1, padding="same"), SEQ),
    Case(lambda: kh.MaskedAveragePooling2D(2), IMAGE),
    Case(lambda: kh.MaskedAveragePooling3D(2, padding="same"), VOLUME),
    Case(lambda: kh.MaskedGlobalMaxPooling1D(), SEQ, ends_mask=True),
    Case(lambda: kh.MaskedGlobalMaxPooling2D(), IMAGE, ends_mask=True),
    Case(lambda: kh.MaskedGlobalMaxPooling3D(keepdims=True), VOLUME, ends_mask=True),
    Case(lambda: kh.MaskedGlobalAveragePooling2D(), IMAGE, ends_mask=True),
    Case(lambda: kh.MaskedGlobalAveragePooling3D(), VOLUME, ends_mask=True),
    Case(lambda: kh.MaskedFlatten(), SEQ, ends_mask=True),
    Case(lambda: kh.MaskedTimeDistributed(keras.layers.Conv2D(3, 3)), VIDEO, mask_axes=2),
    Case(lambda: kh.ApplyMask(), SEQ, ends_mask=True),
    Case(lambda: kh.EndMask(), SEQ, ends_mask=True),
]


def build_after_masking(case: Case) -> tuple[keras.Model, keras.layers.Layer]:
    """Input -> Masking -> helper; outputs the helper's output and, if it has one, its mask."""
    inputs = keras.Input(case.input_shape)
    masked = keras.layers.Masking()(inputs)
    layer = case.make()
    outputs = layer(masked)
    mask = get_keras_mask(outputs)
    if case.ends_mask:
        assert mask is None
        return keras.Model(inputs, outputs), layer
    assert mask is not None
    return keras.Model(inputs, [outputs, mask]), layer


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_helper_takes_a_masking_mask_without_warning(case: Case) -> None:
    data = masked_batch(case.input_shape)

    with no_mask_warning():
        model, _ = build_after_masking(case)
        outputs = predict(model, data)

    if case.ends_mask:
        assert len(outputs) == 1
    else:
        values, mask = outputs
        assert mask.dtype == bool
        assert mask.shape == values.shape[: case.mask_axes or -1]
        assert mask.any() and not mask.all()


@pytest.mark.parametrize(
    "case", [case for case in CASES if case.input_shape == SEQ], ids=lambda case: case.name
)
def test_helper_takes_an_embedding_mask_without_warning(case: Case) -> None:
    tokens = np.array([[3, 1, 4, 1, 5, 9, 2, 0, 0], [2, 7, 1, 8, 0, 0, 0, 0, 0]])

    with no_mask_warning():
        inputs = keras.Input((None,), dtype="int32")
        embedded = keras.layers.Embedding(10, 3, mask_zero=True)(inputs)
        outputs = case.make()(embedded)
        mask = get_keras_mask(outputs)
        model = keras.Model(inputs, outputs if case.ends_mask else [outputs, mask])
        results = predict(model, tokens)

    if not case.ends_mask:
        values, mask = results
        assert mask.shape == values.shape[:-1]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_helper_without_masked_steps_equals_the_keras_layer(case: Case) -> None:
    """Where nothing is masked the rewrite changes nothing: same outputs as the original layer."""
    data = np.random.default_rng(1).normal(size=(2, *case.input_shape)).astype("float32")
    model, layer = build_after_masking(case)
    if isinstance(layer, (kh.ApplyMask, kh.EndMask)):
        np.testing.assert_array_equal(predict(model, data)[0], data)
        return
    keras_class = getattr(keras.layers, type(layer).__name__.removeprefix("Masked"))
    assert isinstance(layer, keras_class)
    original = keras_class.from_config(layer.get_config())
    inputs = keras.Input(case.input_shape)
    original_model = keras.Model(inputs, original(inputs))
    original.set_weights(layer.get_weights())

    expected = predict(original_model, data)[0]
    got = predict(model, data)

    np.testing.assert_allclose(got[0], expected, **TOLERANCE)
    if not case.ends_mask:
        assert got[1].all()


@pytest.mark.parametrize(
    "case",
    [case for case in CASES if case.input_shape in (SEQ, VIDEO)]
    + [Case(lambda: kh.MaskedConv1DTranspose(2, 2, strides=3, output_padding=1), SEQ)],
    ids=lambda case: case.name,
)
def test_helper_in_a_sequential_built_on_its_first_call(case: Case) -> None:
    """A Sequential without an Input is built while TensorFlow traces its first predict: tensors
    made in compute_mask then, or tuple-of-slices indexing of the mask, failed on Keras 3.4."""
    data = masked_batch(case.input_shape)
    model = keras.Sequential([keras.layers.Masking(), case.make()])

    with no_mask_warning():
        values = predict(model, data)[0]

    assert values.shape[0] == 2
    if not case.ends_mask:
        mask = model.layers[-1].compute_mask(data, np.any(data != 0.0, axis=-1))
        assert tuple(mask.shape) == values.shape[: case.mask_axes or -1]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_helper_saves_and_loads_with_safe_mode(case: Case, tmp_path: Path) -> None:
    model, _ = build_after_masking(case)
    data = masked_batch(case.input_shape)
    expected = predict(model, data)
    path = tmp_path / "model.keras"

    model.save(path)
    loaded = keras.saving.load_model(path)  # safe_mode=True by default

    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    for got, want in zip(predict(loaded, data), expected):
        np.testing.assert_allclose(got, want, **TOLERANCE)


def test_every_public_helper_is_covered_registered_and_mask_supporting() -> None:
    covered = {case.name for case in CASES}
    public_classes = {
        name
        for name in HELPER_NAMES
        if not name.startswith("_") and isinstance(getattr(kh, name), type)
    }
    assert covered == public_classes
    for name in HELPER_NAMES:
        registered = keras.saving.get_registered_object(f"keras_mask_codemod>{name}")
        # Only what Keras deserializes is registered: public layers and the functions a saved
        # Lambda names; the private mixins are never saved.
        assert registered is (None if name.startswith("_") else getattr(kh, name))
    for case in CASES:
        assert case.make().supports_masking


def test_helper_for_layer_agrees_with_keras_layers() -> None:
    """Every class keras.layers exports, under every alias, maps to the helper subclassing it."""
    checked = 0
    for exported_name in dir(keras.layers):
        keras_class = getattr(keras.layers, exported_name)
        if not isinstance(keras_class, type):
            continue
        helper = helper_for_layer(exported_name)
        expected = f"Masked{keras_class.__name__}"
        if expected in HELPER_NAMES:
            assert helper == expected, exported_name
            assert issubclass(getattr(kh, helper), keras_class)
            checked += 1
        else:
            assert helper is None, exported_name
    assert checked >= 40  # 23 classes plus their Convolution*/Pool/Avg aliases


# --------------------------------------------------------------------------------------------
# Output-mask rules, checked eagerly against brute force on random masks with holes


def window_reference(
    mask: np.ndarray,
    window: tuple[int, ...],
    strides: tuple[int, ...],
    padding: str,
    dilation: tuple[int, ...],
) -> np.ndarray:
    """valid: every step of the window valid; same/causal: the anchor step t * stride valid."""
    if padding != "valid":
        return mask[(slice(None), *(slice(None, None, s) for s in strides))]
    spans = [(k - 1) * d + 1 for k, d in zip(window, dilation)]
    out_shape = [(n - span) // s + 1 for n, span, s in zip(mask.shape[1:], spans, strides)]
    result = np.zeros((mask.shape[0], *out_shape), dtype=bool)
    for batch, *position in itertools.product(range(mask.shape[0]), *map(range, out_shape)):
        taps = itertools.product(*(range(k) for k in window))
        result[(batch, *position)] = all(
            mask[(batch, *(t * s + j * d for t, s, j, d in zip(position, strides, tap, dilation)))]
            for tap in taps
        )
    return result


def transposed_reference(mask, kernel_size, strides, padding, output_padding, dilation):
    """same: input step t // stride valid; otherwise: some valid input step contributes."""
    if padding == "same" and output_padding is None:
        for axis, stride in enumerate(strides, start=1):
            mask = np.repeat(mask, stride, axis=axis)
        return mask
    contributions = keras.ops.conv_transpose(
        mask[..., None].astype("float32"),
        np.ones((*kernel_size, 1, 1), dtype="float32"),
        strides=strides,
        padding=padding,
        output_padding=output_padding,
        dilation_rate=dilation,
    )
    return np.asarray(contributions)[..., 0] > 0.5


def run_eagerly(layer, shape, seed, valid_fraction=0.8):
    """Call the layer on random data with a random mask: (data, output, output mask, mask)."""
    rng = np.random.default_rng(seed)
    data = rng.normal(size=shape).astype("float32")
    mask = random_mask(shape[:-1], seed, valid_fraction)
    output = np.asarray(layer(data, mask=mask))
    output_mask = np.asarray(layer.compute_mask(data, mask))
    return data, output, output_mask, mask


CONV_TABLE = [
    (rank, padding, stride, dilation)
    for rank in (1, 2)
    for padding in ("valid", "same", "causal")
    for stride in (1, 2, 3)
    for dilation in (1, 2)
    if not (stride > 1 and dilation > 1) and not (rank == 2 and padding == "causal")
]


@pytest.mark.parametrize(("rank", "padding", "stride", "dilation"), CONV_TABLE)
def test_conv_output_mask_rule_and_shape(rank, padding, stride, dilation) -> None:
    layer_class = kh.MaskedConv1D if rank == 1 else kh.MaskedConv2D
    kernel = (3, 2)[:rank]
    layer = layer_class(2, kernel, strides=stride, padding=padding, dilation_rate=dilation)
    shape = (2, 11, 3) if rank == 1 else (2, 9, 8, 3)

    _, output, output_mask, mask = run_eagerly(layer, shape, seed=rank * 100 + stride)

    assert output_mask.shape == output.shape[:-1]
    expected = window_reference(mask, kernel, (stride,) * rank, padding, (dilation,) * rank)
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(output_mask, expected)


@pytest.mark.parametrize(
    "make",
    [
        partial(kh.MaskedConv3D, 2, (2, 3, 2), strides=(1, 2, 1)),
        partial(kh.MaskedConv3D, 2, 3, padding="same", strides=2),
        partial(kh.MaskedSeparableConv1D, 2, 3, strides=2),
        partial(kh.MaskedSeparableConv2D, 2, 2, padding="same", strides=2),
        partial(kh.MaskedDepthwiseConv1D, 3, dilation_rate=2),
        partial(kh.MaskedDepthwiseConv2D, (3, 2), strides=(2, 1)),
    ],
    ids=describe,
)
def test_other_conv_output_mask_rule_and_shape(make: partial) -> None:
    layer = make()
    rank = len(layer.kernel_size)
    shape = (2, *(7, 6, 5)[:rank], 2)

    _, output, output_mask, mask = run_eagerly(layer, shape, seed=rank)

    assert output_mask.shape == output.shape[:-1]
    expected = window_reference(
        mask, layer.kernel_size, layer.strides, layer.padding, layer.dilation_rate
    )
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(output_mask, expected)


def skip_where_keras_itself_fails(make_plain_layer, shape) -> None:
    """The helpers promise what their Keras layer computes; where that layer cannot be built or
    run here, there is nothing to compare. (Keras 3.4 refuses output_padding=0; TensorFlow
    2.21's CPU kernel rejects Conv1DTranspose with kernel 2, same padding and output_padding 0.)"""
    try:
        make_plain_layer()(np.zeros(shape, dtype="float32"))
    except Exception as error:  # noqa: BLE001 - whatever Keras or the backend raises
        first_line = str(error).strip().splitlines()[0][:120]
        pytest.skip(f"plain Keras fails here too: {first_line}")


TRANSPOSED_TABLE = [
    (rank, padding, stride, output_padding, dilation, kernel)
    for rank in (1, 2)
    for padding in ("valid", "same")
    for stride in (1, 2, 3)
    for output_padding in (None, stride - 1)
    for dilation in (1, 2)
    for kernel in (2, 3)
    if not (stride > 1 and dilation > 1) and not (rank == 2 and kernel == 2)
]


@pytest.mark.parametrize(
    ("rank", "padding", "stride", "output_padding", "dilation", "kernel"), TRANSPOSED_TABLE
)
def test_transposed_conv_output_mask_rule_and_shape(
    rank, padding, stride, output_padding, dilation, kernel
) -> None:
    layer_class = kh.MaskedConv1DTranspose if rank == 1 else kh.MaskedConv2DTranspose
    arguments = {
        "strides": stride,
        "padding": padding,
        "output_padding": output_padding,
        "dilation_rate": dilation,
    }
    shape = (2, 6, 3) if rank == 1 else (2, 5, 4, 3)
    keras_class = getattr(keras.layers, layer_class.__name__.removeprefix("Masked"))
    skip_where_keras_itself_fails(lambda: keras_class(2, kernel, **arguments), shape)
    layer = layer_class(2, kernel, **arguments)

    # Few valid steps, so that some output steps get no contribution at all.
    _, output, output_mask, mask = run_eagerly(
        layer, shape, seed=stride + kernel, valid_fraction=0.3
    )

    assert output_mask.shape == output.shape[:-1]
    expected = transposed_reference(
        mask, (kernel,) * rank, (stride,) * rank, padding, layer.output_padding, (dilation,) * rank
    )
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(output_mask, expected)


def test_conv3d_transpose_output_mask_shape() -> None:
    for padding in ("valid", "same"):
        layer = kh.MaskedConv3DTranspose(2, 2, strides=(1, 2, 3), padding=padding)
        _, output, output_mask, _ = run_eagerly(layer, (2, 3, 4, 2, 2), seed=5)
        assert output_mask.shape == output.shape[:-1]


POOL_TABLE = [
    (rank, kind, pool, stride, padding)
    for rank in (1, 2)
    for kind in ("max", "average")
    for pool in (2, 3)
    for stride in (None, 1, 2)
    for padding in ("valid", "same")
]


@pytest.mark.parametrize(("rank", "kind", "pool", "stride", "padding"), POOL_TABLE)
def test_pooling_output_mask_rule_shape_and_values(rank, kind, pool, stride, padding) -> None:
    name = f"Masked{'Max' if kind == 'max' else 'Average'}Pooling{rank}D"
    layer = getattr(kh, name)(pool, strides=stride, padding=padding)
    shape = (2, 10, 3) if rank == 1 else (2, 7, 8, 3)

    data, output, output_mask, mask = run_eagerly(layer, shape, seed=pool, valid_fraction=0.9)

    assert output_mask.shape == output.shape[:-1]
    strides = (stride or pool,) * rank
    expected = window_reference(mask, (pool,) * rank, strides, padding, (1,) * rank)
    assert expected.any() and not expected.all()
    np.testing.assert_array_equal(output_mask, expected)
    if padding == "valid":
        # A valid output step's window holds only valid steps: plain pooling of that window.
        reduce = np.max if kind == "max" else np.mean
        for batch, *position in zip(*np.nonzero(output_mask)):
            window = tuple(slice(t * s, t * s + pool) for t, s in zip(position, strides))
            want = reduce(data[(batch, *window)], axis=tuple(range(rank)))
            np.testing.assert_allclose(output[(batch, *position)], want, **TOLERANCE)
        if kind == "max":
            assert np.all(output[~output_mask] == 0.0)


def test_pooling3d_output_mask_shape() -> None:
    for layer in (kh.MaskedMaxPooling3D(2, padding="same"), kh.MaskedAveragePooling3D((2, 1, 2))):
        _, output, output_mask, _ = run_eagerly(layer, (2, 5, 4, 3, 2), seed=6)
        assert output_mask.shape == output.shape[:-1]


def test_mask_over_leading_axes_is_broadcast_to_the_remaining_ones() -> None:
    """A (batch, height) mask on (batch, height, width, channels) input covers whole rows."""
    layer = kh.MaskedConv2D(2, 3, padding="valid")
    data = np.random.default_rng(2).normal(size=(2, 6, 5, 3)).astype("float32")
    row_mask = np.array([[True] * 4 + [False] * 2, [True] * 6])

    output = np.asarray(layer(data, mask=row_mask))
    output_mask = np.asarray(layer.compute_mask(data, row_mask))

    assert output_mask.shape == output.shape[:-1] == (2, 4, 3)
    np.testing.assert_array_equal(
        output_mask[0], [[True] * 3, [True] * 3, [False] * 3, [False] * 3]
    )
    assert output_mask[1].all()


def test_mask_with_more_axes_than_the_input_is_refused() -> None:
    layer = kh.MaskedConv1D(2, 3)
    data = np.zeros((2, 6, 3), dtype="float32")

    with pytest.raises(ValueError, match="does not fit inputs"):
        layer(data, mask=np.ones((2, 6, 3), dtype=bool))


@pytest.mark.parametrize(
    ("make", "shape"),
    [
        (partial(kh.MaskedConv1D, 2, 3, strides=2), (2, 9, 3)),
        (partial(kh.MaskedConv2D, 2, 3, padding="same"), (2, 6, 5, 3)),
        (partial(kh.MaskedConv1DTranspose, 2, 3, strides=2), (2, 5, 3)),
        (partial(kh.MaskedMaxPooling1D, 2), (2, 9, 3)),
        (partial(kh.MaskedAveragePooling2D, 2, padding="same"), (2, 5, 6, 3)),
        (partial(kh.MaskedGlobalMaxPooling1D), (2, 9, 3)),
        (partial(kh.MaskedGlobalAveragePooling2D), (2, 5, 6, 3)),
    ],
    ids=describe,
)
def test_channels_first_gives_the_channels_last_results(make: partial, shape) -> None:
    """The mask is (batch, spatial...) in both formats; outputs match once channels are moved."""
    data = np.random.default_rng(3).normal(size=shape).astype("float32")
    mask = random_mask(shape[:-1], seed=3)
    last, first = make(data_format="channels_last"), make(data_format="channels_first")
    expected = np.asarray(last(data, mask=mask))
    data_first = np.moveaxis(data, -1, 1)
    first.build(data_first.shape)
    first.set_weights(last.get_weights())

    got_first = np.asarray(first(data_first, mask=mask))

    got = np.moveaxis(got_first, 1, -1) if expected.ndim > 2 else got_first
    np.testing.assert_allclose(got, expected, **TOLERANCE)
    expected_mask = last.compute_mask(data, mask)
    if expected_mask is not None:
        got_mask = np.asarray(first.compute_mask(data_first, mask))
        assert got_mask.shape == (got_first.shape[0], *got_first.shape[2:])
        np.testing.assert_array_equal(got_mask, np.asarray(expected_mask))


# --------------------------------------------------------------------------------------------
# Padding invariance: padded sequences give the unpadded outputs at valid positions


def assert_padding_invariant(
    build: Callable[[keras.KerasTensor], keras.KerasTensor],
    producer: str = "masking",
    lengths: tuple[int, ...] = (6, 9),
    pad: int = 3,
) -> None:
    """One model (any length) run on each sequence alone and on a right-padded batch of them.

    The producer is Masking over 3 float features (padding: all-zero steps) or
    Embedding(mask_zero=True) over tokens (padding: token 0, whose embedding is not zero). The
    padded run's output mask must be valid exactly on the unpadded output's steps, and the
    outputs there must be equal.
    """
    rng = np.random.default_rng(4)
    if producer == "masking":
        inputs = keras.Input((None, 3))
        masked = keras.layers.Masking()(inputs)
        sequences = [rng.normal(size=(n, 3)).astype("float32") for n in lengths]
    else:
        inputs = keras.Input((None,), dtype="int32")
        masked = keras.layers.Embedding(20, 3, mask_zero=True)(inputs)
        sequences = [rng.integers(1, 20, size=n) for n in lengths]
    outputs = build(masked)
    model = keras.Model(inputs, [outputs, get_keras_mask(outputs)])
    padded = np.zeros((len(lengths), max(lengths) + pad, *sequences[0].shape[1:]))
    padded = padded.astype(sequences[0].dtype)
    for row, sequence in zip(padded, sequences):
        row[: len(sequence)] = sequence

    with no_mask_warning():
        padded_values, padded_mask = predict(model, padded)
        unpadded = [predict(model, sequence[None]) for sequence in sequences]

    for index, (values, mask) in enumerate(unpadded):
        assert mask.all()
        steps = values.shape[1]
        assert padded_mask[index, :steps].all()
        assert not padded_mask[index, steps:].any()
        np.testing.assert_allclose(padded_values[index, :steps], values[0], **TOLERANCE)


@pytest.mark.parametrize(
    ("padding", "strides", "dilation"),
    [
        ("same", 1, 1),
        ("valid", 1, 1),
        ("causal", 1, 1),
        ("valid", 2, 1),
        ("causal", 2, 1),
        ("valid", 1, 2),
    ],
)
def test_conv1d_is_padding_invariant(padding: str, strides: int, dilation: int) -> None:
    assert_padding_invariant(
        lambda x: kh.MaskedConv1D(4, 3, strides=strides, padding=padding, dilation_rate=dilation)(x)
    )


@pytest.mark.parametrize(
    "make",
    [
        partial(kh.MaskedMaxPooling1D, 2, padding="valid"),
        partial(kh.MaskedMaxPooling1D, 2, padding="same"),
        partial(kh.MaskedMaxPooling1D, 3, strides=1, padding="same"),
        partial(kh.MaskedAveragePooling1D, 3, strides=2, padding="valid"),
        partial(kh.MaskedAveragePooling1D, 2, padding="same"),
        partial(kh.MaskedAveragePooling1D, 3, strides=1, padding="same"),
    ],
    ids=describe,
)
def test_pooling1d_is_padding_invariant(make: partial) -> None:
    assert_padding_invariant(lambda x: make()(x))


def test_conv_then_pool_chain_is_padding_invariant() -> None:
    def build(x):
        x = kh.MaskedConv1D(4, 3, padding="same", activation="relu")(x)
        x = kh.MaskedMaxPooling1D(2)(x)
        return kh.MaskedConv1D(2, 2, padding="valid")(x)

    assert_padding_invariant(build, lengths=(7, 10))


@pytest.mark.parametrize("padding", ["same", "valid", "causal"])
def test_lstm_after_conv1d_gives_the_unpadded_final_output(padding: str) -> None:
    inputs = keras.Input((None, 3))
    x = keras.layers.Masking()(inputs)
    x = kh.MaskedConv1D(4, 3, padding=padding, strides=2 if padding == "valid" else 1)(x)
    model = keras.Model(inputs, keras.layers.LSTM(5)(x))
    sequence = np.random.default_rng(5).normal(size=(1, 8, 3)).astype("float32")
    padded = np.concatenate([sequence, np.zeros((1, 4, 3), dtype="float32")], axis=1)

    with no_mask_warning():
        unpadded_output = predict(model, sequence)[0]
        padded_output = predict(model, padded)[0]

    np.testing.assert_allclose(padded_output, unpadded_output, **TOLERANCE)


@pytest.mark.parametrize(
    "make",
    [
        partial(kh.MaskedConv1D, 4, 3, padding="same"),
        partial(kh.MaskedConv1D, 4, 3, padding="valid", strides=2),
        partial(kh.MaskedSeparableConv1D, 4, 3, padding="same"),
        partial(kh.MaskedDepthwiseConv1D, 3, padding="same"),
        partial(kh.MaskedConv1DTranspose, 4, 3, strides=2, padding="same"),
        partial(kh.MaskedConv1DTranspose, 4, 3, strides=2, padding="valid"),
        partial(kh.MaskedMaxPooling1D, 3, strides=1, padding="same"),
        partial(kh.MaskedAveragePooling1D, 3, strides=1, padding="same"),
    ],
    ids=describe,
)
def test_layers_after_embedding_are_padding_invariant(make: partial) -> None:
    """Padding token 0 embeds to a non-zero vector: the helpers must zero or skip it."""
    assert_padding_invariant(lambda x: make()(x), producer="embedding")


def test_embedding_conv_global_max_text_model_is_padding_invariant() -> None:
    inputs = keras.Input((None,), dtype="int32")
    x = keras.layers.Embedding(20, 4, mask_zero=True)(inputs)
    x = kh.MaskedConv1D(6, 3, padding="same", activation="relu")(x)
    model = keras.Model(inputs, kh.MaskedGlobalMaxPooling1D()(x))
    sentences = [[5, 3, 8, 1, 9], [2, 7, 4, 4, 6, 1, 3, 12]]
    padded = np.array([s + [0] * (10 - len(s)) for s in sentences])

    with no_mask_warning():
        padded_output = predict(model, padded)[0]
        for index, sentence in enumerate(sentences):
            np.testing.assert_allclose(
                padded_output[index], predict(model, np.array([sentence]))[0][0], **TOLERANCE
            )


def test_global_max_pooling1d_ignores_masked_steps_and_gives_zero_when_none_valid() -> None:
    data = np.array([[[1.0, -5.0], [-2.0, -1.0], [0.0, 0.0]]], dtype="float32")
    layer = kh.MaskedGlobalMaxPooling1D()

    some_valid = np.asarray(layer(data, mask=np.array([[True, True, False]])))
    none_valid = np.asarray(layer(data, mask=np.array([[False, False, False]])))

    np.testing.assert_array_equal(some_valid, [[1.0, -1.0]])  # not the masked 0.0
    np.testing.assert_array_equal(none_valid, [[0.0, 0.0]])


def test_global_average_pooling2d_is_padding_invariant() -> None:
    inputs = keras.Input((None, None, 2))
    x = keras.layers.Masking()(inputs)
    model = keras.Model(inputs, kh.MaskedGlobalAveragePooling2D()(x))
    image = np.random.default_rng(6).normal(size=(1, 4, 3, 2)).astype("float32")
    padded = np.zeros((1, 6, 7, 2), dtype="float32")
    padded[:, :4, :3] = image

    with no_mask_warning():
        padded_output = predict(model, padded)[0]
    unpadded_output = predict(model, image)[0]

    np.testing.assert_allclose(padded_output, unpadded_output, **TOLERANCE)
    np.testing.assert_allclose(unpadded_output, image.mean(axis=(1, 2)), **TOLERANCE)


def test_max_pooling_with_fully_masked_windows_trains_with_finite_gradients() -> None:
    """Masked steps become -inf inside max pooling; no inf or NaN may leak into training."""
    inputs = keras.Input((None, 3))
    x = keras.layers.Masking()(inputs)
    x = kh.MaskedConv1D(4, 3, padding="same")(x)
    x = kh.MaskedMaxPooling1D(2, padding="same")(x)
    x = kh.MaskedGlobalMaxPooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1)(x))
    model.compile(optimizer="sgd", loss="mse")
    data = masked_batch((10, 3))
    data[1, 4:] = 0.0

    history = model.fit(data, np.ones((2, 1)), epochs=2, verbose=0)

    assert all(math.isfinite(loss) for loss in history.history["loss"])
    assert all(np.isfinite(weight).all() for weight in model.get_weights())


# --------------------------------------------------------------------------------------------
# TimeDistributed on masked video


def build_video_model(wrapper: type[keras.layers.TimeDistributed]) -> tuple[keras.Model, object]:
    inputs = keras.Input((None, 5, 5, 2))
    x = keras.layers.Masking()(inputs)
    x = wrapper(keras.layers.Conv2D(3, 3, padding="valid"))(x)
    frames = keras.layers.TimeDistributed(keras.layers.Flatten())(x)
    frame_mask = get_keras_mask(frames)
    return keras.Model(inputs, keras.layers.LSTM(4)(frames)), frame_mask


def test_masked_time_distributed_gives_a_per_frame_mask_and_padding_invariance() -> None:
    video = np.random.default_rng(7).normal(size=(1, 3, 5, 5, 2)).astype("float32")
    video[0, 1, 0, 0] = 0.0  # one masked pixel inside a valid frame
    padded = np.concatenate([video, np.zeros((1, 2, 5, 5, 2), dtype="float32")], axis=1)

    # Called, not predicted: TensorFlow's predict of any TimeDistributed model returns one frame
    # once the number of frames changes between calls (Keras 3.15; 3.0 raises instead).
    with no_mask_warning():
        model, frame_mask = build_video_model(kh.MaskedTimeDistributed)
        padded_output = np.asarray(model(padded))
    unpadded_output = np.asarray(model(video))

    assert tuple(frame_mask.shape) == (None, None)
    np.testing.assert_allclose(padded_output, unpadded_output, **TOLERANCE)


def test_masked_time_distributed_output_mask_values() -> None:
    layer = kh.MaskedTimeDistributed(keras.layers.Conv2D(3, 3))
    data = np.ones((2, 3, 5, 5, 2), dtype="float32")
    pixel_mask = np.ones((2, 3, 5, 5), dtype=bool)
    pixel_mask[0, 2] = False  # a whole frame masked
    pixel_mask[1, 0, :2] = False  # part of a frame masked

    output = np.asarray(layer(data, mask=pixel_mask))
    frame_mask = np.asarray(layer.compute_mask(data, pixel_mask))

    assert frame_mask.shape == output.shape[:2] == (2, 3)
    np.testing.assert_array_equal(frame_mask, [[True, True, False], [True, True, True]])


def test_plain_time_distributed_leaves_a_stale_mask_that_breaks_the_lstm() -> None:
    """Why MaskedTimeDistributed exists: plain TimeDistributed mishandles a per-pixel mask.

    Keras 3.15 passes the (batch, time, height, width) mask on unchanged and the LSTM fails on
    it; Keras 2 refused the model; a Keras that drops the mask lets padded frames change the
    LSTM output. Each branch asserts its own failure.
    """
    video = np.random.default_rng(8).normal(size=(1, 3, 5, 5, 2)).astype("float32")
    padded = np.concatenate([video, np.zeros((1, 2, 5, 5, 2), dtype="float32")], axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model, frame_mask = build_video_model(keras.layers.TimeDistributed)
        except (ValueError, TypeError) as refusal:
            assert "mask" in str(refusal)
            return
    if frame_mask is None:
        assert not np.allclose(predict(model, padded)[0], predict(model, video)[0], **TOLERANCE)
        return
    # The mask still has one value per input pixel, though each frame is now a flat vector.
    assert tuple(frame_mask.shape) == (None, None, 5, 5)
    with pytest.raises((ValueError, TypeError)):
        predict(model, padded)


# --------------------------------------------------------------------------------------------
# apply_mask (the Lambda strategy) and ApplyMask


def apply_mask_lambda(mask_value: float) -> keras.layers.Lambda:
    return keras.layers.Lambda(
        kh.apply_mask,
        output_shape=kh.apply_mask_output_shape,
        arguments={"mask_value": mask_value},
    )


@pytest.mark.parametrize("mask_value", [0.0, -1.0, 999.0])
def test_apply_mask_lambda_equals_masking_values_without_a_mask(mask_value: float) -> None:
    data = np.random.default_rng(9).normal(size=(3, 5, 4)).astype("float32")
    data[0, 3:] = mask_value  # fully masked steps
    data[1, 1, :2] = mask_value  # only some features equal the mask value: not masked
    data[2, 0] = mask_value
    inputs = keras.Input((None, 4))
    lambda_output = apply_mask_lambda(mask_value)(inputs)
    masking_output = keras.layers.Masking(mask_value)(inputs)

    with no_mask_warning():
        model = keras.Model(inputs, [lambda_output, masking_output])
        got, expected = predict(model, data)

    assert get_keras_mask(lambda_output) is None
    assert get_keras_mask(masking_output) is not None
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(got[0, 3:], 0.0)
    np.testing.assert_array_equal(got[1, 1], data[1, 1])


def test_apply_mask_lambda_feeds_a_plain_conv_and_survives_save_load(tmp_path: Path) -> None:
    inputs = keras.Input((None, 3))
    x = apply_mask_lambda(-1.0)(inputs)
    model = keras.Model(inputs, keras.layers.Conv1D(2, 3)(x))
    data = masked_batch(SEQ) - 1.0
    path = tmp_path / "lambda.keras"

    with no_mask_warning():
        expected = predict(model, data)[0]
    model.save(path)
    loaded = keras.saving.load_model(path)

    np.testing.assert_allclose(predict(loaded, data)[0], expected, **TOLERANCE)
    loaded_lambda = next(layer for layer in loaded.layers if isinstance(layer, keras.layers.Lambda))
    assert loaded_lambda.function is kh.apply_mask
    assert loaded_lambda.compute_output_shape((None, 7, 3)) == (None, 7, 3)
    assert loaded_lambda.arguments == {"mask_value": -1.0}


def test_apply_mask_ends_the_mask_and_keeps_masking_values() -> None:
    data = masked_batch(SEQ, seed=10)
    data[1, 2, 0] = 0.0  # a partly zero step stays as it is
    inputs = keras.Input((None, 3))
    masked = keras.layers.Masking()(inputs)
    ended = kh.ApplyMask()(masked)

    with no_mask_warning():
        model = keras.Model(inputs, [ended, masked])
        got, expected = predict(model, data)

    assert get_keras_mask(ended) is None
    np.testing.assert_array_equal(got, expected)


def test_end_mask_ends_the_mask_and_changes_no_value() -> None:
    """An Embedding's padding vectors pass unchanged (what a plain Conv1D saw), mask ended."""
    tokens = np.array([[3, 1, 0, 0], [2, 0, 0, 0]], dtype="int32")
    inputs = keras.Input((None,), dtype="int32")
    embedded = keras.layers.Embedding(5, 3, mask_zero=True)(inputs)
    ended = kh.EndMask()(embedded)

    with no_mask_warning():
        model = keras.Model(inputs, [ended, embedded])
        got, expected = predict(model, tokens)

    assert get_keras_mask(ended) is None
    np.testing.assert_array_equal(got, expected)


def test_apply_mask_zeroes_masked_steps_and_passes_unmasked_input_unchanged() -> None:
    layer = kh.ApplyMask()
    data = np.arange(12, dtype="float32").reshape(1, 4, 3) + 1.0

    np.testing.assert_array_equal(np.asarray(layer(data)), data)
    got = np.asarray(layer(data, mask=np.array([[True, False, True, False]])))
    np.testing.assert_array_equal(got[0, [1, 3]], 0.0)
    np.testing.assert_array_equal(got[0, [0, 2]], data[0, [0, 2]])


def test_apply_mask_on_a_branch_leaves_the_other_branch_its_mask() -> None:
    """Masking feeds an LSTM (needs the mask) and a plain Conv1D (would warn) at once."""
    data = masked_batch((8, 3), seed=11)
    inputs = keras.Input((None, 3))
    masked = keras.layers.Masking()(inputs)
    recurrent = keras.layers.LSTM(4)(masked)
    convolved = keras.layers.GlobalMaxPooling1D()(keras.layers.Conv1D(4, 3)(kh.ApplyMask()(masked)))

    with no_mask_warning():
        model = keras.Model(inputs, keras.layers.Concatenate()([recurrent, convolved]))
        output = predict(model, data)[0]

    assert output.shape == (2, 8)
    # The LSTM still honours the mask: appending padded steps leaves its part unchanged.
    padded = np.concatenate([data, np.zeros((2, 3, 3), dtype="float32")], axis=1)
    np.testing.assert_allclose(predict(model, padded)[0][:, :4], output[:, :4], **TOLERANCE)


# --------------------------------------------------------------------------------------------
# A fresh process that only has the emitted helper source loads the saved models


LOADER = """
import sys

import numpy as np

import user_helpers  # noqa: F401  (registers the helpers, as the user's own module would)
import keras

for name in sys.argv[1:]:
    model = keras.saving.load_model(name + ".keras")
    outputs = model.predict(np.load(name + ".input.npy"), verbose=0)
    if not isinstance(outputs, (list, tuple)):
        outputs = [outputs]
    np.savez(name + ".output.npz", *outputs)

leaked = sorted(module for module in sys.modules if module.startswith("codemod"))
assert not leaked, leaked
print("loaded", len(sys.argv) - 1)
"""


def saved_models_for_fresh_process() -> dict[str, tuple[keras.Model, np.ndarray, set[str]]]:
    """Small models covering every helper family, with the helper names each needs."""
    models = {}

    inputs = keras.Input((None, 3))
    x = keras.layers.Masking()(inputs)
    x = kh.MaskedConv1D(4, 3, padding="valid", strides=2)(x)
    x = kh.MaskedAveragePooling1D(2, padding="same")(x)
    x = kh.MaskedConv1DTranspose(3, 2, strides=2)(x)
    x = kh.MaskedMaxPooling1D(2)(x)
    models["sequence"] = (
        keras.Model(inputs, kh.MaskedGlobalMaxPooling1D()(x)),
        masked_batch((12, 3)),
        {
            "MaskedConv1D",
            "MaskedAveragePooling1D",
            "MaskedConv1DTranspose",
            "MaskedMaxPooling1D",
            "MaskedGlobalMaxPooling1D",
        },
    )

    video_model, _ = build_video_model(kh.MaskedTimeDistributed)
    models["video"] = (video_model, masked_batch(VIDEO), {"MaskedTimeDistributed"})

    inputs = keras.Input((None, 3))
    x = apply_mask_lambda(999.0)(inputs)
    masked = keras.layers.Masking()(inputs)
    y = kh.MaskedFlatten()(kh.MaskedSeparableConv1D(2, 3, padding="same")(masked))
    z = keras.layers.GlobalMaxPooling1D()(keras.layers.Conv1D(2, 3)(kh.ApplyMask()(masked)))
    data = masked_batch(SEQ)
    data[0, -1] = 999.0
    models["branches"] = (
        keras.Model(inputs, [keras.layers.Conv1D(2, 2)(x), y, z]),
        data,
        {"apply_mask", "apply_mask_output_shape", "MaskedSeparableConv1D", "MaskedFlatten"}
        | {"ApplyMask"},
    )
    return models


def test_saved_models_load_in_a_fresh_process_with_only_the_emitted_helpers(
    tmp_path: Path,
) -> None:
    models = saved_models_for_fresh_process()
    needed: set[str] = set()
    expected = {}
    for name, (model, data, helper_names) in models.items():
        model.save(tmp_path / f"{name}.keras")
        np.save(tmp_path / f"{name}.input.npy", data)
        expected[name] = predict(model, data)
        needed |= helper_names
    (tmp_path / "user_helpers.py").write_text(
        "import keras\n\n\n" + helper_source(needed), encoding="utf-8"
    )
    (tmp_path / "load_and_predict.py").write_text(textwrap.dedent(LOADER), encoding="utf-8")
    environment = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(tmp_path)}

    result = subprocess.run(
        [sys.executable, "load_and_predict.py", *models],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-3000:]
    for name, want in expected.items():
        with np.load(tmp_path / f"{name}.output.npz") as saved:
            got = [saved[f"arr_{index}"] for index in range(len(saved.files))]
        assert len(got) == len(want)
        for got_output, want_output in zip(got, want):
            np.testing.assert_allclose(got_output, want_output, **TOLERANCE)
