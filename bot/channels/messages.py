"""A message posted to a public channel: ``{"sender": ID, "message": TEXT}``, checked, or a clear error."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Optional

MAX_SENDER_CHARS = 256


class BadRequest(Exception):
    """A request Pause cannot take, answered with a JSON error and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status

    def as_json(self) -> Dict[str, Any]:
        """The error body: ``{"error": code, "message": human-readable, "status": n}``."""
        return {"error": self.code, "message": self.message, "status": self.status}


@dataclass(frozen=True)
class MessageRequest:
    """One user message as posted to a channel."""

    sender: str
    text: str
    metadata: Optional[Dict[str, Any]] = None
    input_channel: Optional[str] = None


def parse_message_request(body: bytes) -> MessageRequest:
    """Read ``{"sender": ID, "message": TEXT}`` (optionally ``metadata``, ``input_channel``).

    Raises ``BadRequest`` naming what is wrong, so a client never gets a 500 for its own mistake.
    """
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("invalid_json", 'The request body must be JSON such as {"sender": "id", "message": "hello"}.')
    if not isinstance(payload, dict):
        raise BadRequest("invalid_payload", 'Expected a JSON object such as {"sender": "id", "message": "hello"}.')
    sender = payload.get("sender")
    if isinstance(sender, bool) or not isinstance(sender, (str, int)) or not str(sender).strip():
        raise BadRequest("invalid_sender", '"sender" must be a non-empty string identifying the conversation.')
    sender = str(sender)
    if len(sender) > MAX_SENDER_CHARS:
        raise BadRequest("invalid_sender", f'"sender" must be at most {MAX_SENDER_CHARS} characters.')
    text = payload.get("message")
    if not isinstance(text, str):
        raise BadRequest("invalid_message", '"message" must be a string (the text typed, or a button payload).')
    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("invalid_metadata", '"metadata", when given, must be a JSON object.')
    input_channel = payload.get("input_channel")
    if input_channel is not None and not isinstance(input_channel, str):
        raise BadRequest("invalid_input_channel", '"input_channel", when given, must be a string.')
    return MessageRequest(sender, text, metadata, input_channel or None)
