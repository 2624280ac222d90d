"""The time zones people pick from: real IANA zones, countries the hotline list knows, names in both languages."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.campaigns.zones import DEFAULT_ZONE, ZONES, is_zone, zone
from bot.knowledge import load_knowledge

IDS = [z.id for z in ZONES]


@pytest.mark.parametrize("zone_id", IDS, ids=IDS)
def test_zone(zone_id: str) -> None:
    found = zone(zone_id)
    assert found.id == zone_id and is_zone(zone_id)
    ZoneInfo(found.tz)  # raises if the IANA zone does not exist
    assert found.country is None or load_knowledge().country(found.country) is not None
    assert found.name.zh and found.name.en and found.name.zh != found.name.en


def test_the_list() -> None:
    assert len(set(IDS)) == len(IDS) == 18
    assert DEFAULT_ZONE == "beijing" and zone(DEFAULT_ZONE).tz == "Asia/Shanghai"
    assert {z.id: z.country for z in ZONES if z.country} == {
        "beijing": "CN",
        "london": "GB",
        "new_york": "US",
        "chicago": "US",
        "los_angeles": "US",
        "toronto": "CA",
        "vancouver": "CA",
        "sydney": "AU",
        "melbourne": "AU",
        "perth": "AU",
        "tokyo": "JP",
        "seoul": "KR",
    }
    assert not is_zone("mars")
