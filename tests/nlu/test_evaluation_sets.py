"""The frozen evaluation sets stay honest: big enough to mean something, and never near-copies of
what the model was trained on, of the rule patterns, or of the dev sets that are tuned on."""
from collections import Counter
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import yaml

from bot.nlp.risk import load_risk_examples
from bot.nlp.safety import load_safety_rules
from tests.nlu.sets import DEV_SETS, load_sets
from tests.support.near_copies import find_near_copies, normalise

REPO = Path(__file__).resolve().parents[2]
PATTERN_ITEM = ("@", "|", "~", "?", "$")


@pytest.fixture(scope="module")
def frozen():
    return load_sets("frozen")


def nlu_training_texts() -> Iterator[Tuple[str, str]]:
    """Every intent example in data/nlu, with its file.

    Lookup tables and synonyms are entity vocabulary, not examples of what people say: a frozen
    answer may name a kind of concern ("attendance") the way the vocabulary does.
    """
    for path in sorted((REPO / "data" / "nlu").glob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in block:
                continue
            for line in (block.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    yield line[2:], f"data/nlu/{path.name}"


def literal_patterns() -> Iterator[Tuple[str, str]]:
    """Rule patterns that are plain sentences (no classes, alternatives, gaps or options).

    Patterns written as families generalise; a literal sentence is what a pattern written to
    rescue one evaluation message looks like, so those are compared like training examples.
    """
    for line in load_safety_rules().lines:
        if not any(marker in line.text for marker in PATTERN_ITEM):
            yield line.text, f"safety pattern of {line.owner}"


def sources() -> List[Tuple[str, str]]:
    found = list(nlu_training_texts())
    found += [(example.text, f"bot/nlp/risk ({example.label})") for example in load_risk_examples()]
    found += list(literal_patterns())
    found += [(item.text, f"tests/nlu/{name}") for name in DEV_SETS for item in load_sets(name).everything()]
    return found


def test_the_frozen_sets_are_large_enough(frozen) -> None:
    intents = Counter(item.label for item in frozen.intents)
    assert len(frozen.intents) >= 300
    assert min(intents.values()) >= 10, intents
    assert len(frozen.crisis) >= 100
    assert sum(item.label == "colleague" for item in frozen.crisis) >= 30
    assert len(frozen.lookalikes) >= 150
    assert sum(item.kind == "patient_incident" for item in frozen.lookalikes) >= 30


def test_the_frozen_intents_cover_every_intent_of_the_domain(frozen) -> None:
    domain_intents = set(yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))["intents"])
    # safety_ok answers the check-in and inform answers a question: both are judged in context.
    assert domain_intents - {"safety_ok"} <= {item.label for item in frozen.intents}


def test_no_frozen_message_is_a_near_copy_of_training_data_patterns_or_dev(frozen) -> None:
    copies = find_near_copies([item.text for item in frozen.everything()], sources())
    if copies:
        # Only the sources are shown: the frozen sentences are never read to tune. A training
        # example (or dev message, or literal pattern) that a frozen message nearly copies
        # gives way, never the frozen set.
        shown = "\n".join(f"  {copy.source_origin}: {copy.source!r} ({copy.reason})" for copy in copies)
        pytest.fail(f"{len(copies)} near-copies of frozen messages; remove or reword these:\n{shown}", pytrace=False)


def test_no_message_is_in_two_frozen_sets(frozen) -> None:
    seen = Counter(normalise(item.text) for item in frozen.everything())
    repeated = sum(count > 1 for count in seen.values())
    if repeated:
        pytest.fail(f"{repeated} messages are in more than one frozen set", pytrace=False)
