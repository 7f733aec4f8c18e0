"""The language server as an editor sees it: the time from a change of a 1,000-line model file to
its diagnostics, beside `keras-mask-codemod check FILE` on the same file (figures, not pass/fail;
goal: diagnostics within 100 ms of a change).

The server runs as editors start it (`keras-mask-codemod server`, stdio); a pygls client opens
the file, then replaces its text N times (each edit changes one line, so the findings stay) and
times each round trip to `textDocument/publishDiagnostics`. check is timed as a whole process
(start-up included), as an external tool runs it.

    python benchmarks/bench_server.py [--repeats N] [--lines N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _timing import Command, measure

HEAD = '''"""A sensor model, and the utilities around it."""

import keras
from keras import layers


def build_model(steps=50, features=6):
    inputs = keras.Input((steps, features))
    x = layers.Masking(mask_value=-1.0)(inputs)
    x = layers.Conv1D(32, 5, padding="same", activation="relu")(x)
    x = layers.MaxPooling1D(2)(x)
    x = layers.LSTM(16)(x)
    return keras.Model(inputs, layers.Dense(1)(x))
'''

FUNCTION = '''

def step_{n}(values, scale={n}):
    """Scale and clip one batch of readings."""
    total = 0.0
    for value in values:
        total += min(max(value * scale, -1.0), 1.0)
    return total / max(len(values), 1)
'''


def model_file(lines: int) -> str:
    text, number = HEAD, 0
    while text.count("\n") < lines:
        text += FUNCTION.format(n=number)
        number += 1
    return text


async def round_trips(path: Path, text: str, repeats: int) -> list[float]:
    from lsprotocol import types as lsp
    from pygls.lsp.client import LanguageClient

    client = LanguageClient("bench", "1")
    arrived: asyncio.Queue[float] = asyncio.Queue()

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: lsp.PublishDiagnosticsParams) -> None:
        if not params.diagnostics:  # the model's findings must be there, each time
            sys.exit("the server published no diagnostics for the model")
        arrived.put_nowait(time.perf_counter())

    await client.start_io(sys.executable, "-m", "codemod", "server")
    await client.initialize_async(
        lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=path.parent.as_uri())
    )
    client.initialized(lsp.InitializedParams())
    uri = path.as_uri()
    client.text_document_did_open(
        lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "python", 1, text))
    )
    await arrived.get()
    times = []
    for version in range(2, repeats + 2):
        edited = text.replace("scale=0)", f"scale={version})", 1)
        start = time.perf_counter()
        client.text_document_did_change(
            lsp.DidChangeTextDocumentParams(
                lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                [lsp.TextDocumentContentChangeWholeDocument(edited)],
            )
        )
        times.append(await arrived.get() - start)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    parser.add_argument("--lines", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.py"
        text = model_file(args.lines)
        path.write_text(text)
        times = asyncio.run(round_trips(path, text, args.repeats))
        check = measure(
            [Command("check FILE", [sys.executable, "-m", "codemod", "check", str(path)])],
            args.repeats,
        )["check FILE"]
    server = statistics.median(times)
    print(f"{text.count(chr(10))}-line model file, medians of {args.repeats}")
    print(f"server: change -> diagnostics  {server * 1000:7.1f} ms (goal: within 100 ms)")
    print(f"check FILE (a whole process)   {check * 1000:7.1f} ms ({check / server:.1f}x)")
    print(f"server, slowest of the runs    {max(times) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
