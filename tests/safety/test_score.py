"""The scoring script, with a stand-in parser, and (marked ``model``) with the trained model."""
import os
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

from tests.safety.score import (
    LabelledSet,
    final_intent_name,
    format_table,
    load_labelled_set,
    model_intent_name,
    score_all,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
SMALL_SET = LabelledSet(
    crisis=("i want to end it all", "I've been feeling low and grey for weeks"),
    colleague_at_risk=("my colleague said she wants to die",),
    not_crisis=("this rota is killing me", "hello there"),
)


def parse_data(final: str, model: Optional[str] = None) -> Dict[str, Any]:
    data: Dict[str, Any] = {"intent": {"name": final, "confidence": 1.0}}
    if model is not None:
        data["safety_net"] = {"rule_matches": [], "model_intent": {"name": model, "confidence": 0.7}}
    return data


STAND_IN_PARSES = {
    "i want to end it all": parse_data("crisis", model="greet"),
    "I've been feeling low and grey for weeks": parse_data("crisis", model="crisis"),
    "my colleague said she wants to die": parse_data("colleague_at_risk", model="staff_support"),
    "this rota is killing me": parse_data("out_of_scope", model="out_of_scope"),
    "hello there": parse_data("crisis", model="greet"),
}


async def stand_in_parse(text: str) -> Dict[str, Any]:
    return STAND_IN_PARSES[text]


def test_model_intent_is_read_from_before_the_safety_net() -> None:
    assert model_intent_name(parse_data("crisis", model="greet")) == "greet"
    assert model_intent_name(parse_data("greet")) == "greet"
    assert final_intent_name(parse_data("crisis", model="greet")) == "crisis"


async def test_scores_each_detector_separately() -> None:
    scores = {score.detector: score for score in await score_all(SMALL_SET, stand_in_parse)}

    rules = scores["rules alone"]
    assert (rules.crisis_found, rules.colleague_found, rules.false_alarms) == (1, 1, 0)
    assert rules.missed_crises == ("I've been feeling low and grey for weeks",)

    model = scores["model alone"]
    assert (model.crisis_found, model.colleague_found, model.false_alarms) == (1, 0, 0)

    either = scores["rules or model"]
    assert (either.crisis_found, either.colleague_found, either.false_alarms) == (2, 1, 0)

    combined = scores["combined pipeline"]
    assert (combined.crisis_found, combined.colleague_found, combined.false_alarms) == (2, 1, 1)
    assert combined.crisis_recall == 1.0


async def test_table_names_every_detector() -> None:
    table = format_table(await score_all(SMALL_SET, stand_in_parse))
    for detector in ("rules alone", "model alone", "rules or model", "combined pipeline"):
        assert detector in table


def trained_model() -> Path:
    """The model to score: $PAUSE_MODEL, else the newest archive in models/."""
    configured = os.environ.get("PAUSE_MODEL")
    if configured:
        return Path(configured)
    models = sorted((REPO_ROOT / "models").glob("*.tar.gz"), key=lambda path: path.stat().st_mtime)
    if not models:
        message = "no trained model in models/; train one first"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return models[-1]


@pytest.mark.model
async def test_trained_pipeline_misses_no_crisis() -> None:
    from tests.safety.score import load_agent_parser

    scores = await score_all(load_labelled_set(), load_agent_parser(trained_model()))
    print(format_table(scores))
    combined = scores[-1]
    assert combined.crisis_recall == 1.0, f"missed: {list(combined.missed_crises)}"
