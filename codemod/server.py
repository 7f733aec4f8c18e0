"""`keras-mask-codemod server`: the language server (LSP over stdio) editors talk to.

Findings as diagnostics, published when a document opens, changes or is saved, from the unsaved
buffer: for Python files, and for notebooks (notebookDocument sync), where each finding goes to
the cell that holds it. Each diagnostic carries its rule code, a link to the rule's explanation,
and related places: the mask's producer and the layer downstream that needs the mask. Code
actions: per finding, one quick fix for each strategy that rewrites it, titled with the
strategy's guarantee; its edit is exactly what `fix --strategy S` writes for the buffer (in a
notebook, the changed cells; a fix that would add a cell, the helpers' own, is left to `fix` on
the .ipynb file). "Fix all" is `fix` (auto) on the buffer. Hovering a finding shows its rule.

It reads the project's pyproject settings and follows its imports as `check` does (the buffer is
analysed as if it were the file on disk), and never imports or runs the code. A buffer that
cannot be parsed (half typed) keeps no stale diagnostics: they are cleared, and one line goes to
the editor's log.
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from codemod import __version__
from codemod.analysis.findings import Code, Finding, Place
from codemod.config import Options
from codemod.engine.check import check_stdin
from codemod.engine.fix import fix_stdin

NAME = "keras-mask-codemod"
FIX_ALL = "source.fixAll.keras-mask-codemod"
NOTEBOOK_SELECTOR = [
    lsp.NotebookDocumentFilterWithCells(
        notebook="*", cells=[lsp.NotebookCellLanguage(language="python")]
    )
]


@dataclass
class _Buffer:
    """What the server knows of one open document (a Python file or a notebook)."""

    path: str  # the file it is (or will be) on disk: settings and imports resolve from it
    raw: bytes  # the buffer as check and fix read it (a notebook: its JSON, rebuilt from cells)
    texts: list[str]  # the file's text, or each cell's, in order
    cells: list[str] | None = None  # a notebook's cell document URIs, in order (None: a file)
    findings: tuple[Finding, ...] = ()

    @functools.cached_property
    def _lines(self) -> list[list[str]]:
        return [text.splitlines() for text in self.texts]

    def lines(self, cell: int | None) -> list[str]:
        """The lines of the file, or of a notebook's cell (1-based; none for another)."""
        if self.cells is None:
            return self._lines[0]
        return self._lines[cell - 1] if cell is not None and 1 <= cell <= len(self.texts) else []


def create_server() -> LanguageServer:
    server = LanguageServer(
        NAME,
        __version__,
        text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
        notebook_document_sync=lsp.NotebookDocumentSyncOptions(
            notebook_selector=NOTEBOOK_SELECTOR, save=True
        ),
    )
    buffers: dict[str, _Buffer] = {}  # document URI -> buffer

    def publish(uri: str, buffer: _Buffer) -> None:
        report = check_stdin(buffer.raw, _options(buffer.path))
        if report.error is not None:
            server.window_log_message(
                lsp.LogMessageParams(lsp.MessageType.Info, f"{buffer.path}: {report.error}")
            )
        buffer.findings = tuple(report.findings)
        buffers[uri] = buffer
        if buffer.cells is None:
            diagnostics = [_diagnostic(f, uri, buffer) for f in buffer.findings]
            server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri, diagnostics))
            return
        by_cell: dict[str, list[lsp.Diagnostic]] = {cell: [] for cell in buffer.cells}
        for finding in buffer.findings:
            cell_uri = _cell_uri(buffer, finding.cell)
            if cell_uri is not None:
                by_cell[cell_uri].append(_diagnostic(finding, cell_uri, buffer))
        for cell_uri, diagnostics in by_cell.items():
            server.text_document_publish_diagnostics(
                lsp.PublishDiagnosticsParams(cell_uri, diagnostics)
            )

    def refresh_file(uri: str) -> None:
        """A Python file's buffer; a notebook cell's text document is checked with its notebook."""
        if server.workspace.get_notebook_document(cell_uri=uri) is not None:
            return
        text = server.workspace.get_text_document(uri).source
        publish(uri, _Buffer(_path(uri), text.encode("utf-8"), [text]))

    def refresh_notebook(uri: str) -> None:
        notebook = server.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return
        cells = [cell.document for cell in notebook.cells]
        texts = [server.workspace.get_text_document(cell).source for cell in cells]
        kinds = [
            "code" if c.kind == lsp.NotebookCellKind.Code else "markdown" for c in notebook.cells
        ]
        publish(uri, _Buffer(_path(uri), _notebook_json(list(zip(kinds, texts))), texts, cells))

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    def did_open(params: lsp.DidOpenTextDocumentParams) -> None:
        refresh_file(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(params: lsp.DidChangeTextDocumentParams) -> None:
        refresh_file(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    def did_save(params: lsp.DidSaveTextDocumentParams) -> None:
        refresh_file(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(params: lsp.DidCloseTextDocumentParams) -> None:
        buffers.pop(params.text_document.uri, None)
        server.text_document_publish_diagnostics(
            lsp.PublishDiagnosticsParams(params.text_document.uri, [])
        )

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    def notebook_open(params: lsp.DidOpenNotebookDocumentParams) -> None:
        refresh_notebook(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    def notebook_change(params: lsp.DidChangeNotebookDocumentParams) -> None:
        refresh_notebook(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    def notebook_save(params: lsp.DidSaveNotebookDocumentParams) -> None:
        refresh_notebook(params.notebook_document.uri)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    def notebook_close(params: lsp.DidCloseNotebookDocumentParams) -> None:
        buffer = buffers.pop(params.notebook_document.uri, None)
        for cell_uri in buffer.cells if buffer is not None and buffer.cells else []:
            server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(cell_uri, []))

    @server.feature(
        lsp.TEXT_DOCUMENT_CODE_ACTION,
        lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix, FIX_ALL]),
    )
    def code_action(params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        uri = params.text_document.uri
        buffer = buffers.get(uri) or next(
            (b for b in buffers.values() if b.cells is not None and uri in b.cells), None
        )  # a cell's text document: its notebook's buffer
        if buffer is None:
            return []
        wanted = params.context.only
        actions: list[lsp.CodeAction] = []
        if not wanted or any(kind.startswith("quickfix") for kind in wanted):
            actions += _quick_fixes(buffer, uri, params.range)
        if wanted and any(FIX_ALL.startswith(kind) for kind in wanted):
            edit = _fix_edit(buffer, uri, "auto")
            if edit is not None:
                actions.append(
                    lsp.CodeAction(
                        title="Fix every destroyed mask (keras-mask-codemod, auto)",
                        kind=FIX_ALL,
                        edit=edit,
                    )
                )
        return actions

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    def hover(params: lsp.HoverParams) -> lsp.Hover | None:
        buffer = buffers.get(params.text_document.uri)
        if buffer is None or buffer.cells is not None:
            return None
        for finding in buffer.findings:
            found = _range(finding, buffer.lines(None))
            if _contains(found, params.position):
                return lsp.Hover(
                    contents=lsp.MarkupContent(lsp.MarkupKind.Markdown, _rule_markdown(finding)),
                    range=found,
                )
        return None

    return server


def main() -> None:
    from codemod.gc_pause import never_freeze

    never_freeze()  # it lives on between buffers: what it keeps must stay collectable
    create_server().start_io()


# Options -----------------------------------------------------------------------------------------


def _options(path: str, strategy: str = "auto") -> Options:
    """The options `check`/`fix` would use for `path` from its project's pyproject settings (a
    mistake there: the defaults), as if the buffer were the file on disk (its imports resolve
    from there)."""
    from codemod.config import parse_codes
    from codemod.settings import SettingsError, load_settings
    from codemod.target import resolve_target

    start = Path(path)
    start = start if start.exists() else start.parent if start.parent.exists() else Path()
    try:
        settings = load_settings(start)
        target = resolve_target(None, settings, start)
        select, ignore = list(settings.select or ()), list(settings.ignore or ())
        selected = parse_codes(select, option="select") if select else frozenset(Code)
        codes = selected - parse_codes(ignore, option="ignore")
    except (SettingsError, ValueError):
        return Options(stdin_filename=path, strategy=strategy, jobs=1)
    return Options(
        select=codes,
        stdin_filename=path,
        target=target,
        style=settings.style,
        strategy=strategy,
        jobs=1,
        helpers_module=settings.helpers_module,
    )


# Diagnostics -------------------------------------------------------------------------------------


def _diagnostic(finding: Finding, uri: str, buffer: _Buffer) -> lsp.Diagnostic:
    lines = buffer.lines(finding.cell)
    related = [_related(finding.producer, "the mask comes from here", uri, buffer)]
    if finding.mask_user is not None:
        related.append(_related(finding.mask_user, "this layer needs the mask", uri, buffer))
    return lsp.Diagnostic(
        range=_range(finding, lines),
        message=finding.message,
        severity=lsp.DiagnosticSeverity.Warning,
        code=finding.code.value,
        code_description=lsp.CodeDescription(href=_explanation_uri(finding.code)),
        source=NAME,
        related_information=related,
    )


def _related(
    place: Place, what: str, uri: str, buffer: _Buffer
) -> lsp.DiagnosticRelatedInformation:
    if place.path is not None:  # in another module of the project
        target = from_fs_path(os.path.abspath(place.path)) or uri
        line = max(place.line - 1, 0)
        start = lsp.Position(line, max(place.column - 1, 0))
        return lsp.DiagnosticRelatedInformation(
            lsp.Location(target, lsp.Range(start, start)), f"{place.name}: {what}"
        )
    lines = buffer.lines(place.cell)
    line = max(place.line - 1, 0)
    text = lines[line] if line < len(lines) else ""
    start = lsp.Position(line, _utf16(text, place.column - 1))
    target = _cell_uri(buffer, place.cell) or uri
    return lsp.DiagnosticRelatedInformation(
        lsp.Location(target, lsp.Range(start, start)), f"{place.name}: {what}"
    )


def _range(finding: Finding, lines: list[str]) -> lsp.Range:
    """The finding's span in LSP terms: 0-based lines, UTF-16 columns."""

    def position(line: int, column: int) -> lsp.Position:
        index = max(line - 1, 0)
        text = lines[index] if index < len(lines) else ""
        return lsp.Position(index, _utf16(text, column - 1))

    return lsp.Range(
        position(finding.line, finding.column), position(finding.end_line, finding.end_column)
    )


def _utf16(text: str, characters: int) -> int:
    return len(text[: max(characters, 0)].encode("utf-16-le")) // 2


def _contains(span: lsp.Range, at: lsp.Position) -> bool:
    after_start = (at.line, at.character) >= (span.start.line, span.start.character)
    return after_start and (at.line, at.character) <= (span.end.line, span.end.character)


@functools.cache
def _explanation_uri(code: Code) -> str:
    """A file holding `keras-mask-codemod explain CODE`, written once per version: editors open
    it from the diagnostic's link, without a network."""
    from codemod.explain import explain

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    path = cache / NAME / __version__ / f"{code.value}.txt"
    if not path.is_file():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(explain(code), encoding="utf-8")
        except OSError:
            pass  # the link then leads nowhere; the hover still explains
    return path.as_uri()


def _rule_markdown(finding: Finding) -> str:
    from codemod.analysis import rules

    rule = rules.get(finding.code)
    return (
        f"**{rule.code.value}** `{rule.name}`: {rule.title}\n\n{rule.why}\n\n"
        f"Reported when {rule.when}. `keras-mask-codemod explain {rule.code.value}` shows an "
        "example and every strategy that fixes it."
    )


# Code actions ------------------------------------------------------------------------------------


def _quick_fixes(buffer: _Buffer, uri: str, at: lsp.Range) -> list[lsp.CodeAction]:
    """For each finding the range of `uri` (the file, or one of the notebook's cells) touches,
    one action per strategy that rewrites it."""
    from codemod.rewrite import strategies

    here = [f for f in _findings_in(buffer, uri) if _overlaps(_range(f, buffer.lines(f.cell)), at)]
    if not here:
        return []
    actions = []
    for strategy in strategies.registered():
        report = fix_stdin(buffer.raw, _options(buffer.path, strategy.name))
        if report.error is not None or not report.changed:
            continue
        edit = _edit(buffer, uri, report.new)
        if edit is None:
            continue
        fixed = {
            (change.finding.cell, change.finding.line, change.finding.column)
            for change in report.changes
            if change.summary is not None
        }
        for finding in here:
            if (finding.cell, finding.line, finding.column) in fixed:
                actions.append(
                    lsp.CodeAction(
                        title=f"Fix with {strategy.name}: {strategy.guarantee}",
                        kind=lsp.CodeActionKind.QuickFix,
                        diagnostics=[_diagnostic(finding, uri, buffer)],
                        edit=edit,
                    )
                )
    return actions


def _fix_edit(buffer: _Buffer, uri: str, strategy: str) -> lsp.WorkspaceEdit | None:
    report = fix_stdin(buffer.raw, _options(buffer.path, strategy))
    if report.error is not None or not report.changed:
        return None
    return _edit(buffer, uri, report.new)


def _findings_in(buffer: _Buffer, uri: str) -> list[Finding]:
    if buffer.cells is None:
        return list(buffer.findings)
    return [f for f in buffer.findings if _cell_uri(buffer, f.cell) == uri]


def _edit(buffer: _Buffer, uri: str, new: bytes) -> lsp.WorkspaceEdit | None:
    """What `fix` wrote (`new`), as edits of the open documents: the file replaced whole, or in
    a notebook each changed cell replaced whole. None when it cannot be said that way: a fix
    that adds a cell (the helpers' own) is for `fix` on the .ipynb file."""
    if buffer.cells is None:
        return _whole_buffer_edit(uri, buffer.raw, new)
    new_cells = json.loads(new)["cells"]
    if len(new_cells) != len(buffer.texts):
        return None
    changes: dict[str, list[lsp.TextEdit]] = {}
    for cell_uri, old_text, after in zip(buffer.cells, buffer.texts, new_cells):
        new_text = _source(after)
        if new_text != old_text:
            edit = _whole_buffer_edit(cell_uri, old_text.encode(), new_text.encode())
            changes.update(edit.changes)  # type: ignore[arg-type]
    return lsp.WorkspaceEdit(changes=changes)


def _whole_buffer_edit(uri: str, old: bytes, new: bytes) -> lsp.WorkspaceEdit:
    """One edit replacing the document `uri` (whose text is `old`) with `new`, byte for byte."""
    text = old.decode("utf-8", "replace")
    lines = text.split("\n")
    end = lsp.Position(len(lines) - 1, _utf16(lines[-1], len(lines[-1])))
    replacement = lsp.TextEdit(lsp.Range(lsp.Position(0, 0), end), new.decode("utf-8"))
    return lsp.WorkspaceEdit(changes={uri: [replacement]})


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def _overlaps(span: lsp.Range, other: lsp.Range) -> bool:
    start = (span.start.line, span.start.character)
    end = (span.end.line, span.end.character)
    return (other.start.line, other.start.character) <= end and start <= (
        other.end.line,
        other.end.character,
    )


# Documents ---------------------------------------------------------------------------------------


def _path(uri: str) -> str:
    return to_fs_path(uri) or uri


def _notebook_json(cells: list[tuple[str, str]]) -> bytes:
    """A notebook holding these cells, as the engine reads an .ipynb file."""
    document = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": text}
            | ({"execution_count": None, "outputs": []} if kind == "code" else {})
            for kind, text in cells
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(document).encode("utf-8")


def _cell_uri(buffer: _Buffer, cell: int | None) -> str | None:
    if buffer.cells is None or cell is None or not 1 <= cell <= len(buffer.cells):
        return None
    return buffer.cells[cell - 1]
