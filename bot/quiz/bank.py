"""Load and validate the quiz banks (``quizzes/*.yml``; format: docs/QUIZ_BANKS.md).

Every problem is reported at once with its file and line (bad YAML, unknown or missing keys, duplicate ids across
files, an answer out of range, a missing translation, an unknown scam type or red flag, a text over a Telegram
limit) and :class:`BankError` is raised if there is any. Read with ``bot.records.YamlFile`` (``yaml.compose``, the
reader the knowledge base uses too), so that every node knows its line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TypeVar

import yaml

from bot.knowledge import load_knowledge
from bot.quiz.model import (
    LETTERS,
    TRUE_FALSE_OPTIONS,
    Audience,
    Bank,
    Content,
    Question,
    QuestionType,
)
from bot.records import (
    BOOL_TAG,
    LANGS,
    Fields,
    InvalidFiles,
    Problem,
    RecordError,
    YamlFile,
    display_path,
    is_null,
    line_of,
)
from bot.settings import QUIZZES_DIR
from bot.shared.labels import SCAM_TYPES, ScamType

E = TypeVar("E", bound=Enum)

#: The banks shipped with the project.
BANKS_DIR = QUIZZES_DIR

BANK_KEYS = ("bank", "title", "questions")
QUESTION_REQUIRED = ("id", "type", "scam_type", "audiences", "red_flags", "zh", "en", "answer", "source")
CONTENT_REQUIRED = ("question", "explanation")
CONTENT_OPTIONAL = ("options", "more", "scenario")

_MESSAGE_FIELD = re.compile(r"^(zh|en)(?:\.(\w+(?:\[\d+\])?))?")

# Coverage the shipped banks must reach (issue 3); checked by ``coverage_problems`` and the tests.
MIN_QUESTIONS = 240
MIN_PER_SCAM_TYPE = 12
MIN_PER_AUDIENCE = 30


class BankError(InvalidFiles):
    """The banks are invalid; ``problems`` lists everything found, in file order."""


@dataclass(frozen=True)
class Banks:
    banks: tuple[Bank, ...]

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for b in self.banks for q in b.questions)

    def stats(self) -> dict:
        questions = self.questions
        by_type = Counter(q.scam_type.value for q in questions)
        by_audience = Counter(a.value for q in questions for a in q.audiences)
        return {
            "questions": len(questions),
            "banks": {b.id: len(b.questions) for b in self.banks},
            "by_scam_type": {t.value: by_type.get(t.value, 0) for t in SCAM_TYPES},
            "by_audience": {a.value: by_audience.get(a.value, 0) for a in Audience},
            "by_question_type": dict(Counter(q.type.value for q in questions).most_common()),
            "languages": list(LANGS),
            "red_flags": len({f for q in questions for f in q.red_flags}),
        }


def bank_files(path: Path | str | None = None) -> list[Path]:
    """The bank files at ``path``: the file itself, or the ``*.yml``/``*.yaml`` files of a directory."""
    p = Path(path) if path is not None else BANKS_DIR
    if p.is_dir():
        return sorted([*p.glob("*.yml"), *p.glob("*.yaml")])
    return [p]


def load_banks(path: Path | str | None = None) -> Banks:
    """Load and validate the banks at ``path`` (a file or a directory; default ``quizzes/``)."""
    problems: list[Problem] = []
    files = bank_files(path)
    if not files:
        raise BankError([Problem(display_path(Path(path or BANKS_DIR)), 0, "no bank files (*.yml) found")])
    known = frozenset(load_knowledge().red_flags)
    banks: list[Bank] = []
    seen_ids: dict[str, str] = {}
    seen_banks: dict[str, str] = {}
    for file_path in files:
        if not file_path.exists():
            problems.append(Problem(display_path(file_path), 0, "no such file"))
            continue
        reader = _BankReader(YamlFile(file_path, problems), known)
        bank = reader.read()
        for q_id, line in reader.ids:
            where = f"{reader.file.name}:{line}"
            if q_id in seen_ids:
                reader.file.problem(line, f"duplicate question id {q_id!r} (first at {seen_ids[q_id]})")
            else:
                seen_ids[q_id] = where
        if bank is not None:
            if bank.id in seen_banks:
                reader.file.problem(1, f"duplicate bank id {bank.id!r} (also {seen_banks[bank.id]})")
            seen_banks[bank.id] = reader.file.name
            banks.append(bank)
    if problems:
        raise BankError(sorted(problems, key=lambda p: (p.file, p.line)))
    return Banks(tuple(banks))


def coverage_problems(banks: Banks) -> list[str]:
    """What the shipped banks lack against the minimums (240 questions, 12 per scam type, 30 per audience)."""
    stats = banks.stats()
    out = []
    if stats["questions"] < MIN_QUESTIONS:
        out.append(f"{stats['questions']} questions, at least {MIN_QUESTIONS} needed")
    out += [
        f"scam type {t}: {n} questions, at least {MIN_PER_SCAM_TYPE}"
        for t, n in stats["by_scam_type"].items()
        if n < MIN_PER_SCAM_TYPE
    ]
    out += [
        f"audience {a}: {n} questions, at least {MIN_PER_AUDIENCE}"
        for a, n in stats["by_audience"].items()
        if n < MIN_PER_AUDIENCE
    ]
    return out


class _BankReader:
    def __init__(self, file: YamlFile, known_red_flags: frozenset[str]) -> None:
        self.file = file
        self.known = known_red_flags
        self.ids: list[tuple[str, int]] = []

    def read(self) -> Bank | None:
        f = self.file
        since = len(f.problems)
        root = f.compose()
        if root is None:
            return None
        top = f.fields(root, "", BANK_KEYS)
        if top is None:
            return None
        bank_id = f.required(top, "bank", "", f.identifier)
        title = f.required(top, "title", "", f.text)
        items = f.sequence(top["questions"], "questions") if "questions" in top else None
        questions = []
        for i, node in enumerate(items or []):
            q = self.question(node, f"questions[{i}]", bank_id or "")
            if q is not None:
                questions.append(q)
        if len(f.problems) > since or bank_id is None or title is None:
            return None
        return Bank(bank_id, title.zh, title.en, f.name, tuple(questions))

    def question(self, node: yaml.Node, where: str, bank_id: str) -> Question | None:
        f = self.file
        since = len(f.problems)
        q = f.fields(node, where, QUESTION_REQUIRED)
        if q is None:
            return None
        q_id = f.required(q, "id", where, f.identifier)
        if q_id is not None:
            self.ids.append((q_id, line_of(q["id"][1])))
            where = f"{where} ({q_id})"
        qtype = self.enum(q, "type", where, QuestionType)
        scam = self.enum(q, "scam_type", where, ScamType)
        if scam is ScamType.NONE:
            f.problem(q["scam_type"][1], "'none' is not a scam type to quiz on", f"{where}.scam_type")
            scam = None
        audiences = f.each(q, "audiences", where, lambda n, w: self.enum_node(n, w, Audience)) or []
        if len(set(audiences)) != len(audiences):
            f.problem(q["audiences"][1], "an audience is listed twice", f"{where}.audiences")
        red_flags = f.each(q, "red_flags", where, self.red_flag) or []
        contents = {lang: self.content(node, q, lang, where, qtype) for lang in LANGS}
        answer = self.answer(q, where, qtype)
        source = f.required(q, "source", where, f.source)
        zh, en = contents["zh"], contents["en"]
        if (
            q_id is None
            or qtype is None
            or scam is None
            or answer is None
            or source is None
            or zh is None
            or en is None
        ):
            return None
        # The record's own checks (limits, answer range, translations) run even after a field problem, so that
        # every problem is reported at once; the question is kept only if nothing at all was wrong.
        try:
            question = Question(
                id=q_id,
                bank=bank_id,
                type=qtype,
                scam_type=scam,
                audiences=frozenset(audiences),
                red_flags=tuple(red_flags),
                zh=zh,
                en=en,
                answer=answer,
                source=source,
                known_red_flags=self.known,
            )
        except RecordError as error:
            for message in error.messages:
                if not message.startswith(("unknown red flag", "no audience", "no red flag")):  # reported already
                    f.problem(self.node_for(message, q, node), message, where)
            return None
        return None if len(f.problems) > since else question

    @staticmethod
    def node_for(message: str, q: Fields, node: yaml.Node) -> yaml.Node:
        """The YAML node a record message is about (``zh.explanation ...`` -> that value), for its line."""
        match = _MESSAGE_FIELD.match(message)
        if match is None:
            about_answer = (
                message.startswith(("answer", "every option", "no answer")) or "exactly one answer" in message
            )
            return q["answer"][1] if about_answer and "answer" in q else node
        lang, name = match.groups()
        if lang not in q or not isinstance(q[lang][1], yaml.MappingNode):
            return node
        for key, value in q[lang][1].value:
            if name and key.value == name.split("[")[0]:
                return value
        return q[lang][1]

    def enum(self, q: Fields, name: str, where: str, kind: type[E]) -> E | None:
        return self.file.required(q, name, where, lambda n, w: self.enum_node(n, w, kind))

    def enum_node(self, node: yaml.Node, where: str, kind: type[E]) -> E | None:
        value = self.file.string(node, where)
        if value is None:
            return None
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind if m.value != "none")
            self.file.problem(node, f"unknown value {value!r} (expected one of: {allowed})", where)
            return None

    def red_flag(self, node: yaml.Node, where: str) -> str | None:
        value = self.file.string(node, where)
        if value is not None and value not in self.known:
            self.file.problem(node, f"unknown red flag {value!r} (not in bot/knowledge/scams/*.yml)", where)
            return None
        return value

    def content(self, node: yaml.Node, q: Fields, lang: str, where: str, qtype: QuestionType | None) -> Content | None:
        f = self.file
        if lang not in q:  # reported as a missing required key
            return None
        at = f"{where}.{lang}"
        c = f.fields(q[lang][1], at, CONTENT_REQUIRED, CONTENT_OPTIONAL)
        if c is None:
            return None
        question = f.required(c, "question", at, f.string)
        explanation = f.required(c, "explanation", at, f.string)
        more = f.optional_string(c, "more", at)
        scenario = f.optional_string(c, "scenario", at)
        if qtype is QuestionType.TRUE_FALSE:
            if "options" in c:
                f.problem(c["options"][0], "a true_false question has no options (they are fixed)", at)
            options: tuple[str, ...] | None = TRUE_FALSE_OPTIONS[lang]
        elif "options" not in c:
            f.problem(q[lang][1], "missing required key 'options'", at)
            options = None
        else:
            items = f.each(c, "options", at, f.string)
            options = tuple(items) if items is not None else None
        if question is None or explanation is None or options is None:
            return None
        return Content(
            question.strip(),
            options,
            explanation.strip(),
            more.strip() if more else None,
            scenario.strip() if scenario else None,
        )

    def answer(self, q: Fields, where: str, qtype: QuestionType | None) -> tuple[int, ...] | None:
        f = self.file
        if "answer" not in q or qtype is None:
            return None
        node = q["answer"][1]
        at = f"{where}.answer"
        if qtype is QuestionType.TRUE_FALSE:
            if isinstance(node, yaml.ScalarNode) and node.tag == BOOL_TAG:
                return (0,) if node.value.lower() in ("true", "yes", "on") else (1,)
            f.problem(node, "a true_false answer is true or false", at)
            return None
        if qtype.many_answers:
            if not isinstance(node, yaml.SequenceNode) or not node.value:
                f.problem(node, f"a {qtype.value} answer is a list of letters, e.g. [A, C]", at)
                return None
            letters = [self.letter(n, at) for n in node.value]
            indices = [index for index in letters if index is not None]
            return tuple(indices) if len(indices) == len(letters) else None
        if isinstance(node, yaml.SequenceNode):
            f.problem(node, f"a {qtype.value} answer is one letter, e.g. B", at)
            return None
        index = self.letter(node, at)
        return None if index is None else (index,)

    def letter(self, node: yaml.Node, where: str) -> int | None:
        if not isinstance(node, yaml.ScalarNode) or is_null(node) or node.value not in LETTERS:
            value = getattr(node, "value", None)
            self.file.problem(node, f"answer {value!r} is not a letter A-J", where)
            return None
        return LETTERS.index(node.value)
