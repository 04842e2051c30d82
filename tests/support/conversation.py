"""Talk to a running Pause over REST and read which responses it gave, by name, from its tracker."""
from dataclasses import dataclass
from typing import Any, Dict, List

import requests

from tests.support.servers import API_TOKEN, Servers


def response_names(events: List[Dict[str, Any]]) -> List[str]:
    """The names of the domain responses among tracker events, in order.

    Custom messages (a summary download, a demo script) have no response name: they are checked
    through Reply.messages, not listed among the responses.
    """
    return [
        (event.get("metadata") or {}).get("utter_action", "<no name>")
        for event in events
        if event.get("event", "bot") == "bot" and (event.get("text") or (event.get("metadata") or {}).get("utter_action"))
    ]


@dataclass
class Reply:
    """What the bot sent back for one user message."""

    messages: List[Dict[str, Any]]
    responses: List[str]

    @property
    def text(self) -> str:
        return "\n".join(m.get("text") or "" for m in self.messages)

    @property
    def customs(self) -> List[Dict[str, Any]]:
        """The custom messages of the reply, e.g. a summary to download or a demo script."""
        return [m["custom"] for m in self.messages if "custom" in m]

    @property
    def buttons(self) -> List[Dict[str, str]]:
        return [b for m in self.messages for b in m.get("buttons") or []]


class Conversation:
    """One sender's conversation with a running Pause."""

    def __init__(self, servers: Servers, sender: str) -> None:
        self.servers = servers
        self.sender = sender
        self._seen = len(self._bot_events())

    def _bot_events(self) -> List[Dict[str, Any]]:
        response = requests.get(
            f"{self.servers.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": API_TOKEN}, timeout=30,
        )
        response.raise_for_status()
        return [e for e in response.json()["events"] if e["event"] == "bot"]

    def tracker(self) -> Dict[str, Any]:
        response = requests.get(
            f"{self.servers.rasa_url}/conversations/{self.sender}/tracker",
            params={"token": API_TOKEN}, timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def say(self, text: str) -> Reply:
        """Send one message through the REST channel and return the reply with response names."""
        response = requests.post(
            self.servers.webhook(), json={"sender": self.sender, "message": text}, timeout=60
        )
        response.raise_for_status()
        events = self._bot_events()
        new = events[self._seen:]
        self._seen = len(events)
        names = response_names(new)
        return Reply(messages=response.json(), responses=names)
