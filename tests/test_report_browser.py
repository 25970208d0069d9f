"""The HTML report in headless Chromium: no console errors, no network requests, and a page that is not blank.

Chromium is driven through the DevTools protocol over ``--remote-debugging-pipe`` (file descriptors 3 and 4, JSON
messages ended by NUL): no port, no extra dependency. The console and the network are watched with the Runtime, Log
and Network domains; a control page that does log an error and fetch a URL proves the watching works. Skipped only
when no ``chromium`` binary is installed (CI installs the Debian package).
"""

from __future__ import annotations

import base64
import io
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from mlops_maturity.engine.facts import load_fact_file
from mlops_maturity.engine.kb import load_knowledge_base
from mlops_maturity.engine.report import build_context, render
from mlops_maturity.engine.session import Session

from tests.conftest import EXAMPLES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
         "--remote-debugging-pipe"]
LOCAL_SCHEMES = ("file:", "data:", "about:")
TIMEOUT = 60.0


@dataclass
class PageRun:
    """What a page did while it loaded."""

    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    screenshot: bytes = b""


class DevTools:
    """A minimal DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, user_data_dir: Path) -> None:
        to_browser_read, self._write_fd = os.pipe()
        self._read_fd, from_browser_write = os.pipe()

        def child_fds() -> None:  # runs in the child: the pipe ends become fds 3 (commands) and 4 (replies)
            os.dup2(to_browser_read, 3)
            os.dup2(from_browser_write, 4)

        assert CHROMIUM is not None
        self.process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={user_data_dir}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=child_fds, close_fds=False,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def close(self) -> None:
        """Stop the browser this client started."""
        try:
            self.send("Browser.close", wait=False)
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        for fd in (self._read_fd, self._write_fd):
            try:
                os.close(fd)
            except OSError:
                pass

    def _messages(self, deadline: float) -> Iterator[dict[str, Any]]:
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                yield json.loads(raw)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from chromium")
            ready, _, _ = select.select([self._read_fd], [], [], remaining)
            if ready:
                chunk = os.read(self._read_fd, 1 << 20)
                if not chunk:
                    raise ConnectionError("chromium closed the debugging pipe")
                self._buffer += chunk

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             wait: bool = True) -> dict[str, Any]:
        """Send a command; return its result (events that arrive meanwhile are kept in ``events``)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._write_fd, json.dumps(message).encode() + b"\0")
        if not wait:
            return {}
        for reply in self._messages(time.monotonic() + TIMEOUT):
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise AssertionError("unreachable")

    def wait_for(self, method: str, session: str) -> None:
        """Wait for an event (it may have arrived already)."""
        if any(e.get("method") == method and e.get("sessionId") == session for e in self.events):
            return
        for event in self._messages(time.monotonic() + TIMEOUT):
            self.events.append(event)
            if event.get("method") == method and event.get("sessionId") == session:
                return


def load_page(path: Path, tmp_path: Path, width: int = 1200, height: int = 1600) -> PageRun:
    """Open ``path`` in headless Chromium; collect console errors and requests; take a screenshot."""
    client = DevTools(tmp_path / "chromium-profile")
    try:
        target = client.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = client.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            client.send(f"{domain}.enable", session=session)
        client.send("Emulation.setDeviceMetricsOverride",
                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        client.send("Page.navigate", {"url": path.resolve().as_uri()}, session=session)
        client.wait_for("Page.loadEventFired", session)
        client.send("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 300))", "awaitPromise": True},
                    session=session)
        shot = client.send("Page.captureScreenshot", {"format": "png"}, session=session)
        run = PageRun(screenshot=base64.b64decode(shot["data"]))
        for event in client.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                run.console_errors.append(json.dumps(params.get("args"))[:300])
            elif method == "Runtime.exceptionThrown":
                run.console_errors.append(json.dumps(params.get("exceptionDetails"))[:300])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                run.console_errors.append(params["entry"].get("text", "")[:300])
            elif method == "Network.requestWillBeSent":
                run.requests.append(params["request"]["url"])
        return run
    finally:
        client.close()


def non_white_share(png: bytes) -> float:
    """Share of pixels that are not (near) white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("L")
    histogram = image.histogram()
    return 1 - sum(histogram[246:]) / (image.width * image.height)


def test_control_page_shows_that_errors_and_requests_are_caught(tmp_path: Path) -> None:
    page = tmp_path / "control.html"
    page.write_text('<!DOCTYPE html><html><body><p>control</p><script>console.error("boom")</script>'
                    '<img src="http://127.0.0.1:9/never.png"></body></html>', encoding="utf-8")
    run = load_page(page, tmp_path)
    assert any("boom" in e for e in run.console_errors), run.console_errors
    assert "http://127.0.0.1:9/never.png" in run.requests
    assert non_white_share(run.screenshot) < 0.02


@pytest.mark.parametrize("stem, template, layout", [
    ("enterprise-near-l3", "html", "full"), ("notebook-startup", "html", "full"),
    ("regulated-bank", "html", "one-pager"),
    ("enterprise-near-l3", str(EXAMPLES / "templates" / "northwind-one-pager"), "full")])
def test_html_report_renders_offline_without_errors(tmp_path: Path, stem: str, template: str, layout: str) -> None:
    kb = load_knowledge_base()
    context = build_context(Session(kb, load_fact_file(EXAMPLES / f"{stem}.yaml", kb), evaluator="reference"),
                            capacity=10, layout=layout)  # type: ignore[arg-type]
    page = tmp_path / "report.html"
    page.write_bytes(render(context, template if template == "html" else Path(template)).content)
    run = load_page(page, tmp_path)
    assert run.console_errors == []
    foreign = [url for url in run.requests if not url.startswith(LOCAL_SCHEMES)]
    assert foreign == []
    assert run.requests and all(url.startswith(LOCAL_SCHEMES) for url in run.requests)
    share = non_white_share(run.screenshot)
    assert share > 0.05, f"the page looks blank: only {share:.1%} of its pixels are not white"
    (tmp_path / "screenshot.png").write_bytes(run.screenshot)
