"""Real Keras agrees with `check`: every runnable golden case warns about exactly the reported layers.

A runnable case defines `INPUT_SPEC`, and `build_model()` or a model at module level; it is executed
as written, with its own imports, under the backend KERAS_BACKEND names. These are our own fixtures,
so running them here is fine; the tool itself never imports or runs the code it checks.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from codemod.analysis import analyze
from codemod.analysis.findings import Code
from codemod.target import parse_target
from tests.golden import builder_names, case_imports, runnable_cases
from tests.run_files import execute_file, keras_registry_restored

keras = pytest.importorskip("keras")
pytestmark = pytest.mark.keras

WARNING = re.compile(r"Layer '(\w+)' \(of type (\w+)\) was passed an input with a mask attached")
# Bidirectional runs its own copies of the wrapped RNN, named forward_<name> and backward_<name>;
# on Keras master they warn too. One construct, one finding: the Bidirectional's.
BIDIRECTIONAL_COPY = ("forward_", "backward_")
RUNNABLE = runnable_cases()
# check analyses for the installed Keras: its own catalogue release (3.16 on Keras master).
INSTALLED = ".".join(keras.__version__.split(".")[:2])
TARGET = parse_target(INSTALLED, "installed keras", f"keras {keras.__version__}")
# Keras 3.15 does not warn on p27: the per-pixel mask goes on stale and the LSTM after it fails
# (jax and TensorFlow word the failure differently).
STALE_MASK_FAILURE = "Incompatible shapes|Dimensions must be equal"


def sample_batch(spec: dict) -> np.ndarray:
    """A batch whose second half of every sequence is padding (the mask value, or token 0)."""
    rng = np.random.default_rng(0)
    shape = (2, *spec["shape"])
    if spec.get("dtype") == "int32":
        batch = rng.integers(1, spec["vocab"], size=shape).astype("int32")
        batch[:, shape[1] // 2 :] = 0
        return batch
    batch = rng.normal(size=shape).astype("float32")
    batch[:, shape[1] // 2 :] = spec["mask_value"]
    return batch


def keras_warnings(case: Path, builder: str) -> list[str]:
    """Names of the layer classes Keras warns about while executing the file, building the model
    (a `build_*` function, or a model the file builds at module level), predicting and calling
    it."""
    with warnings.catch_warnings(record=True) as caught, keras_registry_restored():
        warnings.simplefilter("always")
        module = execute_file(case / "input.py")  # p49 registers old helpers: not for later
        model = getattr(module, builder)
        if not isinstance(model, keras.Model):
            model = model()
        batch = sample_batch(module.INPUT_SPEC)
        model.predict(batch, verbose=0)
        model(batch, training=False)  # a mask attached only when the model runs (p61) is seen
        # here under jax's compiled predict of Keras 3.4 too
    found = [m for w in caught if (m := WARNING.search(str(w.message)))]
    return sorted({m.group(2) for m in found if not m.group(1).startswith(BIDIRECTIONAL_COPY)})


def keras_class_name(name: str) -> str:
    """Keras warns with the class's own name: Convolution1D is an alias of Conv1D."""
    cls = getattr(keras.layers, name, None)
    return cls.__name__ if cls is not None else name


def test_there_are_runnable_cases() -> None:
    assert len(RUNNABLE) >= 20


@pytest.mark.parametrize("case", RUNNABLE, ids=[c.name for c in RUNNABLE])
def test_keras_warns_where_check_reports(case: Path) -> None:
    findings = analyze((case / "input.py").read_text(), target=TARGET, imports=case_imports(case))
    if any(f.code is Code.TIME_DISTRIBUTED for f in findings):
        with pytest.raises(ValueError, match=STALE_MASK_FAILURE):
            keras_warnings(case, "build_model")
        return
    warned = sorted(
        {name for builder in builder_names(case) for name in keras_warnings(case, builder)}
    )
    masks = [f for f in findings if f.code is not Code.OUTDATED_HELPERS]  # old helpers: no warning
    reported = sorted({keras_class_name(f.destroyer.name) for f in masks})
    assert warned == reported
