"""The reflection's actions, with their own Tracker and a CollectingDispatcher (rasa-sdk style)."""
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.reflection import (
    ActionAskDecision,
    ActionCompleteReflection,
    ActionStopReflection,
    ValidateReflectionForm,
    decision_from,
    parse_rating,
    record_decision,
)
from bot.store import get_case, session_scope

REPO = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((REPO / "domain.yml").read_text())

FORMAL_ANSWERS = {
    "concern_type": "conduct", "urgent_screen": "none", "health_substance": "no", "health_physical": "no",
    "health_mental": "no", "protocol_exists": "yes", "protocol_workable": "yes", "knowingly_departed": "yes",
    "peers_same": "no", "missed_training": "no", "lacked_supervision": "no", "mitigation": "no",
    "informal_conversation": "yes", "pattern": "yes", "affected": "no_one", "good_outcome": "behaviour_change",
    "fairness_check": "yes",
}


def tracker(slots=None, text="", loop="reflection_form", events=None, channel="rest"):
    return Tracker(
        sender_id="manager-1",
        slots=dict(slots or {}),
        latest_message={"text": text, "intent": {"name": "inform"}, "entities": []},
        events=events or [
            {"event": "user", "timestamp": 1.0, "input_channel": channel, "text": text},
            {"event": "active_loop", "name": "reflection_form", "timestamp": 2.0},
        ],
        paused=False,
        followup_action=None,
        active_loop={"name": loop} if loop else {},
        latest_action_name="action_listen",
    )


def responses(dispatcher):
    return [message["response"] for message in dispatcher.messages if message.get("response")]


async def test_required_slots_follow_the_guide_and_end_at_an_urgent_route():
    form = ValidateReflectionForm()
    slots = await form.required_slots([], CollectingDispatcher(), tracker({"concern_type": "fraud"}), DOMAIN)
    assert slots == ["concern_type"]
    slots = await form.required_slots([], CollectingDispatcher(), tracker({"concern_type": "conduct", "urgent_screen": "none", "health_mental": "yes"}), DOMAIN)
    assert slots[-6:] == ["affected", "good_outcome", "fairness_check", "decision", "feedback_helpful",
                          "feedback_recommend"]
    assert "protocol_exists" not in slots
    assert "affected_need" not in slots
    slots = await form.required_slots([], CollectingDispatcher(), tracker({**FORMAL_ANSWERS, "affected": "colleagues"}), DOMAIN)
    assert slots[-8:-3] == ["affected", "affected_need", "whose_job", "good_outcome", "fairness_check"]


async def test_skipped_feedback_does_not_ask_for_a_recommendation():
    slots = await ValidateReflectionForm().required_slots(
        [], CollectingDispatcher(), tracker(dict(FORMAL_ANSWERS, feedback_helpful="skip")), DOMAIN
    )
    assert slots[-2:] == ["decision", "feedback_helpful"]


@pytest.mark.parametrize("value,expected,reply", [
    ("clinical", "clinical", []),
    ("nonsense", None, ["utter_invalid_concern_type"]),
    ("<script>alert(1)</script>", None, ["utter_invalid_concern_type"]),
    (None, None, ["utter_invalid_concern_type"]),
])
def test_validate_concern_type(value, expected, reply):
    dispatcher = CollectingDispatcher()
    assert ValidateReflectionForm().validate_concern_type(value, dispatcher, tracker(), DOMAIN) == {"concern_type": expected}
    assert responses(dispatcher) == reply


@pytest.mark.parametrize("value,expected", [
    ("none", "none"), ("unsure", "unsure"), ("fraud", "fraud"), ("safeguarding", "safeguarding"),
    ("danger", "danger"), ("affirm", None), ("attendance", None), ("'; DROP TABLE cases; --", None),
])
def test_validate_urgent_screen(value, expected):
    dispatcher = CollectingDispatcher()
    assert ValidateReflectionForm().validate_urgent_screen(value, dispatcher, tracker(), DOMAIN) == {"urgent_screen": expected}
    assert responses(dispatcher) == ([] if expected else ["utter_invalid_urgent_screen"])


def test_free_text_good_outcome_keeps_only_the_category():
    result = ValidateReflectionForm().validate_good_outcome("that Sam stops shouting at Jo", CollectingDispatcher(), tracker(), DOMAIN)
    assert result == {"good_outcome": "other"}


@pytest.mark.parametrize("slot,value,expected", [
    ("affected", "patient_family", "patient_family"),
    ("affected", "no_one", "no_one"),
    ("affected", "Mrs Okafor's daughter, and Jo who reported it", "patient_family.raised_concern"),
    ("affected", "nobody really", "no_one"),
    ("affected", "not sure yet", "unsure"),
    ("affected", "Sam from the canteen", "other"),
    ("affected", "patient_family.nonsense", "other"),
    ("affected_need", "put_right", "put_right"),
    ("affected_need", "an apology from us and an honest explanation", "explanation"),
    ("affected_need", "for Dr Shah to be struck off", "other"),
    ("whose_job", "organisation", "organisation"),
    ("whose_job", "mine and HR's", "shared"),
    ("whose_job", "Priya's", "other"),
])
def test_free_text_restorative_answers_keep_only_categories(slot, value, expected):
    validate = getattr(ValidateReflectionForm(), f"validate_{slot}")
    dispatcher = CollectingDispatcher()
    assert validate(value, dispatcher, tracker(), DOMAIN) == {slot: expected}
    assert dispatcher.messages == []


@pytest.mark.parametrize("text,expected", [
    ("mediation", "mediation"), ("formal", "formal"), ("hr_advice", "hr_advice"),
    ("I'll go ahead with the investigation", "formal"), ("speak to HR first", "hr_advice"),
    ("I think a fact-find", "fact_find"), ("banana", None), ("", None),
    # Negated or deferred, a formal word names no formal process.
    ("not a formal investigation", None), ("talk to HR before any investigation", "hr_advice"),
    ("hearing their side first", "informal_conversation"), ("no disciplinary, I'll have a quiet word", "informal_conversation"),
    ("I don't want to investigate", None), ("rather than a formal process, HR advice", "hr_advice"),
    ("avoid a disciplinary", None), ("start a formal investigation", "formal"),
])
def test_decision_from(text, expected):
    answers = dict(FORMAL_ANSWERS, informal_conversation="no", pattern=None)
    assert decision_from(text, answers) == expected


async def test_an_invalid_decision_is_asked_again_and_nothing_is_recorded():
    dispatcher = CollectingDispatcher()
    result = await ValidateReflectionForm().validate_decision("banana", dispatcher, tracker(FORMAL_ANSWERS), DOMAIN)
    assert result == {"decision": None, "decision_pending": None}
    assert responses(dispatcher) == ["utter_invalid_decision"]


@pytest.mark.parametrize("text,pending", [
    ("not a formal investigation", None),
    ("talk to HR before any investigation", "hr_advice"),
    ("hearing their side first", "informal_conversation"),
    ("I'll go ahead with the investigation", "formal"),
])
async def test_a_typed_decision_is_confirmed_back_before_anything_is_stored(outcome_store, text, pending):
    answers = dict(FORMAL_ANSWERS, informal_conversation="no", pattern=None)
    dispatcher = CollectingDispatcher()
    result = await ValidateReflectionForm().validate_decision(text, dispatcher, tracker(answers, text=text), DOMAIN)
    assert result == {"decision": None, "decision_pending": pending}
    if pending is None:
        assert responses(dispatcher) == ["utter_invalid_decision"]
        return
    assert responses(dispatcher) == ["utter_confirm_decision"]
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == ["/affirm", "/deny"]
    with session_scope() as session:
        from bot.store.models import Case
        assert session.query(Case).count() == 0


def confirming(slots, intent, text):
    confirm = tracker(slots, text=text)
    confirm.latest_message["intent"] = {"name": intent}
    return confirm


async def test_a_confirmed_decision_is_stored_and_a_denied_one_is_asked_again(outcome_store):
    answers = dict(FORMAL_ANSWERS, informal_conversation="no", pattern=None, decision_pending="hr_advice")
    dispatcher = CollectingDispatcher()
    denied = await ValidateReflectionForm().validate_decision("no", dispatcher, confirming(answers, "deny", "no"), DOMAIN)
    assert denied == {"decision": None, "decision_pending": None}
    assert responses(dispatcher) == ["utter_decision_not_confirmed"]
    dispatcher = CollectingDispatcher()
    result = await ValidateReflectionForm().validate_decision("yes", dispatcher, confirming(answers, "affirm", "yes"), DOMAIN)
    assert result == {"decision": "hr_advice", "decision_pending": None, "case_reference": result["case_reference"]}
    assert responses(dispatcher) == ["utter_case_recorded", "utter_summary"]
    with session_scope() as session:
        case = get_case(session, result["case_reference"])
        assert case.decision == "hr_advice" and not case.override


async def test_while_confirming_the_decision_question_is_not_repeated():
    dispatcher = CollectingDispatcher()
    events = await ActionAskDecision().run(dispatcher, tracker(dict(FORMAL_ANSWERS, decision_pending="formal")), DOMAIN)
    assert events == [] and responses(dispatcher) == []
    dispatcher = CollectingDispatcher()
    events = await ActionAskDecision().run(dispatcher, tracker(dict(FORMAL_ANSWERS, route="formal_last_resort")), DOMAIN)
    assert events == [] and responses(dispatcher) == ["utter_ask_decision"]


async def test_a_button_decision_is_recorded_as_it_is_accepted(outcome_store):
    dispatcher = CollectingDispatcher()
    result = await ValidateReflectionForm().validate_decision(
        "hr_advice", dispatcher, tracker(FORMAL_ANSWERS), DOMAIN
    )
    assert result == {"decision": "hr_advice", "decision_pending": None, "case_reference": result["case_reference"]}
    assert responses(dispatcher) == ["utter_case_recorded", "utter_summary"]
    with session_scope() as session:
        assert get_case(session, result["case_reference"]).decision == "hr_advice"


@pytest.mark.parametrize("value,expected", [
    ("4", "4"), ("5 - very helpful", "5"), ("three", "3"), ("skip", "skip"), ("no thanks", "skip"),
    ("9", None), ("1 or 2", None), ("🙂", None), ("", None),
])
def test_parse_rating(value, expected):
    assert parse_rating(value) == expected


async def test_ask_decision_explains_the_route_and_offers_its_alternatives():
    dispatcher = CollectingDispatcher()
    events = await ActionAskDecision().run(dispatcher, tracker(FORMAL_ANSWERS), DOMAIN)
    assert events == [SlotSet("route", "formal_last_resort")]
    sent = responses(dispatcher)
    assert sent[:5] == ["utter_assessment_intro", "utter_route_formal_last_resort", "utter_reason_no_exit_applies",
                        "utter_reason_pattern_despite_support", "utter_formal_safeguards"]
    assert sent[-1] == "utter_ask_decision"
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert payloads[-2:] == ['/inform{"decision": "hr_advice"}', '/inform{"decision": "formal"}']
    assert len(payloads) == sent.count("utter_alternative") + 2


@pytest.mark.parametrize("doubt", ["no", "unsure"])
async def test_a_doubt_at_the_fairness_check_blocks_formal_and_gives_the_fairness_contacts(doubt):
    dispatcher = CollectingDispatcher()
    events = await ActionAskDecision().run(dispatcher, tracker(dict(FORMAL_ANSWERS, fairness_check=doubt)), DOMAIN)
    assert events == [SlotSet("route", "senior_hr_advice")]
    sent = responses(dispatcher)
    assert sent[:8] == ["utter_assessment_intro", "utter_route_senior_hr_advice", "utter_reason_no_exit_applies",
                        "utter_reason_pattern_despite_support", "utter_reason_fairness_to_examine",
                        "utter_reason_fairness_before_formal", "utter_contacts_intro", "utter_contact"]
    lines = [m["line"] for m in dispatcher.messages if m.get("response") == "utter_contact"]
    assert any("Equality" in line for line in lines) and any("Freedom to Speak Up" in line for line in lines)
    assert "utter_formal_safeguards" not in sent


async def test_yes_at_the_fairness_check_keeps_the_route_and_gives_no_fairness_contacts():
    dispatcher = CollectingDispatcher()
    await ActionAskDecision().run(dispatcher, tracker(FORMAL_ANSWERS), DOMAIN)
    sent = responses(dispatcher)
    assert "utter_route_formal_last_resort" in sent
    assert not any(r.startswith("utter_reason_fairness") for r in sent) and "utter_contacts_intro" not in sent


async def test_those_hurt_or_affected_change_the_alternatives_and_the_decision_buttons():
    answers = dict(FORMAL_ANSWERS, concern_type="clinical", protocol_workable="no", informal_conversation="no",
                   pattern=None, affected="patient_family.raised_concern", affected_need="explanation",
                   whose_job="organisation")
    dispatcher = CollectingDispatcher()
    await ActionAskDecision().run(dispatcher, tracker(answers), DOMAIN)
    titles = [m["title"] for m in dispatcher.messages if m.get("response") == "utter_alternative"]
    assert titles[:2] == ["Being open with the patient or family", "Support for the person who raised it"]
    payloads = [b["payload"] for b in dispatcher.messages[-1]["buttons"]]
    assert payloads[:2] == ['/inform{"decision": "being_open"}', '/inform{"decision": "speak_up_support"}']
    unaffected = CollectingDispatcher()
    await ActionAskDecision().run(unaffected, tracker(dict(answers, affected="no_one")), DOMAIN)
    assert not {"being_open", "speak_up_support"} & {
        b["payload"].split('"')[-2] for b in unaffected.messages[-1]["buttons"]
    }


async def test_the_summary_gives_the_restorative_answers_in_the_buttons_words(outcome_store):
    answers = dict(FORMAL_ANSWERS, affected="patient_family.raised_concern", affected_need="explanation",
                   whose_job="shared", fairness_check="unsure")
    dispatcher = CollectingDispatcher()
    reference = record_decision(dispatcher, tracker(answers), "being_open", DOMAIN)["case_reference"]
    text = dispatcher.messages[-1]["custom"]["pause_summary"]["text"]
    assert ("Hurt or affected: A patient or their family; The person who raised the concern. What they need most: "
            "An honest explanation or apology. Whose job it is to meet that need: Shared between several of us.") in text
    assert "would you be considering the same step? not sure" in text
    assert "patient_family" not in text and "{" not in text
    with session_scope() as session:
        case = get_case(session, reference)
        assert case.answers["affected"] == "patient_family.raised_concern"
        assert (case.answers["affected_need"], case.answers["whose_job"], case.answers["fairness_check"]) == (
            "explanation", "shared", "unsure")
        assert case.route == "senior_hr_advice"
        assert "fairness_before_formal" in case.reasons
    no_one = CollectingDispatcher()
    record_decision(no_one, tracker(dict(FORMAL_ANSWERS), channel="web"), "fact_find", DOMAIN)
    assert "Hurt or affected: No one." in no_one.messages[-1]["custom"]["pause_summary"]["text"]


async def test_decision_records_the_case_once_and_gives_reference_and_summary(outcome_store):
    slots = dict(FORMAL_ANSWERS, informal_conversation="no", pattern=None, decision="formal")
    first, second = CollectingDispatcher(), CollectingDispatcher()
    slots_set = record_decision(first, tracker(slots), "formal", DOMAIN)
    reference = slots_set["case_reference"]
    assert slots_set == {"case_reference": reference}
    assert responses(first) == ["utter_override_noted", "utter_formal_safeguards", "utter_case_recorded",
                                "utter_summary"]
    summary = first.messages[3]
    assert summary["reference"] == reference and "Talk to HR" not in summary["decision"]
    download = first.messages[4]["custom"]["pause_summary"]
    assert download["reference"] == reference and download["filename"] == f"pause-summary-{reference}.txt"
    lines = download["text"].splitlines()
    assert lines[0] == f"Reflection summary, case {reference}"
    assert DOMAIN["responses"]["utter_route_informal_resolution"][0]["text"] in lines
    assert download["text"].count("Recommended route:") == 1
    assert any(line.startswith("- ") and line.endswith(" yes") for line in lines)
    assert "{" not in download["text"]
    # A retried write of the same reflection (same conversation, same start) stores nothing new.
    assert record_decision(second, tracker(slots), "formal", DOMAIN) == {"case_reference": reference}
    # Once the reference is known, nothing is recorded or said again.
    third = CollectingDispatcher()
    assert record_decision(third, tracker(dict(slots, case_reference=reference)), "formal", DOMAIN) == {}
    assert third.messages == []
    with session_scope() as session:
        case = get_case(session, reference)
        assert (case.route, case.decision, case.override, case.channel) == ("informal_resolution", "formal", True, "rest")
        assert "good_outcome" in case.answers and case.answers["good_outcome"] == "behaviour_change"


async def test_an_unreachable_store_is_told_not_hidden(monkeypatch, tmp_path):
    monkeypatch.setenv("PAUSE_DATABASE_URL", f"postgresql://nobody@127.0.0.1:1/none")
    from bot.settings import get_settings
    from bot.store import dispose_engines
    get_settings.cache_clear(); dispose_engines()
    dispatcher = CollectingDispatcher()
    slots_set = record_decision(dispatcher, tracker(FORMAL_ANSWERS), "coaching", DOMAIN)
    get_settings.cache_clear(); dispose_engines()
    assert "utter_record_failed" in responses(dispatcher)
    assert "utter_case_recorded" not in responses(dispatcher)
    assert slots_set == {"feedback_helpful": "skip", "feedback_recommend": None}


async def test_completing_saves_the_feedback_and_thanks_for_it(outcome_store):
    reference = record_decision(CollectingDispatcher(), tracker(FORMAL_ANSWERS), "coaching", DOMAIN)["case_reference"]
    slots = dict(FORMAL_ANSWERS, decision="coaching", case_reference=reference,
                 feedback_helpful="4", feedback_recommend="yes")
    dispatcher = CollectingDispatcher()
    events = await ActionCompleteReflection().run(dispatcher, tracker(slots, loop=None), DOMAIN)
    assert responses(dispatcher) == ["utter_thanks_feedback"]
    assert SlotSet("case_reference", None) in events
    with session_scope() as session:
        case = get_case(session, reference)
        assert (case.helpfulness, case.would_recommend) == (4, True)


async def test_completing_after_a_failed_record_thanks_for_no_feedback():
    dispatcher = CollectingDispatcher()
    slots = dict(FORMAL_ANSWERS, decision="coaching", feedback_helpful="skip")
    events = await ActionCompleteReflection().run(dispatcher, tracker(slots, loop=None), DOMAIN)
    assert responses(dispatcher) == []
    assert SlotSet("decision", None) in events


async def test_urgent_route_is_given_recorded_as_escalated_and_the_reflection_reset(outcome_store):
    dispatcher = CollectingDispatcher()
    events = await ActionCompleteReflection().run(dispatcher, tracker({"concern_type": "fraud"}, loop=None), DOMAIN)
    sent = responses(dispatcher)
    assert sent[0] == "utter_urgent_fraud"
    assert sent[-1] == "utter_reflection_complete_escalated"
    lines = [m.get("line", "") for m in dispatcher.messages if m["response"] == "utter_contact"]
    assert any("0800 028 4060" in line for line in lines)
    reference = dispatcher.messages[-1]["reference"]
    with session_scope() as session:
        case = get_case(session, reference)
        assert (case.route, case.urgent_route, case.decision) == ("escalate_now", "fraud", "escalated")
    assert SlotSet("concern_type", None) in events


async def test_stop_before_anything_is_recorded_says_so():
    dispatcher = CollectingDispatcher()
    events = await ActionStopReflection().run(dispatcher, tracker({"concern_type": "conduct"}), DOMAIN)
    assert responses(dispatcher) == ["utter_stopped"]
    assert events[:2] == [ActiveLoop(None), SlotSet("requested_slot", None)]
    assert SlotSet("concern_type", None) in events
