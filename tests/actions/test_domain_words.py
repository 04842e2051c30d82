"""Every word the bot says lives in domain.yml: each code the engine can produce has its response."""
import itertools
from pathlib import Path

import yaml

from bot.reflection import Route, next_questions, route_for
from bot.reflection.questions import ALLOWED_VALUES, QUESTIONS, URGENT_DOUBT_VALUES, URGENT_ROUTES, YES_NO_QUESTIONS

REPO = Path(__file__).resolve().parents[2]
RESPONSES = set(yaml.safe_load((REPO / "domain.yml").read_text())["responses"])


def every_assessment():
    """Assessments over a broad sweep of answer combinations (every yes/no/unsure per question)."""
    base = {"concern_type": "performance", "urgent_screen": "none"}
    for question in YES_NO_QUESTIONS:
        for value in ("yes", "no", "unsure"):
            for pattern in ("yes", "no", "unsure"):
                answers = dict(base, informal_conversation="yes", pattern=pattern)
                answers.update({q: "no" for q in ("health_substance", "health_physical", "health_mental",
                                                    "peers_same", "missed_training", "lacked_supervision", "mitigation")})
                answers.update({q: "yes" for q in ("protocol_exists", "protocol_workable", "knowingly_departed")})
                answers[question] = value
                yield route_for(answers)
    for screen in URGENT_ROUTES + ("unsure",):
        yield route_for(dict(base, urgent_screen=screen, deliberate_harm="yes"))
    for doubt in URGENT_DOUBT_VALUES:
        for harm in ("yes", "no", "unsure"):
            yield route_for(dict(base, urgent_screen="unsure", urgent_doubt=doubt, deliberate_harm=harm))


def test_every_route_reason_and_unknown_has_a_response():
    missing = set()
    for assessment in every_assessment():
        if assessment.route == Route.ESCALATE_NOW:
            names = [f"utter_urgent_{assessment.urgent_route}"]
        else:
            names = [f"utter_route_{assessment.route.value}"]
        names += [f"utter_reason_{r}" for r in assessment.reasons if not r.startswith("urgent_")]
        names += [f"utter_unknown_{q}" for q in assessment.unknowns]
        missing |= {name for name in names if name not in RESPONSES}
    assert not missing


def test_every_route_has_a_response():
    for route in Route:
        if route != Route.ESCALATE_NOW:
            assert f"utter_route_{route.value}" in RESPONSES


def test_every_question_is_asked_in_domain_words():
    for question in QUESTIONS:
        assert f"utter_ask_{question}" in RESPONSES


def test_every_concern_type_has_a_button():
    domain = yaml.safe_load((REPO / "domain.yml").read_text())
    payloads = {b["payload"] for b in domain["responses"]["utter_ask_concern_type"][0]["buttons"]}
    for concern in ALLOWED_VALUES["concern_type"]:
        assert f'/inform{{"concern_type": "{concern}"}}' in payloads
