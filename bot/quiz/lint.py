"""Quality checks on valid quiz banks: can a question be answered without knowing anything? (docs/QUIZ_BANKS.md)

``bank.load_banks`` rejects what is *wrong* (a bad answer letter, a missing translation). This module warns about
what makes a quiz *gameable* or repetitive, over every bank loaded at once (issue 9):

1. In single-answer questions the right option is the strictly longest one (by characters, per language) in at
   most :data:`MAX_LONGEST_RIGHT` of the questions: "pick the longest" must not pass a quiz (nor, after a rewrite,
   "pick the shortest": the same limit holds for the strictly shortest).
2. No right option carries its own reasoning ("because ...", "以免 ...") when no distractor does: the reason
   belongs in the explanation, and a justified option gives itself away.
3. Spot-the-red-flags questions vary how many options are *not* flags: at most :data:`MAX_SAME_NON_FLAGS` of them
   share one count (always exactly one harmless detail is a pattern a learner can play).
4. No near-duplicates: two questions of the same scam type whose English prompts are alike (difflib ratio at
   least :data:`DUPLICATE_RATIO`, which catches the same story retold with other numbers), or with the same right
   answer text.

Each finding is a :class:`bot.records.Problem` (file, line, message); `antifraud quiz validate` prints them as
warnings and `--strict` fails on any.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher
from pathlib import Path

from bot.quiz.bank import Banks
from bot.quiz.model import Bank, Question, QuestionType, letter
from bot.records import LANGS, Problem

MAX_LONGEST_RIGHT = 0.35
MAX_SAME_NON_FLAGS = 0.60
DUPLICATE_RATIO = 0.64
#: Below these sample sizes a share says nothing (a one-question test bank is not "100% longest").
MIN_SINGLES = 10
MIN_SPOTS = 5

#: Words that introduce a justification inside an option: the reason belongs in the explanation.
REASONING = {
    "zh": re.compile(r"因为|由于|所以|以免|免得|以便|这样才|否则"),
    "en": re.compile(
        r"\b(?:because|since|so that|so (?:you|they|it|he|she|we)\b|in order to|otherwise|to avoid)", re.IGNORECASE
    ),
}

_ID_LINE = re.compile(r"^\s*-?\s*id:\s*[\"']?([A-Za-z0-9_]+)")
_WORDS = re.compile(r"[\W_]+")


def right_is_longest(question: Question, lang: str) -> bool:
    """Whether the (single) right option is strictly longer than every other option in ``lang``."""
    options = question.content(lang).options
    right = question.answer[0]
    return all(len(o) < len(options[right]) for i, o in enumerate(options) if i != right)


def right_is_shortest(question: Question, lang: str) -> bool:
    """Whether the (single) right option is strictly shorter than every other option in ``lang``: rewriting answers
    to stop "pick the longest" must not teach "pick the shortest" instead."""
    options = question.content(lang).options
    right = question.answer[0]
    return all(len(o) > len(options[right]) for i, o in enumerate(options) if i != right)


def non_flags(question: Question) -> int:
    """How many options of a spot-the-red-flags question are not red flags."""
    return len(question.zh.options) - len(question.answer)


def lint(banks: Banks) -> list[Problem]:
    """Every warning about ``banks``, shares first, then per question in file order."""
    lines = _Lines(banks.banks)
    out = [*_longest_share(banks, lines), *_non_flag_share(banks, lines)]
    per_question = [*_self_justified(banks, lines), *_near_duplicates(banks, lines)]
    return out + sorted(per_question, key=lambda p: (p.file, p.line))


class _Lines:
    """Where each question starts (its ``id:`` line), read back from the bank files."""

    def __init__(self, banks: Iterable[Bank]) -> None:
        self.file: dict[str, str] = {}
        self.line: dict[str, int] = {}
        banks = list(banks)
        paths = [bank.path for bank in banks]
        #: Where a figure over all banks is reported: the one file, or the folder the files share.
        folders = [str(Path(p).parent) for p in paths]
        self.all_banks = paths[0] if len(set(paths)) == 1 else os.path.commonpath(folders) if folders else ""
        for bank in banks:
            for q in bank.questions:
                self.file[q.id] = bank.path
            try:
                text = Path(bank.path).read_text(encoding="utf-8")
            except OSError:
                continue
            for number, raw in enumerate(text.splitlines(), 1):
                if (match := _ID_LINE.match(raw)) and match.group(1) in self.file:
                    self.line.setdefault(match.group(1), number)

    def at(self, question: Question, message: str) -> Problem:
        return Problem(self.file.get(question.id, question.bank), self.line.get(question.id, 0), message)


def _by_bank(hits: Iterable[tuple[Question, bool]]) -> str:
    counts: dict[str, list[int]] = {}
    for q, hit in hits:
        counts.setdefault(q.bank, [0, 0])
        counts[q.bank][0] += hit
        counts[q.bank][1] += 1
    return ", ".join(f"{bank} {hit}/{n}" for bank, (hit, n) in counts.items())


def _longest_share(banks: Banks, lines: _Lines) -> list[Problem]:
    singles = [q for q in banks.questions if q.type is QuestionType.SINGLE]
    if len(singles) < MIN_SINGLES:
        return []
    out = []
    for lang in LANGS:
        for word, test in (("longest", right_is_longest), ("shortest", right_is_shortest)):
            hits = [(q, test(q, lang)) for q in singles]
            n = sum(hit for _, hit in hits)
            if n > MAX_LONGEST_RIGHT * len(singles):
                out.append(
                    Problem(
                        lines.all_banks,
                        0,
                        f"{lang}: the right option is the {word} in {n} of {len(singles)} single-answer questions "
                        f"({n / len(singles):.0%}, at most {MAX_LONGEST_RIGHT:.0%}): {_by_bank(hits)}",
                    )
                )
    return out


def _non_flag_share(banks: Banks, lines: _Lines) -> list[Problem]:
    spots = [q for q in banks.questions if q.type is QuestionType.SPOT]
    if len(spots) < MIN_SPOTS:
        return []
    counts = Counter(non_flags(q) for q in spots)
    count, n = counts.most_common(1)[0]
    if n <= MAX_SAME_NON_FLAGS * len(spots):
        return []
    spread = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items()))
    return [
        Problem(
            lines.all_banks,
            0,
            f"{n} of {len(spots)} spot-the-red-flags questions ({n / len(spots):.0%}, at most "
            f"{MAX_SAME_NON_FLAGS:.0%}) have {count} option(s) that are not flags; vary it (non-flags per "
            f"question -> questions: {spread})",
        )
    ]


def _self_justified(banks: Banks, lines: _Lines) -> list[Problem]:
    out = []
    for q in banks.questions:
        if q.type in (QuestionType.TRUE_FALSE, QuestionType.SPOT):  # spot options quote the scenario
            continue
        for lang in LANGS:
            options = q.content(lang).options
            marker = REASONING[lang]
            found = {i: m.group(0) for i, o in enumerate(options) if (m := marker.search(o))}
            right = [i for i in q.answer if i in found]
            if right and all(i in q.answer for i in found):
                letters = ", ".join(letter(i) for i in right)
                out.append(
                    lines.at(
                        q,
                        f"{q.id}: {lang}: right option {letters} gives its own reason ({found[right[0]]!r}, no "
                        "distractor does); move the reason to the explanation",
                    )
                )
    return out


def _norm(text: str) -> str:
    return _WORDS.sub(" ", text.lower()).strip()


def _answer_text(q: Question) -> str:
    return " | ".join(_norm(q.en.options[i]) for i in q.answer)


def _near_duplicates(banks: Banks, lines: _Lines) -> list[Problem]:
    questions = list(banks.questions)
    prompts = [_norm(q.en.prompt) for q in questions]
    out = []
    for i, a in enumerate(questions):
        matcher = SequenceMatcher(None, "", prompts[i], autojunk=False)
        for j in range(i + 1, len(questions)):
            b = questions[j]
            if a.scam_type is not b.scam_type:
                continue
            matcher.set_seq1(prompts[j])
            if matcher.real_quick_ratio() >= DUPLICATE_RATIO and (ratio := matcher.ratio()) >= DUPLICATE_RATIO:
                out.append(lines.at(b, f"{b.id}: near-duplicate of {a.id} (en prompts {ratio:.0%} alike)"))
            elif a.type is b.type is not QuestionType.TRUE_FALSE and _answer_text(a) == _answer_text(b):
                out.append(lines.at(b, f"{b.id}: near-duplicate of {a.id} (same right answer, same scam type)"))
    return out
