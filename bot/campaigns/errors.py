"""Every problem the campaigns report (:class:`CampaignError` keys) and its catalog text, so that each front end says
it in one clear line in the user's language: ``describe(error, lang)``.

A CampaignError key is the full catalog key (``campaign.unknown_invite``). The keys are written out here, each in its
own ``t(...)`` call (not built from a prefix), so that the catalog's tests find them and check their placeholders.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.campaigns.records import CampaignError
from bot.i18n import t

#: CampaignError key -> its text (bot/i18n/campaign.yml) in a language, with its parameters.
MESSAGES: dict[str, Callable[[object, dict[str, Any]], str]] = {
    "campaign.unknown_campaign": lambda lang, p: t("campaign.unknown_campaign", lang),
    "campaign.unknown_definition": lambda lang, p: t("campaign.unknown_definition", lang, definition=p["definition"]),
    "campaign.campaign_ended": lambda lang, p: t("campaign.campaign_ended", lang),
    "campaign.not_organiser": lambda lang, p: t("campaign.not_organiser", lang),
    "campaign.not_enrolled": lambda lang, p: t("campaign.not_enrolled", lang),
    "campaign.not_yours": lambda lang, p: t("campaign.not_yours", lang),
    "campaign.not_student": lambda lang, p: t("campaign.not_student", lang),
    "campaign.week_not_open": lambda lang, p: t("campaign.week_not_open", lang, week=p["week"]),
    "campaign.unknown_zone": lambda lang, p: t("campaign.unknown_zone", lang, zone=p["zone"]),
    "campaign.unknown_invite": lambda lang, p: t("campaign.unknown_invite", lang),
    "campaign.invite_expired": lambda lang, p: t("campaign.invite_expired", lang),
    # --- campaign-db: the engine's rules (bot.campaigns.enrol, family, answers)
    "campaign.unknown_class": lambda lang, p: t("campaign.unknown_class", lang),
    "campaign.not_class_teacher": lambda lang, p: t("campaign.not_class_teacher", lang),
    "campaign.bad_lang": lambda lang, p: t("campaign.bad_lang", lang),
    "campaign.class_only": lambda lang, p: t("campaign.class_only", lang),
    "campaign.role_taken": lambda lang, p: t("campaign.role_taken", lang),
    "campaign.own_invite": lambda lang, p: t("campaign.own_invite", lang),
    "campaign.not_in_quiz": lambda lang, p: t("campaign.not_in_quiz", lang),
    "campaign.bad_answer": lambda lang, p: t("campaign.bad_answer", lang),
}


def describe(error: CampaignError, lang: object) -> str:
    """Every problem of ``error``, one line each, in ``lang``. The parameters a key needs must be given when raising
    (``CampaignError.one("campaign.week_not_open", week=3)``); extra ones are ignored."""
    return "\n".join(MESSAGES[key](lang, params) for key, params in error.problems)
