"""The campaign definition loader: a valid campaign loads; every rule is reported with its file and line, all at once.

Each case breaks the valid test campaign (``data/family_drill.yml``) in one place and names the line the problem must
be reported on by a piece of text of the broken file (the line it starts on).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from pathlib import Path

import pytest

from bot.campaigns.definition import (
    DEFINITIONS_DIR,
    DefinitionError,
    QuestionLike,
    bank_questions,
    load_definitions,
    number_problem,
)
from bot.campaigns.records import ActivityKind, Role
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.quiz.bank import load_banks

DATA = Path(__file__).parent / "data"
VALID = DATA / "family_drill.yml"
TEXT = VALID.read_text(encoding="utf-8")
WEEK_4 = TEXT[TEXT.index("  - week: 4") : TEXT.index("sources:")]


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(scope="module")
def questions() -> Mapping[str, QuestionLike]:
    return bank_questions(load_banks())


def line_of(text: str, anchor: str, after: str = "") -> int:
    """The 1-based line where ``anchor`` first starts in ``text`` (after the first ``after``)."""
    start = text.index(after) + len(after) if after else 0
    assert anchor in text[start:], f"{anchor!r} is not in the broken file"
    return text.count("\n", 0, text.index(anchor, start)) + 1


def broken(tmp_path: Path, old: str, new: str, name: str = "family_drill") -> tuple[Path, str]:
    assert TEXT.count(old) == 1, f"{old!r} is not once in the test campaign"
    text = TEXT.replace(old, new)
    path = tmp_path / f"{name}.yml"
    path.write_text(text, encoding="utf-8")
    return path, text


def problems_of(path: Path, kb: KnowledgeBase, questions: Mapping[str, QuestionLike]) -> list[tuple[int, str]]:
    with pytest.raises(DefinitionError) as caught:
        load_definitions(path.parent, kb, questions)
    assert all(p.file.endswith(path.name) for p in caught.value.problems)
    return [(p.line, p.message) for p in caught.value.problems]


def test_the_valid_campaign_loads(kb: KnowledgeBase, questions: Mapping[str, QuestionLike]) -> None:
    found = load_definitions(DATA, kb, questions)
    assert list(found) == ["family_drill"]
    d = found["family_drill"]
    assert d.roles == (Role.STUDENT, Role.PARENT)
    assert d.audiences == {Role.STUDENT: ("overseas_student",), Role.PARENT: ("parent",)}
    assert d.start == date(2027, 3, 1)
    assert (d.schedule.weekday, d.schedule.send_time) == (0, time(19, 0))
    assert (d.schedule.quiet_from, d.schedule.quiet_to) == (time(21, 30), time(8, 0))
    assert [w.number for w in d.weeks] == [1, 2, 3, 4]
    plan, talk = d.week(2).activity, d.week(3).activity
    assert plan is not None and plan.kind == ActivityKind.SAFETY_PLAN
    assert talk is not None and talk.kind == ActivityKind.TALK and talk.prompt is not None
    assert d.week(1).quiz[Role.PARENT] == ("parents_001", "parents_005")
    assert d.week(1).lessons[Role.STUDENT].red_flags == ("police_transfer_call", "online_warrant", "secrecy_order")
    assert d.week(1).lessons[Role.STUDENT].what_to_do[1].get("en") == "Call 110 or +86-10-12308 to check."
    assert d.week(4).activity is None
    with pytest.raises(KeyError):
        d.week(5)
    assert d.content_hash == load_definitions(DATA, kb, questions)["family_drill"].content_hash


#: (id, text to replace, its replacement, a piece of the message, the text of the broken file whose line is reported,
#:  the text after which to look for it)
CASES = [
    ("malformed_yaml", "roles: [student, parent]", "roles: [student, parent", "YAML syntax error", "audiences:", ""),
    ("unknown_key", "summary: {", "sumary: {", "unknown key 'sumary' (did you mean 'summary'?)", "sumary:", ""),
    (
        "missing_key",
        'summary: {zh: "四周的家庭防骗练习。", en: "Four weeks of family practice against scams."}\n',
        "",
        "missing required key 'summary'",
        "id:",
        "",
    ),
    (
        "duplicate_key",
        "id: family_drill\n",
        "id: family_drill\nid: family_drill\n",
        "duplicate key 'id'",
        "id:",
        "id: family_drill\n",
    ),
    ("id_not_file_name", "id: family_drill", "id: family_other", "not the file's name", "id: family_other", ""),
    (
        "missing_language",
        'title: {zh: "家庭防骗演练", en: "Family scam drill"}',
        'title: {zh: "家庭防骗演练"}',
        "missing en translation",
        "title:",
        "",
    ),
    (
        "empty_translation",
        '{zh: "告诉室友。", en: "Tell your roommate."}',
        '{zh: "告诉室友。", en: ""}',
        "missing en translation",
        'en: ""',
        "",
    ),
    ("unknown_role", "roles: [student, parent]", "roles: [student, teacher]", "unknown value 'teacher'", "roles:", ""),
    (
        "unknown_audience",
        "  parent: [parent]",
        "  parent: [parents]",
        "unknown value 'parents'",
        "  parent: [parents]",
        "",
    ),
    ("bad_date", "start: 2027-03-01", "start: 2027-02-30", "expected a date YYYY-MM-DD", "start:", ""),
    ("bad_weekday", "weekday: mon", "weekday: monday", "unknown weekday 'monday'", "weekday:", ""),
    ("bad_time", 'time: "19:00"', 'time: "7pm"', "expected a time HH:MM", "  time:", ""),
    ("hour_25", 'time: "19:00"', 'time: "25:00"', "expected a time HH:MM", "  time:", ""),
    (
        "send_time_in_quiet_hours",
        'from: "21:30"',
        'from: "18:30"',
        "the send time 19:00 is inside the quiet hours",
        "quiet_hours:",
        "",
    ),
    (
        "quiet_hours_same_day",
        '{from: "21:30", to: "08:00"}',
        '{from: "12:00", to: "20:00"}',
        "inside the quiet hours",
        "quiet_hours:",
        "",
    ),
    ("empty_quiet_hours", 'to: "08:00"', 'to: "21:30"', "the quiet hours are empty", "quiet_hours:", ""),
    ("week_numbering", "  - week: 3", "  - week: 5", "week 5 is not numbered 3", "week: 5", ""),
    ("too_few_weeks", WEEK_4, "", "3 weeks: a campaign has 4-8", "weeks:", ""),
    (
        "unknown_scam_type",
        "scam_types: [police_impersonation]",
        "scam_types: [police_impersonations]",
        "unknown scam type 'police_impersonations'",
        "scam_types: [police_impersonations]",
        "",
    ),
    (
        "unknown_red_flag",
        "[police_transfer_call, online_warrant, secrecy_order]",
        "[police_transfer_call, online_warant, secrecy_order]",
        "unknown red flag 'online_warant'",
        "red_flags: [police_transfer_call, online_warant",
        "",
    ),
    (
        "one_red_flag",
        "red_flags: [ransom_call, no_police_stay_on_line]",
        "red_flags: [ransom_call]",
        "1 red flags: 2-4 expected",
        "red_flags: [ransom_call]",
        "",
    ),
    (
        "five_steps",
        '          - {zh: "告诉室友。", en: "Tell your roommate."}\n',
        '          - {zh: "告诉室友。", en: "Tell your roommate."}\n' * 4,
        "5 steps: 2-4 expected",
        "what_to_do:",
        "  - week: 2",
    ),
    (
        "lesson_missing_role",
        WEEK_4[WEEK_4.index("      parent:") : WEEK_4.index("    quiz:")],
        "",
        "missing required key 'parent'",
        "      student:",
        "  - week: 4",
    ),
    (
        "lesson_for_another_role",
        '      parent:\n        case: {zh: "有人冒充',
        '      teacher:\n        case: {zh: "有人冒充',
        "unknown key 'teacher'",
        "      teacher:",
        "",
    ),
    (
        "unknown_question",
        "overseas_students_009",
        "overseas_students_999",
        "unknown question 'overseas_students_999'",
        "overseas_students_999",
        "",
    ),
    (
        "audience_mismatch",
        "parent: [parents_001, parents_005]",
        "parent: [parents_001, overseas_students_003]",
        "question 'overseas_students_003' is for ['overseas_student'], not for ['parent', 'general']",
        "parent: [parents_001, overseas_students_003]",
        "",
    ),
    (
        "repeated_question",
        "[overseas_students_011, overseas_students_013]",
        "[overseas_students_011, overseas_students_009]",
        "'overseas_students_009' is already asked to the student in week 1",
        "student: [overseas_students_011, overseas_students_009]",
        "",
    ),
    (
        "one_question",
        "student: [overseas_students_007, overseas_students_014]",
        "student: [overseas_students_007]",
        "1 questions: 2-4 expected",
        "student: [overseas_students_007]",
        "",
    ),
    (
        "phone_number_en",
        '"Call your family."',
        '"Call your family on +44 20 7946 0000."',
        "phone number '+44 20 7946 0000'",
        "Call your family on",
        "",
    ),
    ("phone_number_zh", '"给家人打电话。"', '"拨打0755-12345678。"', "phone number '0755-12345678'", "拨打0755", ""),
    (
        "placeholder_in_step",
        '"Tell your roommate."',
        '"Tell {roommate}."',
        "a step is plain text",
        "Tell {roommate}",
        "",
    ),
    (
        "talk_without_prompt",
        'activity: {kind: talk, prompt: {zh: "和家人聊聊这个骗局。", en: "Talk about this scam with your family."}}',
        "activity: {kind: talk}",
        "a talk activity needs a prompt",
        "activity: {kind: talk}",
        "",
    ),
    (
        "unknown_activity",
        "activity: {kind: safety_plan}",
        "activity: {kind: safety_drill}",
        "unknown value 'safety_drill'",
        "activity: {kind: safety_drill}",
        "",
    ),
    ("no_safety_plan", "    activity: {kind: safety_plan}\n", "", "no week has the family safety plan", "weeks:", ""),
    (
        "bad_source_url",
        'url: "https://cs.mfa.gov.cn"}\n      parent',
        'url: "cs.mfa.gov.cn"}\n      parent',
        "malformed URL",
        'url: "cs.mfa.gov.cn"',
        "",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "message", "anchor", "after"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_rule_with_its_line(
    tmp_path: Path,
    kb: KnowledgeBase,
    questions: Mapping[str, QuestionLike],
    old: str,
    new: str,
    message: str,
    anchor: str,
    after: str,
) -> None:
    path, text = broken(tmp_path, old, new)
    found = problems_of(path, kb, questions)
    expected = line_of(text, anchor, after)
    assert any(message in m and line == expected for line, m in found), f"line {expected}: {message!r} in {found}"


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "the file is empty"), ("- just\n- a list\n", "expected a mapping"), ("id: [\n", "YAML syntax error")],
    ids=["empty", "a_list", "unclosed"],
)
def test_unreadable_files(
    tmp_path: Path, kb: KnowledgeBase, questions: Mapping[str, QuestionLike], content: str, message: str
) -> None:
    path = tmp_path / "family_drill.yml"
    path.write_text(content, encoding="utf-8")
    found = problems_of(path, kb, questions)
    assert any(message in m for _, m in found), found


def test_every_problem_at_once(tmp_path: Path, kb: KnowledgeBase, questions: Mapping[str, QuestionLike]) -> None:
    text = (
        TEXT.replace("weekday: mon", "weekday: funday")
        .replace("overseas_students_009", "overseas_students_999")
        .replace('"Call your family."', '"Call 999."')
    )
    (tmp_path / "family_drill.yml").write_text(text, encoding="utf-8")
    (tmp_path / "other.yml").write_text(TEXT.replace("online_warrant", "no_such_flag"), encoding="utf-8")
    found = problems_of_all(tmp_path, kb, questions)
    assert ("family_drill.yml", line_of(text, "weekday:"), "unknown weekday 'funday'") in found
    assert (
        "family_drill.yml",
        line_of(text, "overseas_students_999"),
        "unknown question 'overseas_students_999'",
    ) in found
    assert ("family_drill.yml", line_of(text, "Call 999."), "phone number '999'") in found
    assert ("other.yml", 3, "not the file's name 'other'") in found
    assert ("other.yml", line_of(TEXT, "online_warrant"), "unknown red flag 'no_such_flag'") in found


def problems_of_all(
    directory: Path, kb: KnowledgeBase, questions: Mapping[str, QuestionLike]
) -> set[tuple[str, int, str]]:
    """(file name, line, the message's key phrase) of every problem, the phrase cut to what the test names."""
    with pytest.raises(DefinitionError) as caught:
        load_definitions(directory, kb, questions)
    phrases = [
        "unknown weekday 'funday'",
        "unknown question 'overseas_students_999'",
        "phone number '999'",
        "not the file's name 'other'",
        "unknown red flag 'no_such_flag'",
    ]
    return {
        (Path(p.file).name, p.line, phrase) for p in caught.value.problems for phrase in phrases if phrase in p.message
    }


def test_no_files(tmp_path: Path, kb: KnowledgeBase, questions: Mapping[str, QuestionLike]) -> None:
    with pytest.raises(DefinitionError, match="no campaign files"):
        load_definitions(tmp_path, kb, questions)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Call 110 now.", None),
        ("拨打96110咨询，或12381举报", None),
        ("Call 12308 or +86-10-12308.", None),
        ("Wait 3 days, then 24 hours more.", None),
        ("Call +44 20 7946 0000.", "+44 20 7946 0000"),
        ("拨打０７５５-１２３４５６７８", "0755-12345678"),
        ("Call 999 or 911.", "999"),
        ("Call (02) 9876 5432", "(02) 9876 5432"),
    ],
    ids=["police", "anti_fraud_centre", "consular", "small_numbers", "uk", "full_width", "emergency_abroad", "au"],
)
def test_phone_numbers_in_steps(text: str, problem: str | None) -> None:
    found = number_problem(text)
    if problem is None:
        assert found is None
    else:
        assert found is not None and repr(problem) in found


def test_shipped_campaigns_are_valid(kb: KnowledgeBase, questions: Mapping[str, QuestionLike]) -> None:
    """The campaigns in campaigns/ load (all of them, with every problem listed if not)."""
    if not any(DEFINITIONS_DIR.glob("*.yml")):
        pytest.skip("no campaign in campaigns/ yet")
    found = load_definitions(DEFINITIONS_DIR, kb, questions)
    assert sorted(found) == sorted(path.stem for path in DEFINITIONS_DIR.glob("*.yml"))
