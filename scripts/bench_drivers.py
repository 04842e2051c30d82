"""Simulated users for `make bench`: full Pause reflections and the starter bot's small talk, over REST."""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import time
import uuid
from typing import Any, Awaitable, Callable, Dict, List, NoReturn, Optional

import aiohttp

from bench_measure import PhaseResult

CASE_REFERENCE = re.compile(r"P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")

# A manager's answers, in order, up to the point where Pause offers the decision.
REFLECTION_ANSWERS = (
    "hello",
    "I'm thinking about starting a disciplinary for one of my nurses",
    '/inform{"concern_type": "clinical"}',
    '/inform{"urgent_screen": "none"}',
    "no",
    "no",
    "no",
    "yes",
    "yes",
    "yes",
    "no",
    "no",
    "no",
    "no",
    "yes",
    "no",
    '/inform{"good_outcome": "learning"}',
)
# Sent after the case reference has appeared: how helpful it was, and whether they would recommend it.
REFLECTION_FEEDBACK = ('/inform{"feedback_helpful": "4"}', "yes")
# One full reflection is the answers, the decision and the feedback.
REFLECTION_MESSAGES = len(REFLECTION_ANSWERS) + 1 + len(REFLECTION_FEEDBACK)
# Extra button presses allowed when Pause asks something the script does not expect.
EXTRA_BUTTON_PRESSES = 5

STARTER_MESSAGES = ("hello", "I am sad", "yes", "very good", "are you a bot?", "goodbye")

REQUEST_TIMEOUT_SECONDS = 60.0


class MessageFailed(Exception):
    """A message got no usable reply; the conversation it belongs to cannot go on."""


class Sender:
    """One simulated user posting to a bot's REST webhook and timing every reply."""

    def __init__(self, session: aiohttp.ClientSession, webhook: str, result: PhaseResult) -> None:
        self.session = session
        self.webhook = webhook
        self.result = result
        self.sender_id = f"bench-{uuid.uuid4().hex}"

    async def say(self, text: str) -> List[Dict[str, Any]]:
        """Send one message and return the bot's reply messages; an empty or failed reply raises."""
        started = time.perf_counter()
        try:
            async with self.session.post(self.webhook, json={"sender": self.sender_id, "message": text}) as response:
                body = await response.text()
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            self._fail(f"{text!r}: {type(error).__name__} {error}")
        elapsed = time.perf_counter() - started
        if status != 200:
            self._fail(f"{text!r}: HTTP {status}")
        try:
            messages = json.loads(body)
        except ValueError:
            self._fail(f"{text!r}: reply was not JSON")
        if not isinstance(messages, list) or not messages:
            self._fail(f"{text!r}: empty reply")
        self.result.latencies.append(elapsed)
        return messages

    def _fail(self, description: str) -> NoReturn:
        self.result.record_error(description)
        raise MessageFailed(description)


def case_reference(messages: List[Dict[str, Any]]) -> Optional[str]:
    """The case reference Pause gave in a reply, if any."""
    found = CASE_REFERENCE.search(json.dumps(messages, ensure_ascii=False))
    return found.group(0) if found else None


def first_button_payload(messages: List[Dict[str, Any]]) -> Optional[str]:
    """The payload of the first button a reply offers."""
    for message in messages:
        for button in message.get("buttons") or []:
            if button.get("payload"):
                return str(button["payload"])
    return None


async def pause_reflection(sender: Sender) -> None:
    """Take one full reflection with Pause; it counts as complete once a case reference appears.

    The scripted answers are sent in order; if no case reference has appeared by the end of them,
    the first button of the latest reply is pressed (this is the decision) a bounded number of times.
    The feedback questions are answered after the reference, as a manager would.
    """
    reply: List[Dict[str, Any]] = []
    reference: Optional[str] = None
    for text in REFLECTION_ANSWERS:
        reply = await sender.say(text)
        reference = case_reference(reply)
        if reference:
            break
    presses = 0
    while reference is None and presses < EXTRA_BUTTON_PRESSES:
        payload = first_button_payload(reply)
        if payload is None:
            break
        reply = await sender.say(payload)
        reference = case_reference(reply)
        presses += 1
    if reference is None:
        sender.result.note_problem(f"{sender.sender_id} ended without a case reference; last reply {reply!r}"[:500])
        return
    sender.result.complete(reference)
    for text in REFLECTION_FEEDBACK:
        await sender.say(text)


async def starter_conversation(sender: Sender) -> None:
    """One short conversation with Rasa's starter bot; complete once every message had a reply."""
    for text in STARTER_MESSAGES:
        await sender.say(text)
    sender.result.complete(sender.sender_id)


Conversation = Callable[[Sender], Awaitable[None]]


async def run_phase(
    webhook: str, conversation: Conversation, result: PhaseResult, conversations: int, time_limit: float
) -> PhaseResult:
    """Run `conversations` conversations with `result.concurrency` senders at once, within time_limit.

    Each sender starts a new conversation as soon as its last one ends, until the count is reached.
    Whatever was measured before the time limit stays in the result.
    """
    counter = itertools.count()
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_SECONDS)
    connector = aiohttp.TCPConnector(limit=max(result.concurrency, 1))

    async def worker(session: aiohttp.ClientSession) -> None:
        while next(counter) < conversations:
            result.conversations_started += 1
            try:
                await conversation(Sender(session, webhook, result))
            except MessageFailed:
                continue

    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        workers = [asyncio.ensure_future(worker(session)) for _ in range(result.concurrency)]
        try:
            await asyncio.wait_for(asyncio.gather(*workers), timeout=time_limit)
        except asyncio.TimeoutError:
            result.timed_out = True
            result.note_problem(f"stopped at the time limit of {time_limit:.0f} s")
    result.wall_seconds = time.perf_counter() - started
    result.load_average_1m_after = round(os.getloadavg()[0], 2)
    return result
