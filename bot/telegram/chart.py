"""Telegram's charts: the drawing is shared with the other front ends that show images (``bot.channels.chart``);
this module names what Telegram's callbacks use."""

from __future__ import annotations

from bot.channels.chart import label_font, mastery_chart, percent_bars

__all__ = ["label_font", "mastery_chart", "percent_bars"]
