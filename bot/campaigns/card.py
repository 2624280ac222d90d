"""The family safety plan card: a PNG (1080x1350, a phone-screen portrait) with the family's three agreements, sent
to each member in their language at the end of the guided flow.

    png = plan_card("zh", ["saved_number", "roommate", "consular_12308"], family_name="Wang")

The card holds the agreements, never the code word: the bot never asks for it, and :func:`plan_card` has no
parameter that could take it. Drawn with matplotlib's object API (a Figure of its own on an Agg canvas, no pyplot,
no global state), so cards can be drawn in worker threads at once. Chinese needs a CJK font (the same choice as the
progress chart); without one the card is drawn in English, like the chart.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Circle, Rectangle

from bot.channels.chart import LATIN_FONT, cjk_font
from bot.i18n import language, t
from bot.shared.privacy import mask

#: What the family checks with when a call claims an emergency (the flow's choices, in the card's order).
PLAN_CHECKS = ("saved_number", "roommate", "school", "landlord", "consular_12308")
WIDTH, HEIGHT, DPI = 1080, 1350, 100
MARGIN = 70
NAVY, INK, GREY, PALE = "#1f3d5c", "#1d1d1f", "#5f6368", "#eef3f8"
#: Wrapping: words and numbers stay whole; any other character (a Chinese one) may end a line.
_TOKEN = re.compile(r"[A-Za-z0-9+\-'(),.:;!?\"“”]+|\s+|.")
#: Marks that never start a line (Chinese line breaking): a comma or full stop wrapped alone reads as an error.
_NO_LINE_START = frozenset("，。、；：！？）》」』”’…")


def check_label(check: str, lang: object) -> str:
    """The text of one of :data:`PLAN_CHECKS` in ``lang`` (for the flow's buttons and the card)."""
    labels = {
        "saved_number": t("campaign.plan_check_saved_number", lang),
        "roommate": t("campaign.plan_check_roommate", lang),
        "school": t("campaign.plan_check_school", lang),
        "landlord": t("campaign.plan_check_landlord", lang),
        "consular_12308": t("campaign.plan_check_consular_12308", lang),
    }
    return labels[check]


def card_font(lang: object) -> tuple[str, list[str]]:
    """(the language the card can be drawn in, the font families): Chinese when a CJK font is installed."""
    font = cjk_font() if language(lang) == "zh" else None
    return ("zh", [font, LATIN_FONT]) if font else ("en", [LATIN_FONT])


@dataclass(frozen=True)
class CardText:
    """Every text of a card, in one language."""

    lang: str
    title: str
    family: str | None
    sections: tuple[tuple[str, str, tuple[str, ...]], ...]  # (heading, body, bullet points)
    note: str
    footer: str


def card_text(lang: object, checks: Sequence[str], *, family_name: str | None = None) -> CardText:
    """The texts of the card in ``lang``: the checks in :data:`PLAN_CHECKS` order (none chosen: the saved number);
    the family's name masked (``bot.shared.privacy``). ValueError for a check that is not one of PLAN_CHECKS."""
    unknown = [c for c in checks if c not in PLAN_CHECKS]
    if unknown:
        raise ValueError(f"unknown plan checks {unknown} (expected some of {list(PLAN_CHECKS)})")
    chosen = [c for c in PLAN_CHECKS if c in checks] or ["saved_number"]
    name = mask(family_name.strip())[:40] if family_name and family_name.strip() else None
    return CardText(
        lang=language(lang),
        title=t("campaign.card_title", lang),
        family=t("campaign.card_family", lang, name=name) if name else None,
        sections=(
            (t("campaign.card_code_heading", lang), t("campaign.card_code_body", lang), ()),
            (
                t("campaign.card_call_heading", lang),
                t("campaign.card_call_body", lang),
                tuple(check_label(c, lang) for c in chosen),
            ),
            (t("campaign.card_money_heading", lang), t("campaign.card_money_body", lang), ()),
        ),
        note=t("campaign.card_note", lang),
        footer=t("campaign.card_footer", lang),
    )


def plan_card(lang: str, checks: Sequence[str], *, family_name: str | None = None) -> bytes:
    """The card as PNG bytes, WIDTH x HEIGHT, in ``lang`` (English if no CJK font is installed)."""
    card_lang, families = card_font(lang)
    text = card_text(card_lang, checks, family_name=family_name)
    for scale in (1.0, 0.92, 0.85, 0.78, 0.7):  # the largest type that fits
        png = _draw(text, families, scale)
        if png is not None:
            return png
    raise ValueError("the plan card's text does not fit")  # not reachable with the catalog's texts


class _Canvas:
    """A figure whose data coordinates are pixels from the top left, and text wrapped to a width."""

    def __init__(self, families: list[str], scale: float) -> None:
        self.figure = Figure(figsize=(WIDTH / DPI, HEIGHT / DPI), dpi=DPI)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_axes((0, 0, 1, 1))
        self.ax.set_xlim(0, WIDTH)
        self.ax.set_ylim(HEIGHT, 0)
        self.ax.set_axis_off()
        self.renderer: RendererAgg = self.canvas.get_renderer()
        self.families = families
        self.scale = scale

    def font(self, size: float, bold: bool = False) -> FontProperties:
        return FontProperties(family=self.families, size=size * self.scale, weight="bold" if bold else "normal")

    def width(self, text: str, font: FontProperties) -> float:
        w, _, _ = self.renderer.get_text_width_height_descent(text, font, ismath=False)
        return float(w)

    def wrap(self, text: str, font: FontProperties, width: float) -> list[str]:
        lines: list[str] = []
        line = ""
        for token in _TOKEN.findall(text):
            hangs = token in _NO_LINE_START  # a closing mark stays on its line (it may reach into the margin)
            if line and not token.isspace() and not hangs and self.width(line + token, font) > width:
                lines.append(line.rstrip())
                line = ""
            if line or not token.isspace():
                line += token
        return [*lines, line.rstrip()] if line.strip() else lines

    def paragraph(self, text: str, x: float, y: float, width: float, size: float, **style: object) -> float:
        """Draw ``text`` wrapped to ``width`` from (x, y); the y below it."""
        font = self.font(size, bool(style.pop("bold", False)))
        step = size * self.scale * DPI / 72 * 1.4
        for line in self.wrap(text, font, width):
            self.ax.text(x, y, line, fontproperties=font, va="top", ha="left", **style)  # type: ignore[arg-type]
            y += step
        return y


def _draw(text: CardText, families: list[str], scale: float) -> bytes | None:
    """The card at ``scale``; None if it does not fit."""
    c = _Canvas(families, scale)
    c.ax.add_patch(Rectangle((0, 0), WIDTH, HEIGHT, color="white", zorder=0))
    y = c.paragraph(text.title, MARGIN, 60 * scale, WIDTH - 2 * MARGIN, 40, bold=True, color="white", zorder=2)
    if text.family:
        y = c.paragraph(text.family, MARGIN, y + 10 * scale, WIDTH - 2 * MARGIN, 26, color="white", zorder=2)
    band = y + 40 * scale
    c.ax.add_patch(Rectangle((0, 0), WIDTH, band, color=NAVY, zorder=1))
    y = band + 44 * scale
    left = MARGIN + 90
    width = WIDTH - left - MARGIN
    for number, (heading, body, points) in enumerate(text.sections, 1):
        c.ax.add_patch(Circle((MARGIN + 32, y + 26 * scale), 32 * scale, color=NAVY, zorder=2))
        c.ax.text(MARGIN + 32, y + 26 * scale, str(number), color="white", ha="center", va="center", zorder=3,
                  fontproperties=c.font(26, bold=True))  # fmt: skip
        y = c.paragraph(heading, left, y, width, 26, bold=True, color=NAVY)
        y = c.paragraph(body, left, y + 8 * scale, width, 20, color=INK)
        for point in points:
            c.ax.add_patch(Circle((left + 12, y + 17 * scale), 6 * scale, color=NAVY, zorder=2))
            y = c.paragraph(point, left + 34, y + 4 * scale, width - 34, 20, color=INK)
        y += 36 * scale
    y -= 36 * scale
    footer_top = HEIGHT - 150
    c.ax.add_patch(Rectangle((0, footer_top), WIDTH, 150, color=PALE, zorder=1))
    end = c.paragraph(text.note, MARGIN, footer_top + 24, WIDTH - 2 * MARGIN, 19, color=INK, zorder=2)
    end = c.paragraph(text.footer, MARGIN, end + 6, WIDTH - 2 * MARGIN, 18, color=GREY, zorder=2)
    if y > footer_top or end > HEIGHT - 10:
        return None
    buffer = io.BytesIO()
    c.figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
