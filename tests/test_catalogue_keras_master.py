"""The catalogue's Keras 3.16 facts hold for a Keras master checkout.

Runs only when KMC_KERAS_MASTER names a Keras source checkout (e.g. the output of
`git --git-dir=<keras mirror> archive HEAD | tar -x -C /work/keras-master`). The checkout's Keras is
imported in a subprocess, `python <this file>` with PYTHONPATH=$KMC_KERAS_MASTER, so the Keras
installed in this environment is never the one probed. KERAS_BACKEND is passed on (jax by default).

The subprocess part (`_probe_main` and the helpers above it) imports only the standard library,
numpy and Keras; the catalogue is imported by the pytest part only. The probe builds every named
layer, attaches a mask to its input and records, both symbolically (Keras functional graph) and
eagerly: `supports_masking` before and after the call, whether Keras warns "does not support
masking", whether the output carries a mask (`keras.src.backend.get_keras_mask`), and whether the
mask changes the output (RNNs: whether output with padding + mask equals output on the unpadded
data).

    KMC_KERAS_MASTER=/work/keras-master python -m pytest tests/test_catalogue_keras_master.py
    KMC_KERAS_MASTER=/work/keras-master KERAS_BACKEND=tensorflow python -m pytest ...
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

MASTER_ENV = "KMC_KERAS_MASTER"
WARNING_TEXT = "does not support masking"
JSON_MARKER = "KMC-PROBE-JSON:"
BATCH = 2
PADDED = 2  # the last PADDED time steps are masked out
RNN_NAMES = ("RNN", "LSTM", "GRU", "SimpleRNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D")
# Probe-key suffix: the same layer built with return_sequences=True.
RETURN_SEQUENCES = "[return_sequences]"
CONV_LSTM_SHAPES = {
    "1D": (3, 6, 2),
    "2D": (3, 6, 6, 2),
    "3D": (3, 4, 4, 4, 2),
}  # (time, ..., channels)


# ----------------------------------------------------------------------------------------------
# Subprocess side: runs under the checkout's Keras. Standard library, numpy and Keras only.


def _spec(keras, key: str):
    """(factory, input shapes without batch, input dtype, mask rank, call style, call kwargs)."""
    layers = keras.layers
    name, _, variant = key.partition("[")
    rs = bool(variant)
    seq, img, vol = (6, 4), (6, 6, 3), (4, 4, 4, 3)
    rank = re.search(r"([123])D", name)
    shape = {"2": img, "3": vol}.get(rank.group(1), seq) if rank else seq
    mask_rank = None  # non-batch axes of the mask; default like Masking: all axes but the last
    style, kwargs, dtype = "single", {}, "float32"
    cls = getattr(layers, name)
    factories = {
        "Embedding": lambda: cls(10, 2),
        "Lambda": lambda: cls(lambda x: x * 1.0),  # not the identity: eagerly that keeps the tensor
        "Dense": lambda: cls(2),
        "EinsumDense": lambda: cls("abc,cd->abd", output_shape=(seq[0], 2)),
        "Activation": lambda: cls("relu"),
        "Rescaling": lambda: cls(1.0),
        "Reshape": lambda: cls((-1,)),
        "Permute": lambda: cls((2, 1)),
        "Cropping2D": lambda: cls(1),  # the default crops nothing and returns the input tensor
        "RepeatVector": lambda: cls(2),
        "Dot": lambda: cls(axes=1),
        "Normalization": lambda: cls(mean=0.0, variance=1.0),
        "GroupNormalization": lambda: cls(groups=1),
        "MultiHeadAttention": lambda: cls(num_heads=1, key_dim=2),
        "GroupQueryAttention": lambda: cls(head_dim=2, num_query_heads=1, num_key_value_heads=1),
        "RNN": lambda: cls(layers.SimpleRNNCell(2), return_sequences=rs),
        "Bidirectional": lambda: cls(layers.LSTM(2, return_sequences=rs)),
        "SpectralNormalization": lambda: cls(layers.Dense(2)),
    }
    if name == "TimeDistributed":
        if variant.startswith("Conv2D"):
            factory, shape = (lambda: cls(layers.Conv2D(2, 3))), (3, 6, 6, 3)
        else:
            factory = lambda: cls(layers.Dense(2))
        mask_rank = 1
    elif name in factories:
        factory = factories[name]
    elif name.startswith("ConvLSTM"):
        factory = lambda: cls(2, 3, return_sequences=rs)
        shape, mask_rank = CONV_LSTM_SHAPES[name[-2:]], 1  # a (batch, time) mask
    elif name in ("LSTM", "GRU", "SimpleRNN"):
        factory = lambda: cls(2, return_sequences=rs)
    elif name.startswith(("Dropout", "SpatialDropout", "AlphaDropout", "Gaussian")):
        factory = lambda: cls(0.1)
    elif name.startswith(("AveragePooling", "AvgPool", "Adaptive")):
        factory = lambda: cls(2)
    elif "Depthwise" in name:
        factory = lambda: cls(3)
    elif "Conv" in name and "Pool" not in name:
        factory = lambda: cls(2, 3)
    else:
        factory = cls
    if name == "Embedding":
        shape, dtype, mask_rank = (seq[0],), "int32", 1
    if name == "RepeatVector":
        shape = (seq[1],)
    if name == "Softmax":
        # Softmax.call right-aligns the mask with its input: a (batch, steps) mask on (batch, steps,
        # features) raises ValueError when run (3.15.1 as well). Give it a full-shape mask.
        mask_rank = len(shape)
    if name in ("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"):
        style = "list"
    if name in ("Dot", "Attention", "AdditiveAttention"):
        style = "list"
    if name in ("MultiHeadAttention", "GroupQueryAttention"):
        style = "args"
    if name == "BatchNormalization":
        kwargs = {"training": True}  # BatchNormalization reads the mask for batch statistics only
    n_inputs = 1 if style == "single" else 2
    if mask_rank is None:
        mask_rank = len(shape) - 1
    return factory, [shape] * n_inputs, dtype, mask_rank, style, kwargs


def _call(layer, inputs, style, kwargs):
    if style == "single":
        return layer(inputs[0], **kwargs)
    if style == "list":
        return layer(list(inputs), **kwargs)
    return layer(*inputs, **kwargs)


def _first(outputs):
    return outputs[0] if isinstance(outputs, (list, tuple)) else outputs


def _mask_of(outputs, get_keras_mask):
    masks = [
        get_keras_mask(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])
    ]
    return next((m for m in masks if m is not None), None)


def _warnings(caught, layer) -> tuple[bool, list[str]]:
    """Whether Keras warned about this layer, and the other layers it warned about meanwhile."""
    own = f"(of type {type(layer).__name__})"
    texts = [str(w.message) for w in caught if WARNING_TEXT in str(w.message)]
    others = sorted({t.split(" was passed")[0] for t in texts if own not in t})
    return any(own in t for t in texts), others


def _probe_layer(keras, np, key: str) -> dict:
    from keras.src.backend import get_keras_mask, set_keras_mask

    ops = keras.ops
    name = key.partition("[")[0]
    if not hasattr(keras.layers, name):
        return {"exists": False}
    factory, shapes, dtype, mask_rank, style, kwargs = _spec(keras, key)
    result: dict = {"exists": True}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = factory()
    result["supports_masking_init"] = bool(layer.supports_masking)

    # Symbolic: the functional graph a user builds.
    inputs = []
    for shape in shapes:
        x = keras.Input(shape, batch_size=None, dtype=dtype)
        set_keras_mask(x, keras.KerasTensor((None, *shape[:mask_rank]), dtype="bool"))
        inputs.append(x)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = _call(layer, inputs, style, kwargs)
    mask = _mask_of(out, get_keras_mask)
    warned, others = _warnings(caught, layer)
    result.update(
        supports_masking_built=bool(layer.supports_masking),
        warns_symbolic=warned,
        mask_symbolic=mask is not None,
        mask_symbolic_shape=None if mask is None else list(mask.shape),
        output_shape=list(_first(out).shape),
    )
    if others:
        result["inner_warnings_symbolic"] = others

    # Eager: real tensors, the mask attached the way Keras attaches it.
    rng = np.random.default_rng(0)

    def data(shape):
        full = (BATCH, *shape)
        if dtype == "int32":
            values = rng.integers(1, 10, size=full).astype("int32")
            values[:, -PADDED:] = 0
            return values
        return rng.normal(size=full).astype("float32")  # padding is NOT zero: a used mask shows

    arrays = [data(shape) for shape in shapes]
    mask_value = np.ones((BATCH, *shapes[0][:mask_rank]), dtype=bool)
    if mask_value.ndim > 1:
        mask_value[:, -PADDED:] = False
    else:
        mask_value[-1] = False

    def masked(array):
        tensor = ops.convert_to_tensor(array)
        set_keras_mask(tensor, ops.convert_to_tensor(mask_value))
        return tensor

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with_mask = _call(layer, [masked(a) for a in arrays], style, kwargs)
    except Exception as error:  # noqa: BLE001 - a Keras failure is an observation
        text = re.sub(r"\x1b\[[0-9;]*m", "", f"{type(error).__name__}: {error}")  # ANSI colours
        result["eager_error"] = " ".join(text.split())[:300]
        return result
    warned, others = _warnings(caught, layer)
    result.update(
        warns_eager=warned,
        mask_eager=_mask_of(with_mask, get_keras_mask) is not None,
        supports_masking_after_eager=bool(layer.supports_masking),
    )
    if others:
        result["inner_warnings_eager"] = others
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        without = _call(layer, [ops.convert_to_tensor(a) for a in arrays], style, kwargs)
        a, b = (ops.convert_to_numpy(_first(o)) for o in (with_mask, without))
        result["uses_mask"] = a.shape != b.shape or not np.allclose(a, b, atol=1e-6)
        if name in RNN_NAMES or name == "Bidirectional":
            # Padding at the end + mask must give what the unpadded sequence gives.
            trunc = _call(
                layer, [ops.convert_to_tensor(x[:, :-PADDED]) for x in arrays], style, kwargs
            )
            t = ops.convert_to_numpy(_first(trunc))
            valid = a if a.shape == t.shape else a[:, :-PADDED]  # return_sequences: valid steps
            result["padded_equals_unpadded"] = bool(np.allclose(valid, t, atol=1e-5))
    return result


def _probe_main() -> int:
    """Read {"names": [...], "aliases": {...}} on stdin, print one JSON line of observations."""
    request = json.load(sys.stdin)
    warnings.simplefilter("default")
    import keras
    import numpy as np

    report = {
        "version": keras.__version__,
        "file": str(Path(keras.__file__).resolve()),
        "backend": keras.backend.backend(),
        "layers": {},
        "aliases": {},
    }
    for key in request["names"]:
        try:
            report["layers"][key] = _probe_layer(keras, np, key)
        except Exception as error:  # noqa: BLE001 - reported, and the test names the layer
            report["layers"][key] = {"exists": True, "error": f"{type(error).__name__}: {error}"}
    for alias, target in request["aliases"].items():
        report["aliases"][alias] = hasattr(keras.layers, alias) and getattr(
            keras.layers, alias
        ) is getattr(keras.layers, target, None)
    print(JSON_MARKER + json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(_probe_main())


# ----------------------------------------------------------------------------------------------
# pytest side: runs under the environment's Python; compares the probe with the catalogue.

pytestmark = pytest.mark.keras


def _checkout() -> Path | None:
    value = os.environ.get(MASTER_ENV, "").strip()
    return Path(value).resolve() if value else None


def _skip_reason() -> str | None:
    checkout = _checkout()
    if checkout is None:
        return f"{MASTER_ENV} is not set (set it to a Keras master checkout to run these tests)"
    if not (checkout / "keras" / "src" / "version.py").is_file():
        return f"{MASTER_ENV}={checkout} is not a Keras checkout (no keras/src/version.py)"
    return None


if __name__ != "__main__" and _skip_reason() is not None:
    # One skip line for the module instead of one per catalogued layer.
    pytest.skip(_skip_reason(), allow_module_level=True)


def master_catalogue():
    """The catalogue for Keras 3.16."""
    from codemod.catalogue import Catalogue

    return Catalogue("3.16")


def _facts():
    return sorted(master_catalogue(), key=lambda f: f.name)


def _probe_keys(facts) -> list[str]:
    from codemod.catalogue import Passes

    keys = [f.name for f in facts]
    keys += [f.name + RETURN_SEQUENCES for f in facts if f.passes is Passes.IF_RETURN_SEQUENCES]
    # What the catalogue says about RNNs depends on return_sequences: probe both settings for
    # every RNN, whatever the catalogue expects.
    keys += [
        n + RETURN_SEQUENCES
        for n in (*RNN_NAMES, "Bidirectional")
        if n + RETURN_SEQUENCES not in keys
    ]
    keys.append("TimeDistributed[Conv2D]")
    return keys


@pytest.fixture(scope="module")
def probe() -> dict:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    facts = _facts()
    request = {
        "names": _probe_keys(facts),
        "aliases": {alias: f.name for f in facts for alias in f.aliases},
    }
    env = dict(os.environ)
    env["PYTHONPATH"] = str(_checkout())
    env.setdefault("KERAS_BACKEND", "jax")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    env["CUDA_VISIBLE_DEVICES"] = ""
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve())],
        input=json.dumps(request),
        capture_output=True,
        check=False,
        text=True,
        env=env,
        cwd=str(Path(__file__).resolve().parent),
        timeout=900,
    )
    lines = [ln for ln in done.stdout.splitlines() if ln.startswith(JSON_MARKER)]
    assert done.returncode == 0 and lines, (
        f"probe failed (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    )
    return json.loads(lines[-1][len(JSON_MARKER) :])


def _observed(probe: dict, key: str) -> dict:
    seen = probe["layers"][key]
    assert "error" not in seen, f"probing {key} under Keras {probe['version']}: {seen['error']}"
    return seen


def _eager(probe: dict, key: str) -> dict:
    """The observations of an eager call; xfail when Keras itself cannot run the layer on a mask."""
    seen = _observed(probe, key)
    if "eager_error" in seen:
        pytest.xfail(
            f"Keras {probe['version']} ({probe['backend']}) fails to run {key} on a masked input "
            f"(a Keras bug, not a catalogue fact): {seen['eager_error']}"
        )
    return seen


# Known gaps between the catalogue and what Keras does when a layer is RUN (not when the graph is
# built). They hold for Keras 3.15.1 as well, so they are not 3.16 changes; strict, so that a fix
# in Keras or in the catalogue shows up here.
RUNTIME_GAPS = {
    "SpectralNormalization": "its call() runs the wrapped layer (Dense) through __call__, which "
    "attaches the input mask to the output tensor: Keras warns and the graph has no mask, but when "
    "run the mask still reaches downstream layers (Masking > SpectralNormalization(Dense) > LSTM "
    "gives the same result padded and unpadded, in 3.15.1 too).",
}


def test_checkout_is_keras_3_16(probe) -> None:
    assert probe["version"].startswith("3.16"), probe["version"]
    # The checkout's Keras, not the one installed in this environment, was probed.
    assert Path(probe["file"]).is_relative_to(_checkout()), probe["file"]
    assert probe["backend"] == os.environ.get("KERAS_BACKEND", "jax")


def test_every_fact_names_a_master_layer(probe) -> None:
    missing = [k for k, v in probe["layers"].items() if not v["exists"]]
    assert missing == []
    assert [a for a, same in probe["aliases"].items() if not same] == []


FACTS = _facts()


def _ids(facts):
    return [f.name for f in facts]


@pytest.mark.parametrize("fact", FACTS, ids=_ids(FACTS))
def test_supports_masking_matches_master(probe, fact) -> None:
    seen = _observed(probe, fact.name)
    got = (seen["supports_masking_init"], seen["supports_masking_built"])
    assert got == (fact.supports_masking, fact.supports_masking)
    # Layer.__call__ warns "does not support masking" exactly when supports_masking is False.
    assert seen["warns_symbolic"] == (not fact.supports_masking)
    assert _eager(probe, fact.name)["warns_eager"] == (not fact.supports_masking)


def _expected_cases(fact) -> list[tuple[str, bool]]:
    """(probe key, whether the output must carry a mask) for one fact."""
    from codemod.catalogue import Passes

    if fact.passes is Passes.IF_RETURN_SEQUENCES:
        cases = [(fact.name, False), (fact.name + RETURN_SEQUENCES, True)]
    else:
        cases = [(fact.name, fact.passes is not Passes.NONE)]
    return [(key, fact.supports_masking and passes) for key, passes in cases]


@pytest.mark.parametrize("fact", FACTS, ids=_ids(FACTS))
def test_passes_mask_matches_master_graph(probe, fact) -> None:
    """The functional graph: the mask Keras attaches to the layer's symbolic output."""
    from codemod.catalogue import Passes

    for key, expected in _expected_cases(fact):
        seen = _observed(probe, key)
        assert seen["mask_symbolic"] == expected, key
        if expected and fact.passes is Passes.SAME and fact.name != "Masking":
            # Passed on unchanged: the mask keeps the input mask's shape.
            rank = len(seen["mask_symbolic_shape"])
            assert seen["mask_symbolic_shape"][1:] == seen["output_shape"][1:rank], key


@pytest.mark.parametrize("fact", FACTS, ids=_ids(FACTS))
def test_passes_mask_matches_master_when_run(probe, fact) -> None:
    """Eager call on real tensors: the mask attached to the layer's output."""
    for key, expected in _expected_cases(fact):
        seen = _eager(probe, key)
        if fact.name in RUNTIME_GAPS and seen["mask_eager"] != expected:
            pytest.xfail(f"{fact.name}: {RUNTIME_GAPS[fact.name]}")
        assert seen["mask_eager"] == expected, key
    assert fact.name not in RUNTIME_GAPS, f"{fact.name} now matches: drop it from RUNTIME_GAPS"


RNN_FACTS = [f for f in FACTS if f.name in (*RNN_NAMES, "Bidirectional")]


@pytest.mark.parametrize("fact", RNN_FACTS, ids=_ids(RNN_FACTS))
def test_rnn_still_uses_the_mask(probe, fact) -> None:
    """#23235 stops RNNs passing the mask on; they must still skip the masked steps."""
    assert fact.uses_mask
    for key in (fact.name, fact.name + RETURN_SEQUENCES):
        seen = _eager(probe, key)
        assert seen["uses_mask"] and seen["padded_equals_unpadded"], key


CONSUMER_FACTS = [f for f in FACTS if f.uses_mask]


@pytest.mark.parametrize("fact", CONSUMER_FACTS, ids=_ids(CONSUMER_FACTS))
def test_mask_consumers_use_the_mask(probe, fact) -> None:
    """A layer the catalogue calls a mask consumer gives a different output with the mask."""
    assert _eager(probe, fact.name)["uses_mask"]


def test_rnns_and_wrappers_never_pass_a_mask_in_master(probe) -> None:
    """Whatever return_sequences says: warning, no output mask, for RNNs and both wrappers."""
    keys = [n + s for n in (*RNN_NAMES, "Bidirectional") for s in ("", RETURN_SEQUENCES)]
    keys += ["TimeDistributed", "TimeDistributed[Conv2D]"]
    wrong = {}
    for key in keys:
        seen = _observed(probe, key)
        if (
            seen["supports_masking_built"]
            or not seen["warns_symbolic"]
            or seen["mask_symbolic"]
            or seen.get("mask_eager", False)
        ):
            wrong[key] = seen
    assert wrong == {}
