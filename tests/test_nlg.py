"""The response generator fills slots into texts and titles but sends button payloads as written."""
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from components.nlg import PauseNaturalLanguageGenerator

DOMAIN = Domain.from_path(str(Path(__file__).resolve().parents[1] / "domain.yml"))


async def test_button_payloads_are_sent_exactly_as_written_and_never_interpolated(monkeypatch):
    from rasa.core.nlg import interpolator

    interpolated = []
    original = interpolator.interpolate_text

    def recording(text, values):
        interpolated.append(text)
        return original(text, values)

    monkeypatch.setattr(interpolator, "interpolate_text", recording)
    nlg = PauseNaturalLanguageGenerator(domain=DOMAIN)
    tracker = DialogueStateTracker("manager", DOMAIN.slots)
    message = await nlg.generate("utter_ask_urgent_screen", tracker, "rest")
    payloads = [button["payload"] for button in message["buttons"]]
    assert '/inform{"urgent_screen": "fraud"}' in payloads
    assert "Suspected fraud" in [button["title"] for button in message["buttons"]]
    # Rasa's stock generator reads each JSON payload as a slot placeholder (and logs an error).
    assert not [text for text in interpolated if text.startswith("/")]


async def test_text_variables_are_still_filled():
    nlg = PauseNaturalLanguageGenerator(domain=DOMAIN)
    tracker = DialogueStateTracker("manager", DOMAIN.slots)
    message = await nlg.generate("utter_case_recorded", tracker, "rest", reference="P-7K3Q-9MXD")
    assert "P-7K3Q-9MXD" in message["text"] and "{reference}" not in message["text"]
