"""Progress and the organiser's report.

- :func:`progress`: one enrolment's weeks (lesson delivered, opened, quiz answered and right of the week's total)
  and whether the family safety plan was made; :func:`family_progress`: what a person may see of their family, and
  only that: a parent each linked child's progress, a student each linked parent's (the "teach your parents"
  loop); never anyone not linked to them now.
- :func:`campaign_report`: for the campaign's organiser only (``campaign.not_organiser``; None is the operator):
  the funnel (enrolled students and parents, students with a linked parent, lessons delivered and opened, quizzes
  answered, plans made, opted out) for the campaign, each week and each class (with each student's progress for
  the organiser's own classes), and every week's questions with their answers, right answers and the most chosen
  wrong options (option texts from the bank, in the report's language).

A "quiz answered" is an enrolment that answered at least one question of a week. The funnel of a class counts its
students and the parents linked to them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from bot.campaigns.common import Definitions, campaign_info, campaign_row, check_organiser, enrolment, enrolment_row
from bot.campaigns.family import family, linked_enrolments
from bot.campaigns.records import (
    CampaignReport,
    ClassFunnel,
    DeliveryKind,
    DeliveryStatus,
    Funnel,
    Progress,
    QuestionResult,
    Role,
    WeekProgress,
)
from bot.db.models import Campaign, CampaignAnswer, CampaignDelivery, CampaignEnrolment, Classroom
from bot.quiz.engine import QuizError, engine_cache

#: Wrong options listed per question.
TOP_WRONG = 3


@dataclass
class _Facts:
    """What the reports read for a set of enrolments: their lessons and quiz answers per week."""

    delivered: set[tuple[int, int]] = field(default_factory=set)  # (enrolment, week)
    opened: set[tuple[int, int]] = field(default_factory=set)
    answered: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # -> (answers, right)


def _facts(s: Session, ids: list[int]) -> _Facts:
    facts = _Facts()
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        for enrolment_id, week, status, opened_at in s.execute(
            select(
                CampaignDelivery.enrolment_id,
                CampaignDelivery.week,
                CampaignDelivery.status,
                CampaignDelivery.opened_at,
            ).where(CampaignDelivery.enrolment_id.in_(chunk), CampaignDelivery.kind == DeliveryKind.LESSON.value)
        ):
            if status == DeliveryStatus.SENT:
                facts.delivered.add((enrolment_id, week))
            if opened_at is not None:
                facts.opened.add((enrolment_id, week))
        for enrolment_id, week, n, right in s.execute(
            select(
                CampaignAnswer.enrolment_id,
                CampaignAnswer.week,
                func.count(),
                func.sum(cast(CampaignAnswer.correct, Integer)),
            )
            .where(CampaignAnswer.enrolment_id.in_(chunk))
            .group_by(CampaignAnswer.enrolment_id, CampaignAnswer.week)
        ):
            facts.answered[(enrolment_id, week)] = (int(n), int(right or 0))
    return facts


def _progresses(s: Session, definitions: Definitions, rows: Iterable[CampaignEnrolment]) -> list[Progress]:
    rows = list(rows)
    facts = _facts(s, [row.id for row in rows])
    campaigns = {c.id: c for c in s.scalars(select(Campaign).where(Campaign.id.in_({r.campaign_id for r in rows})))}
    out = []
    for row in rows:
        campaign = campaigns[row.campaign_id]
        plan = definitions.get(campaign.definition_id)
        weeks = []
        for week in range(1, campaign.weeks + 1):
            total = 0
            if plan is not None and week <= len(plan.weeks):
                total = len(plan.week(week).quiz.get(Role(row.role), ()))
            answered, right = facts.answered.get((row.id, week), (0, 0))
            weeks.append(
                WeekProgress(
                    week=week,
                    delivered=(row.id, week) in facts.delivered,
                    opened=(row.id, week) in facts.opened,
                    quiz_answered=answered,
                    quiz_right=right,
                    quiz_total=total,
                )
            )
        out.append(Progress(enrolment(row), row.display_name, tuple(weeks), row.plan_made_at is not None))
    return out


def progress(s: Session, definitions: Definitions, learner_id: int, campaign_id: int) -> Progress:
    """The learner's own progress in the campaign."""
    return _progresses(s, definitions, [enrolment_row(s, campaign_id, learner_id)])[0]


def family_progress(s: Session, definitions: Definitions, learner_id: int) -> list[Progress]:
    """A parent: each linked child's progress; a student: each linked parent's (active links only)."""
    others = []
    for link in family(s, learner_id):
        others.append(link.student.id if link.parent.learner_id == learner_id else link.parent.id)
    if not others:
        return []
    rows = {row.id: row for row in s.scalars(select(CampaignEnrolment).where(CampaignEnrolment.id.in_(others)))}
    return _progresses(s, definitions, [rows[i] for i in others])


def _funnel(
    rows: list[CampaignEnrolment], links: dict[int, list[int]], facts: _Facts, weeks: Callable[[int], bool]
) -> Funnel:
    ids = {row.id for row in rows}
    students = [row for row in rows if row.role == Role.STUDENT]
    return Funnel(
        enrolled_students=len(students),
        enrolled_parents=sum(1 for row in rows if row.role == Role.PARENT),
        students_with_parent=sum(1 for row in students if links.get(row.id)),
        lessons_delivered=sum(1 for e, w in facts.delivered if e in ids and weeks(w)),
        lessons_opened=sum(1 for e, w in facts.opened if e in ids and weeks(w)),
        quizzes_answered=sum(1 for e, w in facts.answered if e in ids and weeks(w)),
        plans_made=sum(1 for row in rows if row.plan_made_at is not None),
        opted_out=sum(1 for row in rows if row.opted_out_at is not None),
    )


def _week_is(number: int) -> Callable[[int], bool]:
    return lambda week: week == number


def campaign_report(
    s: Session, definitions: Definitions, organiser_id: int | None, campaign_id: int, lang: str
) -> CampaignReport:
    """The organiser's report (see the module docstring); ``organiser_id`` None: the operator (the CLI)."""
    campaign = campaign_row(s, campaign_id)
    check_organiser(campaign, organiser_id)
    info = campaign_info(s, campaign, definitions)
    rows = list(s.scalars(select(CampaignEnrolment).where(CampaignEnrolment.campaign_id == campaign_id).order_by("id")))
    links = linked_enrolments(s, [row.id for row in rows])
    facts = _facts(s, [row.id for row in rows])
    funnel = _funnel(rows, links, facts, lambda _: True)
    weeks = tuple((n, _funnel(rows, links, facts, _week_is(n))) for n in range(1, campaign.weeks + 1))
    by_id = {row.id: row for row in rows}
    classes = []
    for classroom in s.scalars(select(Classroom).where(Classroom.id.in_(info.class_ids)).order_by(Classroom.id)):
        students = [row for row in rows if row.class_id == classroom.id and row.role == Role.STUDENT]
        parent_ids = {p for row in students for p in links.get(row.id, [])}
        members = students + [by_id[p] for p in sorted(parent_ids) if p in by_id]
        own = organiser_id is None or classroom.teacher_id == organiser_id
        progress_of = _progresses(s, definitions, students) if own else []
        classes.append(
            ClassFunnel(
                class_id=classroom.id,
                class_name=classroom.name,
                funnel=_funnel(members, links, facts, lambda _: True),
                students=tuple(sorted(progress_of, key=lambda p: (p.name.casefold(), p.enrolment.id))),
            )
        )
    questions = _questions(s, definitions, campaign, lang)
    return CampaignReport(info, funnel, weeks, tuple(classes), questions)


def _questions(s: Session, definitions: Definitions, campaign: Campaign, lang: str) -> tuple[QuestionResult, ...]:
    plan = definitions.get(campaign.definition_id)
    if plan is None:
        return ()
    given: dict[tuple[int, str, str], list[tuple[list[int], bool]]] = defaultdict(list)
    for week, role, question_id, chosen, correct in s.execute(
        select(
            CampaignAnswer.week,
            CampaignEnrolment.role,
            CampaignAnswer.question_id,
            CampaignAnswer.chosen,
            CampaignAnswer.correct,
        )
        .join(CampaignEnrolment, CampaignEnrolment.id == CampaignAnswer.enrolment_id)
        .where(CampaignEnrolment.campaign_id == campaign.id)
    ):
        given[(week, role, question_id)].append((chosen, correct))
    cache = engine_cache(s)
    out = []
    for week_def in plan.weeks:
        for role in plan.roles:
            for question_id in week_def.quiz.get(role, ()):
                answers = given.get((week_def.number, role.value, question_id), [])
                try:
                    question = cache.question(s.connection(), question_id)
                except QuizError:  # not in the imported banks: its id, no options
                    out.append(QuestionResult(week_def.number, role, question_id, question_id, len(answers), 0, ()))
                    continue
                content = question.content(lang)
                wrong: Counter[int] = Counter(
                    i
                    for chosen, _ in answers
                    for i in chosen
                    if i not in question.answer and 0 <= i < len(content.options)
                )
                top = sorted(wrong.items(), key=lambda item: (-item[1], item[0]))[:TOP_WRONG]
                out.append(
                    QuestionResult(
                        week=week_def.number,
                        role=role,
                        question_id=question_id,
                        prompt=content.prompt,
                        answered=len(answers),
                        right=sum(1 for _, correct in answers if correct),
                        top_wrong=tuple((content.options[i], n) for i, n in top),
                    )
                )
    return tuple(out)
