"""The chat widget in a real browser: Debian's headless Chromium driven by Playwright, against the real app.

The app is ingested from corpus/ and served in a subprocess once per session (tests/browser_support.py).
Screenshots at 1280 and 375 px wide are kept in test-artifacts/. Without Chromium every test here that
needs a browser is skipped with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .browser_support import (
    ROOT,
    AppServer,
    WidgetPage,
    app_server,
    chromium,
    contrast,
    new_widget_page,
    parse_rgb,
    sse_events,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

__all__ = ["app_server", "chromium"]  # session fixtures, used by name

ANSWERABLE = "what is oral ketamine therapy"
DOSING = "how much ketamine should i take"
CRISIS = "i want to kill myself"
EMERGENCY = "i took too much ketamine"
NOT_COVERED = "does my insurance cover ketamine therapy"
WIDGET_JS = ROOT / "service" / "static" / "widget.js"

browser = pytest.mark.browser


@pytest.fixture
def make_widget(chromium: Browser, app_server: AppServer) -> Iterator[Callable[..., WidgetPage]]:
    """Opens the demo page in fresh browser contexts; at the end checks each for console errors and
    requests outside data-api, and closes it."""
    contexts: list[Iterator[WidgetPage]] = []

    def make(**context_args: Any) -> WidgetPage:
        gen = new_widget_page(chromium, app_server, **context_args)
        contexts.append(gen)
        return next(gen)

    yield make
    for gen in contexts:
        for _ in gen:  # runs the checks after the yield, then closes the context
            pass


@pytest.fixture
def widget(make_widget: Callable[..., WidgetPage]) -> WidgetPage:
    """The demo page at desktop width."""
    return make_widget()


@pytest.fixture
def phone(make_widget: Callable[..., WidgetPage]) -> WidgetPage:
    """The demo page on a 375 px wide touch screen."""
    return make_widget(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True)


# ------------------------------------------------------------------------------ without a browser


def test_widget_source_never_injects_html() -> None:
    """Server text must never be parsed as HTML: no innerHTML, outerHTML, insertAdjacentHTML or document.write."""
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", WIDGET_JS.read_text("utf-8"), flags=re.S)
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in code, f"widget.js uses {sink}"


def test_widget_source_contacts_no_third_party() -> None:
    """The only absolute URL in the widget is the 988 chat link (a link the patient taps, never fetched)."""
    code = re.sub(r"/\*.*?\*/", "", WIDGET_JS.read_text("utf-8"), flags=re.S)
    urls = set(re.findall(r"https?://[^\s\"'`)]+", code)) - {"http://www.w3.org/2000/svg"}
    assert urls == {"https://988lifeline.org/chat"}


def test_demo_page_embeds_the_widget_with_one_tag() -> None:
    html = (ROOT / "service" / "static" / "demo.html").read_text("utf-8")
    tags = re.findall(r"<script\b[^>]*>", html)
    assert len(tags) == 1 and 'src="/widget.js"' in tags[0] and "data-api=" in tags[0] and "async" in tags[0]
    assert '<link rel="icon" href="data:,">' in html


# ------------------------------------------------------------------------------ answers


@browser
def test_answer_streams_with_working_citations(widget: WidgetPage) -> None:
    page = widget.goto().page
    widget.open()
    assert widget.focused()["id"] == "cw-input", "opening the panel puts focus in the question box"
    # Record every intermediate state of the answer while it streams in.
    page.evaluate("""() => {
        const root = document.querySelector('cited-widget').shadowRoot;
        window.__citedStates = [];
        new MutationObserver(() => {
            const el = root.querySelector('[data-outcome=answered].streaming .answer-text');
            if (el) window.__citedStates.push(el.textContent);
        }).observe(root, {subtree: true, childList: true, characterData: true});
    }""")
    with page.expect_response(lambda r: r.url.endswith("/v1/ask/stream")) as got:
        widget.ask(ANSWERABLE)
    res = got.value
    assert res.status == 200 and res.headers["content-type"].startswith("text/event-stream")
    events = sse_events(res.text())
    names = [e for e, _ in events]
    assert names[0] == "meta" and names[-2:] == ["citations", "done"] and names.count("delta") > 3
    done = events[-1][1]
    assert done["outcome"] == "answered" and done["citations"]

    states = page.evaluate("window.__citedStates")
    assert len(set(states)) >= 3, "the answer is rendered piece by piece as it streams"

    reply = widget.reply("answered")
    shown = reply.locator(".answer-text").evaluate(
        "el => [...el.querySelectorAll('.line-text')].map(l => [...l.childNodes].filter(n => n.nodeType === 3)"
        ".map(n => n.data).join('')).join(' ')")
    expected = re.sub(r"\s*\[\d+\]", "", done["answer"])
    assert " ".join(shown.split()) == " ".join(expected.split()), "the shown text is the server's answer, verbatim"
    markers = re.findall(r"\[(\d+)\]", done["answer"])
    assert reply.locator("button.cite").count() == len(markers)

    first = done["citations"][0]
    cite = reply.get_by_role("button", name=f"Source {first['n']}: {first['title']}").first
    assert cite.get_attribute("aria-expanded") == "false"
    cite.click()
    assert cite.get_attribute("aria-expanded") == "true"
    card = page.locator(f"#{cite.get_attribute('aria-controls')}")
    card.wait_for(state="visible")
    text = card.inner_text()
    assert first["title"] in text and f"Version {first['version']}" in text
    if first["section"]:
        assert f"Section: {first['section']}" in text
    assert card.locator("mark").inner_text().strip() == first["quote"].strip(), "the quoted sentence is highlighted"
    link = card.get_by_role("link")
    href = link.get_attribute("href")
    assert href == (first["url"] or f"{widget.base}/v1/passages/{first['chunk_id']}")
    assert link.get_attribute("target") == "_blank" and "noopener" in (link.get_attribute("rel") or "")
    passage = page.request.get(f"{widget.base}/v1/passages/{first['chunk_id']}")
    assert passage.ok and first["quote"] in passage.json()["passage"]
    reply.locator(".sources").wait_for()
    assert first["title"] in reply.locator(".sources").inner_text(), "sources are listed under the answer"

    with page.expect_response(lambda r: r.url.endswith("/v1/feedback")) as fb:
        reply.get_by_role("button", name="Helpful", exact=True).click()
    assert fb.value.status == 201
    assert reply.get_by_role("button", name="Helpful", exact=True).get_attribute("aria-pressed") == "true"
    reply.evaluate("el => { el.parentElement.scrollTop = el.offsetTop - 60; }")  # the question and the answer
    widget.screenshot("widget-1280-answer.png")

    cite.click()
    assert cite.get_attribute("aria-expanded") == "false" and card.count() == 0


@browser
def test_dosing_question_is_refused_kindly(widget: WidgetPage) -> None:
    widget.goto()
    widget.open()
    widget.ask(DOSING)
    reply = widget.reply("refused")
    reply.wait_for()
    text = reply.inner_text()
    assert "care team" in text.lower(), "says who can help"
    assert re.search(r"\(\d{3}\) \d{3}-\d{4}", text), "with the clinic's phone number from the server's text"
    assert reply.locator("button.cite").count() == 0
    assert widget.page.locator("[data-outcome=answered]").count() == 0
    widget.screenshot("widget-1280-refusal.png")


@browser
def test_not_covered_question_offers_suggestions(widget: WidgetPage) -> None:
    widget.goto()
    widget.open()
    widget.ask(NOT_COVERED)
    reply = widget.reply("not_found")
    chips = reply.locator("button.chip")
    assert chips.count() >= 3
    suggestion = chips.first.inner_text()
    chips.first.click()
    widget.wait_answered(2)
    assert widget.page.locator(".msg.user").last.inner_text().endswith(suggestion)


@browser
def test_errors_are_explained_and_can_be_retried(widget: WidgetPage) -> None:
    page = widget.goto().page
    widget.open()
    page.route("**/v1/ask/stream", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "7", "Content-Type": "application/json"},
        body='{"error": {"code": "rate_limited", "message": "rate limited"}}'))
    widget.ask(ANSWERABLE)
    error = page.locator(".msg.error")
    assert "wait 7 seconds" in error.inner_text()
    assert page.locator("[data-outcome]").count() == 0
    page.unroute("**/v1/ask/stream")
    error.get_by_role("button", name="Try again").click()
    widget.wait_answered(1)
    widget.reply("answered").wait_for()
    assert page.locator(".msg.error").count() == 0 and page.locator(".msg.user").count() == 1
    # Chromium logs every non-2xx response as a console error; that one was on purpose.
    widget.console_errors[:] = [e for e in widget.console_errors if "429" not in e]


# ------------------------------------------------------------------------------ crisis


CRISIS_LINKS = {"tel:988": "Call 988", "sms:988": "Text 988", "https://988lifeline.org/chat": "Chat online",
                "tel:911": "Call 911"}


@browser
def test_crisis_message_shows_crisis_panel_on_a_phone(phone: WidgetPage) -> None:
    page = phone.goto().page
    phone.open()
    box = phone.panel.bounding_box()
    assert box and box["width"] == 375 and box["x"] == 0, "on a phone the panel fills the screen"
    phone.ask(CRISIS)
    crisis = phone.reply("crisis")
    crisis.wait_for()
    assert crisis.get_by_role("heading").is_visible()
    assert "988" in crisis.inner_text()
    for href, label in CRISIS_LINKS.items():
        link = crisis.locator(f'a[href="{href}"]')
        assert link.count() == 1 and link.is_visible(), f"{label} link"
        assert label in link.inner_text()
        tap = link.bounding_box()
        assert tap and tap["height"] >= 44 and tap["width"] >= 44, f"{label} is big enough to tap"
    first_action = crisis.locator(".actions a").first.get_attribute("href")
    assert first_action == "tel:988", "for self-harm the 988 line comes first"
    page.wait_for_function("document.querySelector('cited-widget').shadowRoot"
                           ".querySelector('[role=alert]').textContent.includes('988')")
    phone.screenshot("widget-375-crisis.png")

    phone.ask(EMERGENCY)
    emergency = phone.reply("crisis")
    assert emergency.locator(".actions a").first.get_attribute("href") == "tel:911", "an emergency puts 911 first"


@browser
def test_phone_answer_screenshot(phone: WidgetPage) -> None:
    phone.goto()
    phone.screenshot("widget-375-closed.png")
    phone.open()
    phone.ask(ANSWERABLE)
    reply = phone.reply("answered")
    reply.locator("button.cite").first.click()
    overflow = phone.page.evaluate("""() => {
        const m = document.querySelector('cited-widget').shadowRoot.querySelector('.messages');
        return m.scrollWidth - m.clientWidth;
    }""")
    assert overflow <= 0, "nothing is wider than the phone's screen"
    reply.evaluate("el => { el.parentElement.scrollTop = el.offsetTop - 12; }")
    phone.screenshot("widget-375-answer.png")

    # The panel covers the page on a phone, so Tab cycles inside it.
    phone.page.get_by_role("button", name="Send question").focus()
    phone.page.keyboard.press("Tab")
    assert phone.focused()["label"] == "Clear conversation"
    phone.page.keyboard.press("Shift+Tab")
    assert phone.focused()["label"] == "Send question"


# ------------------------------------------------------------------------------ keyboard


def _tab_until(widget: WidgetPage, predicate: Callable[[dict[str, Any]], bool], key: str = "Tab",
               limit: int = 40) -> dict[str, Any]:
    for _ in range(limit):
        widget.page.keyboard.press(key)
        now = widget.focused()
        if predicate(now):
            return now
    raise AssertionError(f"focus never reached the target with {key}")


@browser
def test_keyboard_only_path(widget: WidgetPage) -> None:
    page = widget.goto().page
    keys = page.keyboard
    _tab_until(widget, lambda f: f["label"] is None and f["cls"] == "launcher")
    keys.press("Enter")
    widget.panel.wait_for(state="visible")
    assert widget.focused()["id"] == "cw-input"
    keys.type(ANSWERABLE)
    keys.press("Enter")
    widget.wait_answered(1)
    assert widget.focused()["id"] == "cw-input", "focus stays in the question box while the answer arrives"

    # Backwards from the question box: the feedback buttons, then the citations.
    assert _tab_until(widget, lambda f: f["label"] == "Not helpful", "Shift+Tab", 3)
    keys.press("Enter")
    assert widget.focused()["label"] == "Not helpful", "focus is kept after rating"
    keys.press("Tab")
    assert widget.focused()["text"] == "Not relevant"
    keys.press("Enter")
    widget.reply("answered").get_by_text("Thanks for your feedback.").wait_for()

    cite = _tab_until(widget, lambda f: f["cls"] == "cite", "Shift+Tab")
    keys.press("Enter")
    card = page.locator(f"[id='{cite['controls']}']")
    card.wait_for(state="visible")
    assert cite["label"] and cite["label"].startswith("Source ")
    keys.press("Space")
    assert card.count() == 0, "Space toggles the citation closed again"

    keys.press("Escape")
    widget.panel.wait_for(state="hidden")
    assert widget.focused()["cls"] == "launcher", "closing returns focus to the launcher"
    assert widget.launcher.get_attribute("aria-expanded") == "false"
    keys.press("Enter")
    widget.panel.wait_for(state="visible")
    assert widget.focused()["id"] == "cw-input"

    # The header's buttons are reachable too; Clear empties the conversation and returns to the question box.
    _tab_until(widget, lambda f: f["label"] == "Clear conversation", "Shift+Tab")
    keys.press("Enter")
    assert page.locator(".msg").count() == 0 and page.locator(".welcome").is_visible()
    assert widget.focused()["id"] == "cw-input"


# ------------------------------------------------------------------------------ accessibility


SERIOUS = {"serious", "critical"}


def _axe_problems(page: Page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    problems = []
    for v in results.response["violations"]:
        if v.get("impact") in SERIOUS:
            targets = [str(n.get("target")) for n in v.get("nodes", [])][:5]
            problems.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return problems


@browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations(make_widget: Callable[..., WidgetPage], scheme: str) -> None:
    pytest.importorskip("axe_playwright_python", reason="axe-playwright-python is not installed")
    widget = make_widget(color_scheme=scheme)
    widget.goto()
    assert _axe_problems(widget.page) == [], "the closed widget and the page"
    widget.open()
    widget.ask(ANSWERABLE)
    widget.reply("answered").locator("button.cite").first.click()
    widget.reply("answered").get_by_role("button", name="Not helpful").click()
    widget.ask(DOSING)
    widget.ask(NOT_COVERED)
    widget.ask(CRISIS)
    problems = _axe_problems(widget.page)
    assert problems == [], "\n".join(problems)
    if scheme == "dark":
        widget.screenshot("widget-1280-dark-crisis.png")


@browser
def test_accent_is_darkened_until_white_text_reaches_4_5(make_widget: Callable[..., WidgetPage]) -> None:
    widget = make_widget(reduced_motion="no-preference")
    widget.goto()
    bg = widget.launcher.evaluate("el => getComputedStyle(el).backgroundColor")
    fg = widget.launcher.evaluate("el => getComputedStyle(el).color")
    assert contrast(parse_rgb(bg), parse_rgb(fg)) >= 4.5
    assert parse_rgb(bg) != (0, 0xAA, 0x77), "data-accent #0a7 is too light for white text, so it was darkened"
    widget.open()
    assert widget.panel.evaluate("el => getComputedStyle(el).animationName") == "cw-in", "motion when allowed"


@browser
def test_reduced_motion_and_320px(make_widget: Callable[..., WidgetPage]) -> None:
    widget = make_widget(viewport={"width": 320, "height": 640}, reduced_motion="reduce")
    widget.goto()
    widget.open()
    assert widget.panel.evaluate("el => getComputedStyle(el).animationName") == "none"
    widget.ask(ANSWERABLE)
    widget.reply("answered").locator("button.cite").first.click()
    box = widget.panel.bounding_box()
    assert box and box["width"] == 320
    overflow = widget.page.evaluate("""() => {
        const root = document.querySelector('cited-widget').shadowRoot;
        return [...root.querySelectorAll('.messages, .composer, .head, .note')]
            .map(el => el.scrollWidth - el.clientWidth);
    }""")
    assert max(overflow) <= 0, "readable at 320 px: nothing scrolls sideways"
    widget.reply("answered").evaluate("el => { el.parentElement.scrollTop = el.offsetTop - 12; }")
    widget.screenshot("widget-320-answer.png")


# ------------------------------------------------------------------------------ isolation and privacy


@browser
def test_page_css_cannot_break_the_widget(widget: WidgetPage) -> None:
    page = widget.goto().page
    sheets = "document.styleSheets.length + document.adoptedStyleSheets.length"
    assert page.evaluate(sheets) == 1, "the page's own <style> only: the widget adds no stylesheet to the page"
    page.add_style_tag(content="""
        * { font-family: serif !important; }
        button, section, div, p, textarea { all: unset !important; color: red !important; font-size: 40px !important; }
        cited-widget { display: none !important; transform: scale(.2) !important; }""")
    widget.launcher.wait_for(state="visible")
    assert widget.launcher.evaluate("el => getComputedStyle(el).fontSize") == "15px"
    widget.open()
    box = widget.panel.bounding_box()
    assert box and 360 <= box["width"] <= 400
    assert widget.input.evaluate("el => getComputedStyle(el).fontSize") == "16px"


@browser
def test_conversation_lives_in_session_storage_until_cleared(widget: WidgetPage) -> None:
    page = widget.goto().page
    widget.open()
    widget.ask(ANSWERABLE)
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('cited-widget:')).length") == 1
    page.reload()
    widget.launcher.wait_for()
    widget.open()
    assert page.locator(".msg.user").inner_text().endswith(ANSWERABLE), "the conversation survives a reload"
    assert page.locator("[data-outcome=answered] button.cite").count() > 0, "with its citations"
    assert page.evaluate("localStorage.length") == 0 and page.evaluate("document.cookie") == ""
    page.get_by_role("button", name="Clear conversation").click()
    assert page.locator(".msg").count() == 0
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('cited-widget:')).length") == 0
    page.reload()
    widget.launcher.wait_for()
    widget.open()
    assert page.locator(".msg").count() == 0


@browser
def test_input_limit_and_counter(widget: WidgetPage) -> None:
    widget.goto()
    widget.open()
    widget.input.focus()
    widget.page.keyboard.insert_text("a" * 1005)
    assert len(widget.input.input_value()) == 1000
    counter = widget.page.locator("#cw-counter")
    assert "1000/1000" in counter.inner_text()
    assert "1000 of 1000 characters" in counter.text_content()
    widget.input.fill("")
    assert "0/1000" in counter.inner_text()
