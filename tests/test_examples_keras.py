"""Every example we show users is true in real Keras, under the backend KERAS_BACKEND names.

The suite runs this module once under TensorFlow (how most users run Keras) and once under jax.
The examples are:

- the rules' examples (codemod/analysis/rules/): each INVALID program, which `explain` shows with
  what `fix --strategy auto` writes for it, and each VALID one (it must not warn);
- the README's python blocks under "Before and after", and the `mask-aware`, `lambda` and
  `remove` before/after blocks under "Strategies and what they guarantee".

Each example is a complete model file, in the import spelling users write (mostly TensorFlow's
`from tensorflow import keras` / `from tensorflow.keras import layers`, some `import keras`): a
rule's example as it is, a README block with imports and an Input added. The real command line,
`python -m codemod fix FILE`, rewrites a copy of it, and the result must be the "after" shown,
line for line, up to indentation: for a rule, the whole file `explain` computes; for the README,
the part after the `SENTINEL` line. Then both files are executed as written, with their own
imports, and their models built, run, saved and loaded:

- the original warns that a layer "does not support masking" (KMC301 instead: see
  `STALE_MASK_FAILURES`; KMC900's examples warn but fix leaves them: see `LEFT_FOR_REVIEW`;
  KMC401's old helpers warn neither before nor after their upgrade, which keeps every output),
  the fixed one does not warn while it is built and predicts on a batch with masked steps;
- the fixed model keeps the promise of the strategy fix names in the line it prints: lambda and
  remove give the original's outputs with the original's weights; mask-aware gives, on a
  right-padded batch, what the same weights give on the unpadded prefix (final outputs, and
  sequence outputs at the prefix's steps, whose output mask marks exactly those steps valid);
- the fixed model saves to `.keras` and loads back with the default safe_mode, giving the same
  outputs and output mask (the fixed file is executed again first, as a user imports it, so its helpers and its
  registered functions are known).

These files are our own, so running them here is fine; the tool never runs code it rewrites.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np
import pytest

from codemod.analysis.findings import Code
from codemod.analysis.rules import RULES, Rule
from codemod.explain import outcome

keras = pytest.importorskip("keras")
from tests.keras_compat import get_keras_mask
from tests.run_files import execute_file, keras_registry_restored

pytestmark = [
    pytest.mark.keras,
    # Keras's own get_weights/set_weights on jax arrays, not the code under test.
    pytest.mark.filterwarnings("ignore:__array__ implementation doesn't accept:DeprecationWarning"),
]

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()

MASK_WARNING = "does not support masking"
# KMC301 (Masking -> TimeDistributed(Conv2D) -> TimeDistributed(Flatten) -> LSTM): Keras 3.15
# does not warn and builds the model; TimeDistributed passes the per-pixel mask (batch, 4, 6, 6)
# on unchanged and the LSTM fails on it in predict, a ValueError worded by the backend:
# TensorFlow "Dimensions must be equal, but are 6 and 3 ...", jax "Incompatible shapes for
# broadcasting: shapes=[(3, 6, 1), (3, 8), (3, 8)]".
STALE_MASK_FAILURES = ("Incompatible shapes", "Dimensions must be equal")
REWRITE_LINE = re.compile(r"^\S+\.py:\d+: (mask-aware|lambda|remove|upgrade): ", re.MULTILINE)
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
# Different lengths: XLA may sum in another order.
INVARIANCE_TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}

# In a README example, everything from this line on must be the example's "after" once fix has
# run (fix puts its helper definitions after the imports, above it).
SENTINEL = "# --- the example ---"

TF_IMPORTS = "from tensorflow import keras\nfrom tensorflow.keras import layers\n"
KERAS_IMPORTS = "import keras\nfrom keras import layers\n"


@dataclass(frozen=True)
class Example:
    """One before/after pair as a complete file: `before` is the file the test writes; fix must
    turn everything from SENTINEL on (the whole file, if it has no SENTINEL) into
    `expected_tail`."""

    id: str
    before: str
    expected_tail: str
    strategy: str | None = None  # None: fix's default (auto)
    stale_mask: bool = False  # KMC301: Keras fails (or stays silent) instead of warning
    lambda_mask: bool = False  # KMC103: a Lambda(..., mask=function) stays in the fixed model
    upgrade: bool = False  # KMC401: old helpers, already mask-aware: no warning before either


def sequential_file(imports: str, input_layer: str, layer_lines: list[str]) -> str:
    """A module-level Sequential: the example's layer lines after an Input."""
    body = "\n".join(f"    {line}" for line in [f"{input_layer},", *layer_lines])
    return f"{imports}\n{SENTINEL}\nmodel = keras.Sequential([\n{body}\n])\n"


# --------------------------------------------------------------------------------------------
# The rules' examples: complete programs, fixed as they are


# KMC900 (manual review): fix leaves its examples as they are, by design (their mask_zero is only
# known when they run), so there is no fixed model; `test_an_example_left_for_review_warns` runs
# them instead.
LEFT_FOR_REVIEW = {Code.MANUAL_REVIEW}


def rule_examples() -> list[Example]:
    return [
        Example(
            f"{rule.code.value}-invalid-{number}",
            text,
            outcome(text).text,  # what `explain` shows fix writing
            stale_mask=rule.code is Code.TIME_DISTRIBUTED,
            lambda_mask=".Lambda(" in text and ", mask=" in text,  # a Lambda(mask=...) stays
            upgrade=rule.code is Code.OUTDATED_HELPERS,
        )
        for rule in RULES
        if rule.code not in LEFT_FOR_REVIEW
        for number, text in enumerate(rule.invalid, 1)
    ]


def test_every_rule_example_is_covered() -> None:
    ids = [example.id for example in EXAMPLES if example.id.startswith("KMC")]
    assert {i.split("-")[0] for i in ids} | {c.value for c in LEFT_FOR_REVIEW} == {
        c.value for c in Code
    }
    assert len(ids) == sum(len(r.invalid) for r in RULES if r.code not in LEFT_FOR_REVIEW)


# --------------------------------------------------------------------------------------------
# The README examples


def section(title: str) -> str:
    """The README text under `title` (a whole heading line), up to the next `## ` heading."""
    return README.split(f"\n{title}\n", 1)[1].split("\n## ", 1)[0]


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)\n```", text, re.DOTALL)


def strategy_block(strategy: str) -> str:
    text = section("### Strategies and what they guarantee")
    pattern = rf"`{re.escape(strategy)}`, before and after:\n\n```python\n(.*?)\n```"
    match = re.search(pattern, text, re.DOTALL)
    assert match, f"README: no `{strategy}` before/after block"
    return match.group(1)


@dataclass
class Row:
    """One row of a two-column README block, `before  ->  after`. `after` is None for a line
    without an arrow; an indented line without an arrow continues the after column above it."""

    before: str
    after: list[str] | None


def two_columns(block: str) -> list[Row]:
    rows: list[Row] = []
    for line in block.splitlines():
        parts = re.split(r"\s+->\s+", line, maxsplit=1)
        if len(parts) == 2:
            rows.append(Row(parts[0].rstrip(), [parts[1].rstrip()]))
        elif line[:1].isspace():
            assert rows and rows[-1].after is not None, f"README: stray line {line!r}"
            rows[-1].after.append(line.rstrip())
        else:
            rows.append(Row(line.rstrip(), None))
    return rows


def functional_file(imports: str, fragment: list[str]) -> str:
    """A README fragment of `x = ...(x)` lines reading `inp`: an Input before it, a Model after."""
    lines = "\n".join(fragment)
    return (
        f"{imports}\ninp = keras.Input((12, 6))\n{SENTINEL}\n{lines}\nmodel = keras.Model(inp, x)\n"
    )


def readme_examples() -> list[Example]:
    examples = []

    # "Before and after": a whole Sequential; only the imports are added.
    before_block, after_block = python_blocks(section("## Before and after"))
    examples.append(
        Example(
            "readme-before-and-after",
            f"{TF_IMPORTS}\n{SENTINEL}\n{before_block}\n",
            f"{SENTINEL}\n{after_block}\n",
        )
    )

    # `mask-aware`: one functional chain; a line without an arrow is the same before and after.
    rows = two_columns(strategy_block("mask-aware"))
    examples.append(
        Example(
            "readme-mask-aware",
            functional_file(TF_IMPORTS, [row.before for row in rows]),
            tail(
                functional_file(
                    TF_IMPORTS, [line for row in rows for line in (row.after or [row.before])]
                )
            ),
            strategy="mask-aware",
        )
    )

    # `lambda`: each arrow row is a producer of its own, shown as a Sequential list element (so a
    # comma follows it) with the convolution it feeds after it (a Conv1D, as in the README's
    # other examples); Embedding gets token input.
    for row in two_columns(strategy_block("lambda")):
        assert row.after is not None, f"README lambda block: a row without an arrow: {row}"
        tokens = "Embedding(" in row.before
        input_layer = 'keras.Input((12,), dtype="int32")' if tokens else "keras.Input((12, 6))"
        name = "embedding" if tokens else "masking"
        after_lines = [*row.after[:-1], row.after[-1] + ","]
        examples.append(
            Example(
                f"readme-lambda-{name}",
                sequential_file(
                    TF_IMPORTS, input_layer, [row.before + ",", "layers.Conv1D(8, 3),"]
                ),
                tail(
                    sequential_file(TF_IMPORTS, input_layer, [*after_lines, "layers.Conv1D(8, 3),"])
                ),
                strategy="lambda",
            )
        )

    # `remove`: read as a block, the after column replacing the whole before column (the
    # Masking line is deleted and the Conv1D line takes its input). Unlike the mask-aware block,
    # its line without an arrow (`x = layers.Conv1D(8, 3)(x)`) is NOT kept unchanged.
    rows = two_columns(strategy_block("remove"))
    examples.append(
        Example(
            "readme-remove",
            functional_file(KERAS_IMPORTS, [row.before for row in rows]),
            tail(
                functional_file(KERAS_IMPORTS, [line for row in rows for line in row.after or []])
            ),
            strategy="remove",
        )
    )
    return examples


def tail(source: str) -> str:
    if SENTINEL not in source:
        return source  # a rule's example: the whole file
    return SENTINEL + source.split(SENTINEL, 1)[1]


EXAMPLES = rule_examples() + readme_examples()
IDS = [example.id for example in EXAMPLES]


def test_the_readme_examples_are_all_found() -> None:
    ids = [example.id for example in EXAMPLES if example.id.startswith("readme-")]
    assert ids == [
        "readme-before-and-after",
        "readme-mask-aware",
        "readme-lambda-masking",
        "readme-lambda-embedding",
        "readme-remove",
    ]


# --------------------------------------------------------------------------------------------
# Running fix, and the models (cached: each file is fixed, executed and run once per backend)


@dataclass
class Fixed:
    original_path: Path
    fixed_path: Path
    printed: str  # what fix printed on stdout
    kinds: set[str]  # the strategies fix says it applied


@dataclass
class Run:
    """A file executed, its model (built at module level) run once on a masked batch."""

    model: keras.Model | None
    warnings: list[str]
    error: str | None = None


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("examples")


_FIXED: dict[str, Fixed] = {}
_RUNS: dict[tuple[str, str], Run] = {}


@pytest.fixture(scope="module", autouse=True)
def restore_keras_registry() -> Iterator[None]:
    """Every fixed file registers its own copy of the helpers (and KMC103's functions); when
    this module ends, give other test modules back the registry they expect, and free models."""
    with keras_registry_restored():
        yield
    _FIXED.clear()
    _RUNS.clear()


def fixed(example: Example, workdir: Path) -> Fixed:
    """Write the example's file and a copy, and run the real command line on the copy."""
    if example.id not in _FIXED:
        stem = re.sub(r"\W", "_", example.id)
        original_path = workdir / f"{stem}.py"
        fixed_path = workdir / f"{stem}_fixed.py"
        original_path.write_text(example.before)
        fixed_path.write_text(example.before)
        strategy = ["--strategy", example.strategy] if example.strategy else []
        result = subprocess.run(
            [sys.executable, "-m", "codemod", "fix", *strategy, fixed_path.name],
            check=False,
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        kinds = set(REWRITE_LINE.findall(result.stdout))
        assert kinds, f"fix rewrote nothing:\n{result.stdout}{result.stderr}"
        assert example.strategy is None or kinds == {example.strategy}, result.stdout
        _FIXED[example.id] = Fixed(original_path, fixed_path, result.stdout, kinds)
    return _FIXED[example.id]


def input_of(model: keras.Model) -> tuple[tuple[int, ...], bool]:
    """The shape of one sample, and whether the model takes tokens."""
    tensor = model.inputs[0]
    return tuple(tensor.shape[1:]), "int" in str(tensor.dtype)


def padding_value(model: keras.Model) -> float:
    """What marks a padded step: the Masking layer's mask_value, else 0 (token 0 for
    Embedding(mask_zero=True); all-zero steps for KMC103's keep_mask)."""
    values = {float(layer.mask_value) for layer in model.layers if hasattr(layer, "mask_value")}
    assert len(values) <= 1, values
    return values.pop() if values else 0.0


def vocabulary(model: keras.Model) -> int:
    return min(
        (layer.input_dim for layer in model.layers if isinstance(layer, keras.layers.Embedding)),
        default=10,
    )


def masked_batch(shape: tuple[int, ...], tokens: bool, pad: float, vocab: int, seed: int):
    """Three samples: the last third of the steps padded; the last step padded; no padding.
    A padded step has all its values equal to the padding value (token 0 for tokens); steps
    are the first axis after the batch (frames, for video)."""
    rng = np.random.default_rng(seed)
    steps = shape[0]
    if tokens:
        batch = rng.integers(1, vocab, size=(3, *shape)).astype("int32")
    else:
        batch = rng.normal(size=(3, *shape)).astype("float32")
    batch[0, steps - max(1, steps // 3) :] = pad
    batch[1, -1] = pad
    return batch


def valid_batch(shape: tuple[int, ...], tokens: bool, vocab: int, seed: int) -> np.ndarray:
    """Three samples without padding."""
    rng = np.random.default_rng(seed)
    if tokens:
        return rng.integers(1, vocab, size=(3, *shape)).astype("int32")
    return rng.normal(size=(3, *shape)).astype("float32")


def batch_for(original: keras.Model, seed: int) -> np.ndarray:
    shape, tokens = input_of(original)
    return masked_batch(shape, tokens, padding_value(original), vocabulary(original), seed)


def run_file(path: Path, batch_from: keras.Model | None, catch: bool) -> Run:
    """Execute the file (which builds `model`), then predict once on a masked batch made for
    `batch_from` (None: the file's own model; for a fixed model, the original, as it may have
    no Masking left to say what padding is), recording Keras's mask warnings; with `catch`, a
    ValueError is recorded instead of raised."""
    model = None
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = execute_file(path).model
            model.predict(batch_for(batch_from or model, seed=0), verbose=0)
        except ValueError as exc:
            if not catch:
                raise
            error = str(exc)
    messages = [str(w.message) for w in caught if MASK_WARNING in str(w.message)]
    return Run(model, messages, error)


def original_run(example: Example, workdir: Path) -> Run:
    key = (example.id, "original")
    if key not in _RUNS:
        _RUNS[key] = run_file(fixed(example, workdir).original_path, None, catch=True)
    return _RUNS[key]


def reference_model(example: Example, workdir: Path) -> keras.Model:
    """The original model (built even where predict fails): its input and padding value."""
    model = original_run(example, workdir).model
    assert model is not None, "the original file should build its model"
    return model


def fixed_run(example: Example, workdir: Path) -> Run:
    key = (example.id, "fixed")
    if key not in _RUNS:
        path = fixed(example, workdir).fixed_path
        _RUNS[key] = run_file(path, reference_model(example, workdir), catch=False)
    return _RUNS[key]


def predict(model: keras.Model, data: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(data, verbose=0))


def call(model: keras.Model, data: np.ndarray) -> np.ndarray:
    """The model called directly, for inputs of changing length: TensorFlow's compiled predict
    of a TimeDistributed model fails once the number of frames changes (Keras 3.4 raises
    "Invalid dtype: NoneType", 3.15 returns one frame), with or without fix."""
    return np.asarray(model(data, training=False))


def output_mask(model: keras.Model, data: np.ndarray) -> np.ndarray | None:
    """The Keras mask on the model's output for `data` (None when the output carries none)."""
    mask = get_keras_mask(model.outputs[0])
    return None if mask is None else predict(keras.Model(model.inputs, mask), data)


# --------------------------------------------------------------------------------------------
# 1. fix writes exactly the "after" we show


def normalised(text: str) -> list[str]:
    """Lines without their indentation (README blocks are fragments, indented as shown)."""
    return [line.strip() for line in text.strip("\n").splitlines()]


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_fix_writes_the_after_shown(example: Example, workdir: Path) -> None:
    result = fixed(example, workdir).fixed_path.read_text()
    assert (SENTINEL in result) == (SENTINEL in example.before), result
    assert normalised(tail(result)) == normalised(example.expected_tail), fixed(
        example, workdir
    ).printed


# --------------------------------------------------------------------------------------------
# 2. The original warns (KMC301: fails on the stale mask); the fixed model does not warn


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_original_warns_and_fixed_model_does_not(example: Example, workdir: Path) -> None:
    original = original_run(example, workdir)
    if example.stale_mask:
        # Keras 3.15 never warns here; the model builds and the LSTM fails in predict on the
        # per-pixel mask, under both backends.
        assert original.warnings == []
        assert original.model is not None, original.error
        assert original.error is not None, "the stale mask should make predict fail"
        assert any(text in original.error for text in STALE_MASK_FAILURES), original.error
    elif example.upgrade:  # the old helpers were mask-aware already; the new ones must be too
        assert original.error is None, original.error
        assert original.warnings == []
    else:
        assert original.error is None, original.error
        assert original.warnings, "the original should warn that a layer destroys a mask"

    run = fixed_run(example, workdir)

    assert run.warnings == []
    output = predict(run.model, batch_for(reference_model(example, workdir), seed=1))
    assert np.isfinite(output).all()


# --------------------------------------------------------------------------------------------
# 3. The fixed model keeps the promise of the strategy fix applied


def with_free_length(model: keras.Model) -> keras.Model:
    """The same layers (so the same weights) called in a chain on an Input taking any number of
    steps. Every example model is a chain; rebuilding from the config instead would lose
    KMC103's Lambda mask function (see `LAMBDA_MASK_IS_LOST`)."""
    shape, tokens = input_of(model)
    x = inputs = keras.Input((None, *shape[1:]), dtype="int32" if tokens else "float32")
    for layer in model.layers:
        if not isinstance(layer, keras.layers.InputLayer):
            x = layer(x)
    return keras.Model(inputs, x)


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_fixed_model_keeps_its_strategys_promise(example: Example, workdir: Path) -> None:
    kinds = fixed(example, workdir).kinds
    model = fixed_run(example, workdir).model
    reference = reference_model(example, workdir)
    if "mask-aware" not in kinds:
        # lambda, remove and upgrade: with the original's weights, the original's outputs exactly.
        original = original_run(example, workdir).model
        model.set_weights(original.get_weights())
        for seed in (2, 3):
            batch = batch_for(original, seed)
            np.testing.assert_allclose(predict(model, batch), predict(original, batch), **TOLERANCE)
        return

    # mask-aware: a right-padded batch gives what the same weights give on the unpadded prefix.
    shape, tokens = input_of(reference)
    pad = padding_value(reference)
    free = with_free_length(model)
    assert free.count_params() == model.count_params()
    steps = shape[0]
    for length in sorted({steps // 2, steps - 1}):
        data = valid_batch(shape, tokens, vocabulary(reference), seed=length)
        padded = data.copy()
        padded[:, length:] = pad
        expected = call(free, data[:, :length])
        got = call(model, padded)
        mask = output_mask(model, padded)
        if got.ndim >= 3:  # a sequence: its steps that the prefix has, and only those, are valid
            assert mask is not None and mask.shape == got.shape[:2], "the output lost its mask"
            valid = expected.shape[1]
            assert mask[:, :valid].all() and not mask[:, valid:].any(), mask
            got = got[:, :valid]
        else:
            assert mask is None, "a final output should carry no mask"
        np.testing.assert_allclose(got, expected, **INVARIANCE_TOLERANCE)


# --------------------------------------------------------------------------------------------
# 4. The fixed model saves to .keras and loads back with the default safe_mode


def lambda_mask_is_lost() -> bool:
    """Keras 3.15.1 (and master as of this writing): `Lambda.get_config` serializes a `mask=`
    function, but `Lambda.from_config` never deserializes it, so the reloaded Lambda's mask is
    the serialized dict, not the function. Any model holding `Lambda(f, mask=g)` then reloads
    with a wrong mask, with or without fix; after fix the mask-aware layer that reads it fails
    (TensorFlow: "Cast string to bool is not supported")."""

    def function(x):
        return x

    def mask(inputs, mask=None):
        return None

    config = keras.layers.Lambda(function, mask=mask).get_config()
    restored = keras.layers.Lambda.from_config(config, custom_objects={"function": function})
    return not callable(restored.mask)


LAMBDA_MASK_IS_LOST = lambda_mask_is_lost()


def save_load_cases() -> list:
    return [
        pytest.param(
            example,
            id=example.id,
            marks=pytest.mark.xfail(
                LAMBDA_MASK_IS_LOST,
                strict=True,
                reason="Keras bug, not fix's: Lambda.from_config drops mask=, so the reloaded "
                "Lambda(scale, mask=keep_mask) passes on the string 'function' as its mask "
                "(TensorFlow: loading fails, 'Cast string to bool is not supported'; jax: the "
                "reloaded output mask is all True). See lambda_mask_is_lost.",
            )
            if example.lambda_mask
            else (),
        )
        for example in EXAMPLES
    ]


@pytest.mark.parametrize("example", save_load_cases())
def test_fixed_model_saves_and_loads(example: Example, workdir: Path, tmp_path: Path) -> None:
    model = fixed_run(example, workdir).model
    batch = batch_for(reference_model(example, workdir), seed=4)
    expected = predict(model, batch)
    path = tmp_path / "fixed.keras"
    model.save(path)
    # As a user's program imports the fixed module before loading: its helpers are registered.
    fresh = execute_file(fixed(example, workdir).fixed_path)

    loaded = keras.saving.load_model(path)

    assert [type(layer).__name__ for layer in loaded.layers] == [
        type(layer).__name__ for layer in model.layers
    ]
    for layer in loaded.layers:
        if type(layer).__name__.startswith("Masked"):
            assert type(layer) is getattr(fresh, type(layer).__name__)
    np.testing.assert_allclose(predict(loaded, batch), expected, **TOLERANCE)
    expected_mask = output_mask(model, batch)
    loaded_mask = output_mask(loaded, batch)
    if expected_mask is None:
        assert loaded_mask is None
    else:
        np.testing.assert_array_equal(loaded_mask, expected_mask)


# --------------------------------------------------------------------------------------------
# 5. The rules' other examples: VALID ones do not warn; those left for review do, unchanged


def written(workdir: Path, name: str, text: str) -> Path:
    path = workdir / f"{name}.py"
    path.write_text(text)
    return path


def rule_cases(kind: str, wanted) -> list:
    return [
        pytest.param(rule, text, id=f"{rule.code.value}-{kind}-{number}")
        for rule in RULES
        if wanted(rule)
        for number, text in enumerate(getattr(rule, kind), 1)
    ]


@pytest.mark.parametrize(("rule", "text"), rule_cases("valid", lambda rule: True))
def test_a_valid_example_runs_without_a_mask_warning(rule: Rule, text: str, workdir: Path) -> None:
    name = f"{rule.code.value}_valid_{rule.valid.index(text) + 1}"
    run = run_file(written(workdir, name, text), None, catch=False)
    assert run.warnings == []
    assert np.isfinite(predict(run.model, batch_for(run.model, seed=5))).all()


@pytest.mark.parametrize(
    ("rule", "text"), rule_cases("invalid", lambda rule: rule.code in LEFT_FOR_REVIEW)
)
def test_an_example_left_for_review_warns(
    rule: Rule, text: str, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its mask is real (Keras warns), but fix leaves the file for a person to review."""
    monkeypatch.delenv("USE_MASK", raising=False)  # KMC900's example reads it: default, a mask
    name = f"{rule.code.value}_invalid_{rule.invalid.index(text) + 1}"
    run = run_file(written(workdir, name, text), None, catch=False)
    assert run.warnings, "the original should warn that a layer destroys a mask"
    assert outcome(text).text == text
