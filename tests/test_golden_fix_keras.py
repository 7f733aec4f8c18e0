"""Real Keras keeps the promise of every `fix` strategy on every runnable golden case.

For each runnable case (it defines `INPUT_SPEC`, and `build_model()` or a model at module level)
and each strategy whose golden fix.<strategy>.py exists, the original and the migrated file are
executed exactly as written, with their own imports (`from tensorflow import keras`, `tf.keras`,
`keras.src`...; the helpers module golden/keras_mask_helpers.py on the path, as it is in the
user's project), under whichever backend KERAS_BACKEND names (the README's test command runs
this module under TensorFlow and under jax), and their models built, run, compared, saved and
loaded:

- the original warns that a layer "does not support masking" (the TimeDistributed case raises
  "Incompatible shapes" instead) and the migrated model does not warn;
- lambda and remove promise identical outputs: with the original's weights copied in, the
  migrated model gives the same outputs on batches holding masked steps;
- mask-aware promises that padding does not matter: a right-padded batch gives, at valid
  positions (or as a final output), what the same weights give on the unpadded prefix, and every
  mask on an output has that output's batch + spatial shape;
- every migrated model saves to `.keras` and loads back with the default safe_mode.

The golden files are our own fixtures, so running them here is fine; the tool never runs the
code it rewrites.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType

os.environ.setdefault("KERAS_BACKEND", "tensorflow")  # as tests/conftest.py

import numpy as np
import pytest

from tests.golden import (
    HELPERS_MODULE,
    STRATEGIES,
    WHOLE,
    builder_names,
    fix_outputs,
    project_modules,
    runnable_cases,
    strategy_of,
)

keras = pytest.importorskip("keras")
from tests.keras_compat import get_keras_mask
from tests.run_files import execute_file, keras_registry_restored

pytestmark = [
    pytest.mark.keras,
    # Keras's own get_weights/set_weights on jax arrays, not the code under test.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept:DeprecationWarning"),
]

KERAS_VERSION = tuple(int(part) for part in keras.__version__.split(".")[:2])
MASK_WARNING = "does not support masking"
# Keras 3.15 does not warn here: TimeDistributed passes a per-pixel mask on unchanged and the
# LSTM after it fails on the stale mask (jax and TensorFlow word the failure differently).
RAISES_INSTEAD_OF_WARNING = {
    "p27_time_distributed_conv": ("Incompatible shapes", "Dimensions must be equal")
}
# lambda and remove keep every output; so does replacing old helpers with this version's (KMC401).
EXACT_KINDS = {"lambda", "remove", "upgrade"}
REWRITE_LINE = re.compile(r"^input\.py:\d+: (mask-aware|lambda|remove|upgrade): ", re.MULTILINE)
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
# Different lengths: XLA may sum in another order.
INVARIANCE_TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}

RUNNABLE = runnable_cases()
# Each strategy on input.py alone, and on the case's whole folder ("mask-aware@all") where that
# changes its other modules too: the migrated input.py then runs with the migrated modules.
KEYS = [*STRATEGIES, *(strategy + WHOLE for strategy in STRATEGIES)]
PAIRS = [(c, s) for c in RUNNABLE for s in KEYS if fix_outputs(c, s)[1].exists()]


def rewrite_kinds(case: Path, strategy: str) -> set[str]:
    """The strategies fix applied: the word after `input.py:N: ` on each line it printed."""
    kinds = set(REWRITE_LINE.findall(fix_outputs(case, strategy)[0].read_text()))
    assert kinds, f"{case.name}: fix.{strategy}.py exists but its .txt reports no rewrite"
    assert strategy_of(strategy) == "auto" or kinds - {"upgrade"} <= {strategy_of(strategy)}
    return kinds


EXACT_PAIRS = [p for p in PAIRS if rewrite_kinds(*p) <= EXACT_KINDS]
MASK_AWARE_PAIRS = [p for p in PAIRS if "mask-aware" in rewrite_kinds(*p)]


# --------------------------------------------------------------------------------------------
# Loading and running golden files

BUILDS = [(c, s, b) for c, s in PAIRS for b in builder_names(c)]
EXACT_BUILDS = [(c, s, b) for c, s, b in BUILDS if (c, s) in EXACT_PAIRS]
MASK_AWARE_BUILDS = [(c, s, b) for c, s, b in BUILDS if (c, s) in MASK_AWARE_PAIRS]


def build_id(build: tuple[Path, str, str]) -> str:
    case, strategy, builder = build
    return f"{case.name}-{strategy}" + ("" if builder == "build_model" else f"-{builder}")


def is_tokens(spec: dict) -> bool:
    return spec.get("dtype") == "int32"


def masked_batch(spec: dict, padding_value: float, seed: int) -> np.ndarray:
    """Four samples with masked steps (steps are the first axis after the batch):

    0: its last third (plus `seed` steps) is padding; 1 (features only): a padded step in the
    middle and one at the end; 2 (features only, several channels): one feature equals the padding
    value, a step Masking keeps; 3: no padding. Padding is a step whose features ALL equal the
    padding value (token 0 for token inputs).
    """
    rng = np.random.default_rng(seed)
    shape = (4, *spec["shape"])
    steps = shape[1]
    tail = min(steps - 1, max(1, steps // 3) + seed)
    if is_tokens(spec):
        batch = rng.integers(1, spec["vocab"], size=shape).astype("int32")
        batch[0, -tail:] = 0
        batch[1, -1:] = 0
        return batch
    batch = rng.normal(size=shape).astype("float32")
    batch[0, -tail:] = padding_value
    batch[1, steps // 2] = padding_value
    batch[1, -1] = padding_value
    if shape[-1] > 1:
        batch[2, 1, ..., 0] = padding_value
    return batch


def padding_value_of(model: keras.Model, spec: dict) -> float:
    """The value that marks padding for this model: the Masking layer's own mask_value (p37 has a
    second model with another value than INPUT_SPEC), token 0 for Embedding(mask_zero=True), or
    INPUT_SPEC's mask_value for a model with no Masking (a producer the user wrote, p56)."""
    if is_tokens(spec):
        return 0
    values = {layer.mask_value for layer in model.layers if isinstance(layer, keras.layers.Masking)}
    if not values and "mask_value" in spec:  # a producer the user wrote (p56): as the case says
        return float(spec["mask_value"])
    assert len(values) == 1, f"expected one Masking mask_value, found {values}"
    return float(values.pop())


@dataclass
class Run:
    """A model built and run once on a masked batch, with what Keras said meanwhile."""

    model: keras.Model | None
    padding_value: float
    spec: dict
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def build_and_predict(path: Path, builder: str, padding_value: float | None, catch: bool) -> Run:
    """Execute the file, build the model and predict once, recording every warning; with
    `catch`, a ValueError (the stale-mask failure of the original TimeDistributed case) is
    recorded, not raised. `builder` names a function to call or a model built at module level
    (then executing the file builds it, and Keras may warn right then)."""
    model = None
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = execute_file(path, search=[HELPERS_MODULE.parent])  # the user's path
        spec = module.INPUT_SPEC
        try:
            model = getattr(module, builder)
            if not isinstance(model, keras.Model):
                model = model()
            if padding_value is None:
                padding_value = padding_value_of(model, spec)
            model.predict(masked_batch(spec, padding_value, seed=0), verbose=0)
        except ValueError as exc:
            if not catch:
                raise
            error = str(exc)
    messages = [str(w.message) for w in caught if MASK_WARNING in str(w.message)]
    return Run(model, padding_value, spec, messages, error)


@cache
def original_run(case: Path, builder: str) -> Run:
    return build_and_predict(case / "input.py", builder, None, catch=True)


@cache
def migrated_run(case: Path, strategy: str, builder: str) -> Run:
    """The migrated model, padded with the original's padding value (the migrated file may have
    no Masking left to read it from)."""
    padding_value = original_run(case, builder).padding_value
    path = fix_outputs(case, strategy)[1]
    return build_and_predict(path, builder, padding_value, catch=False)


def predict(model: keras.Model, data: np.ndarray) -> list[np.ndarray]:
    outputs = model.predict(data, verbose=0)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def call(model: keras.Model, data: np.ndarray) -> list[np.ndarray]:
    """The model called directly, for inputs of changing length. Compiled predict has bugs of its
    own there: TensorFlow's returns one frame from TimeDistributed once the length changes
    (Keras 3.15; 3.4 raises), and jax's loses masks inside subclassed models (Keras 3.4)."""
    outputs = model(data, training=False)
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    return [np.asarray(output) for output in outputs]


def is_helper(layer_class: type) -> bool:
    """A class fix pasted in (MaskedConv1D, ApplyMask, ...), registered under its package."""
    return keras.saving.get_registered_name(layer_class).startswith("keras_mask_codemod>")


def user_classes(module: ModuleType) -> dict[str, type]:
    """Layer and Model classes the user's file defines itself (not the pasted-in helpers): the
    user registers these, or passes them to load_model, with or without the migration."""
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, keras.layers.Layer)
        and value.__module__ == module.__name__
        and not is_helper(value)
    }


@pytest.fixture(scope="module", autouse=True)
def restore_keras_registry() -> Iterator[None]:
    """Each golden file registers its own copy of the helpers under the template's names; when
    this module ends, give other test modules back the registry they expect, and free models."""
    with keras_registry_restored():
        yield
    for cached in (original_run, migrated_run):
        cached.cache_clear()


# --------------------------------------------------------------------------------------------
# 1. The original warns (or fails); the migrated model does not warn


def test_there_are_pairs_for_every_promise() -> None:
    assert len(RUNNABLE) >= 20
    assert len(EXACT_PAIRS) >= 20
    assert len(MASK_AWARE_PAIRS) >= 20
    assert {strategy_of(s) for _, s in PAIRS} == set(STRATEGIES)
    assert any(s.endswith(WHOLE) for _, s in MASK_AWARE_PAIRS)


@pytest.mark.parametrize("build", BUILDS, ids=build_id)
def test_original_warns_and_migrated_model_does_not(build: tuple[Path, str, str]) -> None:
    case, strategy, builder = build
    original = original_run(case, builder)
    if case.name in RAISES_INSTEAD_OF_WARNING:
        assert original.error is not None
        assert any(text in original.error for text in RAISES_INSTEAD_OF_WARNING[case.name])
    elif rewrite_kinds(case, strategy) == {"upgrade"}:  # old helpers: mask-aware already
        assert original.error is None, original.error
        assert original.warnings == []
    else:
        assert original.error is None, original.error
        assert original.warnings, "the original model should warn that a layer destroys a mask"

    migrated = migrated_run(case, strategy, builder)

    assert migrated.warnings == []


# --------------------------------------------------------------------------------------------
# 2. lambda and remove: identical outputs with the same weights


@pytest.mark.parametrize("build", EXACT_BUILDS, ids=build_id)
def test_exact_rewrite_gives_identical_outputs(build: tuple[Path, str, str]) -> None:
    """The rewrites add or remove only weightless layers, so the weight lists line up in order."""
    case, strategy, builder = build
    original = original_run(case, builder)
    assert original.error is None, original.error
    migrated = migrated_run(case, strategy, builder).model
    weights = original.model.get_weights()
    assert len(migrated.get_weights()) == len(weights)
    migrated.set_weights(weights)

    for seed in (1, 2):
        batch = masked_batch(original.spec, original.padding_value, seed)
        expected = predict(original.model, batch)
        got = predict(migrated, batch)
        assert len(got) == len(expected)
        for got_output, expected_output in zip(got, expected):
            np.testing.assert_allclose(got_output, expected_output, **TOLERANCE)


# --------------------------------------------------------------------------------------------
# 3. mask-aware: outputs at valid positions do not depend on padding


def is_functional(model: keras.Model) -> bool:
    """Sequential and functional models have a graph (and a config) to rebuild; subclassed do not."""
    return isinstance(model, keras.Sequential) or "input_layers" in model.get_config()


def fixes_length(model: keras.Model) -> bool:
    """A top-level Flatten feeds every step into a Dense: the head only takes the built length."""
    return any(isinstance(layer, keras.layers.Flatten) for layer in model.layers)


def with_free_length(model: keras.Model) -> keras.Model:
    """The same model and weights taking any number of steps (first axis after the batch).

    Sequential and functional models are rebuilt from their config with that input axis set to
    None; subclassed models (p22) already accept any length and are returned as they are.
    """
    if not is_functional(model):
        return model
    config = model.get_config()
    for layer in config["layers"]:
        if layer["class_name"] == "InputLayer":
            batch_shape = list(layer["config"]["batch_shape"])
            batch_shape[1] = None
            layer["config"]["batch_shape"] = tuple(batch_shape)
    if config.get("build_input_shape"):
        build_input_shape = list(config["build_input_shape"])
        build_input_shape[1] = None
        config["build_input_shape"] = tuple(build_input_shape)
    model_class = keras.Sequential if isinstance(model, keras.Sequential) else keras.Model
    rebuilt = model_class.from_config(config)
    rebuilt.set_weights(model.get_weights())
    return rebuilt


def symbolic_outputs(model: keras.Model, spec: dict, steps: int | None) -> list:
    """The model called on a symbolic input with `steps` steps (None: any number)."""
    dtype = "int32" if is_tokens(spec) else "float32"
    outputs = model(keras.Input(shape=(steps, *spec["shape"][1:]), dtype=dtype))
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def rebuilt_outside_any_trace(model: keras.Model) -> keras.Model:
    """The same Sequential and weights, built again eagerly from its config.

    A Sequential without an Input (p10) is built the first time it runs, which under TensorFlow
    is inside predict's tf.function: constants its layers' compute_mask made (our helpers' ones
    kernel) then belong to that dead graph, and a new Model whose outputs are those masks cannot
    run. Users never build such a model; the tests do, to read the masks.
    """
    if not isinstance(model, keras.Sequential):
        return model
    rebuilt = keras.Sequential.from_config(model.get_config())
    rebuilt.set_weights(model.get_weights())
    return rebuilt


def output_masks(model: keras.Model, batch: np.ndarray) -> list[np.ndarray | None] | None:
    """The Keras mask on each model output, computed for `batch` (None where there is none).
    Subclassed models have no graph to read masks from: None."""
    if not is_functional(model):
        return None
    model = rebuilt_outside_any_trace(model)
    masks = []
    for output in model.outputs:
        mask = get_keras_mask(output)
        try:
            masks.append(
                None if mask is None else predict(keras.Model(model.inputs, mask), batch)[0]
            )
        except TypeError:
            # Keras 3.4 and 3.5 record a merge layer's output mask with the batch size as None
            # (fixed in 3.6, keras-team/keras 5b1fca14), so a model whose output IS that mask
            # cannot run. Only these tests build such a model; the mask's shape is still checked.
            if KERAS_VERSION >= (3, 6):
                raise
            masks.append(None)
    return masks


def valid_batch(spec: dict, seed: int) -> np.ndarray:
    """Three samples without any padding: every step is valid."""
    rng = np.random.default_rng(seed)
    shape = (3, *spec["shape"])
    if is_tokens(spec):
        return rng.integers(1, spec["vocab"], size=shape).astype("int32")
    return rng.normal(size=shape).astype("float32")


def prefix_lengths(steps: int) -> list[int]:
    """Two valid lengths shorter than the built one: about half, and all but one step."""
    return sorted({max(1, steps // 2), steps - 1})


@pytest.mark.parametrize("build", MASK_AWARE_BUILDS, ids=build_id)
def test_mask_aware_outputs_do_not_depend_on_padding(build: tuple[Path, str, str]) -> None:
    """Golden models are built for a fixed number of steps T, so the proof compares the same
    weights on two inputs that differ only in padding:

    - reference: the model rebuilt for any length (input axis None, same weights), run on a valid
      prefix of L < T steps, with no padding at all;
    - the golden model on that prefix right-padded to T steps with the padding value (Masking's
      mask_value, or token 0), and the rebuilt model on the prefix padded to T + 3 steps.

    Final outputs (an RNN without return_sequences, masked pooling) must equal the reference;
    sequence outputs must equal it at the reference's positions, which must be exactly the
    positions the padded output's mask marks valid. Models whose head fixes the length (Flatten
    into Dense: p03, p31) cannot run on a prefix: for them only the warning, output-mask and
    save/load tests apply.
    """
    case, strategy, builder = build
    run = migrated_run(case, strategy, builder)
    spec = run.spec
    model = run.model
    if fixes_length(model):
        pytest.skip(f"{case.name}: a Flatten head fixes the length; padding changes its input")
    free = with_free_length(model)
    is_sequence = [output.shape[1] is None for output in symbolic_outputs(free, spec, None)]
    steps = spec["shape"][0]

    for length in prefix_lengths(steps):
        data = valid_batch(spec, seed=length)
        padded = data.copy()
        padded[:, length:] = run.padding_value
        extra_steps = np.full_like(padded[:, :3], run.padding_value)
        more_padding = np.concatenate([padded, extra_steps], axis=1)
        reference = call(free, data[:, :length])
        padded_masks = output_masks(model, padded)

        for got in (call(model, padded), call(free, more_padding)):
            for index, (got_output, expected) in enumerate(zip(got, reference, strict=True)):
                if is_sequence[index]:
                    got_output = got_output[:, : expected.shape[1]]
                np.testing.assert_allclose(got_output, expected, **INVARIANCE_TOLERANCE)

        for index, mask in enumerate(padded_masks or []):
            if mask is None:
                continue
            assert is_sequence[index], "a final output should carry no mask"
            valid_steps = reference[index].shape[1]
            assert mask[:, :valid_steps].all(), "a step of the valid prefix is masked"
            assert not mask[:, valid_steps:].any(), "a padded step is marked valid"


# Keras layers that read the mask they are given (Keras 3.15).
MASK_USERS = (
    keras.layers.RNN,
    keras.layers.Bidirectional,
    keras.layers.GlobalAveragePooling1D,
    keras.layers.BatchNormalization,
    keras.layers.Attention,
    keras.layers.AdditiveAttention,
    keras.layers.MultiHeadAttention,
)


@pytest.mark.parametrize("build", MASK_AWARE_BUILDS, ids=build_id)
def test_mask_reaches_the_layers_that_use_it(build: tuple[Path, str, str]) -> None:
    """In the migrated graph every Masked* helper and every Keras layer that reads masks (RNNs,
    GlobalAveragePooling1D, ...) receives a mask, and every output with a time axis keeps one
    (Keras losses and metrics read it). Plain Conv1D layers with "same" padding and Masking(0)
    are padding-invariant by accident (p38, p41): this test tells them from the migrated ones."""
    case, strategy, builder = build
    model = migrated_run(case, strategy, builder).model
    if not is_functional(model):
        pytest.skip(f"{case.name}: a subclassed model has no graph; the padding test covers it")
    users = [
        layer for layer in model.layers if is_helper(type(layer)) or isinstance(layer, MASK_USERS)
    ]
    assert users
    for layer in users:
        inputs = layer.input if isinstance(layer.input, (list, tuple)) else [layer.input]
        assert get_keras_mask(inputs[0]) is not None, f"{layer.name} gets no mask"
    for output in model.outputs:
        if len(output.shape) >= 3:
            assert get_keras_mask(output) is not None, f"output {output} lost the mask"


def mask_fits(mask_shape: tuple, output_shape: tuple) -> bool:
    """A mask covers the output's batch and time axes, and maybe further spatial axes (one value
    per frame is fine for video), never the channels."""
    rank = len(mask_shape)
    return 2 <= rank < len(output_shape) and tuple(output_shape[:rank]) == tuple(mask_shape)


@pytest.mark.parametrize("build", MASK_AWARE_BUILDS, ids=build_id)
def test_every_mask_has_its_output_shape(build: tuple[Path, str, str]) -> None:
    """Every Keras mask on a layer output of the migrated graph (symbolic), on the model's
    outputs (symbolic, and computed on a batch) and on the model called on a fresh symbolic
    input (the only view into a subclassed model) has that output's leading shape."""
    case, strategy, builder = build
    run = migrated_run(case, strategy, builder)
    spec = run.spec
    model = run.model
    tensors = symbolic_outputs(model, spec, spec["shape"][0])
    if is_functional(model):
        tensors += list(model.outputs)
        for layer in model.layers:
            output = layer.output
            tensors += list(output) if isinstance(output, (list, tuple)) else [output]
    masked = [tensor for tensor in tensors if get_keras_mask(tensor) is not None]
    for tensor in masked:
        assert mask_fits(get_keras_mask(tensor).shape, tensor.shape), tensor
    if is_functional(model):
        assert masked, "the helpers should leave masks in the graph"

    batch = masked_batch(spec, run.padding_value, seed=4)
    masks = output_masks(model, batch)
    for output, mask in zip(predict(model, batch), masks or [], strict=masks is not None):
        if mask is not None:
            assert mask.dtype == bool
            assert mask_fits(mask.shape, output.shape), (output.shape, mask.shape)


# --------------------------------------------------------------------------------------------
# 4. Every migrated model saves to .keras and loads back with safe_mode


@pytest.mark.parametrize("build", BUILDS, ids=build_id)
def test_migrated_model_saves_and_loads(build: tuple[Path, str, str], tmp_path: Path) -> None:
    """Loaded in the default safe_mode with only the helpers the file registers; a model class
    the user's own file defines (p22) is passed to load_model, as it would be without the fix."""
    case, strategy, builder = build
    run = migrated_run(case, strategy, builder)
    batch = masked_batch(run.spec, run.padding_value, seed=5)
    expected = predict(run.model, batch)
    path = tmp_path / "migrated.keras"
    run.model.save(path)
    # Executing the file again points the registry at this file's own helpers.
    fresh = execute_file(fix_outputs(case, strategy)[1], search=[HELPERS_MODULE.parent])

    loaded = keras.saving.load_model(path, custom_objects=user_classes(fresh) or None)

    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in run.model.layers
    ]
    for layer in loaded.layers:  # the helpers the fresh file registered (itself or a module)
        if is_helper(type(layer)):
            name = keras.saving.get_registered_name(type(layer))
            assert type(layer) is keras.saving.get_registered_object(name)
    got = predict(loaded, batch)
    assert len(got) == len(expected)
    for got_output, expected_output in zip(got, expected):
        np.testing.assert_allclose(got_output, expected_output, **TOLERANCE)


# --------------------------------------------------------------------------------------------
# 5. A module fix changed for another file's rewrite computes what it did for its other users

WHOLE_PAIRS = [(c, s) for c, s in PAIRS if s.endswith(WHOLE)]
OTHER_BUILDS = [
    (case, strategy, module.name, builder)
    for case, strategy in WHOLE_PAIRS
    for module in project_modules(case)
    for builder in re.findall(r"^def (build_\w+)\(", module.read_text(), re.MULTILINE)
]


@pytest.mark.parametrize(
    "build", OTHER_BUILDS, ids=[f"{c.name}-{s}-{m}-{b}" for c, s, m, b in OTHER_BUILDS]
)
def test_a_changed_module_gives_its_other_users_the_same_outputs(
    build: tuple[Path, str, str, str],
) -> None:
    """A model built from the changed module without any mask (p62's plain.py) gives, with the
    same weights, exactly the outputs it gave before: a Masked* layer given no mask computes
    what the Keras layer does."""
    case, strategy, name, builder = build
    folder = fix_outputs(case, strategy)[1].parent
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = getattr(execute_file(case / name, search=[HELPERS_MODULE.parent]), builder)()
        after = getattr(execute_file(folder / name, search=[HELPERS_MODULE.parent]), builder)()
    assert not [w for w in caught if MASK_WARNING in str(w.message)]
    assert [type(layer).__name__ for layer in after.layers] != [
        type(layer).__name__ for layer in before.layers
    ], "the module's layers should have been swapped"
    after.set_weights(before.get_weights())
    batch = np.random.default_rng(0).normal(size=(3, *before.input_shape[1:])).astype("float32")
    for got, expected in zip(predict(after, batch), predict(before, batch), strict=True):
        np.testing.assert_allclose(got, expected, **TOLERANCE)
