"""A small local stand-in for Pause's REST channel, over real HTTP on loopback, for the player's tests.

Test modules import the fixture by name; a uniquely named module (not a conftest.py) keeps
the name ``conftest`` free for the suite's shared helpers.
"""
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Tuple

import pytest

WEBHOOK = "/webhooks/rest/webhook"
DEMO_INTRO = "Demo mode is on: nothing recorded in this conversation counts in the pilot's figures."
URGENT_BUTTONS = [
    {"title": "Someone is in immediate danger", "payload": '/inform{"urgent_screen": "danger"}'},
    {"title": "None of these", "payload": '/inform{"urgent_screen": "none"}'},
    {"title": "Not sure", "payload": "/unsure"},
]


def pause_like_replies(sender: str, message: str) -> List[Dict[str, Any]]:
    """Replies shaped like Pause's: demo mode confirmed with a custom message, then text and buttons."""
    if message.startswith("/choose_demo"):
        name = json.loads(message[len("/choose_demo"):])["demo_scenario"]
        return [
            {"recipient_id": sender, "text": DEMO_INTRO},
            {"recipient_id": sender, "custom": {"pause_demo": {"name": name, "title": "ignored", "turns": []}}},
        ]
    if message.startswith("/inform"):
        return [{"recipient_id": sender, "text": "Step 2, health. Are there any signs of substance misuse?"}]
    return [
        {"recipient_id": sender, "text": f"Bot reply to: {message}"},
        {"recipient_id": sender, "text": "First, an urgent check. Do any of these apply?", "buttons": URGENT_BUTTONS},
    ]


@dataclass
class RestStub:
    """The stub's address, what it was sent, and how it answers (replace `answer` to change it)."""

    url: str
    received: List[Tuple[str, str]] = field(default_factory=list)
    answer: Callable[[str, str], Any] = pause_like_replies
    status: int = 200

    def messages(self) -> List[str]:
        return [message for _, message in self.received]

    def senders(self) -> List[str]:
        return [sender for sender, _ in self.received]


@pytest.fixture
def rest_stub():
    """A running REST stub on a free loopback port."""
    stub = RestStub(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the name http.server calls
            if self.path != WEBHOOK:
                self.send_error(404)
                return
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            stub.received.append((body["sender"], body["message"]))
            payload = json.dumps(stub.answer(body["sender"], body["message"])).encode()
            self.send_response(stub.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    stub.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()
