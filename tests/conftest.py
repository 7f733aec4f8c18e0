"""Shared pytest options: golden files are compared byte for byte unless --update-golden is given."""

from __future__ import annotations

import os

import pytest

# The Keras proofs run under the backend KERAS_BACKEND names: TensorFlow by default, the backend
# of most of the people this tool is for; the README's test command runs them under jax too.
os.environ.setdefault("KERAS_BACKEND", "tensorflow")


def pytest_report_header(config: pytest.Config) -> str:
    return f"KERAS_BACKEND: {os.environ['KERAS_BACKEND']}"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the expected files under golden/ from the tool's current output.",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))
