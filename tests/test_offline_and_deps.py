"""Nothing downloads at run time, and no deep-learning framework is imported."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest

from checks import DraftInput, build_engine
from checks.pii.recognizers import email

# Slow tier (`make test` runs it, `make test-fast` does not): fresh interpreters that import and build everything.
pytestmark = pytest.mark.slow


class NetworkBlocked(RuntimeError):
    pass


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise NetworkBlocked("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_engine_builds_and_checks_with_network_blocked(no_network, tmp_path, monkeypatch):
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "tld"))  # no warm cache to hide a fetch
    email._offline_extractor.cache_clear()
    engine = build_engine()
    result = engine.check(DraftInput(body="请发邮件至 someone@example.com.cn 或 a.b@mail.co.uk，电话13800138000。"))
    cats = sorted(f.category for f in result.findings)
    assert cats == ["pii.email", "pii.email", "pii.phone"]
    # an unknown TLD is refused by the offline suffix list instead of triggering a download
    unknown = engine.check(DraftInput(body="邮箱 someone@example.notarealtld"))
    assert [f for f in unknown.findings if f.category == "pii.email"] == []


def test_no_torch_transformers_or_spacy_model_is_loaded():
    code = (
        "import sys; from checks import build_engine, DraftInput; "
        "build_engine().check(DraftInput(body='电话13800138000'));"
        "heavy=('torch','transformers','datasets','pandas','pycorrector','zh_core_web_sm');"
        "bad=[m for m in heavy if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_pycorrector_data_is_read_by_path_without_import():
    code = (
        "import sys; from checks.pycorrector_data import pycorrector_file;"
        "p = pycorrector_file('same_pinyin.txt'); assert p.stat().st_size > 100000;"
        "print('pycorrector' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False False"
