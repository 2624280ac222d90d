"""Every problem the campaigns report (:class:`CampaignError` keys) and its catalog text, so that each front end says
it in one clear line in the user's language: ``describe(error, lang)``.

A CampaignError key is the full catalog key (``campaign.unknown_invite``) and its text has no placeholder: a front end
may say it with ``t(error.key, lang)`` too. The parameters an error is raised with (``week=3``) are for logs and
tests, not for the text (the catalog's tests forbid handing on a key with placeholders outside a ``t(...)`` call).
``tests/bot/campaigns/test_campaign_errors.py`` checks that every key raised in ``bot/campaigns`` is listed here.
"""

from __future__ import annotations

from bot.campaigns.records import CampaignError
from bot.i18n import t

#: Every CampaignError key, each a text of bot/i18n/campaign.yml.
KEYS: tuple[str, ...] = (
    "campaign.unknown_campaign",
    "campaign.unknown_definition",
    "campaign.campaign_ended",
    "campaign.not_organiser",
    "campaign.not_enrolled",
    "campaign.not_yours",
    "campaign.not_student",
    "campaign.week_not_open",
    "campaign.unknown_zone",
    "campaign.unknown_invite",
    "campaign.invite_expired",
    # --- campaign-db: the engine's rules (bot.campaigns.enrol, family, answers)
    "campaign.unknown_class",
    "campaign.not_class_teacher",
    "campaign.bad_lang",
    "campaign.class_only",
    "campaign.role_taken",
    "campaign.own_invite",
    "campaign.not_in_quiz",
    "campaign.bad_answer",
)


def describe(error: CampaignError, lang: object) -> str:
    """Every problem of ``error``, one line each, in ``lang``."""
    return "\n".join(t(key, lang) for key, _ in error.problems)
