"""Two places: where the user is (the numbers they can dial) and where the person at risk is (a child abroad).

"My daughter in Manchester got a call from 'Chinese police'" names the UK as where the daughter is, not the parent:
999 dialled from a Chinese phone does not reach British police. Each country a message names is read from the words
just before it:

- the user's own place: "我在英国", "我人在悉尼", "I'm in London", "I live in Toronto", "here in Sydney";
- the person at risk's: "女儿在曼彻斯特", "我儿子去了澳洲留学", "my daughter in Manchester", "my son studies in Perth";
- neither said: a story about a relative ("我女儿", "my son") puts the place with them; otherwise with the user, as
  students abroad tell their own stories. Mainland China counts only when said of a person ("我在国内", "I'm in
  China"): "中国大使馆" or "Shanghai police" say nothing of where anyone is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge import KnowledgeBase

_I = re.IGNORECASE

#: Someone other than the user: the person at risk the story is about.
RELATIVE = (
    r"(孩子|儿子|女儿|闺女|小孩|娃|宝贝|老公|老婆|丈夫|妻子|爱人|我妈|我爸|妈妈|爸爸|父母|爸妈|弟弟|妹妹|哥哥|姐姐|"
    r"孙子|孙女|外孙|外孙女|侄子|侄女|外甥|外甥女|亲戚|家人|朋友|同学|室友)"
)
RELATIVE_EN = (
    r"\b(my|our|his|her) (son|daughter|child|kid|boy|girl|wife|husband|partner|mum|mom|mother|dad|father|parents|"
    r"brother|sister|grandson|granddaughter|grandchild|nephew|niece|cousin|friend|roommate|flatmate)s?\b"
)

#: Words just before a country that put it with the user ("我在", "I'm in").
_HERE_BEFORE = re.compile(
    r"(我|我们|本人|咱们)(现在|目前|人|正|也|一直|自己)?(在|住在|人在|待在|留学在|定居在|来到|到了)\s*$|"
    r"\b(i'?m|i am|we'?re|we are|i live|we live|i study|i'?m studying|i work|i'?m living|i'?m staying|i'?m based|"
    r"currently|here)( (now|currently|still|living|staying|studying|working|based))? (in|at)\s+(the\s+)?$",
    _I,
)
#: Words just before a country that put it with someone else ("女儿在", "my son in", "he studies in").
_THERE_BEFORE = re.compile(
    RELATIVE + r".{0,8}(在|去了?|到了?|留学|读书|上学|工作|住).{0,4}$|"
    r"(他|她|他们|她们)(现在|目前|人)?(在|去了?|到了?)\s*$|" + RELATIVE_EN + r".{0,30}\b(in|at|to)\s+(the\s+)?$|"
    r"\b(he|she|they)( is|'s| are|'re)?( now| currently| still)? "
    r"(in|at|studying in|living in|working in|studies in|lives in|works in)\s+(the\s+)?$",
    _I,
)
_RELATIVE_ANYWHERE = re.compile(RELATIVE + "|" + RELATIVE_EN, _I)


@dataclass(frozen=True)
class Places:
    """ISO codes: ``here`` where the user is, ``there`` where the person at risk is (None: not said)."""

    here: str | None = None
    there: str | None = None


def find_places(kb: KnowledgeBase, text: str) -> Places:
    """Where the user is and where the person at risk is, as far as this message says."""
    here: str | None = None
    there: str | None = None
    about_someone = bool(_RELATIVE_ANYWHERE.search(text))
    for start, code in kb.country_mentions(text):
        before = text[max(0, start - 40) : start]
        if _THERE_BEFORE.search(before):
            there = there or code
        elif _HERE_BEFORE.search(before):
            here = here or code
        elif code == "CN":
            continue  # "中国大使馆", "Shanghai police": not where anyone is
        elif about_someone:
            there = there or code
        else:
            here = here or code
    return Places(here, there)
