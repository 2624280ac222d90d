"""The progress chart: mastery per scam type as a horizontal bar chart (PNG bytes), drawn with matplotlib's object
API (a :class:`~matplotlib.figure.Figure` of its own on an Agg canvas): no pyplot, no global state, so charts can be
drawn in worker threads at the same time. Shared by the front ends that show images (Telegram's /progress and class
report, WeChat's progress as temporary media); texts in ``bot/i18n/chart.yml``."""

from __future__ import annotations

import io
from functools import lru_cache

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.i18n import t
from bot.knowledge import load_knowledge

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
)
LATIN_FONT = "DejaVu Sans"  # matplotlib's own


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def colour(percent: int) -> str:
    return "#d9534f" if percent < 40 else "#f0ad4e" if percent < 75 else "#5cb85c"


def label_font(lang: str) -> tuple[str, str]:
    """(the language labels can be drawn in, the font): Chinese when a CJK font is installed, else English."""
    font = cjk_font() if lang == "zh" else None
    return ("zh", font) if font else ("en", LATIN_FONT)


def percent_bars(labels: list[str], values: list[int], family: str, xlabel: str, title: str) -> bytes:
    """Horizontal bars of percentages (0-100), the first label at the bottom, each bar coloured by its value."""
    figure = Figure(figsize=(7.5, max(2.5, 0.42 * len(values) + 1.2)), dpi=110)
    FigureCanvasAgg(figure)
    ax = figure.subplots()
    ax.barh(range(len(values)), values, color=[colour(v) for v in values])
    ax.set_yticks(range(len(labels)), labels, fontfamily=family)
    ax.tick_params(axis="x", labelfontfamily=family)
    ax.set_xlim(0, 100)
    ax.set_xlabel(xlabel, fontfamily=family)
    ax.set_title(title, fontfamily=family)
    for y, v in enumerate(values):
        ax.text(min(v + 1.5, 92), y, f"{v}%", va="center", fontsize=9, fontfamily=family)
    ax.grid(axis="x", alpha=0.3)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def mastery_chart(mastery: dict[str, float], lang: str) -> bytes:
    """Mastery per scam type, weakest at the top. Chinese labels when a CJK font is installed, else English."""
    label_lang, family = label_font(lang)
    items = list(mastery.items())[::-1]  # weakest first in the dict: draw it at the top
    kb = load_knowledge()
    labels = [kb.scam(scam).name.en if label_lang == "en" else kb.scam(scam).name.zh for scam, _ in items]
    values = [round(v * 100) for _, v in items]
    return percent_bars(
        labels, values, family, t("chart.mastery_axis", label_lang), t("chart.mastery_title", label_lang)
    )
