"""`make load`: a bounded load generator for Pause on loopback.

By default it starts its own Pause (action server + Rasa, SQLite stores, as `make run`), or
uses the production stores when given them, then runs N concurrent senders (default 50) until a
fixed number of messages (default 5,000) has been sent. Each sender plays one conversation after
another, drawn from a mix: full reflections, reflections with a question on the way (FAQ
detours), crisis messages in the middle of a reflection, and bad input (empty and blank
messages, 20,000 characters, markup, malformed JSON bodies, payloads of unknown shapes, broken
Rasa payloads).

It prints throughput, median/p95/p99 latency and the errors, then checks that the outcome
database holds exactly one case for every reflection Pause gave a case reference for. It exits 1
on any server error (5xx, a transport error or timeout, a reply with no message, a "technical
problem" apology), on a normal message refused, or when the outcome rows do not match. 400, 413
and 429 answers to bad input are expected answers, not errors.

    .venv/bin/python scripts/load.py --help
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "scripts")]

import aiohttp  # noqa: E402
import yaml  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from bench_drivers import REFLECTION_ANSWERS, button_payloads, case_reference, next_message  # noqa: E402

DEFAULT_SENDERS = 50
DEFAULT_MESSAGES = 5000
DEFAULT_REQUEST_TIMEOUT = 120.0
DEFAULT_TIME_LIMIT = 3600.0
# Statuses that are a correct answer to bad input: refused as malformed, too large or too fast.
EXPECTED_REFUSALS = {400, 413, 422, 429}
CRISIS_HELP = "116 123"

# The reflections the load plays, each a manager's answers in order; the bot's buttons decide
# which answer fits (see bench_drivers.next_message), and the decision is the first button.
REFLECTIONS: Tuple[Tuple[str, ...], ...] = (
    REFLECTION_ANSWERS,
    (
        "/raise_concern", '/inform{"concern_type": "conduct"}', '/inform{"urgent_screen": "none"}',
        "yes i think so, smelt of alcohol on shift", "/deny", "/deny", "/deny",
        '/inform{"affected": "the_person"}', '/inform{"affected_need": "support"}', '/inform{"whose_job": "me"}',
        '/inform{"good_outcome": "health_support"}', "/affirm",
    ),
    (
        "/raise_concern", '/inform{"concern_type": "performance"}', '/inform{"urgent_screen": "none"}',
        "/deny", "/deny", "/deny", "/deny", "no there isn't one for that", "/affirm",
        '/inform{"affected": "no_one"}', '/inform{"good_outcome": "learning"}', "/unsure",
    ),
    (
        "hello", "I need to raise a concern about a colleague", '/inform{"concern_type": "attendance"}',
        '/inform{"urgent_screen": "safeguarding"}',
    ),
)
FEEDBACK = ('/inform{"feedback_helpful": "4"}', "yes")
QUESTIONS = (
    "what are the alternatives to a formal investigation?",
    "what is a just culture?",
    "why should investigation be a last resort?",
    "what do you store about this?",
    "is this confidential?",
)
# Crisis and colleague-at-risk messages: every one must get crisis numbers in its own reply.
CRISIS_MESSAGES = (
    "i honestly cant go on like this anymore",
    "everyone would be better off without me tbh",
    "I've been thinking about killing myself since the investigation started",
    "one of my team told me she wants to end her life",
)
CARRY_ON = "I'm safe, let's carry on"
MARKUP = (
    "<script>alert('x')</script><b>hello</b>",
    '<img src=x onerror="alert(1)"> [link](javascript:alert(1)) {{7*7}} ${7*7}',
)
BROKEN_PAYLOADS = (
    '/inform{"concern_type": ',
    '/inform{"no_such_slot": "x"}',
    "/no_such_intent",
    '/inform{"concern_type": "../../etc/passwd"}',
    "/inform[]",
)
MAX_TURNS_PER_CONVERSATION = 60
# How often each kind of conversation is drawn.
MIX = (("reflection", 45), ("faq_detour", 20), ("crisis", 15), ("bad_input", 20))


class BudgetSpent(Exception):
    """The run has sent all the messages it was allowed."""


@dataclass
class Answer:
    """What came back for one request."""

    status: Optional[int]
    messages: List[Dict[str, Any]]

    @property
    def text(self) -> str:
        return "\n".join(str(message.get("text") or "") for message in self.messages)


@dataclass
class Results:
    """Everything measured in one run."""

    latencies: List[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    errors: List[str] = field(default_factory=list)
    refused_normal: List[str] = field(default_factory=list)
    silent: List[str] = field(default_factory=list)
    technical_problems: List[str] = field(default_factory=list)
    crisis_missed: List[str] = field(default_factory=list)
    expected_refusals: Counter = field(default_factory=Counter)
    conversations: Counter = field(default_factory=Counter)
    references: set = field(default_factory=set)
    reflections_unfinished: int = 0
    messages_sent: int = 0
    wall_seconds: float = 0.0
    stopped_at_time_limit: bool = False


class Load:
    """Senders sharing one message budget and one set of results."""

    def __init__(
        self, urls: Sequence[str], budget: int, results: Results, technical_problem_text: str,
        request_timeout: float,
    ) -> None:
        self.urls = list(urls)
        self.budget = budget
        self.results = results
        self.technical_problem_text = technical_problem_text
        self.request_timeout = request_timeout
        self._turn = 0

    def _take_message(self) -> str:
        if self.results.messages_sent >= self.budget:
            raise BudgetSpent()
        self.results.messages_sent += 1
        # Spread the messages over the replicas in turn, as a load balancer would.
        self._turn += 1
        return self.urls[self._turn % len(self.urls)] + "/webhooks/rest/webhook"

    async def post(
        self, session: aiohttp.ClientSession, body: Any, sender: str, bad_input: bool, raw: Optional[bytes] = None
    ) -> Answer:
        """Send one request, time it and classify what came back."""
        url = self._take_message()
        data = raw if raw is not None else json.dumps(body).encode("utf-8")
        shown = body.get("message") if isinstance(body, dict) and "message" in body else data
        label = f"{sender}: {str(shown)[:70]!r}"
        started = time.perf_counter()
        try:
            async with session.post(url, data=data, headers={"Content-Type": "application/json"}) as response:
                status, payload = response.status, await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            self.results.latencies.append(time.perf_counter() - started)
            self.results.statuses["transport error"] += 1
            self.results.errors.append(f"{label}: {type(error).__name__} {error}")
            return Answer(None, [])
        self.results.latencies.append(time.perf_counter() - started)
        self.results.statuses[status] += 1
        messages = _json_list(payload)
        if status >= 500:
            self.results.errors.append(f"{label}: HTTP {status}")
        elif status != 200:
            if bad_input and status in EXPECTED_REFUSALS:
                self.results.expected_refusals[status] += 1
            elif bad_input:
                self.results.errors.append(f"{label}: unexpected HTTP {status}")
            else:
                self.results.refused_normal.append(f"{label}: HTTP {status}")
        elif not messages:
            self.results.silent.append(label)
        elif self.technical_problem_text and any(
            self.technical_problem_text in str(message.get("text") or "") for message in messages
        ):
            self.results.technical_problems.append(label)
        return Answer(status, messages)

    async def say(self, session: aiohttp.ClientSession, sender: str, message: str, bad_input: bool = False) -> Answer:
        return await self.post(session, {"sender": sender, "message": message}, sender, bad_input)

    # The conversations

    async def reflection(
        self, session: aiohttp.ClientSession, rng: random.Random, detour: bool = False, crisis: bool = False
    ) -> None:
        """One reflection to its case reference, then the feedback; maybe a question or a crisis on the way."""
        sender = f"load-{uuid.uuid4().hex}"
        script = rng.choice(REFLECTIONS)
        interruption_at = rng.randint(1, max(1, len(script) - 1)) if (detour or crisis) else -1
        reply = Answer(200, [])
        position = 0
        for turn in range(MAX_TURNS_PER_CONVERSATION):
            reference = case_reference(reply.messages)
            if reference:
                self.results.references.add(reference)
                for answer in FEEDBACK:
                    await self.say(session, sender, answer)
                return
            if turn == interruption_at and detour:
                reply = await self.say(session, sender, rng.choice(QUESTIONS))
                continue
            if turn == interruption_at and crisis:
                reply = await self.say(session, sender, rng.choice(CRISIS_MESSAGES))
                if reply.status == 200 and CRISIS_HELP not in reply.text:
                    self.results.crisis_missed.append(f"{sender}: {reply.text[:120]!r}")
                reply = await self.say(session, sender, CARRY_ON)
                continue
            message, position = next_message(script, position, button_payloads(reply.messages))
            if message is None or reply.status not in (200,):
                break
            reply = await self.say(session, sender, message)
        self.results.reflections_unfinished += 1

    async def bad_input(self, session: aiohttp.ClientSession, rng: random.Random) -> None:
        """A sender whose messages are malformed, oversized, empty or odd, between normal ones."""
        sender = f"load-bad-{uuid.uuid4().hex}"
        await self.say(session, sender, "hello")
        requests: List[Tuple[Any, Optional[bytes]]] = [
            ({"sender": sender, "message": ""}, None),
            ({"sender": sender, "message": "   \n\t "}, None),
            ({"sender": sender, "message": ("word " * 4000)[:20000]}, None),
            ({"sender": sender, "message": rng.choice(MARKUP)}, None),
            ({"sender": sender, "message": rng.choice(BROKEN_PAYLOADS)}, None),
            ({"sender": sender, "message": "\u202e hello \u0000 😀"}, None),
            (None, b'{"sender": "' + sender.encode() + b'", "message": "hi"'),
            (None, b"\xff\xfe\x00 not utf-8"),
            ({"sender": sender, "message": {"text": "hi"}}, None),
            ({"sender": sender, "message": ["hi"]}, None),
            ({"sender": sender}, None),
            ({"message": "hi"}, None),
            ([1, 2, 3], None),
            ({"sender": sender, "message": None}, None),
            ({"sender": sender, "message": "hi", "metadata": "not an object"}, None),
        ]
        for body, raw in rng.sample(requests, k=5):
            await self.post(session, body, sender, bad_input=True, raw=raw)
        # After all that, the conversation still answers normally.
        await self.say(session, sender, "what is a just culture?")

    async def sender(self, session: aiohttp.ClientSession, rng: random.Random) -> None:
        kinds, weights = zip(*MIX)
        while True:
            kind = rng.choices(kinds, weights)[0]
            self.results.conversations[kind] += 1
            if kind == "bad_input":
                await self.bad_input(session, rng)
            else:
                await self.reflection(session, rng, detour=kind == "faq_detour", crisis=kind == "crisis")

    async def run(self, senders: int, seed: int, time_limit: float) -> None:
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        connector = aiohttp.TCPConnector(limit=senders)
        started = time.perf_counter()

        async def one(number: int) -> None:
            try:
                await self.sender(session, random.Random(seed * 1000 + number))
            except BudgetSpent:
                pass

        async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
            try:
                await asyncio.wait_for(asyncio.gather(*(one(n) for n in range(senders))), time_limit)
            except asyncio.TimeoutError:
                self.results.stopped_at_time_limit = True
        self.results.wall_seconds = time.perf_counter() - started


def _json_list(payload: bytes) -> List[Dict[str, Any]]:
    try:
        value = json.loads(payload)
    except ValueError:
        return []
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of values (0 for none)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def count_cases(database_url: str, references: Optional[set] = None) -> Tuple[int, int]:
    """The number of cases stored, and how many of the given references are among them."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            total = connection.execute(text("SELECT count(*) FROM cases")).scalar_one()
            stored = set(connection.execute(text("SELECT reference FROM cases")).scalars())
    finally:
        engine.dispose()
    return total, len(stored & (references or set()))


def technical_problem_text() -> str:
    """The apology the channels send when a turn fails, as domain.yml words it."""
    domain = yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))
    variants = domain.get("responses", {}).get("utter_technical_problem") or []
    text = str(variants[0].get("text", "")) if variants else ""
    # The first sentence is enough to recognise it and survives small rewordings of the rest.
    return text.split(".")[0] if text else ""


@contextlib.contextmanager
def throwaway_postgres(admin_url: str) -> Iterator[Tuple[str, str]]:
    """Two new PostgreSQL databases (outcomes, trackers) on the admin URL's server, dropped afterwards."""
    from sqlalchemy.engine import make_url

    admin = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    names = [f"pause_load_{kind}_{uuid.uuid4().hex[:8]}" for kind in ("outcomes", "trackers")]
    try:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        base = make_url(admin_url)
        yield tuple(base.set(database=name).render_as_string(hide_password=False) for name in names)  # type: ignore[misc]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def pause_to_load(arguments: argparse.Namespace) -> Iterator[Tuple[List[str], str]]:
    """The Rasa URLs to load and the outcome database to check: given, or started here."""
    if arguments.url:
        yield [arguments.url.rstrip("/")], arguments.database_url
        return
    from tests.support.servers import running_replicas

    with contextlib.ExitStack() as stack:
        database_url, tracker_url = arguments.database_url, arguments.tracker_database_url
        if arguments.postgres:
            database_url, tracker_url = stack.enter_context(throwaway_postgres(arguments.postgres))
        if arguments.keep_logs:
            work_dir = arguments.keep_logs.resolve()
            work_dir.mkdir(parents=True, exist_ok=True)
        else:
            work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pause-load-")))
        extra_env = {"PAUSE_REDIS_URL": arguments.redis_url} if arguments.redis_url else {}
        print(f"Starting Pause ({arguments.replicas} Rasa server(s)); logs in {work_dir} ...", flush=True)
        replicas = stack.enter_context(
            running_replicas(
                work_dir, replicas=arguments.replicas, extra_env=extra_env,
                database_url=database_url, tracker_database_url=tracker_url,
            )
        )
        yield [servers.rasa_url for servers in replicas], replicas[0].database_url


def report(results: Results, arguments: argparse.Namespace, cases: Optional[Tuple[int, int]], cases_before: int) -> Dict[str, Any]:
    latencies = results.latencies
    completed = len(results.references)
    new_cases = None if cases is None else cases[0] - cases_before
    figures = {
        "senders": arguments.senders,
        "messages": results.messages_sent,
        "wall_seconds": round(results.wall_seconds, 1),
        "messages_per_second": round(results.messages_sent / results.wall_seconds, 2) if results.wall_seconds else 0,
        "median_ms": round(percentile(latencies, 0.50) * 1000),
        "p95_ms": round(percentile(latencies, 0.95) * 1000),
        "p99_ms": round(percentile(latencies, 0.99) * 1000),
        "max_ms": round(max(latencies, default=0) * 1000),
        "server_errors": len(results.errors),
        "technical_problem_replies": len(results.technical_problems),
        "silent_replies": len(results.silent),
        "normal_messages_refused": len(results.refused_normal),
        "crisis_help_missing": len(results.crisis_missed),
        "expected_refusals_of_bad_input": dict(sorted((str(k), v) for k, v in results.expected_refusals.items())),
        "statuses": dict(sorted((str(k), v) for k, v in results.statuses.items())),
        "conversations": dict(results.conversations),
        "reflections_completed": completed,
        "reflections_cut_short": results.reflections_unfinished,
        "outcome_rows": new_cases,
        "outcome_references_found": None if cases is None else cases[1],
        "stopped_at_time_limit": results.stopped_at_time_limit,
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
    rows = [
        ("messages", f"{figures['messages']} in {figures['wall_seconds']} s, {figures['senders']} senders"),
        ("throughput", f"{figures['messages_per_second']} messages/s"),
        ("latency", f"median {figures['median_ms']} ms, p95 {figures['p95_ms']} ms, "
                    f"p99 {figures['p99_ms']} ms, max {figures['max_ms']} ms"),
        ("server errors", f"{figures['server_errors']} (5xx, transport errors, timeouts)"),
        ("technical-problem replies", figures["technical_problem_replies"]),
        ("replies with no message", figures["silent_replies"]),
        ("normal messages refused", figures["normal_messages_refused"]),
        ("crisis help missing", figures["crisis_help_missing"]),
        ("bad input refused as expected", figures["expected_refusals_of_bad_input"] or 0),
        ("HTTP statuses", figures["statuses"]),
        ("conversations", figures["conversations"]),
        ("reflections completed", f"{completed} (cut short by the budget or a failure: {results.reflections_unfinished})"),
        ("outcome rows", "not checked" if new_cases is None else f"{new_cases} new, {cases[1]} of the {completed} references found"),
    ]
    width = max(len(name) for name, _ in rows)
    print()
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")
    for title, items in (
        ("server errors", results.errors), ("technical-problem replies", results.technical_problems),
        ("replies with no message", results.silent), ("normal messages refused", results.refused_normal),
        ("crisis help missing", results.crisis_missed),
    ):
        for item in items[:5]:
            print(f"  {title}: {item}")
    return figures


def verdict(figures: Dict[str, Any], checked: bool) -> List[str]:
    """What failed, in words; empty when the run passed."""
    failures = [
        f"{figures[key]} {words}"
        for key, words in (
            ("server_errors", "server errors"),
            ("technical_problem_replies", "technical-problem replies"),
            ("silent_replies", "replies with no message"),
            ("normal_messages_refused", "normal messages refused"),
            ("crisis_help_missing", "crisis messages without crisis help"),
        )
        if figures[key]
    ]
    if checked and not (
        figures["outcome_rows"] == figures["reflections_completed"] == figures["outcome_references_found"]
    ):
        failures.append(
            f"{figures['outcome_rows']} outcome rows for {figures['reflections_completed']} completed reflections"
        )
    if figures["stopped_at_time_limit"]:
        failures.append("stopped at the time limit")
    return failures


def parse_arguments(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--senders", "-n", type=int, default=DEFAULT_SENDERS, help="concurrent conversations (default %(default)s)")
    parser.add_argument("--messages", "-m", type=int, default=DEFAULT_MESSAGES, help="messages to send in all (default %(default)s)")
    parser.add_argument("--url", help="load a Pause already running at this Rasa URL instead of starting one (needs --database-url)")
    parser.add_argument("--database-url", help="outcome store to check (and, when starting Pause, to use)")
    parser.add_argument("--tracker-database-url", help="tracker store for the Pause started here")
    parser.add_argument("--postgres", metavar="ADMIN_URL", help="start Pause on two throwaway PostgreSQL databases made on this server")
    parser.add_argument("--redis-url", help="conversation locks in this Redis for the Pause started here")
    parser.add_argument("--replicas", type=int, default=1, help="Rasa servers to start and spread messages over (default 1)")
    parser.add_argument("--seed", type=int, default=1, help="the mix of conversations is the same for the same seed")
    parser.add_argument("--request-timeout", type=float, default=DEFAULT_REQUEST_TIMEOUT, help="seconds (default %(default)s)")
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, help="seconds for the whole run (default %(default)s)")
    parser.add_argument("--keep-logs", type=Path, metavar="DIR", help="keep the servers' logs and SQLite files in DIR")
    parser.add_argument("--json", type=Path, default=REPO / "results" / "load.json", help="where the figures are written")
    arguments = parser.parse_args(argv)
    if arguments.senders < 1 or arguments.messages < 1 or arguments.replicas < 1:
        parser.error("--senders, --messages and --replicas must be at least 1")
    if arguments.url and not arguments.database_url:
        parser.error("--url needs --database-url, to check the outcome rows")
    if arguments.url and (arguments.postgres or arguments.replicas > 1):
        parser.error("--postgres and --replicas start servers; they cannot go with --url")
    shared = (arguments.postgres or (arguments.database_url and arguments.tracker_database_url)) and arguments.redis_url
    if arguments.replicas > 1 and not shared:
        parser.error("--replicas needs shared stores: --postgres (or both database URLs) and --redis-url")
    return arguments


def main(argv: Optional[Sequence[str]] = None) -> int:
    arguments = parse_arguments(argv)
    try:
        with pause_to_load(arguments) as (urls, database_url):
            cases_before = count_cases(database_url)[0]
            results = Results()
            load = Load(urls, arguments.messages, results, technical_problem_text(), arguments.request_timeout)
            print(
                f"Sending {arguments.messages} messages from {arguments.senders} concurrent senders to "
                f"{', '.join(urls)} ...", flush=True,
            )
            asyncio.run(load.run(arguments.senders, arguments.seed, arguments.time_limit))
            # Let turns that were still being processed when their client gave up finish writing.
            time.sleep(2)
            cases = count_cases(database_url, results.references)
    except (FileNotFoundError, RuntimeError, TimeoutError) as error:
        print(f"Could not start or reach Pause: {error}", file=sys.stderr)
        return 2
    figures = report(results, arguments, cases, cases_before)
    arguments.json.parent.mkdir(parents=True, exist_ok=True)
    failures = verdict(figures, checked=True)
    figures["failures"] = failures
    arguments.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print()
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("PASSED: no server errors, and one outcome row for every completed reflection.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
