"""The time zones a campaign participant picks from (buttons): each a short id, an IANA zone, the country whose
hotlines apply (an ISO code of ``bot/knowledge/hotlines.yml``, None where it has no entry) and a bilingual name.

Lessons go out at the campaign's send time in the recipient's own zone (:mod:`bot.campaigns.schedule`); until
someone picks a zone, :data:`DEFAULT_ZONE` (Beijing) applies.
"""

from __future__ import annotations

from bot.campaigns.records import Bilingual, CampaignError, Zone
from bot.i18n import t

DEFAULT_ZONE = "beijing"


def _name(key: str) -> Bilingual:
    """A zone's name in both languages, from the catalog (``campaign.zone_<id>``)."""
    return Bilingual(zh=t(key, "zh"), en=t(key, "en"))


ZONES: tuple[Zone, ...] = (
    Zone("beijing", "Asia/Shanghai", "CN", _name("campaign.zone_beijing")),
    Zone("hongkong", "Asia/Hong_Kong", None, _name("campaign.zone_hongkong")),
    Zone("london", "Europe/London", "GB", _name("campaign.zone_london")),
    Zone("berlin", "Europe/Berlin", None, _name("campaign.zone_berlin")),
    Zone("paris", "Europe/Paris", None, _name("campaign.zone_paris")),
    Zone("new_york", "America/New_York", "US", _name("campaign.zone_new_york")),
    Zone("chicago", "America/Chicago", "US", _name("campaign.zone_chicago")),
    Zone("los_angeles", "America/Los_Angeles", "US", _name("campaign.zone_los_angeles")),
    Zone("toronto", "America/Toronto", "CA", _name("campaign.zone_toronto")),
    Zone("vancouver", "America/Vancouver", "CA", _name("campaign.zone_vancouver")),
    Zone("sydney", "Australia/Sydney", "AU", _name("campaign.zone_sydney")),
    Zone("melbourne", "Australia/Melbourne", "AU", _name("campaign.zone_melbourne")),
    Zone("perth", "Australia/Perth", "AU", _name("campaign.zone_perth")),
    Zone("auckland", "Pacific/Auckland", None, _name("campaign.zone_auckland")),
    Zone("tokyo", "Asia/Tokyo", "JP", _name("campaign.zone_tokyo")),
    Zone("seoul", "Asia/Seoul", "KR", _name("campaign.zone_seoul")),
    Zone("singapore", "Asia/Singapore", None, _name("campaign.zone_singapore")),
    Zone("kuala_lumpur", "Asia/Kuala_Lumpur", None, _name("campaign.zone_kuala_lumpur")),
)

_BY_ID = {z.id: z for z in ZONES}


def zone(zone_id: str) -> Zone:
    """The zone ``zone_id``; :class:`CampaignError` ``campaign.unknown_zone`` if there is none."""
    try:
        return _BY_ID[zone_id]
    except KeyError:
        raise CampaignError.one("campaign.unknown_zone", zone=zone_id) from None


def is_zone(zone_id: str) -> bool:
    return zone_id in _BY_ID
