"""The input guard inside the whole pipeline, against a real Pause: a document-sized message is
answered as one, and a crisis inside it still gets crisis help in that very turn, whatever was
going on, the reflection included."""
import uuid

import pytest
import requests

from bot.nlp.input_check import MAX_MESSAGE_CHARS
from tests.conversations.test_conversations import matches
from tests.support.conversation import Conversation
from tests.support.servers import API_TOKEN

pytestmark = pytest.mark.model

PARAGRAPH = (
    "I have been suspended for three weeks now and nobody from HR has called me. My rep is on leave "
    "and the investigation letter does not say when it will end or who is looking into it. "
)
# Far longer than any message typed, but within the request size limit: a pasted document.
DOCUMENT = PARAGRAPH * (3 * MAX_MESSAGE_CHARS // len(PARAGRAPH))
CRISIS = " Honestly I can't see a way out of this and I want to end my life. "
CRISIS_REPLY = ["utter_crisis", "utter_contacts_intro", "utter_contact*", "utter_crisis_next"]
NUMBERS = ["999", "111", "116 123", "85258"]


def in_the_middle(text: str, inserted: str) -> str:
    half = len(text) // 2
    return text[:half] + inserted + text[half:]


def parsed_intent(pause, text: str) -> str:
    reply = requests.post(
        f"{pause.rasa_url}/model/parse", params={"token": API_TOKEN}, json={"text": text}, timeout=60
    )
    reply.raise_for_status()
    return reply.json()["intent"]["name"]


def conversation(pause) -> Conversation:
    return Conversation(pause, f"guard-{uuid.uuid4().hex}")


def test_the_nlu_pipeline_reads_a_document_as_unreadable_and_a_crisis_in_it_as_a_crisis(pause) -> None:
    assert len(DOCUMENT) > 2 * MAX_MESSAGE_CHARS
    assert parsed_intent(pause, DOCUMENT) == "nlu_fallback"
    assert parsed_intent(pause, in_the_middle(DOCUMENT, CRISIS)) == "crisis"
    assert parsed_intent(pause, DOCUMENT + CRISIS) == "crisis"
    assert parsed_intent(pause, "   ") == "nlu_fallback"


def test_a_document_is_told_it_is_too_long(pause) -> None:
    reply = conversation(pause).say(DOCUMENT)
    # A kind question may follow (the document is about a hard time), but never a crisis takeover.
    assert reply.responses[0] == "utter_message_too_long"
    assert "utter_crisis" not in reply.responses


@pytest.mark.parametrize("where", ["middle", "end"])
def test_a_crisis_inside_a_document_gets_crisis_help_in_that_turn(pause, where: str) -> None:
    text = in_the_middle(DOCUMENT, CRISIS) if where == "middle" else DOCUMENT + CRISIS
    reply = conversation(pause).say(text)
    assert matches(reply.responses, CRISIS_REPLY), reply.responses
    for number in NUMBERS:
        assert number in reply.text


def test_a_crisis_inside_a_document_pauses_a_reflection_which_resumes_when_asked(pause) -> None:
    manager = conversation(pause)
    manager.say("/raise_concern")
    assert manager.say('/inform{"concern_type": "conduct"}').responses == ["utter_ask_urgent_screen"]
    reply = manager.say(in_the_middle(DOCUMENT, CRISIS))
    assert matches(reply.responses, CRISIS_REPLY), reply.responses
    resumed = manager.say("I'm safe, let's carry on")
    assert resumed.responses == ["utter_resume_reflection", "utter_ask_urgent_screen"]
