"""The rule layer alone on the held-out labelled safety set.

Floors are what the rules really reach on this set, so a change that loses ground fails.
"""
import re
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import pytest
import yaml

from bot.nlp.safety import assess
from tests.safety.score import LabelledSet, load_labelled_set, rule_detections, score_detections

REPO_ROOT = Path(__file__).resolve().parents[2]
NLU_DATA_DIR = REPO_ROOT / "data" / "nlu"

CRISIS_RECALL_FLOOR = 0.985
COLLEAGUE_RECALL_FLOOR = 0.95
FALSE_ALARM_CEILING = 0.01
ENTITY_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")


@pytest.fixture(scope="module")
def labelled() -> LabelledSet:
    return load_labelled_set()


def comparable(text: str) -> str:
    """Lower case, punctuation stripped, spaces collapsed: how near-duplicates are compared."""
    text = ENTITY_ANNOTATION.sub(r"\1", text).lower()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def nlu_examples() -> Iterator[Tuple[str, str]]:
    """(file name, example) for every NLU training example in data/nlu."""
    for path in sorted(NLU_DATA_DIR.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in data.get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield path.name, line[2:]


def test_set_is_large_enough_to_mean_something(labelled: LabelledSet) -> None:
    assert len(labelled.crisis) >= 150
    assert len(labelled.not_crisis) >= 150
    assert len(labelled.colleague_at_risk) >= 40


def test_every_message_has_exactly_one_label(labelled: LabelledSet) -> None:
    everything = [comparable(message) for message in labelled.crisis + labelled.colleague_at_risk + labelled.not_crisis]
    duplicates = sorted({message for message in everything if everything.count(message) > 1})
    assert duplicates == []


def test_no_message_is_in_the_nlu_training_data(labelled: LabelledSet) -> None:
    everything = labelled.crisis + labelled.colleague_at_risk + labelled.not_crisis
    ours = {comparable(message): message for message in everything}
    leaked: List[str] = [f"{name}: {example}" for name, example in nlu_examples() if comparable(example) in ours]
    assert leaked == [], "held-out messages found in NLU training data"


def test_rules_alone_find_the_writers_crises(labelled: LabelledSet) -> None:
    score = score_detections("rules alone", labelled, rule_detections(labelled))
    print(f"rule crisis recall {score.crisis_recall:.3f} ({score.crisis_found}/{score.crisis_total})")
    assert score.crisis_recall >= CRISIS_RECALL_FLOOR, f"missed: {list(score.missed_crises)}"


def test_rules_alone_find_colleagues_at_risk(labelled: LabelledSet) -> None:
    missed = [message for message in labelled.colleague_at_risk if not assess(message).colleague_at_risk]
    recall = 1 - len(missed) / len(labelled.colleague_at_risk)
    print(f"rule colleague recall {recall:.3f}")
    assert recall >= COLLEAGUE_RECALL_FLOOR, f"missed: {missed}"


def test_rules_alone_rarely_alarm_on_look_alikes(labelled: LabelledSet) -> None:
    alarms: Dict[str, Tuple[str, ...]] = {}
    for message in labelled.not_crisis:
        signal = assess(message)
        if signal.crisis or signal.colleague_at_risk:
            alarms[message] = signal.matches
    rate = len(alarms) / len(labelled.not_crisis)
    print(f"rule false-alarm rate {rate:.3f} ({len(alarms)}/{len(labelled.not_crisis)})")
    assert rate <= FALSE_ALARM_CEILING, f"false alarms: {alarms}"


def test_a_colleague_at_risk_is_not_taken_for_the_writer(labelled: LabelledSet) -> None:
    taken_for_writer = [message for message in labelled.colleague_at_risk if assess(message).crisis]
    assert len(taken_for_writer) <= 1, taken_for_writer
