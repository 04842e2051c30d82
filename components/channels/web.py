"""The ``web`` channel: Pause's embeddable chat widget, its demo page and its message endpoints.

Routes under ``/webhooks/web/``:

- ``GET /``: the demo page; ``GET /widget.js``, ``/widget.css``, ``/favicon.svg``: the widget,
  served from this package (no CDN, no external fonts).
- ``POST /webhook``: ``{"sender": CLIENT_ID, "message": TEXT}``, the same JSON as the REST
  channel, returning the list of bot messages.
- ``GET /history?sender=CLIENT_ID``: the conversation so far, read from the tracker store
  (already redacted), so that a page reload restores it.

The rules (client ids, allowed origins, security headers) are in bot/channels/web.py. Browsers
may call from the page's own origin or from those listed in ``PAUSE_WEB_ALLOWED_ORIGINS``; any
other origin gets 403.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.nlu.constants import RESPONSE_SELECTOR_UTTER_ACTION_KEY as UTTER_ACTION_KEY  # metadata: the response's name
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import sender_rate_limit
from bot.channels.messages import BadRequest, parse_message_request
from bot.settings import Settings, get_settings
from bot.channels.web import origin_allowed, security_headers, web_sender
from bot.nlp.input_check import MAX_MESSAGE_CHARS
from components.channels.protection import json_error, limited_turn_reply, protect_blueprint, slow_down

STATIC_DIR = Path(__file__).parent / "web_static"
# Enough to restore any real conversation; bounds the size of one history reply.
MAX_HISTORY_MESSAGES = 300

_CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}
_ASSETS = ("widget.js", "widget.css", "favicon.svg")

# sanic-cors (configured by Rasa for the whole server) skips requests carrying this mark.
try:
    from sanic_cors.core import SANIC_CORS_EVALUATED
except ImportError:  # pragma: no cover - sanic-cors comes with Rasa
    SANIC_CORS_EVALUATED = "_sanic_cors_e"


@dataclass(frozen=True)
class StaticFile:
    """A widget file kept in memory with its content type and ETag."""

    body: bytes
    content_type: str
    etag: str

    @classmethod
    def load(cls, path: Path) -> "StaticFile":
        body = path.read_bytes()
        return cls(body, _CONTENT_TYPES[path.suffix], '"' + hashlib.sha256(body).hexdigest()[:20] + '"')


def history_messages(
    events: Iterable[Any], responses: Optional[Dict[str, List[Dict[str, Any]]]] = None, limit: int = MAX_HISTORY_MESSAGES
) -> List[Dict[str, Any]]:
    """The user and bot messages of a tracker's events, for the widget to redraw.

    A button payload the user sent is shown by the button's title; buttons are kept only on the
    bot messages after the user's last message, the only ones still waiting for an answer.
    The store redacts bot messages too (they can echo what the user wrote); a message that is a
    fixed domain response (no slots filled in) is shown as the domain words it was.
    """
    messages: List[Dict[str, Any]] = []
    titles: Dict[str, str] = {}
    for event in events:
        if isinstance(event, UserUttered):
            if event.text:
                messages.append({"from": "user", "text": titles.get(event.text, event.text)})
        elif isinstance(event, BotUttered):
            data = dict(event.data or {})
            message: Dict[str, Any] = {"from": "bot"}
            text = event.text
            fixed = _fixed_response((event.metadata or {}).get(UTTER_ACTION_KEY), responses or {})
            if fixed is not None:
                text = fixed.get("text") or text
                if fixed.get("buttons"):
                    data["buttons"] = fixed["buttons"]
            if text:
                message["text"] = text
            if data.get("buttons"):
                buttons = [
                    {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in data["buttons"]
                ]
                message["buttons"] = buttons
                titles = {b["payload"]: b["title"] for b in buttons}
            if data.get("custom") is not None:
                message["custom"] = data["custom"]
            if len(message) > 1:
                messages.append(message)
    last_user = max((i for i, m in enumerate(messages) if m["from"] == "user"), default=-1)
    for message in messages[: last_user + 1]:
        message.pop("buttons", None)
    return messages[-limit:]


def _fixed_response(name: Any, responses: Dict[str, List[Dict[str, Any]]]) -> Optional[Dict[str, Any]]:
    """The one variation of a domain response that has no ``{slot}`` to fill, else None."""
    variations = responses.get(name) if isinstance(name, str) else None
    if not variations or len(variations) != 1:
        return None
    variation = variations[0]
    # Text and button titles are filled from slots; payloads are sent as written (components/nlg.py).
    filled = [variation.get("text") or ""] + [str(b.get("title", "")) for b in variation.get("buttons") or []]
    return None if any("{" in part for part in filled) else variation


class WebInput(InputChannel):
    """The web widget channel (``name() == "web"``)."""

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self.settings = settings or get_settings()
        self.limiter = sender_rate_limit(self.settings)
        self.headers = security_headers(self.settings)
        self.page = StaticFile.load(STATIC_DIR / "index.html")
        self.assets = {name: StaticFile.load(STATIC_DIR / name) for name in _ASSETS}

    @classmethod
    def name(cls) -> Text:
        return "web"

    def origin_allowed(self, request: Request) -> bool:
        """True when the request's origin may use the widget (bot/channels/web.py)."""
        return origin_allowed(request.headers.get("origin"), request.host, self.settings.web_allowed_origins)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The page, the widget files, the webhook and the history, behind the shared protections."""
        web = Blueprint("pause_web", __name__)
        protect_blueprint(web, self.settings, self.limiter)

        @web.middleware("request")
        async def mark_cors_handled(request: Request) -> None:
            setattr(request.ctx, SANIC_CORS_EVALUATED, "1")

        @web.middleware("response")
        async def add_headers(request: Request, reply: HTTPResponse) -> None:
            if reply is None:
                return
            for header in [h for h in reply.headers if h.lower().startswith("access-control-")]:
                del reply.headers[header]
            reply.headers.update(self.headers)
            origin = request.headers.get("origin")
            if origin and self.origin_allowed(request):
                reply.headers["Access-Control-Allow-Origin"] = origin
                reply.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
                reply.headers["Access-Control-Allow-Headers"] = "Content-Type"
                reply.headers["Access-Control-Max-Age"] = "600"
            reply.headers["Vary"] = "Origin"

        @web.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            if not request.path.endswith("/"):
                # The page links its files relatively, so it must be read from .../web/.
                return response.redirect(request.path.rsplit("/", 1)[-1] + "/", status=301)
            return self._static(request, self.page)

        @web.route("/<name:(widget\\.js|widget\\.css|favicon\\.svg)>", methods=["GET"])
        async def asset(request: Request, name: str) -> HTTPResponse:
            return self._static(request, self.assets[name])

        @web.route("/webhook", methods=["POST", "OPTIONS"])
        async def receive(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty()
            try:
                self._check_origin(request)
                posted = parse_message_request(request.body)
                sender = web_sender(posted.sender)
            except BadRequest as error:
                return json_error(error)
            def make_message(collector: OutputChannel) -> UserMessage:
                return UserMessage(posted.text, collector, sender, input_channel=self.name())

            return await limited_turn_reply(
                request, self.limiter, sender, on_new_message, make_message, self.settings.turn_timeout_seconds
            )

        @web.route("/history", methods=["GET", "OPTIONS"])
        async def history(request: Request) -> HTTPResponse:
            if request.method == "OPTIONS":
                return response.empty()
            no_store = {"Cache-Control": "no-store"}
            try:
                self._check_origin(request)
                client_id = request.args.get("sender")
                sender = web_sender(client_id)
            except BadRequest as error:
                return json_error(error, no_store)
            wait = await self.limiter.wait_needed(sender)
            if wait > 0:
                return slow_down(request.app, sender, wait)
            agent = getattr(request.app.ctx, "agent", None)
            store = getattr(agent, "tracker_store", None)
            if store is None:
                return json_error(BadRequest("not_ready", "Pause is starting up; try again shortly.", 503), no_store)
            tracker = await store.retrieve(sender)
            return response.json(
                {
                    "sender": client_id,
                    "max_message_chars": MAX_MESSAGE_CHARS,
                    "messages": history_messages(
                        tracker.events if tracker else [], getattr(getattr(agent, "domain", None), "responses", None)
                    ),
                },
                headers=no_store,
            )

        return web

    def _check_origin(self, request: Request) -> None:
        if not self.origin_allowed(request):
            raise BadRequest("origin_not_allowed", "This site may not use Pause's web widget.", 403)

    @staticmethod
    def _static(request: Request, file: StaticFile) -> HTTPResponse:
        headers = {"ETag": file.etag, "Cache-Control": "no-cache"}
        if request.headers.get("if-none-match") == file.etag:
            return response.empty(status=304, headers=headers)
        return response.raw(file.body, content_type=file.content_type, headers=headers)
