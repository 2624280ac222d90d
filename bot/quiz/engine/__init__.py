"""The quiz engine: learners, quiz runs, the next question, answers, mastery and reports, importing the banks.

Every function takes the caller's SQLAlchemy session and never commits: the caller owns the transaction
(``Database.write()``). Time (``now``) and randomness (a run's seed) are passed in, never read from the clock, so
that the engine is deterministic and testable. No front end, Rasa or web framework imports: the chat layers call
the engine (through ``bot.quiz.service``), never the other way round.

One module per job; this package exports what the service and the front ends use (``__all__``):

- ``learners``: learners by channel and external id, their audiences;
- ``runs``: starting and finishing a run (a round), its waiting question, a question served earlier;
- ``selection``: the next question of a run (the rules are in its docstring), the pool it is chosen from;
- ``answers``: recording an answer once per idempotency key, the FSRS review update;
- ``reports``: mastery per scam type, a learner's report, counts of the questions;
- ``imports``: importing the banks;
- ``common``: the error, a served question, the table of a model and the dialect's INSERT (the classroom's
  SQL uses them too); ``cache``: what the engine caches per database (one ``EngineCache``
  in the database's holder, found through ``session.info``).
"""

from __future__ import annotations

from bot.quiz.engine.answers import AnswerResult, record_answer
from bot.quiz.engine.cache import engine_cache
from bot.quiz.engine.common import QuizError, Served, dialect_insert, table
from bot.quiz.engine.imports import ImportResult, import_banks
from bot.quiz.engine.learners import ensure_learner, get_learner, learner_audiences, learner_id
from bot.quiz.engine.reports import FlagScore, Report, report, stats
from bot.quiz.engine.runs import finish_run, latest_open_run, pending_item, served_item, start_run
from bot.quiz.engine.selection import mastery_by_type, next_question, pool_filter, question_pool

__all__ = [
    "AnswerResult",
    "FlagScore",  # the items of Report.weakest_red_flags: part of the Report the front ends format
    "ImportResult",
    "QuizError",
    "Report",
    "Served",
    "dialect_insert",
    "engine_cache",
    "ensure_learner",
    "finish_run",
    "get_learner",
    "import_banks",
    "latest_open_run",
    "learner_audiences",
    "learner_id",
    "mastery_by_type",
    "next_question",
    "pending_item",
    "pool_filter",
    "question_pool",
    "record_answer",
    "report",
    "served_item",
    "start_run",
    "stats",
    "table",
]
