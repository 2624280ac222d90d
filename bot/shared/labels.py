"""Labels shared by every part of the bot: scam types, message kinds and the Rasa intent names.

Standard library only: this module is imported both in the Rasa environment and in the app environment.
"""

from __future__ import annotations

from enum import Enum


class ScamType(str, Enum):
    """The scam types the assistant recognises. The values are a public contract (JSON output, quiz banks)."""

    POLICE_IMPERSONATION = "police_impersonation"
    PHISHING_LINK = "phishing_link"
    CUSTOMER_SERVICE_REFUND = "customer_service_refund"
    ORDER_BRUSHING = "order_brushing"
    INVESTMENT = "investment"
    ROMANCE_SEXTORTION = "romance_sextortion"
    FAKE_SHOPPING = "fake_shopping"
    FAKE_LOAN = "fake_loan"
    RECOVERY_SCAM = "recovery_scam"
    VIRTUAL_KIDNAPPING = "virtual_kidnapping"
    JOB_TRAFFICKING = "job_trafficking"
    ACCOMPLICE_RECRUITMENT = "accomplice_recruitment"
    FAKE_ACQUAINTANCE = "fake_acquaintance"
    VERIFICATION_CODE = "verification_code"
    NONE = "none"

    def __str__(self) -> str:  # so f"{ScamType.X}" gives the id
        return self.value


#: The 14 real scam types, without ``none``.
SCAM_TYPES: tuple[ScamType, ...] = tuple(t for t in ScamType if t is not ScamType.NONE)


class Kind(str, Enum):
    """What a message is: a recounted experience, a question, or anything else."""

    EXPERIENCE = "experience"
    QUESTION = "question"
    OTHER = "other"

    def __str__(self) -> str:
        return self.value


EXPERIENCE_PREFIX = "experience_"
QUESTION_PREFIX = "question_"

#: A legitimate look-alike: a genuine notice, call or message the user asks about (an anti-fraud centre's warning
#: call, a bank alert checked on the card's own number, a pickup code, a school notice, operator or shop marketing).
#: Its scam type is ``none``; the reply says what makes it look genuine and what would turn it into a scam.
LOOKALIKE_INTENT = "ask_legitimate"

#: General questions, not tied to one scam type.
GENERAL_QUESTION_INTENTS: frozenset[str] = frozenset(
    {"ask_hotline", "ask_red_flags", "ask_what_to_do", "ask_how_to_report", "ask_number_real", LOOKALIKE_INTENT}
)

#: Conversation intents.
CONVERSATION_INTENTS: frozenset[str] = frozenset(
    {
        "greet",
        "goodbye",
        "thank",
        "affirm",
        "deny",
        "ask_help",
        "start_quiz",
        "quiz_answer",
        "ask_progress",
        "stop_quiz",
        "inform_location",
        "out_of_scope",
    }
)

FALLBACK_INTENT = "nlu_fallback"


def experience_intent(scam: ScamType) -> str:
    return EXPERIENCE_PREFIX + scam.value


def question_intent(scam: ScamType) -> str:
    return QUESTION_PREFIX + scam.value


def all_intents() -> list[str]:
    """Every intent the NLU is trained on (the fallback intent is produced at run time, not trained)."""
    intents = [experience_intent(t) for t in SCAM_TYPES] + [question_intent(t) for t in SCAM_TYPES]
    return intents + sorted(GENERAL_QUESTION_INTENTS) + sorted(CONVERSATION_INTENTS)


def kind_of(intent: str | None) -> Kind:
    if not intent:
        return Kind.OTHER
    if intent.startswith(EXPERIENCE_PREFIX):
        return Kind.EXPERIENCE
    if intent.startswith(QUESTION_PREFIX) or intent in GENERAL_QUESTION_INTENTS:
        return Kind.QUESTION
    return Kind.OTHER


def scam_type_of(intent: str | None) -> ScamType:
    if not intent:
        return ScamType.NONE
    for prefix in (EXPERIENCE_PREFIX, QUESTION_PREFIX):
        if intent.startswith(prefix):
            try:
                return ScamType(intent[len(prefix) :])
            except ValueError:
                return ScamType.NONE
    return ScamType.NONE
