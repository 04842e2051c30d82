"""The rule layer alone on its tuning set (tests/nlu/dev/labelled_safety.yml): a regression check.

Floors are what the rules reach on the set they were tuned on, so a change that loses ground
fails. These are not figures of how the rules do on unseen text: tests/nlu/evaluate.py measures
that on the frozen sets, which alone are kept free of near-copies of the training data.
"""
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Tuple

import pytest
import yaml

from bot.nlp.safety import assess

LABELLED_SET = Path(__file__).resolve().parents[1] / "nlu" / "dev" / "labelled_safety.yml"
CRISIS_RECALL_FLOOR = 0.985
COLLEAGUE_RECALL_FLOOR = 0.95
FALSE_ALARM_CEILING = 0.01


@dataclass(frozen=True)
class LabelledSet:
    crisis: Tuple[str, ...]
    colleague_at_risk: Tuple[str, ...]
    not_crisis: Tuple[str, ...]


@pytest.fixture(scope="module")
def labelled() -> LabelledSet:
    data = yaml.safe_load(LABELLED_SET.read_text(encoding="utf-8"))
    not_crisis = data["not_crisis"]
    if isinstance(not_crisis, dict):
        not_crisis = [message for messages in not_crisis.values() for message in messages]
    return LabelledSet(tuple(data["crisis"]), tuple(data["colleague_at_risk"]), tuple(not_crisis))


def test_set_is_large_enough_to_mean_something(labelled: LabelledSet) -> None:
    assert len(labelled.crisis) >= 150
    assert len(labelled.not_crisis) >= 150
    assert len(labelled.colleague_at_risk) >= 40


def test_rules_alone_find_the_writers_crises(labelled: LabelledSet) -> None:
    missed = [message for message in labelled.crisis if not assess(message).crisis]
    recall = 1 - len(missed) / len(labelled.crisis)
    assert recall >= CRISIS_RECALL_FLOOR, f"recall {recall:.3f}, missed: {missed}"


def test_rules_alone_find_colleagues_at_risk(labelled: LabelledSet) -> None:
    missed = [message for message in labelled.colleague_at_risk if not assess(message).colleague_at_risk]
    recall = 1 - len(missed) / len(labelled.colleague_at_risk)
    assert recall >= COLLEAGUE_RECALL_FLOOR, f"recall {recall:.3f}, missed: {missed}"


def test_rules_alone_rarely_alarm_on_look_alikes(labelled: LabelledSet) -> None:
    alarms: Dict[str, Tuple[str, ...]] = {}
    for message in labelled.not_crisis:
        signal = assess(message)
        if signal.crisis or signal.colleague_at_risk:
            alarms[message] = signal.matches
    rate = len(alarms) / len(labelled.not_crisis)
    assert rate <= FALSE_ALARM_CEILING, f"false-alarm rate {rate:.3f}: {alarms}"


def test_a_colleague_at_risk_is_not_taken_for_the_writer(labelled: LabelledSet) -> None:
    taken_for_writer = [message for message in labelled.colleague_at_risk if assess(message).crisis]
    assert len(taken_for_writer) <= 1, taken_for_writer
