"""The typo check works offline and never imports pycorrector or a deep-learning framework."""

from __future__ import annotations

import socket
import subprocess
import sys

from checks import DraftInput, EngineConfig, build_engine


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


def test_no_pycorrector_or_torch_import_and_quick_load():
    code = (
        "import sys, time; from pathlib import Path;"
        "from checks.segmenter import Segmenter; from checks.engine import EngineConfig, Resources;"
        "from checks.typo.factories import build_typo_check;"
        "seg = Segmenter(); t = time.perf_counter();"
        "check = build_typo_check(Resources(EngineConfig(), seg)); took = time.perf_counter() - t;"
        "heavy = ('torch', 'transformers', 'pycorrector', 'kenlm', 'datasets', 'pandas');"
        "print(','.join(m for m in heavy if m in sys.modules) or 'none', round(took, 2))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded, seconds = out.stdout.split()
    assert loaded == "none"
    assert float(seconds) < 4.0  # about 1 s on one core; generous for a loaded test machine
