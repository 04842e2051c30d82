"""A real Rasa HTTP server with Pause's REST and web channels, but a scripted agent instead of a model.

Run as ``python -m tests.channels.protection_server PORT``. The server is built by Rasa's own
``configure_app`` (so Sanic, sanic-cors and the channel blueprints are exactly as in ``rasa run``),
the responses come from the real domain.yml, and conversations go to a real in-memory tracker
store. The agent answers by the message text:

- ``silence``: records the message and sends nothing (as Rasa does when the action server is down)
- ``slow``: takes ``STUB_SLOW_SECONDS`` before answering
- ``fail``: raises an exception
- ``buttons``: a question with two buttons
- anything else: ``echo: <text>``
"""
import asyncio
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.support.servers import REPO, free_port, stop, wait_until_up

STUB_BUTTONS = [{"title": "Yes", "payload": "/affirm"}, {"title": "Not sure", "payload": "/unsure"}]


class ScriptedAgent:
    """Enough of rasa's Agent for the channels: a domain, a tracker store and handle_message."""

    def __init__(self) -> None:
        from rasa.core.tracker_store import InMemoryTrackerStore
        from rasa.shared.core.domain import Domain

        self.domain = Domain.load(str(REPO / "domain.yml"))
        self.tracker_store = InMemoryTrackerStore(self.domain)
        self.slow_seconds = float(os.environ.get("STUB_SLOW_SECONDS", "4"))

    async def handle_message(self, message) -> None:
        from rasa.shared.core.events import BotUttered, UserUttered

        tracker = await self.tracker_store.get_or_create_tracker(message.sender_id)
        tracker.update(UserUttered(message.text, input_channel=message.input_channel))
        text = message.text or ""
        reply = None
        if text == "silence":
            pass
        elif text == "fail":
            raise RuntimeError("scripted failure")
        elif text == "slow":
            await asyncio.sleep(self.slow_seconds)
            reply = {"text": "slow answer"}
        elif text == "buttons":
            reply = {"text": "Is that right?", "buttons": STUB_BUTTONS}
        else:
            reply = {"text": f"echo: {text}"}
        if reply is not None:
            await message.output_channel.send_response(message.sender_id, dict(reply))
            tracker.update(BotUttered(reply["text"], {"buttons": reply.get("buttons")}))
        await self.tracker_store.save(tracker)


def main(port: int) -> None:
    from rasa.core.run import configure_app

    from components.channels.rest import PauseRestInput
    from components.channels.web import WebInput

    app = configure_app(
        [PauseRestInput(), WebInput()], cors=os.environ.get("STUB_CORS") or None, enable_api=False, port=port
    )

    async def load_agent(app, _loop) -> None:
        app.ctx.agent = ScriptedAgent()

    app.register_listener(load_agent, "before_server_start")
    app.run(host="127.0.0.1", port=port, access_log=False, workers=1)


@contextmanager
def running_stub(work_dir: Path, env: dict) -> Iterator[str]:
    """Start the scripted server with ``env`` added; yields its base URL."""
    import subprocess

    port = free_port()
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", **env}
    log = open(work_dir / f"stub-{port}.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.channels.protection_server", str(port)],
        cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/webhooks/rest/", [process], timeout=180)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop([process])


if __name__ == "__main__":
    main(int(sys.argv[1]))
