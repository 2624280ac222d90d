"""The progress chart: mastery per scam type as a horizontal bar chart (PNG bytes), drawn with matplotlib."""

from __future__ import annotations

import io
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")  # no screen
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from bot.quiz.present import scam_name  # noqa: E402

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Droid Sans Fallback",
             "Source Han Sans SC", "SimHei", "Microsoft YaHei", "PingFang SC")


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in names), None)


def mastery_chart(mastery: dict[str, float], lang: str) -> bytes:
    """Mastery per scam type, weakest at the top. Chinese labels when a CJK font is installed, else English."""
    label_lang = "zh" if lang == "zh" and cjk_font() else "en"
    items = list(mastery.items())[::-1]  # weakest first in the dict: draw it at the top
    labels = [scam_name(t, label_lang) for t, _ in items]
    values = [round(v * 100) for _, v in items]
    height = max(2.5, 0.42 * len(items) + 1.2)
    with plt.rc_context({"font.family": [cjk_font()] if label_lang == "zh" else ["DejaVu Sans"]}):
        fig, ax = plt.subplots(figsize=(7.5, height), dpi=110)
        colours = ["#d9534f" if v < 40 else "#f0ad4e" if v < 75 else "#5cb85c" for v in values]
        ax.barh(labels, values, color=colours)
        ax.set_xlim(0, 100)
        ax.set_xlabel("掌握程度 %" if label_lang == "zh" else "Mastery %")
        ax.set_title("各类诈骗掌握程度" if label_lang == "zh" else "Mastery per scam type")
        for y, v in enumerate(values):
            ax.text(min(v + 1.5, 92), y, f"{v}%", va="center", fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        plt.close(fig)
    return buffer.getvalue()
