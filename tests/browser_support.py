"""Fixtures for the widget's browser tests: the real app in a subprocess and Debian's headless Chromium.

The browser is never downloaded: Playwright drives the system Chromium through `executable_path`.
Without Chromium (or without the `playwright` package) every browser test is skipped with a reason.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

try:
    from playwright.sync_api import Browser, ConsoleMessage, Locator, Page, Request, sync_playwright
except ImportError:  # the module stays importable; the fixtures skip
    sync_playwright = None

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path(os.environ.get("CITED_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--disable-dev-shm-usage"]
READY_TIMEOUT_S = 180.0


def skip_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if sync_playwright is None:
        return "browser tests skipped: the 'playwright' package is not installed (pip install playwright)"
    if not CHROMIUM.is_file():
        return (f"browser tests skipped: no Chromium at {CHROMIUM} "
                "(install Debian's package: apt-get install chromium; or set CITED_CHROMIUM)")
    return None


def browser_type_launch_args() -> dict[str, Any]:
    """Launch options for Debian's Chromium, headless (the same as pytest-playwright's fixture of this name)."""
    return {"executable_path": str(CHROMIUM), "args": LAUNCH_ARGS, "headless": True}


# ----------------------------------------------------------------------------------------- the app


@dataclass
class AppServer:
    """The real app, ingested from the repo corpus/ and served on a free loopback port."""

    url: str
    log: Path
    ingest_seconds: float
    start_seconds: float

    def tail(self, lines: int = 40) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return "\n".join(self.log.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cited_command() -> list[str]:
    exe = Path(sys.executable).with_name("cited")
    if exe.is_file():
        return [str(exe)]
    return [sys.executable, "-c", "from service.cli import main; main()"]


def _server_env(data_dir: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "CITED_CHROMA_URL"}  # embedded Chroma, isolated
    env.update({
        "CITED_DATA_DIR": str(data_dir),
        "CITED_CORPUS_DIR": str(ROOT / "corpus"),
        "CITED_CORS_ORIGINS": json.dumps([url]),
        "CITED_RATE_LIMIT": "600/minute",  # the tests ask many questions from one client
        "CITED_LOG_LEVEL": "WARNING",
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
        "ANONYMIZED_TELEMETRY": "False",
    })
    return env


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=2) as res:  # noqa: S310 (loopback only)
            return bool(res.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """Ingest corpus/ into a temp data dir, serve it, wait for /readyz; stop the server afterwards."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)  # before the slow ingest: nothing would use the server
    base = tmp_path_factory.mktemp("widget-app")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = _server_env(base / "data", url)
    log = base / "server.log"
    t0 = time.perf_counter()
    ingest = subprocess.run([*_cited_command(), "ingest"], cwd=ROOT, env=env, capture_output=True, timeout=900)
    if ingest.returncode != 0:
        pytest.fail("cited ingest failed:\n" + (ingest.stdout + ingest.stderr).decode("utf-8", "replace")[-3000:])
    ingest_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    with log.open("wb") as out:
        proc = subprocess.Popen([*_cited_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(url, log, ingest_s, 0.0)
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not _ready(url):
            if proc.poll() is not None:
                pytest.fail(f"cited serve exited with {proc.returncode}:\n{server.tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"cited serve was not ready within {READY_TIMEOUT_S:.0f} s:\n{server.tail()}")
            time.sleep(0.25)
        server.start_seconds = time.perf_counter() - t1
        yield server
    finally:
        _stop(proc)


# ----------------------------------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the session's tests (each test gets its own context)."""
    reason = skip_reason()
    if reason:
        pytest.skip(reason)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(**browser_type_launch_args())
        try:
            yield browser
        finally:
            browser.close()


HOST_JS = "document.querySelector('cited-widget')"


@dataclass
class WidgetPage:
    """A page of the demo site with helpers to drive the widget, and a record of what went wrong."""

    page: Page
    base: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def watch(self) -> None:
        """Record console errors, uncaught exceptions and every request the page makes."""
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(self.base))

        def on_console(msg: ConsoleMessage) -> None:
            if msg.type == "error":
                self.console_errors.append(f"console: {msg.text}")

        def on_request(req: Request) -> None:
            self.requests.append(req.url)
            if not req.url.startswith(origin + "/") and not req.url.startswith("data:"):
                self.foreign_requests.append(req.url)

        self.page.on("console", on_console)
        self.page.on("pageerror", lambda exc: self.console_errors.append(f"pageerror: {exc}"))
        self.page.on("request", on_request)

    # navigation and state ---------------------------------------------------------------------
    def goto(self) -> WidgetPage:
        self.page.goto(self.base + "/")
        self.launcher.wait_for(state="visible")
        return self

    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name="Ask a question")

    @property
    def panel(self) -> Locator:
        return self.page.locator("#cw-panel")

    @property
    def input(self) -> Locator:
        return self.page.get_by_label("Your question")

    def reply(self, outcome: str) -> Locator:
        """The latest reply with this outcome."""
        return self.page.locator(f"[data-outcome={outcome}]").last

    def focused(self) -> dict[str, str | None]:
        """What has focus inside the widget (None values when focus is elsewhere)."""
        return self.page.evaluate(f"""() => {{
            const el = {HOST_JS}.shadowRoot.activeElement;
            return el ? {{tag: el.tagName.toLowerCase(), id: el.id || null, cls: el.className || null,
                         label: el.getAttribute('aria-label'), controls: el.getAttribute('aria-controls'),
                         text: el.textContent.trim().slice(0, 60)}}
                      : {{tag: null, id: null, cls: null, label: null, controls: null, text: null}};
        }}""")

    def idle(self, timeout_ms: float = 30000) -> None:
        """Wait until no answer is streaming."""
        self.page.wait_for_selector("#cw-messages[aria-busy=false]", state="attached", timeout=timeout_ms)

    # actions ----------------------------------------------------------------------------------
    def open(self) -> None:
        self.launcher.click()
        self.panel.wait_for(state="visible")

    def ask(self, question: str) -> None:
        """Type a question, send it with Enter and wait for the whole answer."""
        asked = self.page.locator(".msg.user").count()
        self.input.fill(question)
        self.input.press("Enter")
        self.wait_answered(asked + 1)

    def wait_answered(self, questions: int, timeout_ms: float = 30000) -> None:
        """Wait until `questions` questions have been sent and no answer is streaming."""
        self.page.wait_for_function(f"""() => {{
            const root = {HOST_JS}.shadowRoot;
            return root.querySelectorAll('.msg.user').length >= {questions}
                && root.querySelector('#cw-messages').getAttribute('aria-busy') === 'false';
        }}""", timeout=timeout_ms)

    def screenshot(self, name: str) -> Path:
        """A PNG in test-artifacts/ (kept after the run)."""
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), animations="disabled", caret="hide")
        return path

    def assert_clean(self) -> None:
        """No console error, no uncaught exception, no request to anything but the API's origin."""
        assert not self.console_errors, "console errors:\n" + "\n".join(self.console_errors)
        assert not self.foreign_requests, "requests outside data-api:\n" + "\n".join(self.foreign_requests)


def new_widget_page(browser: Browser, server: AppServer, **context_args: Any) -> Iterator[WidgetPage]:
    """A fresh browser context (own sessionStorage) on the demo page; checked for errors at the end."""
    # Reduced motion by default: smooth scrolling would move targets under the test's clicks.
    options: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US",
                               "service_workers": "block", "reduced_motion": "reduce"}
    options.update(context_args)
    context = browser.new_context(**options)
    context.set_default_timeout(15000)
    page = context.new_page()
    wp = WidgetPage(page, server.url)
    wp.watch()
    try:
        yield wp
        wp.assert_clean()
    finally:
        context.close()


def sse_events(body: str) -> list[tuple[str, Any]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    events = []
    for block in body.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG 2.1 contrast ratio of two sRGB colours."""

    def lum(rgb: tuple[int, int, int]) -> float:
        c = [x / 255 for x in rgb]
        c = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in c]
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def parse_rgb(css: str) -> tuple[int, int, int]:
    """'rgb(1, 2, 3)' or 'rgba(1, 2, 3, 1)' -> (1, 2, 3)."""
    inner = css[css.index("(") + 1: css.index(")")]
    r, g, b = (int(float(x)) for x in inner.replace("/", ",").split(",")[:3])
    return r, g, b

