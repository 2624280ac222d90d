"""What every page shares: the Jinja2 environment (templates in files, autoescaped), the page language and the texts
handed to the templates (and to the projector's script), and the one-clear-line message page.

The texts are looked up here, one ``t("web.<name>", lang)`` per key written out, so that the catalog's tests see
every key used; the templates read them as ``tx.<name>``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from bot.i18n import LANGS, t

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
#: The cookie that remembers a ``?lang=`` choice on the teacher's pages.
LANG_COOKIE = "lang"


def templates() -> Jinja2Templates:
    """Templates from ``bot/web/templates``; every value is HTML-escaped unless a template says otherwise."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the page (and its test), not an empty spot
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def chosen_lang(request: Request, default: str) -> str:
    """``?lang=`` when it names a catalog language, else the cookie a previous choice left, else ``default``."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGS:
            return str(value)
    return default if default in LANGS else LANGS[0]


def other_lang(lang: str) -> str:
    return "en" if lang == "zh" else "zh"


def texts(lang: str) -> dict[str, str]:
    """Every text the pages show, in ``lang``."""
    return {
        "other_lang": t("web.other_lang", lang),
        "site_name": t("web.site_name", lang),
        "join_code": t("web.join_code", lang),
        "join_scan": t("web.join_scan", lang),
        "join_send": t("web.join_send", lang),
        "join_send_only": t("web.join_send_only", lang),
        "joined": t("web.joined", lang),
        "waiting": t("web.waiting", lang),
        "question": t("web.question", lang),
        "answered": t("web.answered", lang),
        "paused": t("web.paused", lang),
        "right_answer": t("web.right_answer", lang),
        "top": t("web.top", lang),
        "points": t("web.points", lang),
        "right_count": t("web.right_count", lang),
        "podium": t("web.podium", lang),
        "no_scores": t("web.no_scores", lang),
        "ended": t("web.ended", lang),
        "reconnecting": t("web.reconnecting", lang),
        "my_classes": t("web.my_classes", lang),
        "no_classes": t("web.no_classes", lang),
        "students": t("web.students", lang),
        "logout": t("web.logout", lang),
        "download": t("web.download", lang),
        "no_session": t("web.no_session", lang),
        "my_campaigns": t("web.my_campaigns", lang),
    }


def render(request: Request, name: str, lang: str, status_code: int = 200, **context: Any) -> Response:
    """The template ``name`` with the texts of ``lang`` (``tx``), the language and the link to the other one."""
    page: Response = request.app.state.templates.TemplateResponse(
        request,
        name,
        {"lang": lang, "tx": texts(lang), "other": other_lang(lang), **context},
        status_code=status_code,
        headers={"Content-Language": lang, "Cache-Control": "no-store"},
    )
    return page


def message(request: Request, text: str, lang: str, status_code: int) -> Response:
    """One clear line (a bad link, a page that is not yours), with the status that says what happened."""
    return render(request, "message.html", lang, status_code=status_code, text=text)


def message_text(key: str, lang: str) -> str:
    """The one-line messages by name (the catalog keys written out)."""
    table = {
        "unknown_projector": t("web.unknown_projector", lang),
        "login_bad": t("web.login_bad", lang),
        "login_needed": t("web.login_needed", lang),
        "forbidden": t("web.forbidden", lang),
        "not_found": t("web.not_found", lang),
        "logged_out": t("web.logged_out", lang),
    }
    return table[key]
