"""Rasa's REST channel with Pause's protections, at the same URL and with the same JSON.

``POST /webhooks/rest/webhook`` with ``{"sender": ID, "message": TEXT}`` returns the list of bot
messages, exactly like Rasa's own channel, plus: a clear 400 for malformed JSON or payloads,
413 for a body over the size limit, 429 with ``utter_slow_down`` for a sender over the rate
limit, and ``utter_technical_problem`` instead of an empty reply or a reply that never comes.
Streaming (``?stream=true``) is not offered: a streamed turn could not be guarded the same way.
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.limits import sender_rate_limit
from bot.channels.messages import BadRequest, parse_message_request
from bot.settings import Settings, get_settings
from components.channels.protection import json_error, limited_turn_reply, protect_blueprint


class PauseRestInput(RestInput):
    """The ``rest`` channel: Rasa's REST contract, protected for public use."""

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self.settings = settings or get_settings()
        self.limiter = sender_rate_limit(self.settings)

    @classmethod
    def name(cls) -> Text:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The health check and the webhook, behind the shared protections."""
        webhook = Blueprint("pause_rest", __name__)
        protect_blueprint(webhook, self.settings, self.limiter)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                if request.args.get("stream", "").lower() == "true":
                    raise BadRequest("stream_not_supported", "Streaming is not offered; post without ?stream=true.")
                posted = parse_message_request(request.body)
            except BadRequest as error:
                return json_error(error)
            def make_message(collector: OutputChannel) -> UserMessage:
                return UserMessage(
                    posted.text, collector, posted.sender,
                    input_channel=posted.input_channel or self.name(), metadata=posted.metadata,
                )

            return await limited_turn_reply(
                request, self.limiter, posted.sender, on_new_message, make_message, self.settings.turn_timeout_seconds
            )

        return webhook
