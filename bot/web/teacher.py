"""The teacher's pages: login by the one-time link the bot sends (then an HttpOnly session cookie), their classes,
and each class's report with its downloads. A teacher sees only their own classes (403 otherwise); no passwords.
"""

from __future__ import annotations

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from bot.classroom import access
from bot.classroom.records import ClassInfo
from bot.web.pages import LANG_COOKIE, chosen_lang, message, message_text, render

#: The cookie holding the web session's token.
SESSION_COOKIE = "antifraud_session"
#: The session cookie's lifetime in the browser (the server's own expiry is what counts).
COOKIE_SECONDS = access.SESSION_DAYS * 24 * 3600


def _login(request: Request, token: str) -> str | None:
    """Spend the link and open a web session in one transaction: the cookie token, or None (bad link)."""
    db = request.app.state.db
    now = request.app.state.classroom.clock()

    def work(s: Session) -> str | None:
        learner = access.redeem_login_link(s, token, now=now)
        return None if learner is None else access.open_web_session(s, learner, now=now)

    found: str | None = db.write_retrying(work)
    return found


async def login(request: Request) -> Response:
    cookie = await run_in_threadpool(_login, request, request.path_params["token"])
    if cookie is None:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("login_bad", lang), lang, 403)
    response = RedirectResponse("/teacher", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=COOKIE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.app.state.secure_cookies,
        path="/",
    )
    return response


def _teacher(request: Request) -> int | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    db = request.app.state.db
    with db.read() as s:
        return access.web_session_learner(s, token, now=request.app.state.classroom.clock())


async def current_teacher(request: Request) -> int | None:
    """The logged-in teacher's learner id (None: not logged in)."""
    found: int | None = await run_in_threadpool(_teacher, request)
    return found


def remember_lang(request: Request, response: Response, lang: str) -> Response:
    """``response``, which also remembers a ``?lang=`` choice in a cookie (for the next pages)."""
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, httponly=True, samesite="lax")
    return response


async def classes(request: Request) -> Response:
    learner = await current_teacher(request)
    if learner is None:
        lang = chosen_lang(request, "zh")
        return message(request, message_text("login_needed", lang), lang, 401)
    found: list[ClassInfo] = await run_in_threadpool(request.app.state.classroom.teacher_classes, learner)
    lang = chosen_lang(request, found[0].lang if found else "zh")
    return remember_lang(
        request,
        render(
            request,
            "teacher_classes.html",
            lang,
            classes=found,
            campaigns=getattr(request.app.state, "campaigns", None) is not None,
        ),
        lang,
    )


def _logout(request: Request, token: str) -> None:
    with request.app.state.db.write() as s:
        access.close_web_session(s, token)


async def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await run_in_threadpool(_logout, request, token)
    lang = chosen_lang(request, "zh")
    response = message(request, message_text("logged_out", lang), lang, 200)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ROUTES = [
    Route("/login/{token}", login, name="login"),
    Route("/teacher", classes, name="teacher"),
    Route("/logout", logout, name="logout", methods=["GET", "POST"]),
]
