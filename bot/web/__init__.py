"""The web app (one Starlette ASGI application): the projector page with its live stream, the teacher's pages
(login by a one-time link, the class report) and, behind a webhook, the Telegram webhook route."""
