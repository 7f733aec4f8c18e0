"""`check` over a generated multi-module project beside `ruff check --select F401` (figures, not
pass/fail).

The project (written to a temporary folder, never imported) has N modules laid out as packages,
`proj/pkgK/__init__.py`, `proj/pkgK/layers_common.py`, `proj/pkgK/mod_J.py`, 20 files a package.
Modules import each other with relative imports (`from .mod_3 import Encoder`,
`from ..pkg2 import layers_common`) and absolute ones (`from proj.pkg1.mod_3 import build_block`).
About 1 in 10 modules builds Keras models (`from tensorflow import keras` and other spellings,
`Masking`, `Embedding(..., mask_zero=True)`, `Conv1D`, `LSTM`, subclassed layers whose base class
lives in another module (`class TaggedEncoder(Encoder)`), a subclassed model, `layers = [];
layers.extend([...]); keras.Sequential(layers)`), so every such module has findings; 1 in 40 is an AWS Lambda handler
whose bytes pass the cheap text test though it holds no mask producer; the rest is ordinary Python
(dataclasses, functions, constants).

For each size: `check --quiet` (every core, then `--jobs 1`) beside `ruff check --isolated
--no-cache --select F401` (which parses every file and resolves its imports), medians of
interleaved runs and ratios to ruff, then peak memory (benchmarks/_peak.py: the largest single
process's resident set) of each command; with several sizes, how our peak grows from the first
size to the last (goal: flat). _peak.py only sees processes that were waited for: with workers
that is our main process, which keeps the reports of the whole run, but not the workers (the
forkserver's children); with --jobs 1 all the work is in the one process it measures. Each command
is timed 5 times, once when a single check takes over 10 s (so a default run stays short).

    python benchmarks/bench_project.py [--modules N | --sizes 1000,10000] [--repeats N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _timing import Command, measure, peak_mib, table

DEFAULT_REPEATS = 5
SLOW_SECONDS = 10.0
FILES_PER_PACKAGE = 20  # __init__.py, layers_common.py and mod_1 ... mod_18
ENCODERS, MODELS = 3, 13  # the two Keras modules of a package: 2 in 20 files
LAMBDA_HANDLER = 7  # mod_7 of every other package: an AWS Lambda handler (1 in 40 files)

# How a Keras module spells its imports: (import lines, prefix of a layer, prefix of Input/Model).
# A list of layers is called `layers` where that does not shadow the imported module.
KERAS_STYLES = (
    ("from tensorflow import keras", "keras.layers.", "keras."),
    ("from tensorflow import keras\nfrom tensorflow.keras import layers", "layers.", "keras."),
    ("import keras\nfrom keras import layers", "layers.", "keras."),
)

ORDINARY_HEAD = '''"""Package {k}, module {j}: {topic}."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from proj.pkg{abs_k}.mod_{abs_j} import build_block as remote_block

from .mod_1 import summarize
from .mod_{rel_j} import Config{rel_j}

RATE = {rate}
LIMIT = {limit}
NAMES = ({names})


@dataclass
class Config{j}:
    """Settings of the {topic} step."""

    name: str = "{topic}"
    size: int = {size}
    rate: float = RATE
    tags: list[str] = field(default_factory=list)
    parent: Config{rel_j} | None = None

    def scaled(self, factor: float) -> int:
        return max(1, int(self.size * factor))


def build_block(config: Config{j} | None = None) -> dict[str, object]:
    config = config or Config{j}()
    return {{"name": config.name, "size": config.scaled(RATE), "remote": remote_block}}
'''

ORDINARY_FUNCTION = '''

def {name}(values: list[float], limit: float = LIMIT) -> float:
    """Sum of the square roots of the values above the rate, capped at `limit`."""
    total = 0.0
    for index, value in enumerate(values):
        if value > RATE and index % {step} != 0:
            total += math.sqrt(value)
        elif value < 0:
            raise ValueError(f"negative value at {{index}}: {{value}}")
    return min(total, limit) + summarize([total])
'''

SUMMARIZE = """

def summarize(values: list[float]) -> float:
    return sum(values) / max(len(values), 1)
"""

LAMBDA_HANDLER_MODULE = '''"""Package {k}: the AWS Lambda entry point that serves the package's predictions."""

from __future__ import annotations

import json
from dataclasses import dataclass

from .mod_1 import summarize
from .mod_{rel_j} import Config{rel_j}


@dataclass
class LambdaEvent:
    body: str
    path: str = "/predict"


def handler(event: dict, context: object) -> dict:
    """Called by AWS Lambda with the request."""
    request = LambdaEvent(event.get("body", "{{}}"), event.get("path", "/predict"))
    values = json.loads(request.body).get("values", [])
    return {{"statusCode": 200, "body": json.dumps({{"mean": summarize(values)}})}}


def build_block(config: Config{rel_j} | None = None) -> dict[str, object]:
    return {{"handler": handler, "config": config}}


def summarize_all(batches: list[list[float]]) -> list[float]:
    return [summarize(batch) for batch in batches]
'''

LAYERS_COMMON = '''"""Layers the models of package {k} share."""

from tensorflow import keras


def conv_block(x, filters, width=3):
    x = keras.layers.Conv1D(filters, width, padding="same", activation="relu")(x)
    return keras.layers.BatchNormalization()(x)


def dense_head(x, units, activation=None):
    return keras.layers.Dense(units, activation=activation)(x)
'''

ENCODER_MODULE = '''"""Package {k}: sequence encoders."""

from __future__ import annotations

{imports}

from proj.pkg{abs_k}.mod_{abs_j} import build_block as remote_block

from ..pkg{common_k} import layers_common
from .mod_{rel_j} import Config{rel_j}

STEPS = {steps}
FEATURES = {features}
VOCABULARY = {vocabulary}


class Encoder({L}Layer):
    """Convolution, then a recurrent layer, as one layer."""

    def __init__(self, units={units}, **kwargs):
        super().__init__(**kwargs)
        self.conv = {L}Conv1D(units, 3, padding="same", activation="relu")
        self.rnn = {L}LSTM(units, return_sequences=True)

    def call(self, inputs, mask=None):
        return self.rnn(self.conv(inputs), mask=mask)


def build_block(units={units}):
    """A sensor model: padded rows of {mask_value} are masked."""
    inputs = {K}Input((STEPS, FEATURES))
    x = {L}Masking(mask_value={mask_value})(inputs)
    x = {L}Conv1D(units, 5, padding="same", activation="relu")(x)
    x = {L}LSTM(units)(x)
    return {K}Model(inputs, layers_common.dense_head(x, 1))


def build_sequential(config: Config{rel_j} | None = None):
    """A text classifier assembled as a list first."""
    {seq} = []
    {seq}.append({K}Input((STEPS,), dtype="int32"))
    {seq}.append({L}Embedding(VOCABULARY, {width}, mask_zero=True))
    {seq}.extend([{L}Conv1D({width}, 3, padding="same"), {L}LSTM({half})])
    {seq} += [{L}Dense(1, activation="sigmoid")]
    return {K}Sequential({seq})


def pipeline(batch_size=32):
    return {{"model": build_block(), "text": build_sequential(), "remote": remote_block}}
'''

MODELS_MODULE = '''"""Package {k}: the models that are trained."""

from __future__ import annotations

{imports}

from proj.pkg{abs_k}.mod_{encoders} import build_block as build_sensor_model

from ..pkg{common_k} import layers_common
from .mod_{encoders} import Encoder

TAGS = {tags}


class TaggedEncoder(Encoder):
    """The package's encoder with a name scope; its base class lives in mod_{encoders}."""

    def call(self, inputs, mask=None):
        return super().call(inputs, mask=mask)


class Tagger({K}Model):
    def __init__(self, vocabulary={vocabulary}, tags=TAGS):
        super().__init__()
        self.embed = {L}Embedding(vocabulary, {width}, mask_zero=True)
        self.encoder = TaggedEncoder({width})
        self.pool = {L}GlobalMaxPooling1D()
        self.out = {L}Dense(tags)

    def call(self, tokens):
        x = self.embed(tokens)
        x = self.encoder(x)
        return self.out(self.pool(x))


def build_block(vocabulary={vocabulary}):
    tokens = {K}Input((None,), dtype="int32")
    x = {L}Embedding(vocabulary, {width}, mask_zero=True)(tokens)
    x = layers_common.conv_block(x, {width})
    x = {L}LSTM({half})(x)
    return {K}Model(tokens, {L}Dense(1)(x))


def build_stack(widths=({width}, {half})):
    blocks = [{L}Masking(mask_value={mask_value})]
    for width in widths:
        blocks.append({L}Conv1D(width, 3, padding="same"))
    blocks.extend([{L}Bidirectional({L}LSTM({half})), {L}Dense(TAGS)])
    return {K}Sequential(blocks)


def all_models():
    return [Tagger(), build_block(), build_stack(), build_sensor_model()]
'''

TOPICS = ("loading", "cleaning", "batching", "metrics", "reports", "paths", "caching", "retries")


def package_init(k: int) -> str:
    return (
        f'"""Package {k}."""\n\nfrom .mod_1 import Config1, build_block\n\n'
        '__all__ = ["Config1", "build_block"]\n'
    )


def previous_ordinary(j: int) -> int:
    """The module number of an ordinary module of the package before mod_j (mod_2 for mod_1)."""
    for before in range(j - 1, 0, -1):
        if before not in (ENCODERS, MODELS, LAMBDA_HANDLER):
            return before
    return 2


def ordinary_module(k: int, j: int, packages: int, rng: random.Random) -> str:
    topic = rng.choice(TOPICS)
    names = ", ".join(f'"{topic}_{n}"' for n in range(rng.randint(2, 6)))
    text = ORDINARY_HEAD.format(
        k=k, j=j, topic=topic, abs_k=rng.randrange(packages), abs_j=rng.randint(1, 18),
        rel_j=previous_ordinary(j), rate=round(rng.uniform(0.1, 0.9), 2),
        limit=rng.randint(10, 1000), names=names, size=rng.choice((8, 16, 32, 64)),
    )  # fmt: skip
    if j == 1:  # mod_1 defines what the others import from it
        text = text.replace("from .mod_1 import summarize\n", "") + SUMMARIZE
    for n in range(rng.randint(3, 12)):
        text += ORDINARY_FUNCTION.format(name=f"{topic}_step_{n}", step=rng.randint(2, 7))
    return text


def keras_module(template: str, k: int, packages: int, rng: random.Random) -> str:
    imports, layer, model = KERAS_STYLES[k % len(KERAS_STYLES)]
    width = rng.choice((32, 64, 128))
    return template.format(
        k=k, imports=imports, L=layer, K=model, abs_k=rng.randrange(packages),
        abs_j=rng.randint(1, 18), common_k=rng.randrange(packages), rel_j=ENCODERS - 1,
        encoders=ENCODERS, steps=rng.choice((50, 100, 200)), features=rng.randint(3, 12),
        vocabulary=rng.choice((5000, 8000, 20000)), units=rng.choice((16, 32, 64)), width=width,
        half=width // 2, mask_value=rng.choice((0.0, -1.0)), tags=rng.randint(5, 40),
        seq="layers" if layer == "keras.layers." else "stack",
    )  # fmt: skip


def generate(folder: Path, modules: int, seed: int = 14) -> Path:
    """A project of `modules` .py files under folder/proj; returns folder/proj."""
    root = folder / "proj"
    root.mkdir(parents=True)
    (root / "__init__.py").write_text('"""A generated project."""\n')
    packages = max(1, -(-(modules - 1) // FILES_PER_PACKAGE))
    written = 1
    for k in range(packages):
        package = root / f"pkg{k}"
        package.mkdir()
        for slot in range(FILES_PER_PACKAGE):
            if written == modules:
                return root
            rng = random.Random(seed * 1_000_003 + k * FILES_PER_PACKAGE + slot)
            if slot == 0:
                name, text = "__init__.py", package_init(k)
            elif slot == 1:
                name, text = "layers_common.py", LAYERS_COMMON.format(k=k)
            else:
                j = slot - 1
                name = f"mod_{j}.py"
                if j == ENCODERS:
                    text = keras_module(ENCODER_MODULE, k, packages, rng)
                elif j == MODELS:
                    text = keras_module(MODELS_MODULE, k, packages, rng)
                elif j == LAMBDA_HANDLER and k % 2 == 0:
                    text = LAMBDA_HANDLER_MODULE.format(k=k, rel_j=previous_ordinary(j))
                else:
                    text = ordinary_module(k, j, packages, rng)
            (package / name).write_text(text)
            written += 1
    return root


PEAK_NOTE = (
    "peak: the largest single process _peak.py waited for; with workers that is our main "
    "process, not the workers (--jobs 1 holds everything in one process)"
)


def ours(tree: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "codemod", "check", "--quiet", *options, str(tree)]


def summary_line(tree: Path) -> str:
    """check's own summary (without --quiet), to show the models were analysed."""
    argv = [sys.executable, "-m", "codemod", "check", str(tree)]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    lines = (result.stdout + result.stderr).strip().splitlines()
    return lines[-1] if lines else f"(no output, exit status {result.returncode})"


def run_size(
    modules: int, repeats: int | None, ruff: str | None, keep: Path | None
) -> dict[str, float]:
    """Times and peaks at one size; returns each command's peak in MiB."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = keep / str(modules) if keep else Path(scratch)
        if keep and folder.exists():
            shutil.rmtree(folder)
        tree = generate(folder, modules)
        files = sum(1 for _ in tree.rglob("*.py"))
        commands = [
            Command("keras-mask-codemod check", ours(tree)),
            Command("keras-mask-codemod check --jobs 1", ours(tree, "--jobs", "1")),
        ]
        if ruff:
            argv = [ruff, "check", "--isolated", "--no-cache", "--select", "F401", "--exit-zero"]
            commands.append(Command("ruff check --select F401", [*argv, "-q", str(tree)]))
        packages = sum(1 for path in tree.iterdir() if path.is_dir())
        print(f"\n{files:,} modules in {packages} packages ({tree})")
        start = time.perf_counter()
        print(f"  our check says: {summary_line(tree)}")
        seconds = time.perf_counter() - start
        if repeats is None:  # a default run stays short even when check is slow
            repeats = DEFAULT_REPEATS if seconds < SLOW_SECONDS else 1
            if repeats == 1:
                print(f"  (that check took {seconds:.1f} s: one timed run of each command)")
        medians = measure(commands, repeats)
        print(f"median of {repeats} interleaved runs")
        print(table(medians, commands[-1].label))
        peaks = {command.label: peak_mib(command) for command in commands}
        for command in commands:
            seconds = medians[command.label]
            print(
                f"  {command.label}: {files / seconds:,.0f} files/s, "
                f"peak {peaks[command.label]:.0f} MiB"
            )
        return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=1000, help="size of the project")
    parser.add_argument("--sizes", help="several sizes, e.g. 1000,10000 (overrides --modules)")
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"timed runs of each command (default {DEFAULT_REPEATS}, or 1 when one check takes "
        f"more than {SLOW_SECONDS:.0f} s)",
    )
    parser.add_argument("--keep", type=Path, help="write the projects here and leave them")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")] if args.sizes else [args.modules]
    ruff = shutil.which(
        "ruff", path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    )
    if not ruff:
        print("ruff is not installed: our commands are timed alone")
    peaks = [run_size(size, args.repeats, ruff, args.keep) for size in sizes]
    print(PEAK_NOTE)
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        print(f"\npeak memory from {first:,} to {last:,} modules ({last / first:.0f}x the files):")
        for label in peaks[0]:
            if label.startswith("keras-mask-codemod"):
                steps = " -> ".join(f"{size[label]:.0f} MiB" for size in peaks)
                print(f"  {label}: {steps} ({peaks[-1][label] / peaks[0][label]:.2f}x)")


if __name__ == "__main__":
    main()
