"""Classes and members through the service: codes and tokens, the group, joining, names, renaming, removing."""

from __future__ import annotations

import re

import pytest

from bot.classroom.classes import CODE_ALPHABET, check_name
from bot.classroom.records import ClassroomError
from bot.classroom.service import ClassroomService
from tests.bot.classroom.conftest import Room


def test_create_class_gives_a_code_and_a_token(svc: ClassroomService) -> None:
    teacher = svc.learner_id("telegram", "t")
    info = svc.create_class(teacher, "  Year  9 ", "zh", "elderly")
    assert info.name == "Year 9" and info.lang == "zh" and info.audience == "elderly" and info.members == 0
    assert re.fullmatch(f"[{CODE_ALPHABET}]{{6}}", info.join_code)
    assert len(info.join_token) >= 16 and info.teacher_id == teacher
    other = svc.create_class(teacher, "Year 10", "en", "general")
    assert other.join_code != info.join_code and other.join_token != info.join_token
    assert [c.id for c in svc.teacher_classes(teacher)] == [info.id, other.id]
    assert svc.teacher_classes(svc.learner_id("telegram", "someone else")) == []


def test_create_class_reports_every_problem(svc: ClassroomService) -> None:
    with pytest.raises(ClassroomError) as raised:
        svc.create_class(1, " ", "fr", "martians")
    assert [key for key, _ in raised.value.problems] == ["class_name_length", "bad_lang", "bad_audience"]


def test_find_a_class_by_code_token_and_group(room: Room) -> None:
    svc, info = room.svc, room.info
    code = info.join_code
    spaced = f" {code[:3].lower()} {code[3:].lower()} "
    assert svc.class_by_code(spaced).id == info.id
    assert svc.class_by_code(f"{code[:3]}-{code[3:]}").id == info.id
    assert svc.class_by_token(info.join_token).id == info.id
    for bad in (lambda: svc.class_by_code("ZZZZZZ"), lambda: svc.class_by_token("nope")):
        with pytest.raises(ClassroomError, match="unknown_code"):
            bad()
    assert svc.class_by_group(-100123) is None
    assert svc.bind_group(info.id, room.teacher, -100123).group_chat_id == -100123
    assert svc.class_by_group(-100123).id == info.id  # type: ignore[union-attr]


def test_a_group_serves_one_class_and_only_its_teacher_binds(room: Room) -> None:
    svc = room.svc
    other = svc.create_class(room.teacher, "Other", "en", "general")
    svc.bind_group(room.info.id, room.teacher, -5)
    with pytest.raises(ClassroomError, match="group_taken"):
        svc.bind_group(other.id, room.teacher, -5)
    with pytest.raises(ClassroomError, match="not_teacher"):
        svc.bind_group(room.info.id, room.students[0], -6)
    assert svc.bind_group(room.info.id, room.teacher, -5).group_chat_id == -5  # again: no change


def test_join_without_a_name_asks_for_one(room: Room) -> None:
    svc, info = room.svc, room.info
    newcomer = svc.learner_id("telegram", "new")
    asked = svc.join(info.id, newcomer, None)
    assert asked.name_needed and asked.member is None and not asked.already
    assert svc.class_by_id(info.id).members == 3  # nothing stored
    joined = svc.join(info.id, newcomer, "Dee")
    assert joined.member is not None and joined.member.display_name == "Dee" and joined.classroom.members == 4
    again = svc.join(info.id, newcomer, None)
    assert again.already and not again.name_needed and again.member == joined.member
    assert svc.join(info.id, newcomer, "Another").member == joined.member  # a second join keeps the first name
    assert [m.display_name for m in svc.members(info.id)] == ["Ann", "Bob", "Cai", "Dee"]
    assert [c.id for c in svc.memberships(newcomer)] == [info.id]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("A", "name_length"),
        ("x" * 21, "name_length"),
        ("   ", "name_length"),
        ("see https://x.co", "name_link"),
        ("www.scam.com", "name_link"),
        ("t.me/joinus", "name_link"),
        ("@scammer", "name_link"),
        ("buy at shop.com", "name_link"),
        ("Li 13800138000", "name_phone"),
        ("call 555-123-4567", "name_phone"),
        ("+44 20 7946 0958", "name_phone"),
    ],
    ids=["too-short", "too-long", "blank", "url", "www", "telegram", "handle", "domain", "cn-mobile", "us", "uk"],
)
def test_bad_names(name: str, key: str) -> None:
    with pytest.raises(ClassroomError) as raised:
        check_name(name)
    assert raised.value.key == key


@pytest.mark.parametrize(
    "name",
    ["Li", "王小明", "Anne-Marie O'Neil", "Team 7", "x" * 20, "李 2班"],
    ids=["two", "zh", "punct", "digit", "max", "mix"],
)
def test_good_names(name: str) -> None:
    assert check_name(name) == name


def test_names_are_unique_case_insensitively(room: Room) -> None:
    svc, info = room.svc, room.info
    newcomer = svc.learner_id("telegram", "new")
    with pytest.raises(ClassroomError, match="name_taken") as raised:
        svc.join(info.id, newcomer, " aNN ")
    assert raised.value.problems[0][1] == {"name": "aNN"}
    assert svc.join(info.id, newcomer, None).name_needed  # nothing was stored
    with pytest.raises(ClassroomError, match="name_taken"):
        svc.set_name(info.id, room.students[1], "ann")
    assert svc.set_name(info.id, room.students[1], "Bobby").display_name == "Bobby"
    assert svc.set_name(info.id, room.students[0], "ANN").display_name == "ANN"  # one's own name, other case
    with pytest.raises(ClassroomError, match="not_member"):
        svc.set_name(info.id, newcomer, "Zed")


def test_the_teacher_renames_and_removes(room: Room) -> None:
    svc, info = room.svc, room.info
    with pytest.raises(ClassroomError, match="not_teacher"):
        svc.rename(info.id, room.students[0], "Bob", "Bo")
    assert svc.rename(info.id, room.teacher, "bob", "Bo").display_name == "Bo"
    with pytest.raises(ClassroomError, match="unknown_member"):
        svc.rename(info.id, room.teacher, "Nobody", "X1")
    with pytest.raises(ClassroomError, match="not_teacher"):
        svc.remove(info.id, room.students[0], "Cai")
    removed = svc.remove(info.id, room.teacher, "Cai")
    assert removed.learner_id == room.students[2]
    assert [m.display_name for m in svc.members(info.id)] == ["Ann", "Bo"]
    assert svc.memberships(room.students[2]) == []
    with pytest.raises(ClassroomError, match="removed"):
        svc.join(info.id, room.students[2], "Cai again")
    newcomer = svc.learner_id("telegram", "new")
    assert svc.join(info.id, newcomer, "Cai").member is not None  # the name is free again
