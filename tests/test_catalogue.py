"""The catalogue's facts hold for the installed Keras, and a release change is one data entry."""

from __future__ import annotations

import inspect
import os
import warnings

import pytest

from codemod.catalogue import KERAS_3_15, Catalogue, Passes

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.keras

# Constructor arguments for layers that need some.
ARGS: dict[str, tuple] = {
    "Masking": (),
    "Embedding": (10, 2),
    "Lambda": (lambda x: x,),
    "Dense": (2,),
    "EinsumDense": ("ab,bc->ac", 2),
    "Activation": ("relu",),
    "Dropout": (0.1,),
    "SpatialDropout1D": (0.1,),
    "SpatialDropout2D": (0.1,),
    "SpatialDropout3D": (0.1,),
    "AlphaDropout": (0.1,),
    "GaussianDropout": (0.1,),
    "GaussianNoise": (0.1,),
    "Rescaling": (1.0,),
    "Reshape": ((2,),),
    "Dot": (1,),
    "AveragePooling1D": (2,),
    "AveragePooling2D": (2,),
    "AveragePooling3D": (2,),
    "Permute": ((1,),),
    "RepeatVector": (2,),
    "Attention": (),
    "MultiHeadAttention": (1, 2),
    "GroupQueryAttention": (2, 1, 1),
    "GroupNormalization": (1,),
    "AdaptiveAveragePooling1D": (2,),
    "AdaptiveAveragePooling2D": (2,),
    "AdaptiveAveragePooling3D": (2,),
    "AdaptiveMaxPooling1D": (2,),
    "AdaptiveMaxPooling2D": (2,),
    "AdaptiveMaxPooling3D": (2,),
}


WRAPPED = {
    "RNN": lambda: keras.layers.RNN(keras.layers.SimpleRNNCell(2)),
    "Bidirectional": lambda: keras.layers.Bidirectional(keras.layers.LSTM(2)),
    "TimeDistributed": lambda: keras.layers.TimeDistributed(keras.layers.Dense(2)),
    "SpectralNormalization": lambda: keras.layers.SpectralNormalization(keras.layers.Dense(2)),
}


def construct(name: str):
    cls = getattr(keras.layers, name)
    if name in WRAPPED:
        return WRAPPED[name]()
    if name in ARGS:
        return cls(*ARGS[name])
    if name.startswith(("LSTM", "GRU", "SimpleRNN")):
        return cls(2)
    if name.startswith("ConvLSTM"):
        return cls(2, 3)
    if "DepthwiseConv" in name:
        return cls(3)
    if "Conv" in name or "Convolution" in name:
        return cls(2, 3)
    return cls()


FACTS = [f for f in KERAS_3_15 if hasattr(keras.layers, f.name)]
INSTALLED = tuple(int(part) for part in keras.__version__.split(".")[:2])


def test_every_fact_names_a_keras_layer() -> None:
    """On the newest release every fact names a layer; older installs (the oldest supported pair,
    Keras 3.0.5) lack the layers added since, such as AdaptiveAveragePooling1D."""
    missing = [f.name for f in KERAS_3_15 if not hasattr(keras.layers, f.name)]
    if INSTALLED < (3, 15):
        assert len(missing) < len(KERAS_3_15) // 5, missing
        return
    assert missing == []
    aliases = [a for f in KERAS_3_15 for a in f.aliases if not hasattr(keras.layers, a)]
    assert aliases == []


@pytest.mark.parametrize("fact", FACTS, ids=[f.name for f in FACTS])
def test_supports_masking_matches_installed_keras(fact) -> None:
    if not (3, 0) <= INSTALLED < (3, 16):
        pytest.skip(
            f"catalogue release 3 holds for Keras 3.0 to 3.15, installed {keras.__version__}"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = construct(fact.name)
    # Layer.__call__ warns "does not support masking" exactly when supports_masking is False.
    assert layer.supports_masking == fact.supports_masking


def test_aliases_are_the_same_class() -> None:
    for fact in FACTS:
        for alias in fact.aliases:
            assert getattr(keras.layers, alias) is getattr(keras.layers, fact.name)


def test_rnn_passes_mask_only_with_return_sequences() -> None:
    catalogue = Catalogue("3")
    for name in ("LSTM", "GRU", "SimpleRNN"):
        assert catalogue.get(name).passes is Passes.IF_RETURN_SEQUENCES
    assert "return_sequences" in inspect.signature(keras.layers.LSTM).parameters


def test_coming_release_is_one_data_entry() -> None:
    """keras-team/keras #23235: RNN, Bidirectional, TimeDistributed stop supporting masks."""
    now, coming = Catalogue("3"), Catalogue("3.16")
    changed = sorted(f.name for f in coming if f != now.get(f.name))
    assert changed == sorted(
        [
            "RNN",
            "LSTM",
            "GRU",
            "SimpleRNN",
            "ConvLSTM1D",
            "ConvLSTM2D",
            "ConvLSTM3D",
            "Bidirectional",
            "TimeDistributed",
        ]
    )
    assert coming.get("LSTM").uses_mask and not coming.get("LSTM").supports_masking


def test_keras_2_has_the_keras_3_facts_for_now() -> None:
    """Keras 2 drops the same masks, silently: the release differs in what findings say."""
    assert list(Catalogue("2")) == list(Catalogue("3"))


def test_unknown_release_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown Keras release"):
        Catalogue("9.99")


def test_backend_is_cpu() -> None:
    assert os.environ.get("KERAS_BACKEND", "jax") in ("jax", "torch", "tensorflow")
