"""The safety net's actions: crisis and colleague-at-risk replies come first and pause any reflection."""
from pathlib import Path

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.safety import ActionColleagueAtRisk, ActionCrisisSupport, ActionReturnAfterSafety, what_they_came_for
from actions.support import ActionStaffSupport

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())


def tracker(loop=None, paused=False, events=None, slots=None):
    return Tracker("staff-1", {"reflection_paused": paused, "concern_type": "conduct", **(slots or {})},
                   {"text": "i cant go on", "intent": {"name": "crisis"}}, events or [], False, None,
                   {"name": loop} if loop else {}, "action_listen")


def user(text, intent, ranking=None, entities=None):
    """A user event as the safety net leaves it: the classifier's own reading kept in its report."""
    ranking = ranking or [{"name": intent, "confidence": 0.9}]
    return {"event": "user", "text": text, "parse_data": {
        "intent": {"name": "crisis", "confidence": 1.0}, "entities": entities or [],
        "safety_net": {"level": "clear", "about": "writer", "model_intent": ranking[0], "model_intent_ranking": ranking},
    }}


def action(name):
    return {"event": "action", "name": name}


NOTHING_IN_PROGRESS = [SlotSet("follow_up_reference", None), SlotSet("follow_up_status", None),
                       SlotSet("follow_up_suspension", None),
                       SlotSet("erase_reference", None), SlotSet("erase_confirmed", None)]


def names(dispatcher):
    return [m["response"] for m in dispatcher.messages]


async def test_crisis_mid_reflection_answers_first_and_pauses_it():
    dispatcher = CollectingDispatcher()
    events = await ActionCrisisSupport().run(dispatcher, tracker(loop="reflection_form"), DOMAIN)
    sent = names(dispatcher)
    # utter_crisis comes from Rasa before this action (data/rules/safety.yml), never from here.
    assert "utter_crisis" not in sent and sent[-1] == "utter_crisis_next"
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("reflection_paused", True),
                      SlotSet("safety_return", None), SlotSet("safety_return_concern", None), *NOTHING_IN_PROGRESS]
    crisis = DOMAIN["responses"]["utter_crisis"][0]["text"]
    for number in ("999", "A&E", "111", "option 2", "116 123", "85258"):
        assert number in crisis
    # The organisation's own contacts follow, national ones are not repeated.
    lines = [m["line"] for m in dispatcher.messages if m["response"] == "utter_contact"]
    assert lines and not any("116 123" in line for line in lines)


async def test_crisis_with_nothing_in_progress_pauses_nothing_and_keeps_what_they_came_for():
    concern = [{"entity": "concern_type", "value": "clinical"}]
    events = await ActionCrisisSupport().run(
        CollectingDispatcher(), tracker(events=[user("drug error and i want to die", "raise_concern", entities=concern)]), DOMAIN
    )
    assert events == [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet("reflection_paused", False),
                      SlotSet("safety_return", "concern"), SlotSet("safety_return_concern", "clinical"), *NOTHING_IN_PROGRESS]


def test_what_they_came_for_reads_the_classifier_not_the_safety_intent():
    assert what_they_came_for(tracker(events=[user("hi, band 6 here and i want to die", "greet")])) == ("greet", None)
    assert what_they_came_for(tracker(events=[user("i cant cope", "staff_support")])) == ("staff_support", None)
    suspension = [user("should i suspend her, she is suicidal", "consider_suspension",
                       entities=[{"entity": "concern_type", "value": "conduct"}])]
    assert what_they_came_for(tracker(events=suspension)) == ("suspension", "conduct")
    assert what_they_came_for(tracker(events=[user("i want to die", "out_of_scope")])) == (None, None)


def test_what_they_came_for_uses_a_confident_runner_up_when_the_classifier_said_crisis():
    ranking = [{"name": "crisis", "confidence": 0.6}, {"name": "raise_concern", "confidence": 0.3}]
    assert what_they_came_for(tracker(events=[user("x", "crisis", ranking)]))[0] == "concern"
    unsure = [{"name": "crisis", "confidence": 0.9}, {"name": "greet", "confidence": 0.05}]
    assert what_they_came_for(tracker(events=[user("x", "crisis", unsure)])) == (None, None)


def test_what_they_came_for_looks_past_a_button_to_the_words():
    events = [user("one of my nurses made an error and i cant see the point", "raise_concern"),
              {"event": "user", "text": "/crisis", "parse_data": {"intent": {"name": "crisis"}}}]
    assert what_they_came_for(tracker(events=events))[0] == "concern"


async def test_carrying_on_resumes_a_paused_reflection():
    dispatcher = CollectingDispatcher()
    events = await ActionReturnAfterSafety().run(dispatcher, tracker(paused=True, events=[action("action_crisis_support")]), DOMAIN)
    assert names(dispatcher) == ["utter_resume_reflection"]
    assert events == [SlotSet("reflection_paused", False), SlotSet("safety_return", None),
                      SlotSet("safety_return_concern", None), FollowupAction("reflection_form")]


async def test_carrying_on_starts_the_concern_they_came_with_its_kind_kept():
    dispatcher = CollectingDispatcher()
    state = tracker(events=[action("action_colleague_at_risk")],
                    slots={"safety_return": "concern", "safety_return_concern": "bullying", "concern_type": None})
    events = await ActionReturnAfterSafety().run(dispatcher, state, DOMAIN)
    assert names(dispatcher) == ["utter_colleague_ok", "utter_back_to_concern", "utter_reflection_intro"]
    assert events == [SlotSet("concern_type", "bullying"), SlotSet("safety_return", None),
                      SlotSet("safety_return_concern", None), FollowupAction("reflection_form")]


async def test_carrying_on_after_a_greeting_gets_the_welcome_and_after_nothing_an_offer():
    dispatcher = CollectingDispatcher()
    await ActionReturnAfterSafety().run(dispatcher, tracker(events=[action("action_crisis_support")], slots={"safety_return": "greet"}), DOMAIN)
    assert names(dispatcher) == ["utter_crisis_ok", "utter_how_can_i_help"]
    dispatcher = CollectingDispatcher()
    await ActionReturnAfterSafety().run(dispatcher, tracker(events=[action("action_crisis_support")]), DOMAIN)
    assert names(dispatcher) == ["utter_crisis_ok", "utter_anything_else"]


async def test_carrying_on_after_asking_for_staff_support_gives_it():
    state = tracker(events=[action("action_crisis_support")], slots={"safety_return": "staff_support"})
    events = await ActionReturnAfterSafety().run(CollectingDispatcher(), state, DOMAIN)
    assert events[-1] == FollowupAction("action_staff_support")


async def test_a_colleague_reply_with_nothing_paused_does_not_say_it_paused_anything():
    dispatcher = CollectingDispatcher()
    await ActionColleagueAtRisk().run(dispatcher, tracker(), DOMAIN)
    assert names(dispatcher)[-1] == "utter_colleague_next"
    assert "paused" not in DOMAIN["responses"]["utter_colleague_next"][0]["text"]


async def test_colleague_at_risk_says_how_to_act_now():
    dispatcher = CollectingDispatcher()
    events = await ActionColleagueAtRisk().run(dispatcher, tracker(loop="reflection_form"), DOMAIN)
    assert "utter_colleague_at_risk" not in names(dispatcher)
    text = DOMAIN["responses"]["utter_colleague_at_risk"][0]["text"]
    for phrase in ("do not leave them alone", "999", "111", "occupational health", "pause any formal step"):
        assert phrase in text
    assert SlotSet("reflection_paused", True) in events


async def test_staff_support_gives_rights_and_current_contacts():
    dispatcher = CollectingDispatcher()
    await ActionStaffSupport().run(dispatcher, tracker(), DOMAIN)
    sent = names(dispatcher)
    assert sent[:2] == ["utter_staff_support", "utter_staff_rights"]
    lines = " ".join(m["line"] for m in dispatcher.messages if m["response"] == "utter_contact")
    assert "Samaritans" in lines
    assert "Wellbeing Hub" not in lines


def contact_lines(dispatcher):
    return [m["line"] for m in dispatcher.messages if m["response"] == "utter_contact"]


async def test_after_crisis_help_asking_for_a_person_offers_people_to_talk_to_now():
    from actions.support import ActionRequestHuman

    dispatcher = CollectingDispatcher()
    events = [action("action_session_start"), user("i cant go on", "crisis"), action("action_crisis_support")]
    await ActionRequestHuman().run(dispatcher, tracker(events=events), DOMAIN)
    assert names(dispatcher)[0] == "utter_talk_to_someone_now"
    assert names(dispatcher)[-1] == "utter_someone_you_trust"
    lines = " ".join(contact_lines(dispatcher))
    for wanted in ("Samaritans - call 116 123", "text SHOUT to 85258", "call 111, option 2",
                   "Employee Assistance Programme", "Staff Wellbeing Service"):
        assert wanted in lines
    assert "HR Advice Line" not in lines and "Acas" not in lines


async def test_a_manager_worried_about_a_colleague_who_asks_for_a_person_gets_hr_routes():
    from actions.support import ActionRequestHuman

    dispatcher = CollectingDispatcher()
    events = [action("action_crisis_support"), action("action_session_start"),
              user("my colleague said she wants to end it", "colleague_at_risk"), action("action_colleague_at_risk")]
    await ActionRequestHuman().run(dispatcher, tracker(events=events), DOMAIN)
    assert names(dispatcher)[0] == "utter_request_human"
    assert "HR Advice Line" in " ".join(contact_lines(dispatcher))
