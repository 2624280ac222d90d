"""Typed records of the quiz banks (format: docs/QUIZ_BANKS.md).

Every record checks its own invariants on construction and raises :class:`bot.records.RecordError` listing
everything wrong, so no invalid question can exist, whoever builds it. Standard library plus the shared records
(``bot.records``): no database, Telegram or Rasa imports.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum
from functools import cached_property

from bot.records import LANGS, RecordError, Source, id_problem
from bot.shared.labels import SCAM_TYPES, ScamType

# Telegram quiz-poll limits, enforced now so that every question can be sent as a poll.
QUESTION_MAX = 300
OPTION_MAX = 100
OPTIONS_MIN = 2
OPTIONS_MAX = 10
EXPLANATION_MAX = 200
MORE_MAX = 1000

LETTERS = "ABCDEFGHIJ"

#: The two fixed options of a true/false question, per language; answer ``true`` is option 0.
TRUE_FALSE_OPTIONS: dict[str, tuple[str, str]] = {"zh": ("对", "错"), "en": ("True", "False")}

#: Explanations that only name the right letter teach nothing.
_LETTER_ONLY = re.compile(
    r"^\s*(?:(?:正确)?答案(?:是|为|：|:)\s*[A-J](?![A-Za-z])|选\s*[A-J](?![A-Za-z])|(?:the\s+)?(?:correct\s+|right\s+)?"
    r"answer\s+is\s+[A-J]\b|[A-J]\s+is\s+(?:correct|right)\b)",
    re.IGNORECASE,
)


class Audience(str, Enum):
    """Who a question is written for. The values are a public contract (banks, database, CLI)."""

    OVERSEAS_STUDENT = "overseas_student"
    PARENT = "parent"
    ELDERLY = "elderly"
    ONLINE_SHOPPER = "online_shopper"
    JOB_SEEKER = "job_seeker"
    GENERAL = "general"

    def __str__(self) -> str:
        return self.value


class QuestionType(str, Enum):
    SINGLE = "single"
    TRUE_FALSE = "true_false"
    MULTI = "multi"
    SPOT = "spot"  # spot the red flags in a scenario: several right options

    def __str__(self) -> str:
        return self.value

    @property
    def many_answers(self) -> bool:
        return self in (QuestionType.MULTI, QuestionType.SPOT)


def letter(index: int) -> str:
    return LETTERS[index]


@dataclass(frozen=True)
class Content:
    """A question in one language."""

    question: str
    options: tuple[str, ...]
    explanation: str
    more: str | None = None
    scenario: str | None = None

    @property
    def prompt(self) -> str:
        """The text a poll carries: the scenario (if any), a line break, the question."""
        return f"{self.scenario}\n{self.question}" if self.scenario else self.question

    def problems(self, lang: str) -> list[str]:
        out: list[str] = []
        for name in ("question", "explanation"):
            if not getattr(self, name).strip():
                out.append(f"{lang}.{name} is empty")
        if len(self.prompt) > QUESTION_MAX:
            what = "scenario + question" if self.scenario else "question"
            out.append(f"{lang}: {what} is {len(self.prompt)} characters, at most {QUESTION_MAX}")
        if not OPTIONS_MIN <= len(self.options) <= OPTIONS_MAX:
            out.append(f"{lang}: {len(self.options)} options, {OPTIONS_MIN}-{OPTIONS_MAX} needed")
        for i, option in enumerate(self.options):
            if not option.strip():
                out.append(f"{lang}.options[{i}] is empty")
            elif len(option) > OPTION_MAX:
                out.append(f"{lang}.options[{i}] is {len(option)} characters, at most {OPTION_MAX}")
        if len(set(self.options)) != len(self.options):
            out.append(f"{lang}: two options have the same text")
        if len(self.explanation) > EXPLANATION_MAX:
            out.append(f"{lang}.explanation is {len(self.explanation)} characters, at most {EXPLANATION_MAX}")
        elif _LETTER_ONLY.search(self.explanation):
            out.append(f"{lang}.explanation only names the answer; it must teach why")
        if self.more is not None and len(self.more) > MORE_MAX:
            out.append(f"{lang}.more is {len(self.more)} characters, at most {MORE_MAX}")
        return out


@dataclass(frozen=True)
class Question:
    """One bilingual question. ``answer`` holds the 0-based indices of the right options, ascending."""

    id: str
    bank: str
    type: QuestionType
    scam_type: ScamType
    audiences: frozenset[Audience]
    red_flags: tuple[str, ...]
    zh: Content
    en: Content
    answer: tuple[int, ...]
    source: Source
    known_red_flags: frozenset[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        messages: list[str] = []
        if problem := id_problem(self.id):
            messages.append(problem)
        elif not self.id.startswith(self.bank + "_"):
            messages.append(f"id {self.id!r} must start with the bank id {self.bank + '_'!r}")
        if self.scam_type not in SCAM_TYPES:
            messages.append(f"scam type {self.scam_type.value!r} cannot be quizzed (one of the 14 scam types)")
        if not self.audiences:
            messages.append("no audience")
        if not self.red_flags:
            messages.append("no red flag")
        if len(set(self.red_flags)) != len(self.red_flags):
            messages.append("a red flag is listed twice")
        if self.known_red_flags is not None:
            messages += [f"unknown red flag {f!r}" for f in self.red_flags if f not in self.known_red_flags]
        for lang in LANGS:
            messages += self.content(lang).problems(lang)
        if len(self.zh.options) != len(self.en.options):
            messages.append(f"zh has {len(self.zh.options)} options, en has {len(self.en.options)}")
        if (self.zh.scenario is None) != (self.en.scenario is None):
            messages.append("the scenario is in only one language")
        if self.type is QuestionType.SPOT and self.zh.scenario is None:
            messages.append("a spot-the-red-flags question needs a scenario")
        if self.type is not QuestionType.SPOT and self.zh.scenario is not None:
            messages.append(f"only spot questions have a scenario, not {self.type.value}")
        if self.type is QuestionType.TRUE_FALSE:
            for lang in LANGS:
                if self.content(lang).options != TRUE_FALSE_OPTIONS[lang]:
                    messages.append(f"{lang}: a true/false question has the options {TRUE_FALSE_OPTIONS[lang]}")
        messages += self._answer_problems()
        if messages:
            raise RecordError(f"question {self.id}", messages)

    def _answer_problems(self) -> list[str]:
        n = len(self.zh.options)
        if not self.answer:
            return ["no answer"]
        out = (
            [
                f"answer {letter(i) if 0 <= i < len(LETTERS) else i} is out of range (options A-{letter(n - 1)})"
                for i in self.answer
                if not 0 <= i < n
            ]
            if n
            else []
        )
        if list(self.answer) != sorted(set(self.answer)):
            out.append("answer letters repeat or are not in order")
        if not self.type.many_answers and len(self.answer) != 1:
            out.append(f"a {self.type.value} question has exactly one answer")
        if self.type.many_answers and n and len(self.answer) >= n:
            out.append("every option is right: nothing to tell apart")
        return out

    def content(self, lang: str) -> Content:
        return self.en if lang == "en" else self.zh

    def is_correct(self, chosen: Iterable[int]) -> bool:
        return tuple(sorted(set(chosen))) == self.answer

    def answer_letters(self) -> str:
        return ", ".join(letter(i) for i in self.answer)

    def to_record(self) -> dict:
        """Plain JSON-able form (what the database stores)."""
        data = {
            "id": self.id,
            "bank": self.bank,
            "type": self.type.value,
            "scam_type": self.scam_type.value,
            "audiences": sorted(a.value for a in self.audiences),
            "red_flags": list(self.red_flags),
            "zh": _content_dict(self.zh),
            "en": _content_dict(self.en),
            "answer": list(self.answer),
            "source": asdict(self.source),
        }
        return data

    @cached_property
    def content_hash(self) -> str:
        blob = json.dumps(self.to_record(), ensure_ascii=False, sort_keys=True).encode("utf-8")
        return hashlib.sha256(blob).hexdigest()[:32]


def _content_dict(c: Content) -> dict:
    return {k: v for k, v in asdict(c).items() if v is not None} | {"options": list(c.options)}


def content_from_dict(data: dict) -> Content:
    return Content(
        question=data["question"],
        options=tuple(data["options"]),
        explanation=data["explanation"],
        more=data.get("more"),
        scenario=data.get("scenario"),
    )


def question_from_record(data: dict) -> Question:
    """Inverse of :meth:`Question.to_record`."""
    return Question(
        id=data["id"],
        bank=data["bank"],
        type=QuestionType(data["type"]),
        scam_type=ScamType(data["scam_type"]),
        audiences=frozenset(Audience(a) for a in data["audiences"]),
        red_flags=tuple(data["red_flags"]),
        zh=content_from_dict(data["zh"]),
        en=content_from_dict(data["en"]),
        answer=tuple(data["answer"]),
        source=Source(**data["source"]),
    )


@dataclass(frozen=True)
class Bank:
    """One bank file: its id, title and questions in file order."""

    id: str
    title_zh: str
    title_en: str
    path: str
    questions: tuple[Question, ...]
