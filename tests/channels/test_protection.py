"""The channel protections on their own: request parsing, browser policy, turn guard, history."""
import asyncio
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import UserMessage
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered

from bot.channels.messages import BadRequest, parse_message_request
from bot.channels.web import security_headers
from bot.settings import Settings
from components.channels.protection import FALLBACK_TEXT, answer_turn, domain_text
from components.channels.web import history_messages

TEXTS = {
    "utter_technical_problem": "Something went wrong on my side.",
    "utter_slow_down": "Please wait a few seconds.",
}


def app_with_domain(texts=TEXTS):
    domain = SimpleNamespace(responses={name: [{"text": text}] for name, text in texts.items()})
    return SimpleNamespace(ctx=SimpleNamespace(agent=SimpleNamespace(domain=domain)))


# Request parsing


def test_a_well_formed_message_is_read():
    posted = parse_message_request(b'{"sender": "me", "message": "hello", "metadata": {"a": 1}}')
    assert (posted.sender, posted.text, posted.metadata, posted.input_channel) == ("me", "hello", {"a": 1}, None)


def test_a_numeric_sender_is_read_as_text():
    assert parse_message_request(b'{"sender": 42, "message": ""}').sender == "42"


@pytest.mark.parametrize(
    "body, code",
    [
        (b"", "invalid_json"),
        (b"not json", "invalid_json"),
        (b'{"sender": "me", "message": "hi"', "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b'["me", "hello"]', "invalid_payload"),
        (b'"hello"', "invalid_payload"),
        (b'{"message": "hello"}', "invalid_sender"),
        (b'{"sender": "", "message": "hello"}', "invalid_sender"),
        (b'{"sender": true, "message": "hello"}', "invalid_sender"),
        (b'{"sender": {"id": 1}, "message": "hello"}', "invalid_sender"),
        (b'{"sender": "' + b"x" * 300 + b'", "message": "hello"}', "invalid_sender"),
        (b'{"sender": "me"}', "invalid_message"),
        (b'{"sender": "me", "message": null}', "invalid_message"),
        (b'{"sender": "me", "message": ["hello"]}', "invalid_message"),
        (b'{"sender": "me", "message": "hi", "metadata": "x"}', "invalid_metadata"),
        (b'{"sender": "me", "message": "hi", "input_channel": 3}', "invalid_input_channel"),
    ],
)
def test_malformed_requests_are_refused_with_a_reason(body, code):
    with pytest.raises(BadRequest) as refused:
        parse_message_request(body)
    assert refused.value.code == code
    assert refused.value.status == 400
    assert refused.value.message


def test_the_page_policy_allows_no_inline_script_and_names_the_frame_ancestors():
    headers = security_headers(Settings(web_frame_ancestors=("'self'", "https://intranet.example.nhs.uk")))
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert policy.endswith("frame-ancestors 'self' https://intranet.example.nhs.uk")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


# Domain words


def test_words_come_from_the_loaded_domain():
    assert domain_text(app_with_domain(), "utter_slow_down") == TEXTS["utter_slow_down"]


def test_without_a_loaded_model_a_plain_fallback_is_used():
    no_agent = SimpleNamespace(ctx=SimpleNamespace())
    assert domain_text(no_agent, "utter_technical_problem") == FALLBACK_TEXT


# Never silence


def message_factory(sender="someone"):
    return lambda collector: UserMessage("hello", collector, sender, input_channel="rest")


async def test_a_turn_that_answers_is_returned_unchanged():
    async def answers(message):
        await message.output_channel.send_text_message(message.sender_id, "Hello there")

    messages = await answer_turn(app_with_domain(), answers, message_factory(), timeout_seconds=5)
    assert messages == [{"recipient_id": "someone", "text": "Hello there"}]


async def test_a_silent_turn_gets_the_technical_problem_response():
    async def silent(message):
        return None

    messages = await answer_turn(app_with_domain(), silent, message_factory(), timeout_seconds=5)
    assert messages == [{"recipient_id": "someone", "text": TEXTS["utter_technical_problem"]}]


async def test_a_failing_turn_gets_the_technical_problem_response():
    async def fails(message):
        await message.output_channel.send_text_message(message.sender_id, "Part of an answer")
        raise RuntimeError("action server down")

    messages = await answer_turn(app_with_domain(), fails, message_factory(), timeout_seconds=5)
    assert [m["text"] for m in messages] == ["Part of an answer", TEXTS["utter_technical_problem"]]


async def test_a_slow_turn_is_answered_at_the_timeout_and_still_finishes():
    finished = asyncio.Event()

    async def slow(message):
        await asyncio.sleep(0.5)
        finished.set()

    messages = await answer_turn(app_with_domain(), slow, message_factory(), timeout_seconds=0.1)
    assert messages == [{"recipient_id": "someone", "text": TEXTS["utter_technical_problem"]}]
    assert not finished.is_set()
    await asyncio.wait_for(finished.wait(), 5)


# History


def test_history_shows_messages_with_button_titles_and_only_open_buttons():
    buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
    events = [
        SessionStarted(),
        ActionExecuted("action_listen"),
        UserUttered("I have a concern about [name]"),
        BotUttered("Was it deliberate?", {"buttons": buttons}),
        UserUttered("/affirm"),
        BotUttered("Thank you.", {}),
        BotUttered("Anything else?", {"buttons": buttons}),
        BotUttered(None, {"custom": {"pause_demo": {"title": "A scenario"}}}),
        UserUttered(""),
    ]
    assert history_messages(events) == [
        {"from": "user", "text": "I have a concern about [name]"},
        {"from": "bot", "text": "Was it deliberate?"},
        {"from": "user", "text": "Yes"},
        {"from": "bot", "text": "Thank you."},
        {"from": "bot", "text": "Anything else?", "buttons": buttons},
        {"from": "bot", "custom": {"pause_demo": {"title": "A scenario"}}},
    ]


def test_history_keeps_only_the_latest_messages():
    events = [UserUttered(f"message {n}") for n in range(500)]
    restored = history_messages(events, limit=300)
    assert len(restored) == 300
    assert restored[-1]["text"] == "message 499"


def test_history_shows_fixed_domain_responses_as_the_domain_words():
    # The store redacts bot messages too, and a false positive must not garble the bot's own words.
    responses = {
        "utter_reflection_intro": [{"text": "Let's pause and think it through together."}],
        "utter_crisis_next": [{"text": "What next?", "buttons": [{"title": "I'm safe, let's carry on", "payload": "/affirm"}]}],
        "utter_case_recorded": [{"text": "Your case reference is {case_reference}."}],
    }
    events = [
        BotUttered("[NAME]'s pause and think it through together.", {}, {"utter_action": "utter_reflection_intro"}),
        BotUttered("Your case reference is P-[ID].", {}, {"utter_action": "utter_case_recorded"}),
        BotUttered("What next?", {"buttons": [{"title": "I'm safe, [NAME]'s carry on", "payload": "/affirm"}]},
                   {"utter_action": "utter_crisis_next"}),
    ]
    assert history_messages(events, responses) == [
        {"from": "bot", "text": "Let's pause and think it through together."},
        {"from": "bot", "text": "Your case reference is P-[ID]."},
        {"from": "bot", "text": "What next?", "buttons": [{"title": "I'm safe, let's carry on", "payload": "/affirm"}]},
    ]
