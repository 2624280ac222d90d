"""Load and validate the campaign definitions (``campaigns/<id>.yml``; format: docs/CAMPAIGNS.md).

Every problem is reported at once with its file and line, like the quiz banks (``bot.quiz.bank``): bad YAML,
unknown or missing keys, a missing translation, a bad weekday or time, a send time inside the quiet hours, weeks not
numbered 1..n or not 4-8 of them, a red flag or scam type the knowledge base does not have, a question the banks do
not have (or retired: no longer in them) or written for another audience, a question asked twice to one role, a
phone number in a step that is not one of the mainland numbers anyone may call, and no family safety plan in a
campaign for both roles. :class:`DefinitionError` is raised if there is any.

The questions are given as a mapping ``id -> question`` (anything with ``audiences``): :func:`bank_questions` makes
it from the loaded banks (``bot.quiz.bank.load_banks``), so that no database is needed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import date, time
from pathlib import Path
from typing import Any, Protocol

import yaml

from bot.campaigns.records import (
    MAX_WEEKS,
    MIN_WEEKS,
    ActivityDef,
    ActivityKind,
    Bilingual,
    Definition,
    LessonDef,
    Role,
    Schedule,
    WeekDef,
)
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.quiz.bank import Banks, load_banks
from bot.quiz.model import Audience
from bot.records import InvalidFiles, Problem, YamlFile, at, display_path, is_null, line_of
from bot.settings import CAMPAIGNS_DIR
from bot.shared.labels import ScamType

#: The definitions shipped with the project.
DEFINITIONS_DIR = CAMPAIGNS_DIR

TOP_KEYS = ("id", "title", "summary", "roles", "audiences", "start", "schedule", "weeks", "sources")
WEEK_REQUIRED = ("week", "theme", "scam_types", "lessons", "quiz")
LESSON_KEYS = ("case", "red_flags", "what_to_do", "source")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: How many red flags, steps and quiz questions a week has per role.
MIN_ITEMS, MAX_ITEMS = 2, 4
#: The only phone numbers a step may hold: mainland China's police, anti-fraud centre, telecom complaints and the
#: consular hotline (also its number from abroad), which anyone may call from anywhere they apply.
ALLOWED_NUMBERS = frozenset({"110", "96110", "12381", "12308", "+861012308"})

_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_NUMBER = re.compile(r"(?<![0-9A-Za-z+])\+?[0-9(][0-9() -]*[0-9]")
_PLACEHOLDER = re.compile(r"[{}]")


class DefinitionError(InvalidFiles):
    """The campaign definitions are invalid; ``problems`` lists everything found, in file order."""


class QuestionLike(Protocol):
    """What the validator needs of a question: who it is written for."""

    @property
    def audiences(self) -> Collection[Any]: ...


def bank_questions(banks: Banks) -> dict[str, QuestionLike]:
    """The banks' questions by id (the questions a campaign may ask: a retired one is no longer in the banks)."""
    return {q.id: q for q in banks.questions}


def definition_files(directory: Path | str | None = None) -> list[Path]:
    """The definition files at ``directory`` (default ``campaigns/``): ``*.yml``, or the file itself."""
    path = Path(directory) if directory is not None else DEFINITIONS_DIR
    return sorted(path.glob("*.yml")) if path.is_dir() else [path]


def load_definitions(
    directory: Path | str | None = None,
    kb: KnowledgeBase | None = None,
    questions: Mapping[str, QuestionLike] | None = None,
) -> dict[str, Definition]:
    """Load and validate the definitions at ``directory`` (a folder or one file; default ``campaigns/``) against
    the knowledge base and the banks' questions (default: the shipped ones). Raises :class:`DefinitionError`."""
    path = Path(directory) if directory is not None else DEFINITIONS_DIR
    files = definition_files(path)
    if not files:
        raise DefinitionError([Problem(display_path(path), 0, "no campaign files (*.yml) found")])
    kb = kb if kb is not None else load_knowledge()
    questions = questions if questions is not None else bank_questions(load_banks())
    problems: list[Problem] = []
    found: dict[str, Definition] = {}
    for file_path in files:
        if not file_path.exists():
            problems.append(Problem(display_path(file_path), 0, "no such file"))
            continue
        definition = _Reader(YamlFile(file_path, problems), kb, questions).read()
        if definition is not None:
            found[definition.id] = definition
    if problems:
        raise DefinitionError(sorted(problems, key=lambda p: (p.file, p.line)))
    return found


def number_problem(text: str) -> str | None:
    """A phone number in a step other than the allowed ones, as a problem message."""
    for match in _NUMBER.finditer(unicodedata.normalize("NFKC", text)):
        written = match.group().strip()
        digits = re.sub(r"[^0-9+]", "", written)
        if sum(ch.isdigit() for ch in digits) >= 3 and digits not in ALLOWED_NUMBERS:
            allowed = ", ".join(sorted(n for n in ALLOWED_NUMBERS if not n.startswith("+"))) + " or +86-10-12308"
            return f"phone number {written!r}: a step may only name {allowed} (other numbers come from hotlines.yml)"
    return None


class _Reader:
    """One definition file."""

    def __init__(self, file: YamlFile, kb: KnowledgeBase, questions: Mapping[str, QuestionLike]) -> None:
        self.file = file
        self.kb = kb
        self.questions = questions
        self.scam_ids = frozenset(str(s) for s in kb.scams) - {ScamType.NONE.value}
        self.role_audiences: Mapping[Role, tuple[str, ...]] = {}
        self.week_number = 0
        self.has_plan = False  # a week has the family safety plan
        self.asked: dict[tuple[Role, str], int] = {}  # (role, question id) -> the week that asks it

    def read(self) -> Definition | None:
        f = self.file
        since = len(f.problems)
        root = f.compose()
        if root is None:
            return None
        top = f.fields(root, "", TOP_KEYS)
        if top is None:
            return None
        campaign_id = f.required(top, "id", "", f.identifier)
        if campaign_id is not None and campaign_id != f.path.stem:
            f.problem(top["id"][1], f"the id {campaign_id!r} is not the file's name {f.path.stem!r}", "id")
        title = f.required(top, "title", "", f.text)
        summary = f.required(top, "summary", "", f.text)
        roles = f.each(top, "roles", "", lambda n, w: self.enum(n, w, Role)) or []
        if len(set(roles)) != len(roles):
            f.problem(top["roles"][1], "a role is listed twice", "roles")
        roles = list(dict.fromkeys(roles))
        audiences = f.required(top, "audiences", "", lambda n, w: self.audiences(n, w, roles))
        start = f.required(top, "start", "", self.date)
        schedule = f.required(top, "schedule", "", self.schedule)
        weeks = self.weeks(top, roles, audiences or {})
        sources = f.each(top, "sources", "", f.source) or []
        if len(f.problems) > since or None in (campaign_id, title, summary, audiences, start, schedule):
            return None
        assert campaign_id and title and summary and audiences is not None and start and schedule  # for mypy
        return f.build(
            root,
            "",
            since,
            lambda: Definition(
                campaign_id, title, summary, tuple(roles), audiences, start, schedule, tuple(weeks), tuple(sources)
            ),
        )

    # --- the top

    def enum(self, node: yaml.Node, where: str, kind: type[Role] | type[Audience] | type[ActivityKind]) -> Any:
        value = self.file.string(node, where)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            self.file.problem(node, f"unknown value {value!r} (expected one of: {allowed})", where)
            return None

    def audiences(self, node: yaml.Node, where: str, roles: list[Role]) -> dict[Role, tuple[str, ...]] | None:
        """``{role: [audience, ...]}`` for exactly the campaign's roles."""
        f = self.file
        fields = f.fields(node, where, [r.value for r in roles])
        if fields is None:
            return None
        found = {}
        for role in roles:
            values = f.each(fields, role.value, where, lambda n, w: self.enum(n, w, Audience)) if role in fields else []
            found[role] = tuple(str(a) for a in values or [])
        return found

    def date(self, node: yaml.Node, where: str) -> date | None:
        value = self.file.string(node, where)
        try:
            return date.fromisoformat(value) if value is not None else None
        except ValueError:
            self.file.problem(node, f"expected a date YYYY-MM-DD, found {value!r}", where)
            return None

    def time(self, node: yaml.Node, where: str) -> time | None:
        value = self.file.string(node, where)
        match = _TIME.fullmatch(value) if value is not None else None
        if match is None:
            if value is not None:
                self.file.problem(node, f"expected a time HH:MM (00:00-23:59), found {value!r}", where)
            return None
        return time(int(match[1]), int(match[2]))

    def schedule(self, node: yaml.Node, where: str) -> Schedule | None:
        f = self.file
        since = len(f.problems)
        s = f.fields(node, where, ("weekday", "time", "quiet_hours"))
        if s is None:
            return None
        weekday = f.required(s, "weekday", where, f.string)
        if weekday is not None and weekday not in WEEKDAYS:
            f.problem(s["weekday"][1], f"unknown weekday {weekday!r} (expected one of: {', '.join(WEEKDAYS)})", where)
        send = f.required(s, "time", where, self.time)
        quiet_from = quiet_to = None
        if "quiet_hours" in s:
            quiet_node = s["quiet_hours"][1]
            quiet_where = at(where, "quiet_hours")
            q = f.fields(quiet_node, quiet_where, ("from", "to"))
            if q is not None:
                quiet_from = f.required(q, "from", quiet_where, self.time)
                quiet_to = f.required(q, "to", quiet_where, self.time)
            if quiet_from is not None and quiet_from == quiet_to:
                f.problem(quiet_node, "the quiet hours are empty (from = to)", quiet_where)
            elif send is not None and quiet_from is not None and quiet_to is not None:
                inside = quiet_from <= send < quiet_to if quiet_from < quiet_to else not quiet_to <= send < quiet_from
                if inside:
                    f.problem(quiet_node, f"the send time {send:%H:%M} is inside the quiet hours", quiet_where)
        if len(f.problems) > since or weekday is None or send is None or quiet_from is None or quiet_to is None:
            return None
        return f.build(node, where, since, lambda: Schedule(WEEKDAYS.index(weekday), send, quiet_from, quiet_to))

    # --- the weeks

    def weeks(self, top: Any, roles: list[Role], audiences: Mapping[Role, tuple[str, ...]]) -> list[WeekDef]:
        f = self.file
        if "weeks" not in top:
            return []
        key = top["weeks"][0]
        items = f.sequence(top["weeks"], "weeks")
        if items is None:
            return []
        if not MIN_WEEKS <= len(items) <= MAX_WEEKS:
            f.problem(key, f"{len(items)} weeks: a campaign has {MIN_WEEKS}-{MAX_WEEKS}", "weeks")
        weeks = []
        self.role_audiences = audiences
        for i, node in enumerate(items):
            week = self.week(node, f"weeks[{i}]", i + 1, roles)
            if week is not None:
                weeks.append(week)
        if len(roles) > 1 and not self.has_plan:
            f.problem(key, "no week has the family safety plan ({kind: safety_plan}): a family campaign needs it")
        return weeks

    def week(self, node: yaml.Node, where: str, expected: int, roles: list[Role]) -> WeekDef | None:
        f = self.file
        since = len(f.problems)
        w = f.fields(node, where, WEEK_REQUIRED, ("activity",))
        if w is None:
            return None
        number = f.required(w, "week", where, self.integer)
        if number is not None and number != expected:
            f.problem(w["week"][1], f"week {number} is not numbered {expected} (weeks are 1..n in order)", where)
        theme = f.required(w, "theme", where, f.text)
        scam_types = f.each(w, "scam_types", where, self.scam_type) or []
        lessons = f.required(w, "lessons", where, lambda n, wh: self.per_role(n, wh, roles, self.lesson))
        self.week_number = expected
        quiz = f.required(w, "quiz", where, lambda n, wh: self.per_role(n, wh, roles, self.quiz))
        activity = self.activity(w["activity"][1], at(where, "activity")) if "activity" in w else None
        if len(f.problems) > since or number is None or theme is None or lessons is None or quiz is None:
            return None
        return f.build(node, where, since, lambda: WeekDef(number, theme, tuple(scam_types), lessons, quiz, activity))

    def integer(self, node: yaml.Node, where: str) -> int | None:
        value = self.file.string(node, where)
        if value is not None and not value.isdigit():
            self.file.problem(node, f"expected a week number, found {value!r}", where)
            return None
        return int(value) if value is not None else None

    def scam_type(self, node: yaml.Node, where: str) -> str | None:
        return self.known(node, where, self.scam_ids, "scam type")

    def red_flag(self, node: yaml.Node, where: str) -> str | None:
        return self.known(node, where, self.kb.red_flags, "red flag")

    def known(self, node: yaml.Node, where: str, known: Collection[str], what: str) -> str | None:
        """An id the knowledge base has."""
        value = self.file.string(node, where)
        if value is not None and value not in known:
            self.file.problem(node, f"unknown {what} {value!r} (not in bot/knowledge/scams/*.yml)", where)
            return None
        return value

    def per_role(self, node: yaml.Node, where: str, roles: list[Role], read: Any) -> dict[Role, Any] | None:
        """``{role: ...}`` for exactly the campaign's roles, each value read by ``read(node, where, role)``."""
        fields = self.file.fields(node, where, [r.value for r in roles])
        if fields is None:
            return None
        values = {role: read(fields[role.value][1], at(where, role.value), role) for role in roles if role in fields}
        if len(values) < len(roles) or None in values.values():
            return None
        return values

    def counted(self, node: yaml.Node, where: str, items: list[Any], what: str) -> None:
        if not MIN_ITEMS <= len(items) <= MAX_ITEMS:
            self.file.problem(node, f"{len(items)} {what}: {MIN_ITEMS}-{MAX_ITEMS} expected", where)

    def lesson(self, node: yaml.Node, where: str, role: Role) -> LessonDef | None:
        f = self.file
        since = len(f.problems)
        lesson = f.fields(node, where, LESSON_KEYS)
        if lesson is None:
            return None
        case = f.required(lesson, "case", where, f.text)
        flags = f.each(lesson, "red_flags", where, self.red_flag) or []
        if "red_flags" in lesson and not is_null(lesson["red_flags"][1]):
            self.counted(lesson["red_flags"][0], at(where, "red_flags"), flags, "red flags")
        steps = f.each(lesson, "what_to_do", where, self.step) or []
        if "what_to_do" in lesson and not is_null(lesson["what_to_do"][1]):
            self.counted(lesson["what_to_do"][0], at(where, "what_to_do"), steps, "steps")
        source = f.required(lesson, "source", where, f.source)
        if len(f.problems) > since or case is None or source is None:
            return None
        return f.build(node, where, since, lambda: LessonDef(case, tuple(flags), tuple(steps), source))

    def step(self, node: yaml.Node, where: str) -> Bilingual | None:
        """A what-to-do step: plain text in both languages, no placeholder, no phone number but the allowed."""
        text = self.file.text(node, where)
        if text is None:
            return None
        ok = True
        for lang in ("zh", "en"):
            value = text.get(lang)
            line = next((line_of(v) for k, v in node.value if k.value == lang), line_of(node))
            if _PLACEHOLDER.search(value):
                self.file.problem(line, "a step is plain text: no {placeholder} (nor braces)", at(where, lang))
                ok = False
            if problem := number_problem(value):
                self.file.problem(line, problem, at(where, lang))
                ok = False
        return text if ok else None

    def quiz(self, node: yaml.Node, where: str, role: Role) -> tuple[str, ...] | None:
        """A role's question ids for the week: 2-4, in the banks, for the role's audiences, new to the role."""
        f = self.file
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            f.problem(node, "expected a list of question ids", where)
            return None
        self.counted(node, where, node.value, "questions")
        ids = []
        for i, item in enumerate(node.value):
            q_id = self.question(item, f"{where}[{i}]", self.role_audiences.get(role, ()))
            if q_id is not None and (role, q_id) in self.asked:
                week = self.asked[role, q_id]
                f.problem(item, f"question {q_id!r} is already asked to the {role.value} in week {week}", where)
                q_id = None
            elif q_id is not None:
                self.asked[role, q_id] = self.week_number
            ids.append(q_id)
        return None if None in ids else tuple(i for i in ids if i is not None)

    def question(self, node: yaml.Node, where: str, audiences: tuple[str, ...]) -> str | None:
        value = self.file.string(node, where)
        if value is None:
            return None
        question = self.questions.get(value)
        if question is None:
            self.file.problem(node, f"unknown question {value!r} (not in the banks, or retired)", where)
            return None
        written_for = {str(a) for a in question.audiences}
        if not written_for & {*audiences, Audience.GENERAL.value}:
            message = f"question {value!r} is for {sorted(written_for)}, not for {[*audiences, 'general']}"
            self.file.problem(node, message, where)
            return None
        return value

    def activity(self, node: yaml.Node, where: str) -> ActivityDef | None:
        f = self.file
        since = len(f.problems)
        a = f.fields(node, where, ("kind",), ("prompt",))
        if a is None:
            return None
        kind = f.required(a, "kind", where, lambda n, w: self.enum(n, w, ActivityKind))
        prompt = f.required(a, "prompt", where, f.text) if "prompt" in a else None
        self.has_plan = self.has_plan or kind == ActivityKind.SAFETY_PLAN
        if kind == ActivityKind.TALK and "prompt" not in a:
            f.problem(node, "a talk activity needs a prompt {zh: ..., en: ...}", where)
        if len(f.problems) > since or kind is None:
            return None
        return f.build(node, where, since, lambda: ActivityDef(kind, prompt))
