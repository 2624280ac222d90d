"""The organiser's campaign pages under TestClient and in Chromium: who may see them (401 / 403 / 404), what they
show for a campaign whose enrolments, family link, deliveries, openings, answers, plan and opt-out were all made
through the campaign service, the CSV download, and the report page on a desktop (1280) and a phone (390) screen
(screenshots in var/screenshots/)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.campaigns.definition import load_definitions
from bot.campaigns.export import sheet_title
from bot.campaigns.records import Role
from bot.campaigns.service import CampaignService
from bot.classroom import access
from bot.classroom.service import ClassroomService
from bot.i18n import t
from bot.knowledge import load_knowledge
from bot.quiz.bank import load_banks
from bot.settings import ROOT
from bot.web.app import create_app
from bot.web.teacher import SESSION_COOKIE
from tests.bot.web.conftest import BOT, Clock, Room, make_room, serve

DRILL = ROOT / "tests" / "bot" / "campaigns" / "data" / "family_drill.yml"
SHOTS = ROOT / "var" / "screenshots"
#: A Monday: the drill's lessons go out on Mondays at 19:00 in each person's zone (Beijing: 11:00 UTC).
START_DATE = date(2026, 12, 7)
PATHS = ["", "/report.csv"]
PATH_IDS = ["page", "csv"]


@pytest.fixture
def campaigns(svc: ClassroomService, clock: Clock) -> CampaignService:
    return CampaignService(svc.db, load_definitions(DRILL), load_knowledge(), clock=clock)


@pytest.fixture
def app(svc: ClassroomService, campaigns: CampaignService) -> Starlette:
    return create_app(svc, svc.db, bot_username=BOT, campaigns=campaigns)


def log_in(client: TestClient, svc: ClassroomService, teacher: int) -> None:
    with svc.db.write() as s:
        token = access.issue_login_link(s, teacher, now=svc.clock(), minutes=15)
    assert client.get(f"/login/{token}").status_code == 303


@dataclass
class Running:
    """A campaign for the room's class, its first week delivered: Ann (her mother linked) opened it, answered its
    first question right and made the family safety plan; Bob opened it and chose a wrong option; Cai stopped."""

    room: Room
    campaigns: CampaignService
    id: int
    parent_name: str
    wrong_option: str
    question_prompt: str


def deliver_due(campaigns: CampaignService) -> int:
    """What the delivery pump does, without Telegram: plan what is due, claim it, mark it sent."""
    campaigns.plan_due()
    sent = 0
    while batch := campaigns.claim(limit=100):
        for out in batch:
            assert campaigns.mark_sent(out.delivery_id, out.claim, 1000 + out.delivery_id)
            sent += 1
    return sent


@pytest.fixture
def running(room: Room, campaigns: CampaignService, clock: Clock) -> Running:
    ann, bob, cai = room.students
    info = campaigns.start_campaign(room.teacher, "family_drill", class_ids=[room.info.id], start=START_DATE, lang="en")
    invite = campaigns.create_invite(ann, info.id)
    mother = room.svc.learner_id("telegram", "ann-mother")
    parent_name = "Mei Ling"
    campaigns.accept_invite(invite.token, mother, lang="zh", zone="beijing", display_name=parent_name)
    clock.tick(timedelta(hours=4).total_seconds())  # 13:00 UTC: week 1 is due for everyone (Beijing 19:00)
    assert deliver_due(campaigns) == 4  # three students and the mother
    week = load_definitions(DRILL)["family_drill"].week(1)
    first = week.quiz[Role.STUDENT][0]
    question = next(q for q in load_banks().questions if q.id == first)
    wrong = next(i for i in range(len(question.en.options)) if i not in question.answer)
    for learner, chosen in ((ann, question.answer), (bob, (wrong,))):
        campaigns.lesson(learner, info.id, 1)
        campaigns.record_answer(learner, info.id, 1, first, chosen)
    campaigns.plan_made(ann, info.id)
    campaigns.opt_out(cai, info.id)
    return Running(room, campaigns, info.id, parent_name, question.en.options[wrong], question.en.prompt)


@pytest.mark.parametrize("path", PATHS, ids=PATH_IDS)
@pytest.mark.parametrize("cookie", [None, "forged"], ids=["none", "forged"])
def test_a_login_is_needed(client: TestClient, running: Running, path: str, cookie: str | None) -> None:
    if cookie:
        client.cookies.set(SESSION_COOKIE, cookie)
    found = client.get(f"/organiser/campaigns/{running.id}{path}")
    assert found.status_code == 401 and "Ann" not in found.text
    assert client.get("/organiser/campaigns").status_code == 401


@pytest.mark.parametrize("path", PATHS, ids=PATH_IDS)
def test_another_organiser_is_refused(client: TestClient, svc: ClassroomService, running: Running, path: str) -> None:
    other = make_room(svc, "zh", ("Zed",))
    log_in(client, svc, other.teacher)
    found = client.get(f"/organiser/campaigns/{running.id}{path}")
    assert found.status_code == 403 and t("web.campaign_forbidden", "zh") in found.text
    assert "Ann" not in found.text
    mine = client.get("/organiser/campaigns")  # their own list does not show it
    assert mine.status_code == 200 and t("web.no_campaigns", "zh") in mine.text
    assert f"/organiser/campaigns/{running.id}" not in mine.text


@pytest.mark.parametrize(
    "path",
    ["/organiser/campaigns/999", "/organiser/campaigns/x", "/organiser/campaigns/999/report.csv"],
    ids=["unknown", "not-a-number", "unknown-csv"],
)
def test_not_found(client: TestClient, running: Running, path: str) -> None:
    log_in(client, running.room.svc, running.room.teacher)
    assert client.get(path).status_code == 404


def test_without_campaigns_the_pages_are_not_found(svc: ClassroomService, room: Room) -> None:
    with TestClient(create_app(svc, svc.db, bot_username=BOT), follow_redirects=False) as client:
        log_in(client, svc, room.teacher)
        assert client.get("/organiser/campaigns").status_code == 404
        assert 'href="/organiser/campaigns"' not in client.get("/teacher").text


def test_the_campaign_list(client: TestClient, running: Running) -> None:
    log_in(client, running.room.svc, running.room.teacher)
    assert 'href="/organiser/campaigns"' in client.get("/teacher").text  # the teacher page links to it
    page = client.get("/organiser/campaigns")
    assert page.status_code == 200 and page.headers["content-language"] == "en"  # the campaign's language
    assert "Family scam drill" in page.text and f'href="/organiser/campaigns/{running.id}"' in page.text
    row = page.text[page.text.index("Family scam drill") :]
    assert running.room.info.name in row and "2026-12-07" in row
    cells = [c.split(">")[-1] for c in row.split("</td>")[:7]]
    assert cells[3:6] == ["4", "4", "33%"]  # weeks; 3 students + 1 parent enrolled; 1 of 3 students with a parent
    assert t("web.campaign_running", "en") in row


def test_the_report_page(client: TestClient, running: Running) -> None:
    log_in(client, running.room.svc, running.room.teacher)
    page = client.get(f"/organiser/campaigns/{running.id}")
    assert page.status_code == 200
    text = page.text
    for key in ("web.funnel", "web.by_week", "web.by_class", "web.questions_title"):
        assert t(key, "en") in text
    funnel = text[text.index('id="funnel"') : text.index("</table>", text.index('id="funnel"'))]
    rows = funnel.split("<tr>")[2:]
    counts = [r.split('class="num">')[1].split("<")[0] for r in rows]
    # students, parents, with a parent, delivered, opened, quizzes answered, plans (Ann's marks her mother's too),
    # opted out
    assert counts == ["3", "1", "1", "4", "2", "2", "2", "1"]
    assert "33%" in rows[2] and "50%" in rows[4]  # 1 of 3 students has a parent; 2 of 4 lessons opened
    assert "Fake police" in text  # week 1's theme, from the definition
    table = text[text.index('class="students"') :]
    for name in running.room.names:
        assert name in table
    ann = table[table.index("Ann") : table.index("</tr>", table.index("Ann"))]
    assert "✓ 1/2" in ann and ann.count('class="wk opened"') == 2  # week 1 opened, 1 of its 2 questions right; the plan
    cai = table[table.index("Cai") : table.index("</tr>", table.index("Cai"))]
    assert 'class="wk delivered"' in cai and "✓" not in cai
    assert running.parent_name not in text  # the organiser sees no parent by name
    assert running.question_prompt in text
    assert f"{running.wrong_option} <span" in text and 'class="misconception"' in text
    assert f"/organiser/campaigns/{running.id}/report.csv?lang=en" in text
    chinese = client.get(f"/organiser/campaigns/{running.id}?lang=zh")
    assert "家庭防骗演练" in chinese.text and t("web.funnel", "zh") in chinese.text


def test_the_csv(client: TestClient, running: Running) -> None:
    log_in(client, running.room.svc, running.room.teacher)
    found = client.get(f"/organiser/campaigns/{running.id}/report.csv?lang=en")
    assert found.status_code == 200 and found.headers["content-type"].startswith("text/csv")
    assert found.content.startswith("\ufeff".encode()) and "attachment" in found.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(found.content.decode("utf-8-sig"))))
    report = running.campaigns.report(running.room.teacher, running.id, "en")
    sheets = running.campaigns.export_rows(report, "en")
    assert [r[0] for r in rows if len(r) == 1] == [sheet_title(sheet, "en") for sheet in sheets]  # every table
    assert sum(len(table) for table in sheets.values()) == len([r for r in rows if len(r) > 1])
    flat = [cell for row in rows for cell in row]
    assert all(name in flat for name in running.room.names)
    assert f"{running.wrong_option} (1 time)" in flat  # Bob's wrong option, under its question
    assert running.parent_name not in flat


# --------------------------------------------------------------------------------------------------------------
# In the browser


@pytest.fixture
def served_app(app: Starlette) -> Iterator[Any]:
    yield from serve(app)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_report_page_on_screens(browser: Any, served_app: Any, running: Running, lang: str) -> None:
    """The report page at 1280 and 390 wide: nothing wider than the screen (the wide tables scroll inside their
    box), the funnel's bars drawn, Chinese glyphs available. Look at the screenshots after a change of the page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in ((1280, 900), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
        try:
            page = context.new_page()
            with running.room.svc.db.write() as s:
                token = access.issue_login_link(s, running.room.teacher, now=running.room.svc.clock(), minutes=15)
            page.goto(f"{served_app.url}/login/{token}")
            page.goto(f"{served_app.url}/organiser/campaigns/{running.id}?lang={lang}")
            page.screenshot(path=str(SHOTS / f"organiser-{lang}-{width}.png"), full_page=True)
            sizes = page.evaluate(
                """() => ({sw: document.documentElement.scrollWidth, cw: document.documentElement.clientWidth,
                           cjk: document.fonts.check("16px 'Noto Sans CJK SC'", "反诈课堂")})"""
            )
            assert sizes["sw"] <= sizes["cw"], f"{width}: wider than the screen"
            assert sizes["cjk"], "no font with Chinese glyphs"
            bars = page.eval_on_selector_all("#funnel .hbar div", "es => es.map(e => e.getBoundingClientRect().width)")
            assert len(bars) == 8 and bars[0] > bars[4] > 0  # students 100%, lessons opened 50%
            assert page.locator(".students").first.is_visible()
            page.goto(f"{served_app.url}/organiser/campaigns?lang={lang}")
            page.screenshot(path=str(SHOTS / f"organiser-list-{lang}-{width}.png"), full_page=True)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        finally:
            context.close()
