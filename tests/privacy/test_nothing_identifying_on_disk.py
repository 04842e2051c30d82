"""After conversations full of made-up personal details, none of them is anywhere on disk.

A real Pause (trained model, Rasa server, action server, SQLite outcome and tracker stores) runs
in its own folder with its logs at the default level. Managers and staff type names, emails,
phone, NHS, employee and National Insurance numbers and postcodes into every kind of turn: the
opening, yes/no answers, free-text answers, a crisis, a staff-support request, an FAQ, a
follow-up and nonsense, and, with equality monitoring switched on, its questions. Then every
byte the servers wrote (databases with their write-ahead logs, and the logs) is searched for
each detail, in the forms it could take.
"""
import json
import re
import uuid
from pathlib import Path
from typing import Dict, List

import pytest
from sqlalchemy import create_engine, text

from tests.support.conversation import Conversation, Reply
from tests.support.equality import content_with_monitoring
from tests.support.servers import running_pause

pytestmark = pytest.mark.model

# Made-up people and numbers; the NHS number has a valid check digit so that it is a real test.
DETAILS: Dict[str, str] = {
    "first name": "Priya",
    "surname": "Raman",
    "second name": "Hughes",
    "third name": "Fairweather",
    "hyphenated surname": "Okonkwo-Bell",
    "email": "tom.hughes@example.nhs.uk",
    "mobile": "07700 900461",
    "landline": "0113 496 0771",
    "NHS number": "943 476 5919",
    "employee number": "10234567",
    "National Insurance number": "JG 10 37 59 A",
    "postcode": "LS6 2QB",
}


# Colleagues' surnames typed alone, the way managers refer to staff, from several origins: a
# hyphenated Nigerian-English surname, Polish, Vietnamese, Spanish, Pakistani, Irish, Lebanese,
# Greek and Ghanaian. The rules alone missed surnames like these; the trained recogniser finds them.
SURNAMES: Dict[str, str] = {
    "hyphenated surname": "Adeyemi-Clarke",
    "Polish surname": "Wiśniewski",
    "Vietnamese surname": "Trinh",
    "Spanish surname": "Castellanos",
    "Pakistani surname": "Chaudhry",
    "Irish surname": "Fitzgerald",
    "Lebanese surname": "Haddad",
    "Greek surname": "Papadakis",
    "Ghanaian surname": "Boateng",
}


def forms_of(detail: str) -> List[bytes]:
    """The ways a detail could be stored: as typed, without spaces, in any case, JSON-escaped."""
    squeezed = re.sub(r"\s+", "", detail)
    forms = {detail, squeezed, detail.lower(), squeezed.lower(), json.dumps(detail)[1:-1]}
    return sorted({form.encode("utf-8") for form in forms if len(form) >= 5})


def reflect_with_details(conversation: Conversation) -> str:
    """A full reflection in which almost every answer carries personal details; returns the reference."""
    opening = conversation.say(
        "I'm worried about my staff nurse Priya Raman, her email is tom.hughes@example.nhs.uk"
    )
    assert opening.responses[-1] == "utter_ask_concern_type", opening.responses
    turns = [
        '/inform{"concern_type": "clinical"}',
        '/inform{"urgent_screen": "none"}',
        "no",
        "no, Priya Raman is fit and well, you can call her on 07700 900461",
        "not sure, her employee number is 10234567 if that helps",
        "yes, the ward was short-staffed that night. The patient lives at LS6 2QB",
        "yes",
        "no",
        # The restorative questions, typed: only the categories they name may be kept.
        "Mr Fairweather's daughter, and Tom Hughes who reported it (07700 900461)",
        "an honest explanation for Mr Fairweather's family, NHS number 943 476 5919",
        "mine, and Dr Okonkwo-Bell's as the consultant",
        "I just want Priya Raman to feel supported and learn from it, NI number JG 10 37 59 A",
        "yes, I'd do the same if it were Tom Hughes",
    ]
    return finish_reflection(conversation, turns, "4, thanks. Tom Hughes on 0113 496 0771 suggested I try this")


def finish_reflection(conversation: Conversation, turns: List[str], feedback: str) -> str:
    """Answer the reflection's questions, take the first alternative, give feedback; the reference."""
    for text in turns:
        reply = conversation.say(text)
    return decide(conversation, reply, feedback)


def decide(conversation: Conversation, reply: Reply, feedback: str) -> str:
    """At the decision, take the first alternative, then give feedback; the case reference."""
    assert reply.responses[-1] == "utter_ask_decision", reply.responses
    reply = conversation.say(next(b["payload"] for b in reply.buttons))
    match = re.search(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}", reply.text)
    assert match, f"no case reference in {reply.responses}"
    conversation.say(feedback)
    conversation.say("yes")
    return match.group(0)


def reflect_about_surnames(conversation: Conversation) -> str:
    """A reflection about colleagues named by surname alone, in the places managers put them."""
    opening = conversation.say("I'm worried about one of my nurses, its about Castellanos on nights")
    assert opening.responses[-1] == "utter_ask_concern_type", opening.responses
    # The concern type typed with a hyphenated surname in it must still be understood.
    concern = conversation.say("clinical practice - Adeyemi-Clarke gave the wrong dose")
    assert concern.responses[-1] == "utter_ask_urgent_screen", concern.responses
    reply = conversation.say('/inform{"urgent_screen": "none"}')
    # Every question answered "no" but the last, a good outcome in the manager's words.
    for _ in range(15):
        if reply.responses[-1] == "utter_ask_decision":
            break
        answer = "I just want Chaudhry to feel supported and learn from it"
        reply = conversation.say(answer if reply.responses[-1] == "utter_ask_good_outcome" else "no")
    return decide(conversation, reply, "5, Papadakis suggested I use this")


def test_no_surname_typed_alone_is_written_anywhere(tmp_path: Path) -> None:
    with running_pause(tmp_path) as pause:
        manager = Conversation(pause, f"manager-{uuid.uuid4().hex}")
        reference = reflect_about_surnames(manager)
        manager.say(f"update on case {reference}: Boateng and I resolved it informally")
        manager.say("Fitzgerald's team and Haddad want to use this too")
        staff = Conversation(pause, f"staff-{uuid.uuid4().hex}")
        staff.say("Haddad is investigating me and Papadakis wont tell me anything")
        staff.say("the HCA (Trinh) said Castellanos was rude to a patient's daughter")
        staff.say("its about Wiśniewski on nights, we were two down and the HCA (Trinh) didnt do the checks")

    found = details_on_disk(tmp_path, SURNAMES)
    assert not found, "surnames on disk:\n" + "\n".join(found)


def details_on_disk(folder: Path, details: Dict[str, str]) -> List[str]:
    """Where each detail, in any of its forms, appears in the files the servers wrote."""
    written = [path for path in folder.rglob("*") if path.is_file()]
    names = {path.name for path in written}
    assert {"outcomes.db", "tracker.db"} <= names, f"expected both databases, found {sorted(names)}"
    assert any(name.endswith(".log") for name in names), "expected the servers' logs"
    found = []
    for path in written:
        content = path.read_bytes()
        for label, detail in details.items():
            for form in forms_of(detail):
                if form in content:
                    found.append(f"{label} ({form.decode()!r}) in {path.name}")
    return found


def test_no_personal_detail_is_written_anywhere(tmp_path: Path) -> None:
    with running_pause(tmp_path) as pause:
        manager = Conversation(pause, f"manager-{uuid.uuid4().hex}")
        reference = reflect_with_details(manager)
        manager.say(f"update on case {reference}: Priya Raman and I resolved it informally")

        staff = Conversation(pause, f"staff-{uuid.uuid4().hex}")
        crisis = staff.say(
            "this is Priya Raman, NHS number 943 476 5919, I can't cope with the investigation and "
            "I want to end my life"
        )
        assert "utter_crisis" in crisis.responses
        staff.say("I'm being investigated and my manager Tom Hughes won't tell me anything, 07700 900461")
        staff.say("what do you store about me? my email is tom.hughes@example.nhs.uk")
        staff.say(
            "my rep is called Jamie Fairweather, staff number 10234567, NI number JG 10 37 59 A, "
            "and Dr Okonkwo-Bell is my GP in LS6 2QB"
        )

    found = details_on_disk(tmp_path, DETAILS)
    assert not found, "personal details on disk:\n" + "\n".join(found)


def test_no_personal_detail_typed_at_the_equality_monitoring_questions_is_written_anywhere(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    content = content_with_monitoring(tmp_path_factory.mktemp("monitoring") / "content")
    with running_pause(tmp_path, extra_env={"PAUSE_CONTENT_DIR": str(content)}) as pause:
        manager = Conversation(pause, f"manager-{uuid.uuid4().hex}")
        manager.say("I'm worried about my staff nurse Priya Raman")
        manager.say('/inform{"concern_type": "clinical"}')
        reply = manager.say('/inform{"urgent_screen": "none"}')
        for _ in range(15):
            if reply.responses[-1] == "utter_ask_decision":
                break
            reply = manager.say("no")
        assert reply.responses[-1] == "utter_ask_decision", reply.responses
        reply = manager.say(next(b["payload"] for b in reply.buttons))
        reference = re.search(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}", reply.text).group(0)
        assert reply.responses[-1] == "utter_ask_equality_ethnic_group", reply.responses
        # Refused: names no group. Then each answer in words that carry personal details.
        reply = manager.say("it's Priya Raman, NHS number 943 476 5919")
        assert reply.responses[-1] == "utter_ask_equality_ethnic_group", reply.responses
        reply = manager.say("Priya Raman is Black British, she lives in LS6 2QB")
        assert reply.responses[-1] == "utter_ask_equality_staff_group", reply.responses
        reply = manager.say("staff nurse, her email is tom.hughes@example.nhs.uk")
        assert reply.responses[-1] == "utter_ask_equality_employment", reply.responses
        reply = manager.say("bank, employee number 10234567, mobile 07700 900461")
        assert reply.responses[-1] == "utter_ask_feedback_helpful", reply.responses
        manager.say("skip")

    engine = create_engine(f"sqlite:///{tmp_path / 'outcomes.db'}", future=True)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT ethnic_group, staff_group, employment_type FROM cases WHERE reference = :r"), {"r": reference}
        ).one()
    engine.dispose()
    assert tuple(stored) == ("bme", "nursing_midwifery", "bank")
    found = details_on_disk(tmp_path, DETAILS)
    assert not found, "personal details on disk:\n" + "\n".join(found)
