"""scripts/load.py: how it classifies answers, when it fails a run, and its options.

The classification is checked against a real HTTP server that answers the way a broken or
protective Pause could; the whole generator runs against a real Pause in the model test.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

import aiohttp
import pytest
from aiohttp import web

REPO = Path(__file__).resolve().parents[2]
SPEC = importlib.util.spec_from_file_location("pause_load", REPO / "scripts" / "load.py")
load = importlib.util.module_from_spec(SPEC)
sys.modules["pause_load"] = load  # dataclasses look their module up while the file runs
SPEC.loader.exec_module(load)  # type: ignore[union-attr]

APOLOGY = "I'm sorry, something went wrong on my side and I couldn't answer that just now"


async def fake_pause(request: web.Request) -> web.Response:
    """Answers according to the message, as Pause and its channel protections might."""
    body = await request.read()
    try:
        message = json.loads(body)["message"]
    except (ValueError, KeyError, TypeError):
        return web.json_response({"error": "invalid_json"}, status=400)
    answers: Dict[str, Any] = {
        "crash": (500, {"error": "boom"}),
        "silence": (200, []),
        "apology": (200, [{"recipient_id": "x", "text": APOLOGY + ". Please try again."}]),
        "too fast": (429, [{"text": "slow down"}]),
    }
    status, payload = answers.get(message, (200, [{"recipient_id": "x", "text": "Hello"}]))
    return web.json_response(payload, status=status)


async def classify(messages: List[Any]) -> "load.Results":
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", fake_pause)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    results = load.Results()
    generator = load.Load([f"http://127.0.0.1:{port}"], 100, results, APOLOGY, 10)
    try:
        async with aiohttp.ClientSession() as session:
            for message, bad in messages:
                if message is None:
                    await generator.post(session, None, "s", bad_input=bad, raw=b"{broken")
                else:
                    await generator.say(session, "s", message, bad_input=bad)
    finally:
        await runner.cleanup()
    return results


async def test_a_normal_exchange_counts_no_error() -> None:
    results = await classify([("hello", False)])
    assert results.messages_sent == 1 and len(results.latencies) == 1
    assert load.verdict(figures(results), checked=False) == []


async def test_server_errors_silence_and_apologies_fail_the_run() -> None:
    results = await classify([("crash", False), ("silence", False), ("apology", False)])
    assert len(results.errors) == 1
    assert len(results.silent) == 1
    assert len(results.technical_problems) == 1
    failures = load.verdict(figures(results), checked=False)
    assert failures == ["1 server errors", "1 technical-problem replies", "1 replies with no message"]


async def test_refusing_bad_input_is_expected_but_refusing_normal_messages_is_not() -> None:
    results = await classify([(None, True), ("too fast", True), ("too fast", False)])
    assert dict(results.expected_refusals) == {400: 1, 429: 1}
    assert results.errors == []
    assert len(results.refused_normal) == 1
    assert load.verdict(figures(results), checked=False) == ["1 normal messages refused"]


async def test_a_server_that_is_not_there_is_a_transport_error() -> None:
    results = load.Results()
    generator = load.Load(["http://127.0.0.1:9"], 10, results, APOLOGY, 5)
    async with aiohttp.ClientSession() as session:
        await generator.say(session, "s", "hello")
    assert results.statuses["transport error"] == 1 and len(results.errors) == 1


async def test_the_message_budget_is_never_exceeded() -> None:
    results = load.Results()
    generator = load.Load(["http://127.0.0.1:9"], 2, results, APOLOGY, 5)
    async with aiohttp.ClientSession() as session:
        await generator.say(session, "s", "one")
        await generator.say(session, "s", "two")
        with pytest.raises(load.BudgetSpent):
            await generator.say(session, "s", "three")
    assert results.messages_sent == 2


def figures(results: "load.Results", rows: int = 0) -> Dict[str, Any]:
    class Arguments:
        senders = 1

    results.wall_seconds = 1.0
    return load.report(results, Arguments(), (rows, rows), 0)


def test_outcome_rows_must_equal_completed_reflections() -> None:
    results = load.Results()
    results.references = {"P-AAAA-1111", "P-BBBB-2222"}
    assert load.verdict(figures(results, rows=2), checked=True) == []
    assert load.verdict(figures(results, rows=3), checked=True) == [
        "3 outcome rows for 2 completed reflections"
    ]


def test_percentiles_are_nearest_rank() -> None:
    values = [float(n) for n in range(1, 101)]
    assert load.percentile(values, 0.5) == 50
    assert load.percentile(values, 0.95) == 95
    assert load.percentile(values, 0.99) == 99
    assert load.percentile([], 0.5) == 0


def test_the_apology_is_recognised_from_the_domain() -> None:
    prefix = load.technical_problem_text()
    assert prefix and len(prefix) > 20
    assert prefix in (REPO / "domain.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "arguments",
    [
        ["--senders", "0"],
        ["--url", "http://127.0.0.1:5005"],
        ["--replicas", "2"],
        ["--replicas", "2", "--postgres", "postgresql://postgres@127.0.0.1/postgres"],
    ],
)
def test_options_that_cannot_work_are_refused(arguments: List[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        load.parse_arguments(arguments)
    assert stop.value.code == 2


@pytest.mark.model
def test_a_small_mixed_load_on_a_real_pause_passes(tmp_path: Path) -> None:
    figures_file = tmp_path / "load.json"
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "load.py"), "--senders", "4", "--messages", "120",
         "--seed", "7", "--json", str(figures_file)],
        cwd=REPO, capture_output=True, text=True, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures_seen = json.loads(figures_file.read_text())
    assert figures_seen["messages"] == 120
    assert figures_seen["server_errors"] == 0
    assert figures_seen["reflections_completed"] >= 1
    assert figures_seen["outcome_rows"] == figures_seen["reflections_completed"]
    assert sum(figures_seen["conversations"].values()) >= 4
