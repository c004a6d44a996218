"""Infra checks call real tools: binaries from .venv-infra (make infra-tools) or the system (apt)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.procs import ROOT, unavailable

INFRA_BIN = ROOT / ".venv-infra" / "bin"


def find_tool(name: str) -> str:
    """Path of a checker binary; in CI a missing tool fails the test, elsewhere it skips with the reason."""
    for candidate in (INFRA_BIN / name,):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    unavailable(f"{name} is not installed (run `make infra-tools`, or apt-get install it)")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def tool():
    return find_tool
