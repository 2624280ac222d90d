"""Synthetic, valid question banks of any size, for tests and benchmarks (never imported by the app itself)."""

from __future__ import annotations

import random

from bot.knowledge import load_knowledge
from bot.knowledge.model import Source
from bot.quiz.bank import Banks
from bot.quiz.model import (
    TRUE_FALSE_OPTIONS,
    Audience,
    Bank,
    Content,
    Question,
    QuestionType,
)
from bot.shared.labels import SCAM_TYPES

SOURCE = Source("Synthetic", "Generated for tests", "https://example.org/synthetic")


def synthetic_question(
    i: int,
    rng: random.Random,
    bank: str = "synthetic",
    scam: str | None = None,
    audiences: tuple[str, ...] | None = None,
) -> Question:
    kb = load_knowledge()
    scam_type = next(t for t in SCAM_TYPES if t.value == scam) if scam else SCAM_TYPES[i % len(SCAM_TYPES)]
    flags = [f.id for f in kb.scam(scam_type).red_flags]
    chosen = tuple(rng.sample(flags, k=min(2, len(flags))))
    if audiences is None:
        all_aud = list(Audience)
        audiences = tuple(a.value for a in rng.sample(all_aud, k=rng.randint(1, 2)))
    qtype = [QuestionType.SINGLE, QuestionType.TRUE_FALSE, QuestionType.MULTI][i % 3]
    zh_opts: tuple[str, ...]
    en_opts: tuple[str, ...]
    if qtype is QuestionType.TRUE_FALSE:
        zh_opts, en_opts = TRUE_FALSE_OPTIONS["zh"], TRUE_FALSE_OPTIONS["en"]
        answer: tuple[int, ...] = (rng.randint(0, 1),)
    else:
        zh_opts = tuple(f"选项{j + 1}（题{i}）" for j in range(4))
        en_opts = tuple(f"Option {j + 1} of question {i}" for j in range(4))
        answer = (rng.randint(0, 3),) if qtype is QuestionType.SINGLE else tuple(sorted(rng.sample(range(4), 2)))
    return Question(
        id=f"{bank}_{i:05d}",
        bank=bank,
        type=qtype,
        scam_type=scam_type,
        audiences=frozenset(Audience(a) for a in audiences),
        red_flags=chosen,
        zh=Content(f"第{i}题：这是诈骗吗？", zh_opts, f"第{i}题的讲解：因为对方要你转账。"),
        en=Content(f"Question {i}: is this a scam?", en_opts, f"Why, for question {i}: they asked for money."),
        answer=answer,
        source=SOURCE,
    )


def synthetic_banks(n: int, seed: int = 0, bank: str = "synthetic") -> Banks:
    rng = random.Random(seed)
    questions = tuple(synthetic_question(i, rng, bank) for i in range(1, n + 1))
    return Banks((Bank(bank, "合成题库", "Synthetic bank", f"<synthetic:{bank}>", questions),))
