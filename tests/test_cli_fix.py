"""`keras-mask-codemod fix` through the real CLI: writes, lines printed, exit status, dry-run
diffs that `git apply` accepts, stdin, --helpers-module, and errors that do not stop the run."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from codemod.cli import app
from codemod.engine.helpers_module import helpers_module_text
from codemod.rewrite import strategies

LSTM_MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(), layers.Conv1D(4, 3), layers.LSTM(2)])\n"
)
SCALED_MODEL = (
    "from keras import Sequential, layers\n\n"
    "model = Sequential([layers.Masking(-1.0), layers.Conv1D(4, 3), layers.Dense(2)])\n"
)
CLEAN = "import keras\n\nmodel = keras.Sequential([keras.layers.Dense(1)])\n"


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, list(args), input=stdin)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "lstm.py").write_text(LSTM_MODEL)
    (tmp_path / "pkg" / "scaled.py").write_text(SCALED_MODEL)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_fix_rewrites_prints_a_line_per_rewrite_and_a_rerun_does_nothing(tree: Path) -> None:
    result = invoke("fix", "pkg")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "pkg/lstm.py:3: mask-aware: Conv1D -> MaskedConv1D (the LSTM at line 3 needs the mask)\n"
        "pkg/scaled.py:3: lambda: Masking -> Lambda(apply_mask) (exact values: keeps what "
        "Masking(-1.0) computed, no layer used its mask)\n"
    )
    # Two files of one folder need helpers: they import them from a module beside them.
    assert result.stderr == (
        "Rewrote 2 findings in 2 files (mask-aware 1, lambda 1) and created "
        "pkg/keras_mask_helpers.py; 1 unchanged; 3 files checked, 2 with findings.\n"
    )
    lstm = (tree / "pkg" / "lstm.py").read_text()
    assert "MaskedConv1D(4, 3)" in lstm and "from keras_mask_helpers import MaskedConv1D" in lstm
    assert (tree / "pkg" / "keras_mask_helpers.py").read_text() == helpers_module_text()
    assert (tree / "pkg" / "clean.py").read_text() == CLEAN

    again = invoke("fix", "pkg")
    assert again.exit_code == 0 and again.stdout == ""
    assert (
        again.stderr
        == "Rewrote 0 findings in 0 files; 4 unchanged; 4 files checked, 0 with findings.\n"
    )
    assert invoke("check", "pkg").exit_code == 0


def test_a_strategy_that_does_not_apply_leaves_the_file_and_exits_1(tree: Path) -> None:
    result = invoke("fix", "pkg/scaled.py", "--strategy", "remove")
    assert result.exit_code == 1
    assert result.stdout == (
        "pkg/scaled.py:3: remove not applicable: mask_value is -1.0, so Masking changes values "
        "(rows become 0)\n"
    )
    assert (tree / "pkg" / "scaled.py").read_text() == SCALED_MODEL


def test_dry_run_writes_nothing_and_its_diff_applies_to_give_what_fix_gives(tree: Path) -> None:
    before = {p: p.read_bytes() for p in (tree / "pkg").iterdir()}
    dry = invoke("fix", "--dry-run", "pkg")
    assert dry.exit_code == 1
    assert {p: p.read_bytes() for p in (tree / "pkg").iterdir()} == before
    assert dry.stdout.startswith(
        "diff --git a/pkg/keras_mask_helpers.py b/pkg/keras_mask_helpers.py\nnew file mode"
    )
    assert "diff --git a/pkg/lstm.py b/pkg/lstm.py\n" in dry.stdout
    assert "pkg/lstm.py:3: mask-aware: Conv1D -> MaskedConv1D" in dry.stderr

    applied = tree.parent / "applied"
    shutil.copytree(tree, applied)
    subprocess.run(["git", "init", "-q", str(applied)], check=True)
    subprocess.run(["git", "apply", "-"], input=dry.stdout.encode(), cwd=applied, check=True)
    assert invoke("fix", "pkg").exit_code == 0
    for path in (tree / "pkg").iterdir():
        assert (applied / "pkg" / path.name).read_bytes() == path.read_bytes()

    nothing = invoke("fix", "--diff", "pkg")
    assert nothing.exit_code == 0 and nothing.stdout == ""


def test_stdin_gives_the_fixed_source_on_stdout_and_messages_on_stderr() -> None:
    result = invoke("fix", "-", "--stdin-filename", "models/m.py", stdin=LSTM_MODEL)
    assert result.exit_code == 0
    assert "MaskedConv1D(4, 3)" in result.stdout and "class MaskedConv1D" in result.stdout
    assert result.stderr.startswith("models/m.py:3: mask-aware: Conv1D -> MaskedConv1D")
    untouched = invoke("fix", "-", stdin=CLEAN)
    assert untouched.exit_code == 0 and untouched.stdout == CLEAN


def test_helpers_module_is_written_once_and_imported(tree: Path) -> None:
    result = invoke("fix", "pkg", "--helpers-module", "pkg.mask_layers")
    assert result.exit_code == 0, result.output
    module = tree / "pkg" / "mask_layers.py"
    assert module.read_text() == helpers_module_text()
    lstm = (tree / "pkg" / "lstm.py").read_text()
    assert "from pkg.mask_layers import MaskedConv1D\n" in lstm and "class " not in lstm
    assert invoke("check", "pkg").exit_code == 0

    (tree / "pkg" / "more.py").write_text(LSTM_MODEL)
    assert invoke("fix", "pkg", "--helpers-module", "pkg.mask_layers").exit_code == 0
    assert module.read_text() == helpers_module_text()


def test_helpers_module_with_other_content_is_never_overwritten(tree: Path) -> None:
    (tree / "pkg" / "layers_of_mine.py").write_text("X = 1\n")
    result = invoke("fix", "pkg", "--helpers-module", "pkg.layers_of_mine")
    assert result.exit_code == 2
    assert (
        "pkg/layers_of_mine.py: error: exists with other content; not overwritten" in result.stderr
    )
    assert (tree / "pkg" / "layers_of_mine.py").read_text() == "X = 1\n"
    assert (tree / "pkg" / "lstm.py").read_text() == LSTM_MODEL


def test_a_bad_file_is_one_line_and_the_others_are_still_fixed(tree: Path) -> None:
    (tree / "pkg" / "broken.py").write_text("from keras import layers\nlayers.Masking(\n")
    result = invoke("fix", "pkg")
    assert result.exit_code == 2
    assert "pkg/broken.py: error: cannot parse: " in result.stderr
    assert "Traceback" not in result.output
    assert "MaskedConv1D" in (tree / "pkg" / "lstm.py").read_text()


def test_bad_options_are_one_line_usage_errors() -> None:
    result = invoke("fix", "--strategy", "magic", ".")
    assert result.exit_code == 2
    assert result.stderr == (
        "keras-mask-codemod: error: --strategy must be one of auto, mask-aware, lambda, remove, "
        "not 'magic'\n"
    )
    bad_module = invoke("fix", "--helpers-module", "my-helpers", ".")
    assert bad_module.exit_code == 2 and "--helpers-module" in bad_module.stderr


def test_strategy_choices_and_help_come_from_the_registry() -> None:
    class Nothing(strategies.Strategy):
        name = "nothing"
        summary = "Changes nothing."
        guarantee = "Nothing."
        listed = 1000

    def words(text: str) -> str:
        return " ".join(text.split())

    assert "auto (default: per finding), mask-aware, lambda or remove." in words(
        invoke("fix", "--help").stdout
    )
    with strategies.registering(Nothing):
        assert "mask-aware, lambda, remove or nothing." in words(invoke("fix", "--help").stdout)
        result = invoke("fix", "--strategy", "magic", ".")
        assert "one of auto, mask-aware, lambda, remove, nothing, not 'magic'" in result.stderr
    assert "or nothing." not in words(invoke("fix", "--help").stdout)


def test_python_dash_m_runs_fix(tree: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codemod", "fix", "pkg/lstm.py", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("pkg/lstm.py:3: mask-aware: Conv1D -> MaskedConv1D")


def test_interactive_writes_only_what_was_accepted(tree: Path) -> None:
    (tree / "pkg" / "third.py").write_text(LSTM_MODEL)
    result = invoke("fix", "--interactive", "pkg", stdin="n\ny\nq\n")
    assert result.exit_code == 1, result.output  # declined files keep their findings
    assert result.stdout.count("Apply these changes to ") == 3
    assert "diff --git a/pkg/lstm.py b/pkg/lstm.py" in result.stdout
    assert (tree / "pkg" / "lstm.py").read_text() == LSTM_MODEL  # n
    assert "Lambda(" in (tree / "pkg" / "scaled.py").read_text()  # y
    assert (tree / "pkg" / "third.py").read_text() == LSTM_MODEL  # q
    assert "pkg/lstm.py: skipped: not applied\n" in result.stdout
    # The diffs shown import the helpers from one module, written when a file using it is.
    assert result.stderr == (
        "Rewrote 1 finding in 1 file (lambda 1) and created pkg/keras_mask_helpers.py; "
        "3 unchanged; 4 files checked, 3 with findings.\n"
    )


def test_interactive_says_each_rewrite_before_asking(tree: Path) -> None:
    result = invoke("fix", "-i", "pkg", stdin="n\nq\n")
    rewrite = (
        "pkg/lstm.py:3: mask-aware: Conv1D -> MaskedConv1D (the LSTM at line 3 needs the mask)"
    )
    question = "Apply these changes to pkg/lstm.py?"
    assert result.stdout.index(rewrite) < result.stdout.index(question)


def test_interactive_at_the_end_of_input_changes_nothing_and_says_so(tree: Path) -> None:
    result = invoke("fix", "-i", "pkg", stdin="")
    assert result.exit_code == 1, result.output
    assert result.stdout.count("Apply these changes to ") == 1  # asked once, not once per file
    assert "end of input: the files not answered for are left unchanged" in result.stderr
    assert (tree / "pkg" / "lstm.py").read_text() == LSTM_MODEL
    assert not (tree / "pkg" / "keras_mask_helpers.py").exists()


def test_a_tall_diff_goes_through_the_pager(
    tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codemod.engine.fix import FixReport
    from codemod.output.prompt import Prompt

    paged = tmp_path / "paged.txt"
    pager = [
        sys.executable,
        "-c",
        f"import sys; open({str(paged)!r}, 'wb').write(sys.stdin.buffer.read())",
    ]
    report = FixReport("pkg/lstm.py", old=b"x = 1\n" * 30, new=b"x = 2\n" * 30)
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    assert Prompt(colour=False, pager=pager, height=20)(report) is False
    assert b"diff --git a/pkg/lstm.py b/pkg/lstm.py" in paged.read_bytes()
    paged.unlink()
    monkeypatch.setattr(sys, "stdin", io.StringIO("n\n"))
    Prompt(colour=False, pager=pager, height=200)(report)  # short enough: printed, not paged
    assert not paged.exists()


def test_interactive_all_accepts_the_rest(tree: Path) -> None:
    result = invoke("fix", "-i", "pkg", stdin="a\n")
    assert result.stdout.count("Apply these changes to ") == 1
    assert "MaskedConv1D" in (tree / "pkg" / "lstm.py").read_text()
    assert "Lambda(" in (tree / "pkg" / "scaled.py").read_text()


def test_colour_only_when_asked_and_never_with_no_color(
    tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tree / "pkg" / "markup.py").write_text("# [red]not markup[/red]\n" + LSTM_MODEL)
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = invoke("fix", "--dry-run", "pkg/markup.py").stdout
    assert "\x1b[" in coloured
    assert "[red]not markup[/red]" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    plain = invoke("fix", "--dry-run", "pkg/markup.py").stdout
    assert "\x1b[" not in plain and plain.startswith("diff --git a/pkg/markup.py b/pkg/markup.py\n")


def test_verbose_says_what_happened_to_every_file(tree: Path) -> None:
    result = invoke("fix", "--verbose", "--dry-run", "pkg")
    assert "pkg/clean.py: unchanged\n" in result.stderr
    assert "pkg/lstm.py: would be rewritten\n" in result.stderr
    checked = invoke("check", "-v", "pkg")
    assert "pkg/clean.py: not parsed (no mask producer in the text)\n" in checked.stderr
    assert "pkg/lstm.py: 1 finding\n" in checked.stderr


def test_report_file_lists_every_file_finding_and_rewrite(tree: Path) -> None:
    (tree / "pkg" / "broken.py").write_text("from keras import layers\nlayers.Masking(\n")
    result = invoke("fix", "pkg", "--report", "migration.json")
    assert result.exit_code == 2
    document = json.loads((tree / "migration.json").read_text())
    keys = {"version", "target", "strategy", "dry_run", "files", "errors", "summary"}
    assert set(document) == keys
    assert document["target"]["keras"] == "3.15" and document["target"]["catalogue"] == "3"
    assert document["strategy"] == "auto" and document["dry_run"] is False
    by_path = {entry["path"]: entry for entry in document["files"]}
    assert set(by_path) == {
        "pkg/broken.py",
        "pkg/clean.py",
        "pkg/keras_mask_helpers.py",
        "pkg/lstm.py",
        "pkg/scaled.py",
    }
    assert by_path["pkg/keras_mask_helpers.py"] == {
        "path": "pkg/keras_mask_helpers.py",
        "status": "created",
        "findings": [],
        "rewrites": [],
        "changed_for": [],
        "error": None,
    }
    assert by_path["pkg/clean.py"] == {
        "path": "pkg/clean.py",
        "status": "unchanged",
        "findings": [],
        "rewrites": [],
        "changed_for": [],
        "error": None,
    }
    assert by_path["pkg/broken.py"]["status"] == "error"
    assert by_path["pkg/broken.py"]["error"].startswith("cannot parse: ")
    lstm = by_path["pkg/lstm.py"]
    assert lstm["status"] == "changed" and lstm["findings"][0]["code"] == "KMC101"
    assert lstm["rewrites"] == [
        {
            "line": 3,
            "cell": None,
            "code": "KMC101",
            "strategy": "mask-aware",
            "rewrite": "Conv1D -> MaskedConv1D",
            "reason": "the LSTM at line 3 needs the mask",
            "applied": True,
            "also_changes": [],
        }
    ]
    assert document["summary"] == {
        "files": 5,
        "changed": 2,
        "unchanged": 1,
        "skipped": 0,
        "created": 1,
        "errors": 1,
        "findings": 2,
        "by_strategy": {"lambda": 1, "mask-aware": 1},
    }


def test_dry_run_names_files_outside_the_current_folder_from_the_root(
    tree: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    target = tree / "pkg" / "lstm.py"
    result = invoke("fix", "--dry-run", str(target))
    assert result.exit_code == 1
    name = str(target).lstrip("/")
    assert result.stdout.startswith(f"diff --git a/{name} b/{name}\n")
    subprocess.run(
        ["git", "apply", "--check", "-"], input=result.stdout.encode(), cwd="/", check=True
    )


def test_a_markdown_report_describes_the_pull_request(tree: Path) -> None:
    """--report FILE.md: what changed (each rewrite, its strategy and why), what the strategies
    used guarantee, what is left for review and could not be fixed, how to verify; counts as in
    the JSON report of the same run."""
    (tree / "pkg" / "broken.py").write_text("from keras import layers\nlayers.Masking(\n")
    (tree / "pkg" / "review.py").write_text(
        "from keras import Sequential, layers\nfrom .blocks import stack\n\n"
        "model = Sequential([layers.Masking(), stack()])\n"
    )
    result = invoke("fix", "pkg", "--report", "migration.md", "--format", "json")
    document = json.loads(result.stdout)
    markdown = (tree / "migration.md").read_text()
    rewrites = document["summary"]["rewrites"]
    assert markdown.startswith(f"## Keras masks: {rewrites} destroyed masks rewritten in 2 files\n")
    assert "| `pkg/lstm.py` | 3 | Conv1D -> MaskedConv1D | mask-aware |" in markdown
    assert "| `pkg/scaled.py` | 3 |" in markdown
    for used in {change["strategy"] for change in document["changes"] if change["applied"]}:
        guarantee = strategies.get(used).guarantee
        assert f"- **{used}**: {guarantee}" in markdown
    left = markdown.split("### Left for review (2)\n", 1)[1].split("###", 1)[0]
    assert "- `pkg/review.py`, line 4: KMC900 " in left
    assert "- `pkg/broken.py`: could not be fixed: cannot parse" in left
    assert "### How to verify" in markdown
    assert "Created `pkg/keras_mask_helpers.py`" in markdown


def test_interactive_without_a_terminal_never_waits(tree: Path) -> None:
    """A script that passes -i by mistake, stdin closed: no hang, nothing written, exit 1."""
    result = subprocess.run(
        [sys.executable, "-m", "codemod", "fix", "-i", "pkg"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "end of input" in result.stderr
    assert (tree / "pkg" / "lstm.py").read_text() == LSTM_MODEL
