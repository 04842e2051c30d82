"""Pause's REST channel as a client sees it: POST {url}/webhooks/rest/webhook."""
from __future__ import annotations

from typing import Any, Dict, List

import requests

WEBHOOK_PATH = "/webhooks/rest/webhook"
DEFAULT_TIMEOUT = 60.0


class BotUnreachable(Exception):
    """Nothing answered at the bot's address."""


class BotError(Exception):
    """The bot answered, but not with a reply."""


class RestClient:
    """Sends one sender's messages to a running Pause and returns its replies."""

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._session = requests.Session()

    @property
    def webhook(self) -> str:
        """The REST channel's address."""
        return f"{self.url}{WEBHOOK_PATH}"

    def send(self, sender: str, message: str) -> List[Dict[str, Any]]:
        """Send one message (text or a button payload) and return the bot's messages."""
        try:
            response = self._session.post(
                self.webhook, json={"sender": sender, "message": message}, timeout=self.timeout
            )
        except requests.ConnectionError:
            raise BotUnreachable(f"Pause is not reachable at {self.url}") from None
        except requests.Timeout:
            raise BotUnreachable(f"Pause at {self.url} did not answer within {self.timeout:.0f} seconds") from None
        if response.status_code != 200:
            raise BotError(f"Pause at {self.url} answered with HTTP {response.status_code}")
        try:
            messages = response.json()
        except ValueError:
            raise BotError(f"Pause at {self.url} did not answer with JSON") from None
        if not isinstance(messages, list):
            raise BotError(f"Pause at {self.url} did not answer with a list of messages")
        return [message for message in messages if isinstance(message, dict)]

    def close(self) -> None:
        """Release the connection."""
        self._session.close()
