"""The family safety plan card: a 1080x1350 PNG in Chinese (with a CJK font, no missing glyph) and English, the
chosen checks in order, the family's name masked, and no way to put a code word on it."""

from __future__ import annotations

import inspect
import io
import warnings

import pytest
from PIL import Image

from bot.campaigns.card import HEIGHT, PLAN_CHECKS, WIDTH, _draw, card_font, card_text, check_label, cjk_font, plan_card

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("lang", "checks", "family_name"),
    [
        ("zh", PLAN_CHECKS, "王小明"),
        ("en", PLAN_CHECKS, "Li Wei"),
        ("zh", [], None),
        ("en", ["roommate"], None),
        ("zh", PLAN_CHECKS, "王" * 40),
        ("en", PLAN_CHECKS, "W" * 40),
    ],
    ids=["zh_all", "en_all", "zh_none", "en_one", "zh_long_name", "en_long_name"],
)
def test_png_of_the_right_size(lang: str, checks: tuple[str, ...], family_name: str | None) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a glyph missing from the font is a UserWarning
        png = plan_card(lang, checks, family_name=family_name)
    assert png.startswith(PNG)
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (WIDTH, HEIGHT) == (1080, 1350)


@pytest.mark.parametrize("lang", ["zh", "en"], ids=["zh", "en"])
def test_everything_fits_at_full_size(lang: str) -> None:
    card_lang, families = card_font(lang)
    assert _draw(card_text(card_lang, PLAN_CHECKS, family_name="Zhang San"), families, 1.0) is not None


def test_chinese_with_a_cjk_font() -> None:
    if cjk_font() is None:
        pytest.skip("no CJK font installed: the card falls back to English")
    lang, families = card_font("zh")
    assert lang == "zh" and families[0] == cjk_font()
    assert plan_card("zh", PLAN_CHECKS) != plan_card("en", PLAN_CHECKS)


def test_no_code_word_can_be_given() -> None:
    """The renderer takes the language, the checks and the family's name: nothing else."""
    assert list(inspect.signature(plan_card).parameters) == ["lang", "checks", "family_name"]
    assert list(inspect.signature(card_text).parameters) == ["lang", "checks", "family_name"]


@pytest.mark.parametrize(
    ("checks", "expected"),
    [
        ((), ("saved_number",)),
        (("consular_12308", "roommate"), ("roommate", "consular_12308")),
        (PLAN_CHECKS, PLAN_CHECKS),
        (("school", "school"), ("school",)),
    ],
    ids=["none_means_saved_number", "in_plan_order", "all", "once_each"],
)
def test_checks_on_the_card(checks: tuple[str, ...], expected: tuple[str, ...]) -> None:
    text = card_text("en", checks)
    assert text.sections[1][2] == tuple(check_label(c, "en") for c in expected)
    assert text.sections[0][2] == text.sections[2][2] == ()


def test_unknown_check() -> None:
    with pytest.raises(ValueError, match="unknown plan checks"):
        card_text("en", ["neighbour"])


@pytest.mark.parametrize(
    ("lang", "title", "agreements"),
    [
        ("en", "Our family safety plan", ("code word", "hang up", "never move money")),
        ("zh", "我们家的安全约定", ("暗号", "挂断", "绝不转账")),
    ],
    ids=["en", "zh"],
)
def test_the_three_agreements(lang: str, title: str, agreements: tuple[str, str, str]) -> None:
    text = card_text(lang, PLAN_CHECKS)
    assert text.lang == lang and text.title == title and text.family is None
    assert len(text.sections) == 3
    for (heading, body, _), word in zip(text.sections, agreements, strict=True):
        assert word in (heading + body).lower()
    assert "12308" in check_label("consular_12308", lang)


def test_family_name_masked() -> None:
    text = card_text("en", [], family_name="Li Wei 13812345678")
    assert text.family is not None and "13812345678" not in text.family and "Li Wei" in text.family
    assert card_text("en", [], family_name="   ").family is None


def test_no_line_starts_with_a_closing_mark() -> None:
    """Chinese line breaking: a comma or a full stop never begins a line (at every width the card could use)."""
    if cjk_font() is None:
        pytest.skip("no CJK font installed")
    from bot.campaigns.card import _NO_LINE_START, _Canvas

    lang, families = card_font("zh")
    text = card_text(lang, PLAN_CHECKS)
    canvas = _Canvas(families, 1.0)
    font = canvas.font(20, False)
    paragraphs = [body for _, body, _ in text.sections] + [text.note, text.footer]
    starts = [
        line[0]
        for width in range(300, 900, 7)
        for paragraph in paragraphs
        for line in canvas.wrap(paragraph, font, width)
    ]
    assert starts and not [mark for mark in starts if mark in _NO_LINE_START]
