"""The assistant's replies as every chat front end shows them: typed items, text split to a channel's limits, and
buttons as numbered choices for channels without buttons (WeChat text, the terminal).

- :func:`items`: Rasa's REST messages (``{"text", "buttons": [{"title", "payload"}]}``) as :class:`Item` s, in
  order. The action server follows the stop-now steps of a teaching reply with a marker message
  ``{"custom": {"urgent": true}}`` (``bot.actions.send``): the text message just before it is ``urgent``. The
  teaching reply always puts the stop-now steps first, in one message of their own. A quiz progress report is
  followed by ``{"custom": {"chart": true}}`` (``bot.actions.quiz``): its item is ``chart`` (a channel that can
  show images sends the mastery chart after it: ``bot.channels.chart``).
- :func:`split`: a text cut into parts that each fit ``chars`` characters and/or ``utf8`` bytes (WeChat counts
  bytes: 2048 for a customer-service text): by paragraphs, then lines, then characters; a line that fits is never
  cut.
- :func:`numbered`: "reply with a number" and the choices, 1-based, in the reader's language.
- :func:`to_json` / :func:`from_json`: items as JSON (the inbox stores a finished reply).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.i18n import t

#: The key, in a Rasa ``custom`` message, of the marker that the text message before it is urgent.
URGENT = "urgent"
#: The key, in a Rasa ``custom`` message, of the marker that the text message before it is a progress report.
CHART = "chart"


@dataclass(frozen=True)
class Choice:
    """A button: what it says and what pressing (or typing its number) sends to the assistant."""

    title: str
    payload: str

    def __post_init__(self) -> None:
        problems = [name for name in ("title", "payload") if not str(getattr(self, name)).strip()]
        if problems:
            raise ValueError(f"a choice needs a {' and a '.join(problems)}")


@dataclass(frozen=True)
class Item:
    """One message of the assistant's: its text, the buttons under it, whether it is the stop-now steps, and whether
    it is a progress report (the learner's chart may follow it)."""

    text: str
    buttons: tuple[Choice, ...] = ()
    urgent: bool = False
    chart: bool = False


def _choice(button: Mapping[str, Any]) -> Choice | None:
    title, payload = str(button.get("title") or "").strip(), str(button.get("payload") or "").strip()
    return Choice(title, payload) if title and payload else None


def items(messages: Iterable[Mapping[str, Any]]) -> list[Item]:
    """Rasa's REST reply as items, in order; the ``urgent`` marker sets the item before it; messages without text
    (images, other custom JSON) are left out, their buttons go to the item before them."""
    result: list[Item] = []
    for message in messages:
        custom = message.get("custom")
        if isinstance(custom, Mapping) and custom.get(URGENT) and result:
            result[-1] = replace(result[-1], urgent=True)
        if isinstance(custom, Mapping) and custom.get(CHART) and result:
            result[-1] = replace(result[-1], chart=True)
        buttons = tuple(c for b in message.get("buttons") or () if isinstance(b, Mapping) and (c := _choice(b)))
        text = str(message.get("text") or "").strip()
        if text:
            result.append(Item(text, buttons))
        elif buttons and result:
            result[-1] = replace(result[-1], buttons=result[-1].buttons + buttons)
    return result


def choices_of(replies: Iterable[Item]) -> tuple[Choice, ...]:
    """Every button of a reply, in order: what its numbers mean (1 is the first)."""
    return tuple(choice for item in replies for choice in item.buttons)


def numbered(choices: Sequence[Choice], lang: object) -> str:
    """The choices as text to answer with a number ("回复数字选择：\\n1. 是\\n2. 否"); empty without choices."""
    if not choices:
        return ""
    lines = [f"{i}. {choice.title}" for i, choice in enumerate(choices, 1)]
    return "\n".join([t("channels.reply_with_number", lang), *lines])


class _Fit:
    def __init__(self, chars: int | None, utf8: int | None) -> None:
        if chars is None and utf8 is None:
            raise ValueError("split: give a limit in characters, in UTF-8 bytes or both")
        if (chars is not None and chars < 1) or (utf8 is not None and utf8 < 4):
            raise ValueError("split: a limit must leave room for one character (chars >= 1, utf8 >= 4)")
        self.chars, self.utf8 = chars, utf8

    def __call__(self, text: str) -> bool:
        if self.chars is not None and len(text) > self.chars:
            return False
        return self.utf8 is None or len(text.encode("utf-8")) <= self.utf8

    def prefix(self, text: str) -> int:
        """The length of the longest prefix of ``text`` that fits (at least one character)."""
        low, high = 1, len(text)
        while low < high:  # the longest fitting prefix: fitting is monotonic in the prefix length
            mid = (low + high + 1) // 2
            if self(text[:mid]):
                low = mid
            else:
                high = mid - 1
        return low


def _pack(pieces: list[str], glue: str, fits: _Fit, smaller: Any) -> list[str]:
    """Pieces joined by ``glue`` into parts that fit; a piece too long alone is cut by ``smaller``."""
    parts: list[str] = []
    current = ""
    for piece in pieces:
        if not piece.strip():
            continue
        candidate = f"{current}{glue}{piece}" if current else piece
        if fits(candidate):
            current = candidate
            continue
        if current:
            parts.append(current)
            current = ""
        if fits(piece):
            current = piece
        else:
            cut = smaller(piece, fits)
            parts += cut[:-1]
            current = cut[-1] if cut else ""
    if current:
        parts.append(current)
    return parts


def _chars(line: str, fits: _Fit) -> list[str]:
    """A line too long for one part: cut at the last space of a part when there is one in its second half."""
    parts: list[str] = []
    rest = line
    while rest and not fits(rest):
        end = fits.prefix(rest)
        space = rest.rfind(" ", 0, end + 1)
        if space > end // 2:
            end = space
        parts.append(rest[:end].rstrip())
        rest = rest[end:].lstrip(" ")
    if rest:
        parts.append(rest)
    return [p for p in parts if p]


def _lines(paragraph: str, fits: _Fit) -> list[str]:
    return _pack(paragraph.split("\n"), "\n", fits, _chars)


def split(text: str, chars: int | None = None, *, utf8: int | None = None) -> list[str]:
    """``text`` in parts of at most ``chars`` characters and ``utf8`` bytes (either or both): whole paragraphs
    while they fit, else whole lines, else the line cut (at a space when there is one); no empty part."""
    fits = _Fit(chars, utf8)
    text = text.strip()
    if not text:
        return []
    if fits(text):
        return [text]
    return [part.strip() for part in _pack(text.split("\n\n"), "\n\n", fits, _lines) if part.strip()]


def to_json(replies: Iterable[Item]) -> list[dict[str, Any]]:
    """Items as JSON (the shape of the web chat's API): ``[{text, buttons: [{title, payload}], urgent}]``."""
    return [
        {
            "text": item.text,
            "buttons": [{"title": c.title, "payload": c.payload} for c in item.buttons],
            "urgent": item.urgent,
        }
        for item in replies
    ]


def from_json(data: Iterable[Mapping[str, Any]]) -> list[Item]:
    """Items back from :func:`to_json`."""
    return [
        Item(
            str(entry["text"]),
            tuple(Choice(str(b["title"]), str(b["payload"])) for b in entry.get("buttons") or ()),
            bool(entry.get("urgent")),
        )
        for entry in data
    ]
