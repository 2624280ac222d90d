"""The assistant's replies as chat channels show them: items in order with the stop-now steps marked, text split
to a channel's limits (characters and UTF-8 bytes), numbered choices, and items through JSON and back."""

from __future__ import annotations

from typing import Any

import pytest

from bot.channels.replies import Choice, Item, choices_of, from_json, items, numbered, split, to_json

STOP = "🚨 现在立刻：\n1. 不要转账\n2. 挂断电话\n拨打 110"
YES, NO = {"title": "是", "payload": "/affirm"}, {"title": "否", "payload": "/deny"}


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        pytest.param(
            [
                {"text": STOP},
                {"custom": {"urgent": True}},
                {"text": "这是冒充公检法诈骗。"},
                {"text": "钱转出去了吗？", "buttons": [YES, NO]},
            ],
            [
                Item(STOP, urgent=True),
                Item("这是冒充公检法诈骗。"),
                Item("钱转出去了吗？", (Choice("是", "/affirm"), Choice("否", "/deny"))),
            ],
            id="urgent-first-then-buttons",
        ),
        pytest.param(
            [{"text": "Red flags:"}, {"text": "• a"}], [Item("Red flags:"), Item("• a")], id="order-kept-no-urgent"
        ),
        pytest.param([{"custom": {"urgent": True}}, {"text": "x"}], [Item("x")], id="marker-with-nothing-before"),
        pytest.param(
            [{"text": "a"}, {"custom": {"other": 1}}, {"image": "http://x/y.png"}], [Item("a")], id="no-text-left-out"
        ),
        pytest.param(
            [{"text": "a"}, {"buttons": [YES]}], [Item("a", (Choice("是", "/affirm"),))], id="text-less-buttons-join"
        ),
        pytest.param(
            [{"text": "a", "buttons": [{"title": "", "payload": "/x"}, {"title": "t"}, YES]}],
            [Item("a", (Choice("是", "/affirm"),))],
            id="incomplete-buttons-dropped",
        ),
        pytest.param([{"text": "  "}, {"text": None}], [], id="blank-texts"),
    ],
)
def test_items(messages: list[dict[str, Any]], expected: list[Item]) -> None:
    assert items(messages) == expected


def test_choices_of_numbers_every_button_in_order() -> None:
    replies = [Item("a", (Choice("1", "/a"),)), Item("b"), Item("c", (Choice("2", "/b"), Choice("3", "/c")))]
    assert [c.payload for c in choices_of(replies)] == ["/a", "/b", "/c"]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        pytest.param("zh", "回复数字选择：\n1. 是\n2. 否", id="zh"),
        pytest.param("en", "Reply with a number:\n1. 是\n2. 否", id="en"),
    ],
)
def test_numbered(lang: str, expected: str) -> None:
    assert numbered([Choice("是", "/affirm"), Choice("否", "/deny")], lang) == expected


def test_numbered_without_choices_is_empty() -> None:
    assert numbered([], "zh") == ""


def test_a_choice_needs_title_and_payload() -> None:
    with pytest.raises(ValueError, match="title and a payload"):
        Choice(" ", "")


def test_json_round_trip() -> None:
    replies = [Item(STOP, urgent=True), Item("b", (Choice("是", "/affirm"),))]
    data = to_json(replies)
    assert data[0] == {"text": STOP, "buttons": [], "urgent": True}
    assert from_json(data) == replies


# ---------------------------------------------------------------------------------------------------------------
# split

PARAS = "first paragraph\nsecond line\n\nthird paragraph is here\n\nlast"


@pytest.mark.parametrize(
    ("text", "chars", "utf8", "expected"),
    [
        pytest.param(PARAS, 200, None, [PARAS], id="fits-whole"),
        pytest.param(
            PARAS,
            30,
            None,
            ["first paragraph\nsecond line", "third paragraph is here\n\nlast"],
            id="by-paragraphs",
        ),
        pytest.param("one line\ntwo line\nthree line", 18, None, ["one line\ntwo line", "three line"], id="by-lines"),
        pytest.param("word " * 6, 12, None, ["word word", "word word", "word word"], id="long-line-at-spaces"),
        pytest.param("x" * 25, 10, None, ["x" * 10, "x" * 10, "x" * 5], id="long-word-by-characters"),
        pytest.param("中" * 10, None, 9, ["中中中", "中中中", "中中中", "中"], id="utf8-bytes"),
        pytest.param("中" * 10 + "ab", 4, 9, ["中中中", "中中中", "中中中", "中ab"], id="both-limits"),
        pytest.param("  \n\n ", 10, None, [], id="blank"),
        pytest.param("😀" * 3, None, 4, ["😀", "😀", "😀"], id="four-byte-characters-whole"),
    ],
)
def test_split(text: str, chars: int | None, utf8: int | None, expected: list[str]) -> None:
    assert split(text, chars, utf8=utf8) == expected


def test_split_never_cuts_a_line_that_fits() -> None:
    lines = [f"{i}. " + "步骤" * (i % 7 + 1) for i in range(60)]
    text = "\n".join(lines[:30]) + "\n\n" + "\n".join(lines[30:])
    parts = split(text, utf8=120)
    assert all(len(p.encode()) <= 120 for p in parts)
    assert [line for p in parts for line in p.split("\n") if line] == lines


@pytest.mark.parametrize("limit", [4, 7, 50, 2048], ids=lambda n: f"utf8-{n}")
def test_split_keeps_every_character_and_each_limit(limit: int) -> None:
    text = ("拨打 110 报警。Call the police now! " * 40 + "\n") * 5 + "\n\n" + "长" * 900
    parts = split(text, 600, utf8=limit)
    assert all(len(p) <= 600 and len(p.encode()) <= limit for p in parts)
    assert "".join("".join(p.split()) for p in parts) == "".join(text.split())


@pytest.mark.parametrize(
    ("chars", "utf8"),
    [pytest.param(None, None, id="none"), pytest.param(0, None, id="zero-chars"), pytest.param(None, 3, id="utf8-3")],
)
def test_split_needs_a_usable_limit(chars: int | None, utf8: int | None) -> None:
    with pytest.raises(ValueError, match="split"):
        split("text", chars, utf8=utf8)
