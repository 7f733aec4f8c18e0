"""Real Keras 2 (tf_keras) keeps the promise of lambda and remove on every Keras 2 golden case.

A Keras 2 case imports Keras 2 only paths (tf_keras...) or gives `--target-keras 2.x` in its
args.txt (then `from tensorflow import keras` and `tf.keras` mean TensorFlow <= 2.15's Keras 2).
One subprocess with TF_USE_LEGACY_KERAS=1, which makes TensorFlow 2.16+'s `tf.keras` tf_keras,
executes the original and each fix.<strategy>.py exactly as written and, for each model:

- both build and predict, and their models are tf_keras models;
- with the original's weights copied in, the migrated model gives the same outputs on batches
  holding masked steps (lambda and remove promise exact values);
- no layer that does not support masking receives a mask in the migrated graph any more;
- the migrated model saves to `.keras` and loads back with the default safe_mode, once the file
  is executed again (which registers its helpers), giving the same outputs.

It also checks the Keras 2 template itself: ApplyMaskValue equals Masking bit for bit (-0.0 and
NaN included), ApplyMask after Masking changes nothing, EndMask changes nothing.
mask-aware never applies to Keras 2, so no Keras 2 case has a fix.mask-aware.py.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback
from functools import cache
from pathlib import Path

import pytest

from tests.golden import (
    GOLDEN,
    STRATEGIES,
    builder_names,
    cases,
    fix_outputs,
    is_keras_2_case,
)

pytestmark = pytest.mark.keras

ROOT = GOLDEN.parent
TEMPLATE = ROOT / "codemod" / "rewrite" / "templates" / "keras2_helpers.py"
TOLERANCE = 1e-6
REWRITE_LINE = re.compile(r"^input\.py:\d+: (mask-aware|lambda|remove): ", re.MULTILINE)
# Keras 2's module layout (keras.layers.core...): with Keras 3 installed as `keras` (tf_keras
# does not provide it) these files cannot even be imported here.
_KERAS_2_LAYOUT = re.compile(r"^(?:from|import) keras\.layers\.\w+", re.MULTILINE)
_INPUT_SPEC = re.compile(r"^INPUT_SPEC\b", re.MULTILINE)


KERAS_2_CASES = [case for case in cases() if is_keras_2_case(case)]
PAIRS = [(c, s) for c in KERAS_2_CASES for s in STRATEGIES if fix_outputs(c, s)[1].exists()]


def skip_reason(case: Path) -> str | None:
    source = (case / "input.py").read_text()
    if _KERAS_2_LAYOUT.search(source):
        return (
            f"{case.name} imports keras.layers.core and the like, which do not exist with "
            "Keras 3 installed as keras (tf_keras has no such modules)"
        )
    return None


def builds(case: Path, strategy: str) -> list[tuple[Path, str, str]]:
    if skip_reason(case):
        return [(case, strategy, "")]
    assert _INPUT_SPEC.search((case / "input.py").read_text()), f"{case.name}: no INPUT_SPEC"
    return [(case, strategy, builder) for builder in builder_names(case)]


BUILDS = [build for case, strategy in PAIRS for build in builds(case, strategy)]


def build_id(build: tuple[Path, str, str]) -> str:
    case, strategy, builder = build
    return f"{case.name}-{strategy}" + ("" if builder in ("", "build_model") else f"-{builder}")


def build_param(build: tuple[Path, str, str]):
    reason = skip_reason(build[0])
    marks = [pytest.mark.skip(reason=reason)] if reason else []
    return pytest.param(build, id=build_id(build), marks=marks)


PARAMS = [build_param(build) for build in BUILDS]


# --------------------------------------------------------------------------------------------
# The subprocess: every model of every case, run once on tf_keras


@cache
def keras_2_results() -> dict:
    """Run every runnable build (and the template checks) in one tf_keras subprocess."""
    if importlib.util.find_spec("tf_keras") is None:
        pytest.skip("tf_keras (Keras 2) is not installed")
    jobs = [
        {"case": case.name, "strategy": strategy, "builder": builder}
        for case, strategy, builder in BUILDS
        if not skip_reason(case)
    ]
    env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
    env["CUDA_VISIBLE_DEVICES"] = ""
    result = subprocess.run(
        [sys.executable, "-m", "tests.test_golden_fix_keras2"],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def result_of(build: tuple[Path, str, str]) -> dict:
    case, strategy, builder = build
    found = keras_2_results()["builds"][f"{case.name}/{strategy}/{builder}"]
    assert found["error"] is None, found["error"]
    return found


_module_numbers = itertools.count()


def _load(path: Path):
    """Execute a golden file as a fresh module (registering its helpers again)."""
    stem = re.sub(r"\W", "_", f"{path.parent.name}_{path.stem}")
    spec = importlib.util.spec_from_file_location(f"golden2_{stem}_{next(_module_numbers)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _model(module, builder: str):
    model = getattr(module, builder)
    return model if hasattr(model, "predict") else model()


def _masked_batch(np, spec: dict, padding_value: float, seed: int):
    """Four samples (steps are the first axis after the batch), as in test_golden_fix_keras.py:
    0 ends in padding; 1 has a padded step in the middle and at the end; 2 has one feature equal
    to the padding value (a step Masking keeps); 3 has none. Token 0 is padding for tokens."""
    rng = np.random.default_rng(seed)
    shape = (4, *spec["shape"])
    steps = shape[1]
    tail = min(steps - 1, max(1, steps // 3) + seed)
    if spec.get("dtype") == "int32":
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


def _outputs(model, batch) -> list:
    outputs = model.predict(batch, verbose=0)
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _largest_difference(np, got: list, expected: list) -> float:
    assert len(got) == len(expected)
    return max(float(np.max(np.abs(g - e))) if g.size else 0.0 for g, e in zip(got, expected))


def _masked_destroyers(model) -> list[str]:
    """Layers that do not support masking yet receive a mask (Keras 2 drops it silently)."""
    found = []
    for layer in model.layers:
        if layer.supports_masking:
            continue
        try:
            masks = layer.input_mask
        except (AttributeError, RuntimeError, ValueError):
            continue
        masks = masks if isinstance(masks, (list, tuple)) else [masks]
        if any(mask is not None for mask in masks):
            found.append(layer.name)
    return found


def _run_build(keras, np, job: dict, folder: Path) -> dict:
    case = GOLDEN / job["case"]
    original_module = _load(case / "input.py")
    spec = original_module.INPUT_SPEC
    original = _model(original_module, job["builder"])
    padding = 0.0
    if spec.get("dtype") != "int32":
        values = {
            float(layer.mask_value)
            for layer in original.layers
            if isinstance(layer, keras.layers.Masking)
        }
        assert len(values) == 1, values
        padding = values.pop()
    _outputs(original, _masked_batch(np, spec, padding, seed=0))
    path = fix_outputs(case, job["strategy"])[1]
    migrated = _model(_load(path), job["builder"])
    _outputs(migrated, _masked_batch(np, spec, padding, seed=0))
    weights = original.get_weights()
    counts = [len(weights), len(migrated.get_weights())]
    migrated.set_weights(weights)
    difference = 0.0
    for seed in (1, 2):
        batch = _masked_batch(np, spec, padding, seed)
        got, expected = _outputs(migrated, batch), _outputs(original, batch)
        difference = max(difference, _largest_difference(np, got, expected))
    saved = folder / f"{job['case']}-{job['strategy']}-{job['builder']}.keras"
    migrated.save(saved)
    _load(path)  # the registry now points at this file's helpers, as in a fresh process
    loaded = keras.models.load_model(saved)
    batch = _masked_batch(np, spec, padding, seed=3)
    return {
        "error": None,
        "keras": [type(original).__module__, type(migrated).__module__, type(loaded).__module__],
        "weights": counts,
        "difference": difference,
        "reload_difference": _largest_difference(
            np, _outputs(loaded, batch), _outputs(migrated, batch)
        ),
        "layers": [[type(layer).__name__ for layer in m.layers] for m in (migrated, loaded)],
        "masked_destroyers": [_masked_destroyers(original), _masked_destroyers(migrated)],
    }


def _check_template(keras, np) -> dict:
    """The Keras 2 template against Keras 2's own Masking, bit for bit."""
    helpers = _load(TEMPLATE)
    x = np.random.default_rng(7).normal(size=(3, 6, 2)).astype("float32")
    found = {}
    for value in (0.0, -1.0, 999.0, float("inf")):
        data = x.copy()
        data[0, 3:] = value  # masked steps
        data[1, 2, 0] = value  # one feature only: kept
        data[2, 1] = -0.0 if value == 0.0 else value
        data[2, 4, 1] = float("nan")
        masking = keras.layers.Masking(value)(data).numpy()
        ours = helpers.ApplyMaskValue(value)(data).numpy()
        function = helpers.apply_mask(data, value).numpy()
        inputs = keras.Input((6, 2))
        masked = keras.layers.Masking(value)(inputs)
        ended = helpers.ApplyMask()(masked)
        kept = helpers.EndMask()(masked)
        model = keras.Model(inputs, [ended, kept])
        after_apply, after_end = (t.numpy() for t in model(data))
        found[repr(value)] = {
            "apply_mask_value": _same_bits(np, ours, masking),
            "apply_mask": _same_bits(np, function, masking),
            "apply_mask_after_masking": _same_bits(np, after_apply, masking),
            "end_mask": _same_bits(np, after_end, masking),
            "masks_end": [
                getattr(ended, "_keras_mask", None) is None,
                getattr(kept, "_keras_mask", None) is None,
                getattr(masked, "_keras_mask", None) is not None,
            ],
        }
    return found


def _same_bits(np, a, b) -> bool:
    return a.shape == b.shape and a.tobytes() == b.tobytes() and bool(np.isfinite(a).any())


def main() -> None:
    """The subprocess: read the jobs on stdin, print one JSON line of results last."""
    import numpy as np
    import tensorflow as tf

    keras = tf.keras
    assert keras.__name__.startswith("tf_keras"), keras.__name__
    jobs = json.loads(sys.stdin.read())
    results: dict = {"keras": keras.__name__, "builds": {}}
    with tempfile.TemporaryDirectory() as folder:
        for job in jobs:
            key = f"{job['case']}/{job['strategy']}/{job['builder']}"
            try:
                results["builds"][key] = _run_build(keras, np, job, Path(folder))
            except Exception:  # noqa: BLE001 - the test of this build reports the traceback
                results["builds"][key] = {"error": traceback.format_exc()}
            keras.backend.clear_session()
    try:
        results["template"] = _check_template(keras, np)
    except Exception:  # noqa: BLE001 - the template test reports the traceback
        results["template"] = {"error": traceback.format_exc()}
    print(json.dumps(results))


# --------------------------------------------------------------------------------------------
# The tests


def test_the_keras_2_cases_are_here() -> None:
    names = {case.name for case in KERAS_2_CASES}
    assert {
        "p09_tf_keras_package",
        "p44_keras2_target_masking",
        "p45_keras2_target_tf_dotted",
        "p46_tf_keras_shared_embedding",
    } <= names
    assert {s for _, s in PAIRS} == {"auto", "lambda", "remove"}


@pytest.mark.parametrize("case", KERAS_2_CASES, ids=[c.name for c in KERAS_2_CASES])
def test_mask_aware_never_applies_to_keras_2(case: Path) -> None:
    lines, fixed = fix_outputs(case, "mask-aware")
    assert not fixed.exists()
    for line in lines.read_text().splitlines():
        assert "mask-aware not applicable: the mask-aware helpers need Keras 3, and " in line
    for strategy in ("auto", "lambda", "remove"):
        assert set(REWRITE_LINE.findall(fix_outputs(case, strategy)[0].read_text())) <= {
            "lambda",
            "remove",
        }


@pytest.mark.parametrize("build", PARAMS)
def test_original_and_migrated_models_run_on_keras_2(build: tuple[Path, str, str]) -> None:
    found = result_of(build)
    assert all(module.startswith("tf_keras") for module in found["keras"]), found["keras"]


@pytest.mark.parametrize("build", PARAMS)
def test_exact_rewrite_gives_identical_outputs(build: tuple[Path, str, str]) -> None:
    """lambda and remove add or remove only weightless layers: the weight lists line up."""
    found = result_of(build)
    assert found["weights"][0] == found["weights"][1]
    assert found["difference"] <= TOLERANCE


@pytest.mark.parametrize("build", PARAMS)
def test_no_layer_that_drops_masks_receives_one(build: tuple[Path, str, str]) -> None:
    """Keras 2 drops the mask silently; the migrated graph ends it explicitly instead."""
    original, migrated = result_of(build)["masked_destroyers"]
    assert original, "the original should pass a mask to a layer that drops it"
    assert migrated == []


@pytest.mark.parametrize("build", PARAMS)
def test_migrated_model_saves_and_loads_in_safe_mode(build: tuple[Path, str, str]) -> None:
    found = result_of(build)
    migrated_layers, loaded_layers = found["layers"]
    assert migrated_layers == loaded_layers
    assert found["reload_difference"] <= TOLERANCE


def test_keras_2_template_equals_masking_bit_for_bit() -> None:
    template = keras_2_results()["template"]
    assert "error" not in template, template.get("error")
    assert set(template) == {"0.0", "-1.0", "999.0", "inf"}
    for value, checks in template.items():
        assert checks == {
            "apply_mask_value": True,
            "apply_mask": True,
            "apply_mask_after_masking": True,
            "end_mask": True,
            "masks_end": [True, True, True],
        }, value


if __name__ == "__main__":
    main()
