"""The database schema (SQLAlchemy 2 typed models). Migrations in the top-level ``db/`` folder create exactly this.

Tables
- ``learners``: who practises: channel + external id (unique), language, audiences (``learner_audiences``).
- ``banks``, ``questions`` (+ ``question_audiences``, ``question_red_flags``): imported from ``quizzes/*.yml``.
  A question removed from its bank is *retired* (``retired_at``), never deleted: its attempts stay.
- ``quiz_runs`` and ``run_items``: one sitting of a quiz and the questions served in it, in order (no repeats:
  unique per run). A chat front end keys its own message/poll ids to a run item (issue 4 adds the column).
- ``attempts``: each answer: chosen options, correct or not, response time, when, and an idempotency key unique per
  learner, so that a retried submission is stored once.
- ``review_states``: the FSRS card of each learner and question (due date, stability, difficulty, ...) and whether
  the latest answer was right; the engine's mastery and next-question choice read it.

- classroom quiz sessions (``classroom``, migration 0003): classes, members, live sessions, their questions,
  answers and Telegram polls, and the teacher's web login.
- parent-student campaigns (``campaign``, migration 0004): campaigns and their classes, enrolments, family invites
  and links, the scheduled deliveries, the campaign answers and polls.
- the chat channels' shared state (``channels``, migration 0005): numbered choices shown, the inbox of inbound
  messages (each handled once) and rate-limit counters.
- the web chat's log (``webchat``, migration 0006): each web chat conversation as its page shows it again.
- the WeChat Official Account's cached access token (``wechat``, migration 0007): ``wechat_tokens``.

One module per area (``base``: the declarative base and column types; ``quiz``; ``classroom``; ``campaign``;
``channels``; ``webchat``; ``wechat``); this package exports every model, so ``from bot.db.models import X``
works for all of them and ``Base.metadata`` holds every table (the migrations compare against it).
"""

from bot.db.models.base import NAMING, Base, Channel, UTCDateTime
from bot.db.models.campaign import (
    Campaign,
    CampaignAnswer,
    CampaignClass,
    CampaignDelivery,
    CampaignEnrolment,
    CampaignPoll,
    FamilyInvite,
    FamilyLink,
)
from bot.db.models.channels import ChannelInbox, ChatChoice, RateCounter
from bot.db.models.classroom import (
    ClassMember,
    Classroom,
    ClassSession,
    LoginLink,
    SessionAnswer,
    SessionPoll,
    SessionQuestion,
    WebSession,
)
from bot.db.models.quiz import (
    Attempt,
    Learner,
    LearnerAudience,
    Question,
    QuestionAudience,
    QuestionBank,
    QuestionRedFlag,
    QuizRun,
    ReviewState,
    RunItem,
    TelegramPoll,
    TelegramUpdate,
)
from bot.db.models.webchat import WebChatLog
from bot.db.models.wechat import WeChatToken

__all__ = [
    "NAMING",
    "Attempt",
    "Base",
    "Campaign",
    "CampaignAnswer",
    "CampaignClass",
    "CampaignDelivery",
    "CampaignEnrolment",
    "CampaignPoll",
    "Channel",
    "ChannelInbox",
    "ChatChoice",
    "ClassMember",
    "ClassSession",
    "Classroom",
    "FamilyInvite",
    "FamilyLink",
    "Learner",
    "LearnerAudience",
    "LoginLink",
    "Question",
    "QuestionAudience",
    "QuestionBank",
    "QuestionRedFlag",
    "QuizRun",
    "RateCounter",
    "ReviewState",
    "RunItem",
    "SessionAnswer",
    "SessionPoll",
    "SessionQuestion",
    "TelegramPoll",
    "TelegramUpdate",
    "UTCDateTime",
    "WeChatToken",
    "WebChatLog",
    "WebSession",
]
