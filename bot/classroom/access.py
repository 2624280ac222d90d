"""The teacher's web login without passwords: a one-time link sent in the teacher's private chat, then a session
cookie.

Why it is built this way:
- tokens come from :mod:`secrets` and only their sha256 is stored, so that a copy of the database (a backup, a
  log of queries) cannot be used to log in;
- a link is single use: it is spent by one conditional ``UPDATE ... WHERE used_at IS NULL AND expires_at > now``,
  so two browsers (or two workers) opening the same link at once cannot both log in;
- a link expires after ``minutes`` (``settings().login_link_minutes`` in the front ends): a forwarded or leaked
  chat message is harmless after that;
- a web session lasts :data:`SESSION_DAYS`, long enough for a term of lessons on one computer.

Like the rest of ``bot.classroom`` these take the caller's session and ``now`` and never commit.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.db.models import LoginLink, WebSession

#: How long a browser stays logged in.
SESSION_DAYS = 30
#: Random bytes per token (URL-safe base64: 43 characters).
TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    """What is stored for a token: its sha256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_login_link(s: Session, learner_id: int, *, now: datetime, minutes: int) -> str:
    """A new one-time login token for ``learner_id``, valid ``minutes`` from ``now`` (the link's last path part)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    s.add(
        LoginLink(
            token_hash=token_hash(token),
            learner_id=learner_id,
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
            used_at=None,
        )
    )
    s.flush()
    return token


def redeem_login_link(s: Session, token: str, *, now: datetime) -> int | None:
    """The learner the link was issued to, spending it; None if it is unknown, used or expired."""
    if not token or len(token) > 200:
        return None
    key = token_hash(token)
    spent = s.execute(
        update(LoginLink)
        .where(LoginLink.token_hash == key, LoginLink.used_at.is_(None), LoginLink.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(spent, "rowcount", 0) != 1:
        return None
    return s.execute(select(LoginLink.learner_id).where(LoginLink.token_hash == key)).scalar_one()


def open_web_session(s: Session, learner_id: int, *, now: datetime) -> str:
    """A new browser session for ``learner_id``: the token goes in the cookie."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    s.add(
        WebSession(
            token_hash=token_hash(token),
            learner_id=learner_id,
            created_at=now,
            expires_at=now + timedelta(days=SESSION_DAYS),
        )
    )
    s.flush()
    return token


def web_session_learner(s: Session, token: str, *, now: datetime) -> int | None:
    """The learner logged in with this cookie token; None if it is unknown or expired."""
    if not token or len(token) > 200:
        return None
    found = s.execute(
        select(WebSession.learner_id).where(WebSession.token_hash == token_hash(token), WebSession.expires_at > now)
    ).scalar_one_or_none()
    return found


def close_web_session(s: Session, token: str) -> None:
    """Log out: the session is deleted, so a copy of the cookie no longer works either."""
    s.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
