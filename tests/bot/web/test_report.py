"""The class report for its teacher: the page (tables, the misconception marked, progress), the CSV and XLSX
downloads, and who may see them (the class's teacher only)."""

from __future__ import annotations

import io

import pytest
from markupsafe import escape
from openpyxl import load_workbook  # type: ignore[import-untyped]
from starlette.testclient import TestClient

from bot.classroom import access, export
from bot.classroom.service import ClassroomService
from bot.i18n import t
from bot.web.teacher import SESSION_COOKIE
from tests.bot.web.conftest import Clock, Room, make_room

KINDS = ["", "/report.csv", "/report.xlsx"]
KIND_IDS = ["page", "csv", "xlsx"]


def log_in(client: TestClient, svc: ClassroomService, teacher: int) -> None:
    with svc.db.write() as s:
        token = access.issue_login_link(s, teacher, now=svc.clock(), minutes=15)
    assert client.get(f"/login/{token}").status_code == 303


@pytest.fixture
def taught(room: Room, clock: Clock) -> Room:
    """A finished session of two questions: Ann right, Bob wrong (the same wrong option twice), Cai silent."""
    session = room.start(count=5, seconds=20)
    for position in range(2):
        opened = room.svc.open_next(session.id, room.teacher)
        assert opened is not None
        wrong = next(i for i in range(len(opened.question.answer) + 1) if i not in opened.question.answer)
        clock.tick(4)
        room.svc.record_answer(session.id, position, room.students[0], opened.question.answer)
        room.svc.record_answer(session.id, position, room.students[1], (wrong,))
        clock.tick(20)
        room.svc.close_question(session.id, position)
    room.svc.end(session.id, room.teacher)
    return room


def test_the_report_page(client: TestClient, taught: Room) -> None:
    log_in(client, taught.svc, taught.teacher)
    page = client.get(f"/teacher/classes/{taught.info.id}")
    assert page.status_code == 200
    report = taught.svc.class_report(taught.info.id, taught.teacher)
    assert export.title(report, "en") in page.text
    for table in export.tables(report, "en"):
        assert table.title in page.text
    assert page.text.count('class="misconception"') == 2  # one per question: Bob's wrong option
    flag = report.questions[0].red_flags[0]
    assert str(escape(export.flag_label(flag, "en"))) in page.text  # as the template writes it (autoescaped)
    assert 'class="progress"' in page.text and "50%" in page.text  # 2 right of 4 answers
    assert f"/teacher/classes/{taught.info.id}/report.csv?session={report.session.id}" in page.text  # type: ignore[union-attr]


def test_the_downloads(client: TestClient, taught: Room) -> None:
    log_in(client, taught.svc, taught.teacher)
    found = client.get(f"/teacher/classes/{taught.info.id}/report.csv?lang=zh")
    assert found.status_code == 200 and found.headers["content-type"].startswith("text/csv")
    assert found.content.startswith("\ufeff".encode()) and "attachment" in found.headers["content-disposition"]
    text = found.content.decode("utf-8-sig")
    assert t("classroom.report_students", "zh") in text and "Ann" in text and "Bob" in text
    book = client.get(f"/teacher/classes/{taught.info.id}/report.xlsx")
    assert book.status_code == 200
    sheets = load_workbook(io.BytesIO(book.content)).sheetnames
    assert len(sheets) == 4


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_another_teacher_is_refused(client: TestClient, svc: ClassroomService, taught: Room, kind: str) -> None:
    other = make_room(svc, "zh", ("Zed",))
    log_in(client, svc, other.teacher)
    found = client.get(f"/teacher/classes/{taught.info.id}{kind}")
    assert found.status_code == 403 and t("web.forbidden", "zh") in found.text
    assert "Ann" not in found.text


@pytest.mark.parametrize("kind", KINDS, ids=KIND_IDS)
def test_a_login_is_needed(client: TestClient, taught: Room, kind: str) -> None:
    client.cookies.set(SESSION_COOKIE, "forged")
    found = client.get(f"/teacher/classes/{taught.info.id}{kind}")
    assert found.status_code == 401 and "Ann" not in found.text


@pytest.mark.parametrize(
    "path",
    [
        "/teacher/classes/999",
        "/teacher/classes/x",
        "/teacher/classes/{id}?session=999",
        "/teacher/classes/{id}?session=x",
    ],
    ids=["unknown-class", "bad-class", "unknown-session", "bad-session"],
)
def test_not_found(client: TestClient, taught: Room, path: str) -> None:
    log_in(client, taught.svc, taught.teacher)
    assert client.get(path.format(id=taught.info.id)).status_code == 404


def test_a_class_without_sessions(client: TestClient, room: Room) -> None:
    log_in(client, room.svc, room.teacher)
    page = client.get(f"/teacher/classes/{room.info.id}")
    assert page.status_code == 200 and t("web.no_session", "en") in page.text and "report.csv" not in page.text
