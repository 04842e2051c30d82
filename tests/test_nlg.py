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


async def nation_text(name: str, nation) -> str:
    nlg = PauseNaturalLanguageGenerator(domain=DOMAIN, nation=nation)
    tracker = DialogueStateTracker("manager", DOMAIN.slots)
    return (await nlg.generate(name, tracker, "rest"))["text"]


async def test_safeguarding_follows_the_organisations_nation():
    england = await nation_text("utter_urgent_safeguarding", "england")
    wales = await nation_text("utter_urgent_safeguarding", "wales")
    scotland = await nation_text("utter_urgent_safeguarding", "scotland")
    assert "Local Authority Designated Officer (LADO)" in england and "Wales Safeguarding" not in england
    assert "Wales Safeguarding Procedures" in wales and "LADO" not in wales
    assert "Designated Officer for Safeguarding" in wales and "24 hours" in wales
    assert "LADO" not in scotland and "Wales" not in scotland


async def test_nhs_111_option_2_is_offered_in_england_and_wales_only():
    for name in ("utter_crisis", "utter_safety_check_in", "utter_safety_check_in_colleague", "utter_colleague_at_risk"):
        for nation in ("england", "wales"):
            assert "111" in await nation_text(name, nation), (name, nation)
        for nation in ("scotland", "northern_ireland"):
            text = await nation_text(name, nation)
            assert "111" not in text and "116 123" in text, (name, nation)


async def test_the_counter_fraud_line_is_given_where_it_covers():
    assert "0800 028 4060" in await nation_text("utter_urgent_fraud", "wales")
    assert "0800 028 4060" not in await nation_text("utter_urgent_fraud", "northern_ireland")


async def test_the_configured_example_organisations_are_read_for_their_nation(monkeypatch):
    from bot.settings import get_settings

    for organisation, nation in (("example-health-board", "wales"), ("example-trust", "england")):
        monkeypatch.setenv("PAUSE_ORGANISATION", organisation)
        get_settings.cache_clear()
        assert PauseNaturalLanguageGenerator(domain=DOMAIN).nation == nation
    get_settings.cache_clear()


async def test_speaking_up_is_named_as_each_nation_names_it():
    assert "Freedom to Speak Up Guardian" in await nation_text("utter_request_human", "england")
    wales = await nation_text("utter_request_human", "wales")
    assert "Speaking Up Safely" in wales and "Freedom to Speak Up" not in wales
