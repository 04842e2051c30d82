"""A test-only input channel that reports, from inside a running Rasa server, which of Pause's
adjustments are in force there. Tests add it to a copy of credentials.yml; Pause never serves it."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Text

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from components.adjustments import applied_adjustments


def dotted_name(function: Any) -> str:
    return f"{function.__module__}.{function.__qualname__}"


class AdjustmentProbeInput(InputChannel):
    """GET /webhooks/adjustments/: the adjustments applied in this server process."""

    @classmethod
    def name(cls) -> Text:
        return "adjustments"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        probe = Blueprint("adjustment_probe", __name__)

        @probe.route("/", methods=["GET"])
        async def report(_request: Request) -> HTTPResponse:
            return response.json(
                {
                    "applied": applied_adjustments(),
                    "action_result_check": dotted_name(RemoteAction._validate_action_result),
                }
            )

        return probe
