"""A week's lesson for one role, in one language: the teaching card of a campaign week, its red flags rendered from
the knowledge base (the sign and the fact that defeats it), and its plain-text form for any front end.

    view = lesson_view(definition, 2, Role.PARENT, "en", kb, campaign_id=7)
    lesson_text(view)   # "📚 Week 2 of 6 · Virtual kidnapping\\n\\nA real case: ..."

The texts around the content are the catalog's (``bot/i18n/campaign.yml``); front ends may format further (HTML,
buttons for the quiz and the activity).
"""

from __future__ import annotations

from bot.campaigns.records import ActivityKind, Definition, LessonView, Role
from bot.i18n import language, t
from bot.knowledge import KnowledgeBase


def lesson_view(
    definition: Definition, week: int, role: Role, lang: object, kb: KnowledgeBase, *, campaign_id: int
) -> LessonView:
    """Week ``week`` of ``definition`` for ``role`` in ``lang`` (the catalog's language rule: ``zh`` or ``en``, and
    Chinese for any other).

    KeyError if the campaign has no such week; ValueError if the role does not take part in it."""
    code = language(lang)
    week_def = definition.week(week)
    if role not in week_def.lessons:
        raise ValueError(f"{definition.id} has no lesson for the {role.value}")
    lesson = week_def.lessons[role]
    flags = tuple((kb.red_flag(f).text.get(code), kb.red_flag(f).truth.get(code)) for f in lesson.red_flags)
    return LessonView(
        campaign_id=campaign_id,
        week=week,
        weeks=len(definition.weeks),
        role=role,
        lang=code,
        title=definition.title.get(code),
        theme=week_def.theme.get(code),
        case=lesson.case.get(code),
        red_flags=flags,
        what_to_do=tuple(step.get(code) for step in lesson.what_to_do),
        source=t("campaign.lesson_source_ref", code, publisher=lesson.source.publisher, url=lesson.source.url),
        quiz=week_def.quiz[role],
        activity=week_def.activity,
    )


def lesson_text(view: LessonView) -> str:
    """The lesson as plain text (no markup) in the view's language."""
    lang = view.lang
    parts = [
        t("campaign.lesson_heading", lang, week=view.week, weeks=view.weeks, theme=view.theme),
        t("campaign.lesson_case", lang, case=view.case),
        "\n".join(
            [t("campaign.lesson_red_flags", lang)]
            + [t("campaign.lesson_flag", lang, flag=flag, truth=truth) for flag, truth in view.red_flags]
        ),
        "\n".join(
            [t("campaign.lesson_what_to_do", lang)]
            + [t("campaign.lesson_step", lang, n=n, step=step) for n, step in enumerate(view.what_to_do, 1)]
        ),
    ]
    if view.activity is not None and view.activity.kind == ActivityKind.SAFETY_PLAN:
        parts.append(t("campaign.lesson_activity_plan", lang))
    elif view.activity is not None and view.activity.prompt is not None:
        parts.append(t("campaign.lesson_activity_talk", lang, prompt=view.activity.prompt.get(lang)))
    parts.append(t("campaign.lesson_source", lang, source=view.source))
    return "\n\n".join(parts)
