"""Equality monitoring in the reflection form: asked only when switched on, stored only as groups."""
import pytest
from rasa_sdk.events import SlotSet
from sqlalchemy import create_engine, text
from rasa_sdk.executor import CollectingDispatcher

from actions.common import reset_reflection
from actions.erase import ActionEraseCase
from actions.reflection import ValidateReflectionForm, record_decision
from bot.content.directory import _load_directory
from bot.equality import ALLOWED, SKIP_ALL, SLOT_COLUMNS
from bot.settings import get_settings
from bot.store import get_case, session_scope
from tests.actions.test_erase_actions import tracker as erase_tracker
from tests.actions.test_reflection_actions import DOMAIN, FORMAL_ANSWERS, responses, tracker
from tests.support.equality import content_with_monitoring

MONITORING = ["equality_ethnic_group", "equality_staff_group", "equality_employment"]


@pytest.fixture
def monitoring_on(tmp_path, monkeypatch):
    """The configured organisation has switched equality monitoring on."""
    monkeypatch.setenv("PAUSE_CONTENT_DIR", str(content_with_monitoring(tmp_path / "content")))
    get_settings.cache_clear()
    _load_directory.cache_clear()
    yield
    get_settings.cache_clear()
    _load_directory.cache_clear()


def recorded_case(decision="coaching"):
    """A reflection recorded with its decision, as the form leaves it before the monitoring questions."""
    reference = record_decision(CollectingDispatcher(), tracker(FORMAL_ANSWERS), decision, DOMAIN)["case_reference"]
    return reference, dict(FORMAL_ANSWERS, decision=decision, case_reference=reference)


def groups(reference):
    with session_scope() as session:
        case = get_case(session, reference)
        return case.ethnic_group, case.staff_group, case.employment_type


async def required(slots):
    return await ValidateReflectionForm().required_slots([], CollectingDispatcher(), tracker(slots), DOMAIN)


async def test_switched_on_the_three_questions_come_between_the_decision_and_the_feedback(outcome_store, monitoring_on):
    _, slots = recorded_case()
    assert (await required(slots))[-6:] == ["decision", *MONITORING, "feedback_helpful", "feedback_recommend"]


async def test_switched_off_they_are_never_asked(outcome_store):
    _, slots = recorded_case()
    assert not set(MONITORING) & set(await required(slots))


async def test_they_are_not_asked_before_the_case_is_recorded_nor_in_a_demo(outcome_store, monitoring_on):
    assert not set(MONITORING) & set(await required(FORMAL_ANSWERS))
    _, slots = recorded_case()
    assert not set(MONITORING) & set(await required(dict(slots, demo_mode=True)))


async def test_the_decision_is_followed_by_why_the_questions_are_asked_only_when_switched_on(outcome_store, monitoring_on):
    dispatcher = CollectingDispatcher()
    result = await ValidateReflectionForm().validate_decision("hr_advice", dispatcher, tracker(FORMAL_ANSWERS), DOMAIN)
    assert responses(dispatcher) == ["utter_case_recorded", "utter_summary", "utter_equality_intro"]
    assert groups(result["case_reference"]) == (None, None, None)


async def test_no_explanation_when_switched_off(outcome_store):
    dispatcher = CollectingDispatcher()
    await ValidateReflectionForm().validate_decision("hr_advice", dispatcher, tracker(FORMAL_ANSWERS), DOMAIN)
    assert "utter_equality_intro" not in responses(dispatcher)


async def test_each_answer_is_stored_on_the_recorded_case_as_it_is_given(outcome_store, monitoring_on):
    reference, slots = recorded_case()
    form = ValidateReflectionForm()
    dispatcher = CollectingDispatcher()
    assert form.validate_equality_ethnic_group("bme", dispatcher, tracker(slots), DOMAIN) == {"equality_ethnic_group": "bme"}
    assert groups(reference) == ("bme", None, None)
    assert form.validate_equality_staff_group("she's a midwife", dispatcher, tracker(slots), DOMAIN) == {
        "equality_staff_group": "nursing_midwifery"
    }
    assert form.validate_equality_employment("not_stated", dispatcher, tracker(slots), DOMAIN) == {
        "equality_employment": "not_stated"
    }
    assert responses(dispatcher) == []
    assert groups(reference) == ("bme", "nursing_midwifery", "not_stated")


@pytest.mark.parametrize(
    "slot, words",
    [
        ("equality_ethnic_group", "her name is Priya Shah"),
        ("equality_staff_group", "works on ward 7 with Dr Jones"),
        ("equality_employment", "locum"),
    ],
)
async def test_words_that_name_no_group_are_refused_kindly_and_never_stored(outcome_store, monitoring_on, slot, words):
    reference, slots = recorded_case()
    dispatcher = CollectingDispatcher()
    result = getattr(ValidateReflectionForm(), f"validate_{slot}")(words, dispatcher, tracker(slots), DOMAIN)
    assert result == {slot: None}
    assert responses(dispatcher) == [f"utter_invalid_{slot}"]
    assert groups(reference) == (None, None, None)


async def test_skip_all_at_the_first_question_answers_every_one_not_stated(outcome_store, monitoring_on):
    reference, slots = recorded_case()
    dispatcher = CollectingDispatcher()
    result = ValidateReflectionForm().validate_equality_ethnic_group("skip_all", dispatcher, tracker(slots), DOMAIN)
    assert result == {slot: "not_stated" for slot in MONITORING}
    assert responses(dispatcher) == ["utter_equality_skipped"]
    assert groups(reference) == ("not_stated", "not_stated", "not_stated")


def test_a_new_reflection_starts_with_no_monitoring_answers():
    events = reset_reflection()
    for slot in MONITORING:
        assert SlotSet(slot, None) in events


def test_every_group_button_sends_a_group_the_store_accepts():
    for slot, column in SLOT_COLUMNS.items():
        buttons = DOMAIN["responses"][f"utter_ask_{slot}"][0]["buttons"]
        values = [button["payload"].split('"')[-2] for button in buttons]
        assert all(button["payload"].startswith(f'/inform{{"{column}": ') for button in buttons)
        extra = [SKIP_ALL] if column == "ethnic_group" else []
        assert values == [*ALLOWED[column], *extra]


async def test_erasing_the_case_in_the_chat_removes_its_groups(outcome_store, monitoring_on):
    reference, slots = recorded_case()
    ValidateReflectionForm().validate_equality_ethnic_group("skip_all", CollectingDispatcher(), tracker(slots), DOMAIN)
    assert groups(reference) == ("not_stated", "not_stated", "not_stated")
    await ActionEraseCase().run(
        CollectingDispatcher(), erase_tracker({"erase_reference": reference, "erase_confirmed": "yes"}), DOMAIN
    )
    engine = create_engine(outcome_store, future=True)
    with engine.connect() as connection:
        left = connection.execute(text("SELECT ethnic_group, staff_group, employment_type FROM cases")).all()
    engine.dispose()
    assert left == []
