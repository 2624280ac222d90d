"""Where the user is and where the person at risk is, read from one message."""

from __future__ import annotations

import pytest

from bot.assistant.places import Places, find_places
from bot.knowledge import KnowledgeBase
from bot.shared.lang import Lang

CASES = [
    pytest.param("My daughter in Manchester got a call from Chinese police", Places(None, "GB"), id="en-daughter"),
    pytest.param("我女儿在曼彻斯特留学，联系不上了", Places(None, "GB"), id="zh-daughter"),
    pytest.param("我在悉尼留学，有个自称中国大使馆的人打电话", Places("AU", None), id="zh-student-embassy"),
    pytest.param("I am in London and someone called saying they are HMRC", Places("GB", None), id="en-im-in"),
    pytest.param("中国大使馆打电话说我有包裹", Places(None, None), id="zh-embassy-is-not-a-place"),
    pytest.param("i live in toronto. my son in sydney got a call", Places("CA", "AU"), id="en-both"),
    pytest.param("我在国内，儿子在澳洲，刚接到电话说他被绑架了", Places("CN", "AU"), id="zh-both"),
    pytest.param("I'm a student in Sydney, shanghai police called me", Places("AU", None), id="en-shanghai-police"),
    pytest.param("she is in the UK studying", Places(None, "GB"), id="en-she"),
    pytest.param("我儿子去了澳洲留学，今天有人打电话说他出事了", Places(None, "AU"), id="zh-went-to"),
    pytest.param("what's the weather like", Places(None, None), id="no-place"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_places(kb: KnowledgeBase, text: str, expected: Places) -> None:
    assert find_places(kb, text) == expected


def test_every_placeholder_the_knowledge_base_allows_is_filled() -> None:
    from bot.assistant.contacts import PLACEHOLDERS
    from bot.knowledge.placeholders import NAMES

    assert set(PLACEHOLDERS) == set(NAMES)


@pytest.mark.parametrize("lang", [Lang.ZH, Lang.EN], ids=["zh", "en"])
def test_every_step_is_filled_for_every_pair_of_places(kb: KnowledgeBase, lang: Lang) -> None:
    from bot.assistant.contacts import fill
    from bot.knowledge.placeholders import PATTERN

    pairs = [Places(None, None), Places("CN", "GB"), Places(None, "AU"), Places("GB", "GB"), Places("US", None)]
    for scam in kb.scams.values():
        for step in [*scam.if_happening_now, *scam.after_loss, *scam.prevention]:
            for places in pairs:
                filled = fill(kb, step.get(lang), places, lang)
                assert not PATTERN.search(filled), (scam.id, filled)
                assert "{" not in filled and "}" not in filled, (scam.id, filled)
