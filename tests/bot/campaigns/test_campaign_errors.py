"""Every problem the campaigns raise has its one line in both languages (with no placeholder: the keys are handed
on), and describe() says every problem of an error."""

from __future__ import annotations

import re

import pytest

from bot.campaigns.errors import KEYS, describe
from bot.campaigns.records import CampaignError
from bot.campaigns.zones import zone
from bot.i18n import LANGS, catalog, placeholders
from bot.settings import ROOT

SOURCES = sorted((ROOT / "bot" / "campaigns").glob("*.py"))
RAISED = re.compile(r'CampaignError(?:\.one)?\(\s*\[?\(?\s*"(campaign\.\w+)"')


def raised_keys() -> set[str]:
    return {key for path in SOURCES for key in RAISED.findall(path.read_text(encoding="utf-8"))}


def test_every_raised_key_is_listed() -> None:
    raised = raised_keys()
    assert "campaign.unknown_zone" in raised  # the pattern finds them
    assert raised <= set(KEYS), f"not in bot.campaigns.errors.KEYS: {sorted(raised - set(KEYS))}"


@pytest.mark.parametrize("key", KEYS, ids=KEYS)
def test_message_in_both_languages_without_placeholders(key: str) -> None:
    entry = catalog()[key]
    assert set(entry.texts) == set(LANGS)
    assert all(not placeholders(text) for text in entry.texts.values())


def test_describe_says_every_problem() -> None:
    error = CampaignError([("campaign.invite_expired", {}), ("campaign.week_not_open", {"week": 3})])
    assert error.key == "campaign.invite_expired"
    assert describe(error, "en") == (
        "This family invite link has expired: ask your child for a new one.\nThat week's lesson has not been sent yet."
    )
    assert describe(error, "zh").count("\n") == 1


def test_unknown_zone() -> None:
    with pytest.raises(CampaignError) as raised:
        zone("mars")
    assert raised.value.key == "campaign.unknown_zone"
    assert raised.value.problems == [("campaign.unknown_zone", {"zone": "mars"})]
    assert describe(raised.value, "en") == "Unknown time zone: pick one of the buttons."
