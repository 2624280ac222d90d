"""The projector in a real browser (headless Chromium driven by Playwright) against uvicorn and a real SQLite
database: a class joins the lobby (names appear live), a session goes question -> answers arrive (the count changes
live) -> reveal -> podium, in Chinese and English, on a projector (1920x1080) and a phone (390x844) at once.
Screenshots go to var/screenshots/ (look at them after a change of the page); each step also checks what a person
would notice: nothing cut off sideways, nothing to scroll on the projector, big type, Chinese glyphs present."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.settings import ROOT
from tests.bot.web.conftest import Clock, Room, Served, make_room

SHOTS = ROOT / "var" / "screenshots"
SIZES = {"projector": (1920, 1080), "phone": (390, 844)}
NAMES = {"zh": ("李明", "王小红", "张伟"), "en": ("Ann", "Bob", "Cai")}
LATE = {"zh": ("陈静怡", "Zoë", "欧阳娜娜"), "en": ("Dee", "Eve Marie-Louise", "李明")}


@pytest.fixture
def clock() -> Clock:
    return Clock(real=True)  # the page counts down against the server's clock


@pytest.fixture
def pages(browser: Any) -> Iterator[dict[str, Any]]:
    contexts = {
        kind: browser.new_context(viewport={"width": w, "height": h}, device_scale_factor=1)
        for kind, (w, h) in SIZES.items()
    }
    try:
        yield {kind: context.new_page() for kind, context in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()


def look(pages: dict[str, Any], lang: str, step: str) -> None:
    """Screenshots of every page, and what would be wrong to the eye."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for kind, page in pages.items():
        page.screenshot(path=str(SHOTS / f"projector-{lang}-{step}-{kind}.png"))
        sizes = page.evaluate(
            """() => ({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
                       sh: document.documentElement.scrollHeight, ih: window.innerHeight,
                       cjk: document.fonts.check("16px 'Noto Sans CJK SC'", "反诈课堂")})"""
        )
        assert sizes["sw"] <= sizes["cw"], f"{kind} {step}: wider than the screen"
        if kind == "projector":
            assert sizes["sh"] <= sizes["ih"], f"{step}: the projector would need scrolling"
        assert sizes["cjk"], "no font with Chinese glyphs"


def font_px(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => parseFloat(getComputedStyle(e).fontSize)"))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_session_live_in_the_browser(svc: Any, served: Served, pages: dict[str, Any], lang: str) -> None:
    from playwright.sync_api import expect

    room: Room = make_room(svc, lang, NAMES[lang])
    session = room.start(count=5, seconds=30)
    url = f"{served.url}/p/{session.projector_token}"
    for page in pages.values():
        page.goto(url)
        expect(page.locator("#member-count")).to_have_text("3")
    projector = pages["projector"]
    expect(projector.locator("#join-code")).to_have_text(room.info.join_code)
    assert font_px(projector, "#join-code") >= 100  # readable from the back of the room

    for name in LATE[lang]:  # students join while the page is open: their names appear without a reload
        room.add(name)
    for page in pages.values():
        expect(page.locator("#member-count")).to_have_text("6")
        expect(page.locator("#members li")).to_have_count(6)
        expect(page.locator("#members li").last).to_have_text(LATE[lang][-1])
    look(pages, lang, "1-lobby")

    opened = svc.open_next(session.id, room.teacher)
    assert opened is not None
    content = opened.question.content(lang)
    for page in pages.values():
        expect(page.locator("#question")).to_be_visible()
        expect(page.locator("#lobby")).to_be_hidden()
        expect(page.locator("#options li")).to_have_count(len(content.options))
        expect(page.locator("#answered-count")).to_have_text("0")
    assert projector.locator("#prompt").inner_text().strip() == content.prompt.strip()
    assert font_px(projector, "#prompt") >= 40
    seconds = int(projector.locator("#countdown").inner_text())
    assert 20 <= seconds <= 30

    wrong = tuple(i for i in range(len(content.options)) if i not in opened.question.answer)[:1]
    for count, (learner, chosen) in enumerate(
        zip(room.students, [opened.question.answer, wrong, opened.question.answer, wrong]), start=1
    ):
        svc.record_answer(session.id, 0, learner, chosen)
        for page in pages.values():
            expect(page.locator("#answered-count")).to_have_text(str(count))
    look(pages, lang, "2-question")

    svc.close_question(session.id, 0)
    for page in pages.values():
        expect(page.locator("#reveal")).to_be_visible()
        expect(page.locator("#teaching")).to_have_text(content.explanation)
        expect(page.locator("#bars li.right")).to_have_count(len(opened.question.answer))
        expect(page.locator("#top li")).to_have_count(5)  # the top 5 of the 6 members
    assert projector.locator("#bars li.misconception").count() == 1
    look(pages, lang, "3-reveal")

    svc.end(session.id, room.teacher)
    for page in pages.values():
        expect(page.locator("#podium")).to_be_visible()
        expect(page.locator("#podium-steps .step")).to_have_count(2)  # the two who scored
    first = projector.locator(".place1 .name").inner_text()
    assert first in (room.names[0], room.names[2])
    look(pages, lang, "4-podium")
