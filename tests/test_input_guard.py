"""The input guard on real Rasa messages (no trained model): unreadable input falls back, and the
safety net after it still reads a crisis inside a document-sized message."""
from typing import Any, Dict, Optional

import pytest
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlp.input_check import MAX_MESSAGE_CHARS
from components.input_guard import FALLBACK_INTENT, InputGuard
from components.safety_net import SafetyNet

CLASSIFIED = {"name": "raise_concern", "confidence": 0.91}
FALLBACK = {"name": FALLBACK_INTENT, "confidence": 1.0}
# An ordinary paragraph about a concern, repeated until it is far longer than any message typed.
PARAGRAPH = (
    "The ward has been short staffed for months and the rota changed again last week without notice. "
    "The team leader says the handovers keep running late and the night staff are frustrated. "
)
DOCUMENT = PARAGRAPH * (MAX_MESSAGE_CHARS // len(PARAGRAPH) + 5)


def message(text: Optional[str], intent: Optional[Dict[str, Any]] = CLASSIFIED) -> Message:
    data = {} if text is None else {TEXT: text}
    result = Message(data=data)
    if intent is not None:
        result.set(INTENT, dict(intent), add_to_output=True)
    return result


def guarded(text: Optional[str], intent: Optional[Dict[str, Any]] = CLASSIFIED) -> Optional[Dict[str, Any]]:
    processed = InputGuard.create({}, None, None, None).process([message(text, intent)])
    return processed[0].get(INTENT)


def test_the_guard_is_registered_as_an_untrained_intent_classifier() -> None:
    registered = DefaultV1Recipe._from_registry("InputGuard")
    assert registered.clazz is InputGuard
    assert DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER in registered.types
    assert not registered.is_trainable


@pytest.mark.parametrize(
    "text",
    [
        "", "   ", "\n\t", "!!!???", "...", "🙂🙂🙂", "x" * (MAX_MESSAGE_CHARS + 1), DOCUMENT,
        "<script>document.write(1)</script>", '<a href="https://example.org/x">y</a>',
    ],
    ids=[
        "empty", "spaces", "white space", "punctuation", "dots", "emoji", "one over the limit", "document",
        "a script", "a link with one letter of text",
    ],
)
def test_unreadable_input_falls_back_with_certainty(text: str) -> None:
    assert guarded(text) == FALLBACK


@pytest.mark.parametrize(
    "text",
    [
        "hello", "1", "no", "ok?", "a" * MAX_MESSAGE_CHARS, "Médecin débordé", "ymddiheuriadau",
        "<b>the nurse</b> was late again", "i think a < b and c > d here",
    ],
    ids=["word", "digit", "short answer", "question", "at the limit", "accents", "Welsh", "a bold word", "angle brackets"],
)
def test_readable_input_keeps_the_classifiers_intent(text: str) -> None:
    assert guarded(text) == CLASSIFIED


@pytest.mark.parametrize("text", ["/raise_concern", '/inform{"concern_type": "conduct"}', "/" + "x" * MAX_MESSAGE_CHARS])
def test_button_payloads_are_never_judged_as_text(text: str) -> None:
    assert guarded(text) == CLASSIFIED


def test_a_message_without_text_is_left_alone() -> None:
    assert guarded(None) == CLASSIFIED


def test_a_fallback_is_set_even_when_no_classifier_ran() -> None:
    assert guarded("   ", intent=None) == FALLBACK


def test_training_data_passes_through_untouched() -> None:
    data = TrainingData([Message(data={TEXT: "   ", INTENT: "greet"})])
    assert InputGuard.create({}, None, None, None).process_training_data(data) is data


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_after_the_guard_the_safety_net_still_finds_a_crisis_in_a_document(where: str) -> None:
    crisis = " I can't go on, I want to kill myself. "
    half = len(DOCUMENT) // 2
    text = {
        "start": crisis + DOCUMENT,
        "middle": DOCUMENT[:half] + crisis + DOCUMENT[half:],
        "end": DOCUMENT + crisis,
    }[where]
    processed = InputGuard.create({}, None, None, None).process([message(text)])
    assert processed[0].get(INTENT) == FALLBACK
    SafetyNet.create({}, None, None, None).process(processed)
    assert processed[0].get(INTENT) == {"name": "crisis", "confidence": 1.0}


@pytest.mark.parametrize(
    "text",
    [
        '<div class="message-body" data-source="chat-export" style="font-family:sans-serif">i want to kill myself</div>',
        "<div>i want to kill myself</div>",
    ],
    ids=["mostly markup", "tags glued to the words"],
)
def test_after_the_guard_the_safety_net_still_finds_a_crisis_wrapped_in_markup(text: str) -> None:
    processed = InputGuard.create({}, None, None, None).process([message(text)])
    SafetyNet.create({}, None, None, None).process(processed)
    assert processed[0].get(INTENT) == {"name": "crisis", "confidence": 1.0}


def test_after_the_guard_a_document_without_a_crisis_stays_a_fallback() -> None:
    processed = InputGuard.create({}, None, None, None).process([message(DOCUMENT)])
    SafetyNet.create({}, None, None, None).process(processed)
    assert processed[0].get(INTENT) == FALLBACK
