"""`keras-mask-codemod server`, end to end: a real LSP client (pytest-lsp) starts the server over
stdio, opens and edits documents, and reads what comes back: diagnostics, code actions whose edits
are what `fix` writes, hover, notebooks, a half-typed buffer, and shutdown."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as lsp
from pytest_lsp import ClientServerConfig, LanguageClient
from typer.testing import CliRunner

from codemod.cli import app
from codemod.config import Options
from codemod.engine.fix import fix_stdin
from codemod.server import _notebook_json

MODEL = """\
from tensorflow import keras
from tensorflow.keras import layers

model = keras.Sequential([
    keras.Input((20, 4)),
    layers.Masking(mask_value=0.0),
    layers.Conv1D(16, 3, padding="same"),
    layers.LSTM(8),
])
"""
CONV_LINE = 6  # 0-based: the Conv1D


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "codemod", "server"])
)
async def client(lsp_client: LanguageClient, tmp_path: Path):
    await lsp_client.initialize_session(
        lsp.InitializeParams(
            capabilities=lsp.ClientCapabilities(),
            root_uri=tmp_path.as_uri(),
            workspace_folders=[lsp.WorkspaceFolder(tmp_path.as_uri(), "project")],
        )
    )
    yield
    await lsp_client.shutdown_session()


async def until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait for what the server sends to make `condition` true (notifications may come before
    a wait for them starts, so the client's record is polled)."""
    for _ in range(int(seconds / 0.01)):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the server did not send what was expected")


async def open_file(client: LanguageClient, path: Path, text: str) -> str:
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text))
    )
    await until(lambda: uri in client.diagnostics)
    return uri


async def change(client: LanguageClient, uri: str, version: int, text: str, found: int) -> None:
    """Replace the buffer's text, and wait for its diagnostics to be `found` many."""
    client.diagnostics.pop(uri, None)
    client.text_document_did_change(
        lsp.DidChangeTextDocumentParams(
            lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
            [lsp.TextDocumentContentChangeWholeDocument(text)],
        )
    )
    await until(lambda: uri in client.diagnostics)
    assert len(client.diagnostics[uri]) == found


async def code_actions(
    client: LanguageClient,
    uri: str,
    at: lsp.Range,
    diagnostics: list[lsp.Diagnostic],
    only: list[str] | None = None,
) -> list[lsp.CodeAction]:
    return await client.text_document_code_action_async(
        lsp.CodeActionParams(
            lsp.TextDocumentIdentifier(uri),
            at,
            lsp.CodeActionContext(diagnostics=diagnostics, only=only),
        )
    )


def replaced(text: str, edit: lsp.WorkspaceEdit, uri: str) -> str:
    (change,) = edit.changes[uri]
    lines = text.split("\n")
    assert change.range.start == lsp.Position(0, 0)
    assert change.range.end == lsp.Position(len(lines) - 1, len(lines[-1]))
    return change.new_text


def fix_cli(path: Path, text: str, strategy: str) -> str:
    result = CliRunner().invoke(
        app,
        ["fix", "-", "--stdin-filename", str(path), "--strategy", strategy],
        input=text,
    )
    return result.stdout


@pytest.mark.asyncio
async def test_diagnostics_appear_with_code_range_link_and_related_places(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = await open_file(client, tmp_path / "model.py", MODEL)
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.code == "KMC101" and diagnostic.source == "keras-mask-codemod"
    assert diagnostic.message.startswith("Conv1D does not support masking")
    assert diagnostic.range.start == lsp.Position(CONV_LINE, 4)
    assert diagnostic.code_description.href.endswith("KMC101.txt")
    assert "KMC101" in Path(diagnostic.code_description.href.removeprefix("file://")).read_text()
    related = {(r.location.range.start.line, r.message) for r in diagnostic.related_information}
    assert (5, "Masking: the mask comes from here") in related
    assert (7, "LSTM: this layer needs the mask") in related


@pytest.mark.asyncio
async def test_each_quick_fix_is_what_fix_writes_and_leaves_the_buffer_clean(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "model.py"
    uri = await open_file(client, path, MODEL)
    (diagnostic,) = client.diagnostics[uri]
    actions = await code_actions(client, uri, diagnostic.range, [diagnostic])
    titles = [action.title for action in actions]
    assert [title.split(":")[0] for title in titles] == [
        "Fix with mask-aware",
        "Fix with lambda",
        "Fix with remove",
    ]
    assert "outputs at valid steps do not depend on padding" in titles[0]
    for number, action in enumerate(actions, 2):
        strategy = action.title.split(":")[0].removeprefix("Fix with ")
        new_text = replaced(MODEL, action.edit, uri)
        assert new_text == fix_cli(path, MODEL, strategy)
        await change(client, uri, number, new_text, found=0)  # clean after the fix
        await change(client, uri, number + 10, MODEL, found=1)


@pytest.mark.asyncio
async def test_fix_all_is_fix_with_auto_and_hover_explains_the_rule(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "model.py"
    uri = await open_file(client, path, MODEL)
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(9, 0))
    (action,) = await code_actions(client, uri, whole, [], only=["source.fixAll"])
    assert action.kind == "source.fixAll.keras-mask-codemod"
    assert replaced(MODEL, action.edit, uri) == fix_cli(path, MODEL, "auto")
    hover = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(CONV_LINE, 12))
    )
    assert hover is not None and hover.contents.value.startswith("**KMC101**")
    nothing = await client.text_document_hover_async(
        lsp.HoverParams(lsp.TextDocumentIdentifier(uri), lsp.Position(0, 0))
    )
    assert nothing is None


@pytest.mark.asyncio
async def test_a_half_typed_buffer_clears_the_diagnostics_and_logs_a_line(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri = await open_file(client, tmp_path / "model.py", MODEL)
    assert len(client.diagnostics[uri]) == 1
    await change(client, uri, 2, MODEL + "x = layers.Conv1D(\n", found=0)
    assert any("cannot parse" in message.message for message in client.log_messages)
    await change(client, uri, 3, MODEL, found=1)  # typed on: the server is still there


@pytest.mark.asyncio
async def test_a_notebook_gets_its_findings_on_the_cell_that_holds_them(
    client: LanguageClient, tmp_path: Path
) -> None:
    notebook = (tmp_path / "sensors.ipynb").as_uri()
    texts = [
        "from tensorflow import keras\nfrom tensorflow.keras import layers",
        "# Sensors",
        "inputs = keras.Input((20, 4))\nx = layers.Masking()(inputs)",
        "x = layers.Conv1D(8, 3)(x)\nx = layers.LSTM(4)(x)",
    ]
    kinds = [
        lsp.NotebookCellKind.Code,
        lsp.NotebookCellKind.Markup,
        lsp.NotebookCellKind.Code,
        lsp.NotebookCellKind.Code,
    ]
    cells = [f"{notebook}#cell{number}" for number in range(len(texts))]
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            lsp.NotebookDocument(
                notebook,
                "jupyter-notebook",
                1,
                [lsp.NotebookCell(kind, cell) for kind, cell in zip(kinds, cells)],
            ),
            [
                lsp.TextDocumentItem(cell, "python" if kind == 2 else "markdown", 1, text)
                for cell, kind, text in zip(cells, kinds, texts)
            ],
        )
    )
    await until(lambda: all(cell in client.diagnostics for cell in cells))
    assert [len(client.diagnostics.get(cell, [])) for cell in cells] == [0, 0, 0, 1]
    (diagnostic,) = client.diagnostics[cells[3]]
    assert diagnostic.code == "KMC101" and diagnostic.range.start == lsp.Position(0, 4)
    related = {
        (r.location.uri, r.location.range.start.line) for r in diagnostic.related_information
    }
    assert (cells[2], 1) in related  # the Masking, in the cell before


@pytest.mark.asyncio
async def test_the_projects_settings_and_modules_count(
    client: LanguageClient, tmp_path: Path
) -> None:
    """As check: pyproject's ignore leaves KMC101 out, and a base class in another module of the
    project (unsaved buffer, module on disk) is followed, its place named in the related info."""
    case = Path(__file__).resolve().parent.parent / "golden" / "p57_base_class_in_another_module"
    (tmp_path / "base.py").write_text((case / "base.py").read_text())
    child = (case / "input.py").read_text()
    uri = await open_file(client, tmp_path / "child.py", child)
    (diagnostic,) = client.diagnostics[uri]
    assert diagnostic.code == "KMC101"
    assert any(r.location.uri.endswith("/base.py") for r in diagnostic.related_information)
    (tmp_path / "pyproject.toml").write_text('[tool.keras-mask-codemod]\nignore = ["KMC101"]\n')
    await change(client, uri, 2, child + "\n", found=0)


@pytest.mark.asyncio
async def test_saving_publishes_again_and_closing_clears(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "model.py"
    path.write_text(MODEL)
    uri = await open_file(client, path, MODEL)
    client.diagnostics.pop(uri)
    client.text_document_did_save(lsp.DidSaveTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
    await until(lambda: uri in client.diagnostics)
    assert len(client.diagnostics[uri]) == 1
    client.text_document_did_close(lsp.DidCloseTextDocumentParams(lsp.TextDocumentIdentifier(uri)))
    await until(lambda: list(client.diagnostics[uri]) == [])


def test_the_server_process_freezes_nothing_for_the_collector(monkeypatch) -> None:
    """A batch run freezes what each file leaves alive; the long-lived server must not, or the
    cycles it drops later would never be collected."""
    import gc

    from codemod import gc_pause
    from codemod.config import Options
    from codemod.engine.check import check_stdin

    monkeypatch.setattr(gc_pause, "_freeze", True)
    check_stdin(MODEL.encode(), Options(stdin_filename="model.py"))
    assert gc.get_freeze_count() > 0
    gc_pause.never_freeze()
    check_stdin(MODEL.encode(), Options(stdin_filename="model.py"))
    assert gc.get_freeze_count() == 0


@pytest.mark.asyncio
async def test_a_notebook_quick_fix_edits_the_cells_fix_changes(
    client: LanguageClient, tmp_path: Path
) -> None:
    """In a notebook, a fix that only changes cells is offered as edits of those cells, equal to
    what fix writes into the .ipynb; one that would add the helpers' cell is not offered."""
    notebook = (tmp_path / "text.ipynb").as_uri()
    texts = [
        "import tensorflow as tf\nfrom tensorflow.keras import layers",
        (
            'tokens = tf.keras.Input((20,), dtype="int32")\n'
            "x = layers.Embedding(100, 8, mask_zero=True)(tokens)"
        ),
        "x = layers.Conv1D(4, 3)(x)\nx = layers.GlobalMaxPooling1D()(x)",
    ]
    cells = [f"{notebook}#cell{number}" for number in range(len(texts))]
    client.notebook_document_did_open(
        lsp.DidOpenNotebookDocumentParams(
            lsp.NotebookDocument(
                notebook,
                "jupyter-notebook",
                1,
                [lsp.NotebookCell(lsp.NotebookCellKind.Code, cell) for cell in cells],
            ),
            [lsp.TextDocumentItem(cell, "python", 1, text) for cell, text in zip(cells, texts)],
        )
    )
    await until(lambda: all(cell in client.diagnostics for cell in cells))
    (diagnostic,) = client.diagnostics[cells[2]]
    actions = await code_actions(client, cells[2], diagnostic.range, [diagnostic])
    assert [action.title.split(":")[0] for action in actions] == ["Fix with lambda"]
    (edit,) = actions[0].edit.changes[cells[1]]
    assert list(actions[0].edit.changes) == [cells[1]]
    raw = _notebook_json([("code", text) for text in texts])
    fixed = fix_stdin(raw, Options(stdin_filename=str(tmp_path / "text.ipynb"), strategy="lambda"))
    assert edit.new_text == json.loads(fixed.new)["cells"][1]["source"]
    assert "mask_zero" not in edit.new_text
