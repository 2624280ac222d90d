"""The web chat in a real browser (headless Chromium driven by Playwright) against uvicorn and the real Rasa stack,
at phone sizes (390x844 and 320x640): a story told in Chinese gets the stop-now steps first; a quiz round by
tapping; a reload keeps the conversation; the language switch; the keyboard alone. Each step checks what a person
would notice: nothing cut off sideways, the right ``lang`` attributes, no layout shift when replies arrive
(PerformanceObserver 'layout-shift', total under 0.05). Screenshots in Chinese and English go to
var/screenshots/ (look at them after a change of the page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.classroom.service import ClassroomService
from bot.runtime import Stack
from bot.settings import ROOT
from tests.bot.web.chatting import STOP_NOW, URGENT_EN, URGENT_ZH, chat_app, stack_assistant
from tests.bot.web.conftest import Served, serve

pytestmark = pytest.mark.stack

SHOTS = ROOT / "var" / "screenshots"
PHONE = (390, 844)
SMALL = (320, 640)
#: Sums the layout shifts not caused by the person's own input, from the page's first moment.
SHIFTS = """
window.__shift = 0;
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (e) { if (!e.hadRecentInput) window.__shift += e.value; });
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture
def chat_served(svc: ClassroomService, stack: Stack) -> Iterator[Served]:
    yield from serve(chat_app(svc, stack_assistant(stack)))


@pytest.fixture
def open_page(browser: Any, chat_served: Served) -> Iterator[Any]:
    contexts: list[Any] = []

    def opened(size: tuple[int, int], locale: str) -> Any:
        context = browser.new_context(
            viewport={"width": size[0], "height": size[1]}, device_scale_factor=2, locale=locale, has_touch=True
        )
        contexts.append(context)
        page = context.new_page()
        page.add_init_script(SHIFTS)
        page.goto(f"{chat_served.url}/chat")
        page.wait_for_function("document.getElementById('log').getAttribute('aria-busy') === 'false'")
        return page

    yield opened
    for context in contexts:
        context.close()


def bot_count(page: Any) -> int:
    return int(page.locator("#messages .msg.bot").count())


def wait_replies(page: Any, before: int) -> Any:
    """The replies that came after ``before`` bot messages (the first of them, a locator of all)."""
    from playwright.sync_api import expect

    expect(page.locator("#typing")).to_be_hidden(timeout=60_000)
    page.wait_for_function(f"document.querySelectorAll('#messages .msg.bot').length > {before}", timeout=60_000)
    return page.locator("#messages .msg.bot").nth(before)


def say(page: Any, text: str) -> Any:
    before = bot_count(page)
    page.fill("#text", text)
    page.press("#text", "Enter")
    return wait_replies(page, before)


def tap(page: Any, button: Any) -> Any:
    before = bot_count(page)
    button.tap()
    return wait_replies(page, before)


def look(page: Any, name: str) -> None:
    """A screenshot, and what would be wrong to the eye: wider than the screen, a layout shift, no CJK font."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"chat-{name}.png"))
    seen = page.evaluate(
        """() => ({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
                   shift: window.__shift,
                   cjk: document.fonts.check("16px 'Noto Sans CJK SC'", "反诈助手")})"""
    )
    assert seen["sw"] <= seen["cw"], f"{name}: wider than the screen"
    assert seen["shift"] < 0.05, f"{name}: layout shift {seen['shift']:.3f}"
    assert seen["cjk"], "no font with Chinese glyphs"


def latest_choices(page: Any) -> Any:
    return page.locator("#messages .msg.bot:last-child .choice:not([disabled])")


def test_a_story_in_chinese_then_a_quiz_by_tapping_then_a_reload(open_page: Any) -> None:
    from playwright.sync_api import expect

    page = open_page(PHONE, "zh-CN")
    assert page.get_attribute("html", "lang") == "zh-CN"
    look(page, "zh-1-start-390")

    first = say(page, URGENT_ZH)
    user = page.locator("#messages .msg.user").last
    assert user.get_attribute("lang") == "zh-CN" and "安全账户" in user.inner_text()
    expect(first).to_have_class("msg bot urgent")
    assert first.locator(".text").inner_text().startswith(STOP_NOW[0])
    assert first.get_attribute("lang") == "zh-CN"
    assert page.locator("#messages .msg.bot.urgent").count() == 1  # only the stop-now steps
    top = page.evaluate("document.querySelector('#messages .msg.bot.urgent').getBoundingClientRect().top")
    assert 0 <= top < 844 / 2  # scrolled into view at the top, the rest below it
    look(page, "zh-2-urgent-390")

    reply = tap(page, page.get_by_role("button", name="防骗小测验").first)  # the starter under the greeting
    audiences = latest_choices(page)
    assert audiences.count() == 6, reply.inner_text()
    tap(page, audiences.nth(0))
    for n in range(1, 6):
        question = page.locator("#messages .msg.bot").filter(has_text=f"第 {n}/5 题").last
        expect(question).to_be_visible()
        options = question.locator(".choice:not([disabled])")
        if options.count():
            assert options.first.inner_text().startswith("A. ")
            if n == 1:
                look(page, "zh-3-question-390")
            feedback = tap(page, options.first)
        else:
            feedback = say(page, "A B")
        assert feedback.locator(".text").inner_text().startswith(("✅", "❌"))
        active = page.locator("#messages .msg:not(.intro) .choice:not([disabled])")
        assert active.count() == latest_choices(page).count()  # only the newest buttons can be tapped
    expect(page.locator("#messages .msg.bot").last).to_contain_text("本轮结束")
    look(page, "zh-4-quiz-end-390")

    shown = page.locator("#messages .msg").all_inner_texts()
    page.reload()
    page.wait_for_function("document.getElementById('log').getAttribute('aria-busy') === 'false'")
    assert page.locator("#messages .msg").all_inner_texts() == shown
    assert latest_choices(page).count() == 2  # again / progress: the newest buttons still work
    look(page, "zh-5-reloaded-390")


def test_english_at_320_after_the_switch(open_page: Any) -> None:
    page = open_page(SMALL, "zh-CN")
    say(page, "你好")
    page.click("#lang-switch")
    page.wait_for_function("document.getElementById('log').getAttribute('aria-busy') === 'false'")
    assert page.get_attribute("html", "lang") == "en"
    assert page.locator("#send").inner_text() == "Send"
    assert page.locator("#messages .msg.user").first.inner_text().endswith("你好")  # the conversation is kept
    assert page.get_attribute("#lang-switch", "lang") == "zh-CN"
    look(page, "en-1-switched-320")

    first = say(page, URGENT_EN)
    assert first.locator(".text").inner_text().startswith(STOP_NOW[1])
    assert first.get_attribute("lang") == "en" and "urgent" in (first.get_attribute("class") or "")
    assert first.locator(".tag").inner_text() == "Urgent"
    look(page, "en-2-urgent-320")

    reply = tap(page, page.get_by_role("button", name="Hotlines").first)
    assert reply.get_attribute("lang") == "en", reply.inner_text()  # a button answers in the chosen language
    links = page.locator("#messages .msg.bot a")
    assert links.count() >= 1  # the assistant's web addresses can be tapped
    assert all(links.nth(i).get_attribute("href", timeout=1000).startswith("https://") for i in range(links.count()))
    look(page, "en-3-hotlines-320")
    for selector in ("#text", "#send", ".choice", "#lang-switch"):
        size = page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 15, f"{selector}: {size}px is too small to read"


def test_the_keyboard_alone(open_page: Any) -> None:
    page = open_page(PHONE, "en-GB")
    order = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
    assert order == ["lang-switch", "log", "choice", "choice", "choice", "text"]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focus is visible
    before = bot_count(page)
    page.keyboard.type("what are the red flags of a fake police call?")
    page.keyboard.press("Enter")  # Enter sends
    wait_replies(page, before)
    assert page.evaluate("document.activeElement.id") == "text"  # and the focus stays in the box
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")  # back into the newest buttons
    focused = page.evaluate("document.activeElement.className")
    assert "choice" in focused
    before = bot_count(page)
    page.keyboard.press("Enter")  # a button pressed by keyboard
    wait_replies(page, before)
    assert page.evaluate("document.activeElement.className") in ("choice", "")
    assert page.evaluate("document.activeElement.tagName") in ("BUTTON", "TEXTAREA")
    look(page, "en-4-keyboard-390")

    say(page, "is this real? http://police-case.example.com/pay")
    user = page.locator("#messages .msg.user").last
    assert user.locator("a").count() == 0 and "http://police-case.example.com/pay" in user.inner_text()  # never a link
