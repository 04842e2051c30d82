"""Simulated users for `make bench`: full Pause reflections and the starter bot's small talk, over REST."""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import re
import time
import uuid
from typing import Any, Awaitable, Callable, Dict, List, NoReturn, Optional, Sequence, Tuple

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
    '/inform{"affected": "no_one"}',
    '/inform{"good_outcome": "learning"}',
    "yes",
)
# Sent after the case reference has appeared: how helpful it was, and whether they would recommend it.
REFLECTION_FEEDBACK = ('/inform{"feedback_helpful": "4"}', "yes")
# One full reflection is the answers, the decision and the feedback.
REFLECTION_MESSAGES = len(REFLECTION_ANSWERS) + 1 + len(REFLECTION_FEEDBACK)
# Room for a bot that asks more than the script expects, but a reflection always ends.
MAX_MESSAGES_PER_REFLECTION = 2 * REFLECTION_MESSAGES
YES_NO = {"yes": "/affirm", "no": "/deny"}

STARTER_MESSAGES = ("hello", "I am sad", "yes", "very good", "are you a bot?", "goodbye")

REQUEST_TIMEOUT_SECONDS = 60.0

# What the REST channel sends back for one message: a list of bot messages, each maybe with buttons.
Reply = List[Dict[str, Any]]


class MessageFailed(Exception):
    """A message got no usable reply; the conversation it belongs to cannot go on."""


class Sender:
    """One simulated user posting to a bot's REST webhook and timing every reply."""

    def __init__(self, session: aiohttp.ClientSession, webhook: str, result: PhaseResult) -> None:
        self.session = session
        self.webhook = webhook
        self.result = result
        self.sender_id = f"bench-{uuid.uuid4().hex}"

    async def say(self, text: str) -> Reply:
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


def case_reference(messages: Reply) -> Optional[str]:
    """The case reference Pause gave in a reply, if any."""
    found = CASE_REFERENCE.search(json.dumps(messages, ensure_ascii=False))
    return found.group(0) if found else None


def button_payloads(messages: Reply) -> List[str]:
    """The payloads of the buttons a reply offers, in order."""
    return [
        str(button["payload"]) for message in messages for button in message.get("buttons") or [] if button.get("payload")
    ]


def _intent_and_slots(payload: str) -> Tuple[str, Tuple[str, ...]]:
    """The intent and slot names of a payload such as `/inform{"concern_type": "clinical"}`."""
    intent, _, entities = payload.lstrip("/").partition("{")
    try:
        slots = tuple(sorted(json.loads("{" + entities))) if entities else ()
    except ValueError:
        slots = ()
    return intent, slots


def is_button_answer(answer: str) -> bool:
    """Whether a scripted answer stands for a button (yes, no or a payload) rather than free text."""
    return answer in YES_NO or answer.startswith("/")


def matches_button(answer: str, payloads: List[str]) -> bool:
    """Whether a scripted answer is one of the buttons offered (same intent and slot for payloads)."""
    if answer in YES_NO:
        return YES_NO[answer] in payloads
    if answer.startswith("/"):
        return any(_intent_and_slots(answer) == _intent_and_slots(payload) for payload in payloads)
    return False


def next_message(script: Sequence[str], position: int, payloads: List[str]) -> Tuple[Optional[str], int]:
    """What to say next and the new script position, adapting to the buttons Pause offers.

    The next scripted answer when it fits the question; else a later one that does (Pause skipped
    a question); else the first button (a question the script does not hold, such as the
    decision); else None, when there is nothing sensible left to say.
    """
    if position < len(script):
        answer = script[position]
        if not payloads or not is_button_answer(answer) or matches_button(answer, payloads):
            return answer, position + 1
    for index in range(position + 1, len(script)):
        if matches_button(script[index], payloads):
            return script[index], index + 1
    if payloads:
        return payloads[0], position
    return None, position


async def answer_until(
    sender: Sender, script: Sequence[str], reply: Reply, done: Callable[[Reply, int], bool]
) -> Tuple[Reply, bool]:
    """Answer Pause from a script until `done(reply, position)` holds or nothing is left to say."""
    position = 0
    for _ in range(MAX_MESSAGES_PER_REFLECTION):
        if done(reply, position):
            return reply, True
        message, position = next_message(script, position, button_payloads(reply))
        if message is None:
            return reply, False
        reply = await sender.say(message)
    return reply, done(reply, position)


async def pause_reflection(sender: Sender) -> None:
    """Take one full reflection with Pause; it counts as complete once a case reference appears.

    The scripted answers are sent while they fit the question asked; the decision is the first
    button offered. The two feedback questions are answered after the reference, as a manager would.
    """
    reply, _ = await answer_until(sender, REFLECTION_ANSWERS, [], lambda r, _: case_reference(r) is not None)
    reference = case_reference(reply)
    if reference is None:
        sender.result.note_problem(f"{sender.sender_id} ended without a case reference; last reply {reply!r}"[:500])
        return
    sender.result.complete(reference)
    await answer_until(sender, REFLECTION_FEEDBACK, reply, lambda _, position: position >= len(REFLECTION_FEEDBACK))


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
