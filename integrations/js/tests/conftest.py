"""The widget in Debian's Chromium: a real service process, two CMS origins (one allowed by CORS), a browser."""

from __future__ import annotations

import functools
import json
import sys
import threading
import urllib.request
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

JS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(JS.parent / "testing"))

from live_service import LiveService  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
]
CMS_PAGE = """<!doctype html><meta charset="utf-8"><title>CMS</title>
<textarea id="body" style="width:600px;height:120px">联系电话13800138000</textarea>
<script type="module">
  import { attachReviewWidget } from "/review-widget.js";
  const token = new URLSearchParams(location.hash.slice(1)).get("token");
  const endpoint = new URLSearchParams(location.hash.slice(1)).get("endpoint");
  window.widget = attachReviewWidget(document.getElementById("body"), { endpoint, token, debounceMs: 100 });
</script>
"""


class CmsOrigin:
    """A CMS on its own origin: serves its editor page and its copy of the widget module."""

    def __init__(self, root: Path) -> None:
        root.mkdir(parents=True, exist_ok=True)
        (root / "cms.html").write_text(CMS_PAGE, encoding="utf-8")
        (root / "review-widget.js").write_bytes((JS / "review-widget.js").read_bytes())
        handler = functools.partial(_QuietHandler, directory=str(root))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript"}

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="session")
def origins(tmp_path_factory):
    allowed, refused = CmsOrigin(tmp_path_factory.mktemp("cms-a")), CmsOrigin(tmp_path_factory.mktemp("cms-b"))
    yield allowed, refused
    allowed.close()
    refused.close()


@pytest.fixture(scope="session")
def service(tmp_path_factory, origins):
    allowed, _ = origins
    live = LiveService(tmp_path_factory.mktemp("widget-service"), cors_origins=allowed.origin)
    live.tokens = live.people({"site-cms": ("cms", None, ["check", "publish"])})
    with live:
        live.warm_up(live.tokens["site-cms"])
        yield live


@pytest.fixture
def browser_token(service):
    """What a CMS back end does for each editor: mint a short-lived, check-only token."""

    def mint(user: str = "zhangsan") -> str:
        request = urllib.request.Request(
            f"{service.base_url}/api/v1/tokens/ephemeral",
            data=json.dumps({"user": user, "ttl_seconds": 300}).encode(),
            headers={"Authorization": f"Bearer {service.tokens['site-cms']}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["token"]

    return mint


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
