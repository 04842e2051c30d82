"""Protections for Pause's public channels, reusable by any Rasa input channel.

- ``json_error``: a ``BadRequest`` (bot/channels/messages.py: the posted body checked) as a
  clear JSON error.
- ``limited_turn_reply``: per-sender rate limiting (bot/channels/limits.py); the limited reply
  is ``utter_slow_down`` (429).
- ``protect_blueprint``: lowers Sanic's ``REQUEST_MAX_SIZE`` to the configured limit (413 above
  it), answers Sanic's own request errors as JSON and marks every reply ``nosniff``.
- ``answer_turn``: never silence. A turn that ends with no bot message (Rasa logs an action
  server error and returns nothing), fails, or outlasts the turn timeout gets
  ``utter_technical_problem`` in that turn.

The words come from the loaded model's domain (domain.yml), never from here.
"""
from __future__ import annotations

import asyncio
import logging
import math
from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels.channel import CollectingOutputChannel, OutputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import SenderRateLimit
from bot.channels.messages import BadRequest
from bot.settings import Settings

logger = logging.getLogger(__name__)

TECHNICAL_PROBLEM = "utter_technical_problem"
SLOW_DOWN = "utter_slow_down"

# Only used when no model is loaded, so there is no domain to read the words from.
FALLBACK_TEXT = "Sorry, Pause cannot answer just now. Please try again in a moment."


def domain_text(app: Sanic, name: str) -> str:
    """The text of a domain response of the loaded model (first variation)."""
    agent = getattr(app.ctx, "agent", None)
    domain = getattr(agent, "domain", None) if agent is not None else None
    for variation in (getattr(domain, "responses", None) or {}).get(name) or []:
        if variation.get("text"):
            return variation["text"]
    logger.warning("no text for %s: no model loaded or the response is missing from the domain", name)
    return FALLBACK_TEXT


def bot_message(app: Sanic, recipient_id: str, name: str) -> Dict[str, Any]:
    """A reply in the REST channel's shape carrying a domain response's text."""
    return {"recipient_id": recipient_id, "text": domain_text(app, name)}


def json_error(error: BadRequest, headers: Optional[Dict[str, str]] = None) -> HTTPResponse:
    """A JSON error body: ``{"error": code, "message": human-readable, "status": n}``."""
    return response.json(error.as_json(), status=error.status, headers=headers)


def slow_down(app: Sanic, recipient_id: str, wait_seconds: float) -> HTTPResponse:
    """The 429 reply to a rate-limited message: a polite bot message, like any reply."""
    return response.json(
        [bot_message(app, recipient_id, SLOW_DOWN)],
        status=429,
        headers={"Retry-After": str(max(1, math.ceil(wait_seconds)))},
    )


async def answer_turn(
    app: Sanic,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    make_message: Callable[[OutputChannel], UserMessage],
    timeout_seconds: float,
    collector: Optional[CollectingOutputChannel] = None,
) -> List[Dict[str, Any]]:
    """Run one turn and return the bot's messages; never an empty list.

    A turn that outlasts ``timeout_seconds`` carries on in the background (cancelling it midway
    could leave the conversation half-updated) and the user is told now instead of waiting.
    """
    collector = collector or CollectingOutputChannel()
    message = make_message(collector)
    turn = asyncio.ensure_future(on_new_message(message))
    turn.add_done_callback(_log_late_failure)
    failed = False
    try:
        await asyncio.wait_for(asyncio.shield(turn), timeout_seconds)
    except asyncio.TimeoutError:
        logger.error("turn for %s took longer than %.0f s; answering with %s", message.sender_id, timeout_seconds, TECHNICAL_PROBLEM)
        failed = True
    except Exception:
        logger.exception("turn for %s failed; answering with %s", message.sender_id, TECHNICAL_PROBLEM)
        failed = True
    messages = list(collector.messages)
    if failed or not messages:
        if not failed:
            logger.error("turn for %s produced no bot message; answering with %s", message.sender_id, TECHNICAL_PROBLEM)
        messages.append(bot_message(app, message.sender_id, TECHNICAL_PROBLEM))
    return messages


async def limited_turn_reply(
    request: Request,
    limiter: SenderRateLimit,
    sender: str,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    make_message: Callable[[OutputChannel], UserMessage],
    timeout_seconds: float,
) -> HTTPResponse:
    """The HTTP reply to one posted message: 429 if the sender is over the limit, else the turn."""
    wait = await limiter.wait_needed(sender)
    if wait > 0:
        return slow_down(request.app, sender, wait)
    messages = await answer_turn(request.app, on_new_message, make_message, timeout_seconds)
    return response.json(messages, headers={"Cache-Control": "no-store"})


def _log_late_failure(turn: "asyncio.Future[Any]") -> None:
    # Retrieve the exception so that a turn failing after its timeout is logged, not lost.
    if not turn.cancelled() and turn.exception() is not None:
        logger.error("a turn failed: %r", turn.exception())


def protect_blueprint(blueprint: Blueprint, settings: Settings, limiter: SenderRateLimit) -> None:
    """Size limit, JSON errors and ``nosniff`` for every route of a public channel's blueprint;
    its rate limit's connection closed when the server stops."""

    @blueprint.listener("after_server_stop")
    async def close_limiter(_app: Sanic, _loop: Any) -> None:
        await limiter.close()

    @blueprint.listener("before_server_start")
    async def limit_request_size(app: Sanic, _loop: Any) -> None:
        # Sanic refuses a larger body with 413 before reading it. The limit is the whole
        # server's (Rasa's HTTP API included), so it is only ever lowered, never raised.
        if app.config.REQUEST_MAX_SIZE > settings.max_request_bytes:
            app.config.REQUEST_MAX_SIZE = settings.max_request_bytes

    @blueprint.exception(SanicException)
    async def sanic_error_as_json(request: Request, error: SanicException) -> HTTPResponse:
        status = getattr(error, "status_code", 500) or 500
        if status == 413:
            message = f"The request body is larger than {settings.max_request_bytes} bytes."
            return json_error(BadRequest("request_too_large", message, 413))
        return json_error(BadRequest(f"http_{status}", str(error) or "The request was refused.", status))

    @blueprint.middleware("response")
    async def no_sniffing(request: Request, reply: HTTPResponse) -> None:
        if reply is not None:
            reply.headers.setdefault("X-Content-Type-Options", "nosniff")
