"""Every trainer demo scenario, played in demo mode through a real Pause, must reach its route.

Each scenario starts as the terminal player starts it: ``/choose_demo`` first, confirmed by the
bot. Then every turn must be understood (no fallback, no "please choose again"), the expected
route's response must appear, exactly one case must be stored, flagged as demo, and the pilot
report must count it only among the demo cases left out.
"""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
from sqlalchemy import create_engine, text

from bot.content.scenarios import Scenario, load_scenarios
from bot.demo.player import choose_demo_payload, confirms_demo
from tests.support.conversation import Conversation

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = load_scenarios(REPO / "content")
NOT_UNDERSTOOD = {"utter_default", "utter_rephrase", "utter_out_of_scope", "utter_crisis", "utter_colleague_at_risk"}


def stored_cases(database_url: str) -> List[Dict[str, Any]]:
    engine = create_engine(database_url, future=True)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM cases ORDER BY id")).mappings().all()
    engine.dispose()
    return [dict(row) for row in rows]


def pilot_report(database_url: str) -> Dict[str, Any]:
    """The pilot figures as `python -m bot report --json` prints them for this database."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "report", "--json"], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO), "PAUSE_DATABASE_URL": database_url},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_there_are_scenarios_to_play():
    assert len(SCENARIOS) >= 8


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario_reaches_its_route_in_demo_mode(pause, scenario: Scenario):
    conversation = Conversation(pause, f"scenario-{uuid.uuid4().hex}")
    cases_before = stored_cases(pause.database_url)
    report_before = pilot_report(pause.database_url)

    reply = conversation.say(choose_demo_payload(scenario.name))
    assert confirms_demo(reply.messages, scenario.name), f"demo mode not confirmed: {reply.messages}"

    seen: List[str] = []
    for number, turn in enumerate(scenario.turns, start=1):
        reply = conversation.say(turn.say)
        where = f"turn {number} {turn.say!r} got {reply.responses}"
        assert reply.responses, f"{where}: no reply"
        assert not [r for r in reply.responses if r in NOT_UNDERSTOOD or r.startswith("utter_invalid_")], where
        seen += reply.responses
    assert seen.count("utter_reflection_intro") <= 1, f"the reflection restarted: {seen}"

    if scenario.expect_route == "escalate_now":
        assert any(r.startswith("utter_urgent_") for r in seen), seen
        assert seen[-1] == "utter_reflection_complete_escalated", seen
    else:
        assert f"utter_route_{scenario.expect_route}" in seen, seen
        assert not [r for r in seen if r.startswith("utter_route_") and r != f"utter_route_{scenario.expect_route}"]
        assert seen[-1] == "utter_thanks_feedback", "the scenario should end with the feedback given"

    cases = stored_cases(pause.database_url)
    assert len(cases) == len(cases_before) + 1, "exactly one case should have been stored"
    case = cases[-1]
    assert (case["route"], case["concern_type"], case["demo"]) == (scenario.expect_route, scenario.concern_type, 1)

    report_after = pilot_report(pause.database_url)
    assert report_after["cases"] == report_before["cases"], "a demo case must not count in the pilot's figures"
    assert report_after["demo_excluded"] == report_before["demo_excluded"] + 1
