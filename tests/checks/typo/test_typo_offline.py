"""The typo check works offline and never imports pycorrector or a deep-learning framework."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from checks import DraftInput, EngineConfig, build_engine

# Slow tier (`make test` runs it, `make test-fast` does not): fresh interpreters that build the typo model.
pytestmark = pytest.mark.slow


def test_typo_check_builds_and_runs_with_the_network_blocked(monkeypatch):
    def refuse(*args, **kwargs):
        raise RuntimeError("network access attempted")

    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    engine = build_engine(EngineConfig(enabled=("typo",)))
    result = engine.check(DraftInput(body="我们要再接再励，认真落实决策部暑。"))
    assert [f.suggestion for f in result.findings] == ["再接再厉", "署"]


def test_no_pycorrector_or_torch_import():
    """Building the typo check pulls in no heavy library; its load time is measured by `make bench`."""
    code = (
        "import sys; from checks.segmenter import Segmenter; from checks.engine import EngineConfig, Resources;"
        "from checks.typo.factories import build_typo_check;"
        "check = build_typo_check(Resources(EngineConfig(), Segmenter()));"
        "heavy = ('torch', 'transformers', 'pycorrector', 'kenlm', 'datasets', 'pandas');"
        "print(check.name, ','.join(m for m in heavy if m in sys.modules) or 'none')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    name, loaded = out.stdout.split()
    assert name == "typo"
    assert loaded == "none"
