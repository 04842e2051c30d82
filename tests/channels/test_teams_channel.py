"""The Teams channel's webhook handling and replies, against a local stand-in for Microsoft.

No Rasa server here: the channel's handler is called with the bytes a request would carry and a
collector in place of the bot, and replies really travel over HTTP to the stub.
"""
import ast
import asyncio
import json
from pathlib import Path

import pytest
import requests

import bot.channels.teams_tokens as teams_tokens
import components.channels.teams as teams
from bot.channels.teams_activities import conversation_key, hero_cards, message_text
from bot.channels.teams_tokens import AccessTokens, HttpClient
from components.channels.protection import FALLBACK_TEXT
from components.channels.teams import NOT_CONFIGURED_MESSAGE, TeamsInput, TeamsOutput
from bot.settings import get_settings
from tests.support.bot_framework_stub import BotFrameworkStub, message_activity, new_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Bot:
    """Stands in for Rasa: keeps every message it is handed and answers with its replies."""

    def __init__(self, *replies, fails: bool = False) -> None:
        self.messages = []
        self.replies = replies
        self.fails = fails

    async def __call__(self, message) -> None:
        self.messages.append(message)
        for reply in self.replies:
            if isinstance(reply, str):
                await message.output_channel.send_text_message(message.sender_id, reply)
            else:
                await message.output_channel.send_text_with_buttons(message.sender_id, *reply)
        if self.fails:
            raise RuntimeError("the turn failed")


@pytest.fixture
def stub():
    with BotFrameworkStub() as running:
        yield running


@pytest.fixture
async def channel(stub):
    teams_input = TeamsInput(
        stub.app_id, stub.app_password,
        openid_url=stub.openid_url, token_url=stub.token_url, issuer=stub.issuer,
    )
    yield teams_input
    await teams_input.http.close()


def body(activity) -> bytes:
    return json.dumps(activity).encode()


async def test_a_genuine_message_reaches_the_bot_and_its_reply_reaches_teams(stub, channel):
    bot = Bot("Hello, I'm Pause.")
    activity = message_activity(stub, "hello", conversation_id="a:1xYz;messageid=42")
    answer = await channel.handle(stub.authorization(), body(activity), bot)
    assert answer.status == 200
    [message] = bot.messages
    assert message.text == "hello"
    assert message.input_channel == "botframework"
    assert message.sender_id == conversation_key(activity, stub.app_password)

    [reply] = stub.wait_for_activities(1)
    assert len(stub.received) == 1
    assert reply.conversation_id == "a:1xYz;messageid=42"
    assert reply.reply_to_id == activity["id"]
    assert reply.authorized and reply.authorization == f"Bearer {stub.issued_tokens[0]}"
    assert reply.body["type"] == "message"
    assert reply.body["text"] == "Hello, I'm Pause."
    assert reply.body["from"] == activity["recipient"]
    assert reply.body["recipient"] == {"id": activity["from"]["id"]}
    assert reply.body["replyToId"] == activity["id"]


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer not-a-token",
        "forged",
        "wrong audience",
        "expired",
    ],
)
async def test_a_refused_request_gets_401_and_reaches_nothing(stub, channel, authorization):
    forged = {
        "forged": lambda: stub.authorization(key=new_key()),
        "wrong audience": lambda: stub.authorization(audience="11111111-2222-4333-8444-555555555555"),
        "expired": lambda: stub.authorization(expires_in=-3600),
    }
    header = forged[authorization]() if authorization in forged else authorization
    bot = Bot()
    answer = await channel.handle(header, body(message_activity(stub, "hello")), bot)
    assert answer.status == 401
    assert json.loads(answer.body) == {"error": "unauthorized"}
    assert bot.messages == []
    assert stub.requests["token"] == 0 and stub.requests["activities"] == 0


async def test_a_token_for_another_service_url_reaches_nothing(stub, channel):
    bot = Bot()
    activity = message_activity(stub, "hello", service_url="https://attacker.example/")
    answer = await channel.handle(stub.authorization(), body(activity), bot)
    assert answer.status == 401
    assert bot.messages == [] and stub.requests["activities"] == 0


async def test_a_body_that_is_not_an_activity_is_refused(stub, channel):
    bot = Bot()
    answer = await channel.handle(stub.authorization(), b"not json", bot)
    assert answer.status == 401
    assert bot.messages == []


async def test_other_activities_are_acknowledged_but_not_handed_to_the_bot(stub, channel):
    bot = Bot()
    update = message_activity(stub, "", type="conversationUpdate")
    answer = await channel.handle(stub.authorization(), body(update), bot)
    assert answer.status == 200
    assert bot.messages == []


async def test_an_unconfigured_channel_answers_503_and_fetches_nothing(stub):
    channel = TeamsInput(None, None, openid_url=stub.openid_url, token_url=stub.token_url)
    bot = Bot()
    answer = await channel.handle(stub.authorization(), body(message_activity(stub, "hello")), bot)
    assert answer.status == 503
    assert json.loads(answer.body) == {"status": "not configured", "error": NOT_CONFIGURED_MESSAGE}
    assert bot.messages == [] and sum(stub.requests.values()) == 0


@pytest.mark.parametrize("bot", [Bot(), Bot(fails=True), Bot("Half an answer", fails=True)])
async def test_a_turn_that_fails_or_says_nothing_gets_an_apology_never_silence(stub, channel, bot):
    answer = await channel.handle(stub.authorization(), body(message_activity(stub, "hello")), bot)
    assert answer.status == 200
    replies = stub.received
    assert replies[-1].body["text"] == FALLBACK_TEXT
    assert [r.body["text"] for r in replies].count(FALLBACK_TEXT) == 1


def test_the_channel_is_built_from_the_environment(monkeypatch, stub):
    for name, value in stub.settings_env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        channel = TeamsInput.from_credentials(None)
        assert channel.configured and channel.app_id == stub.app_id
        assert channel.authenticator.keys.openid_url == stub.openid_url
        assert channel.tokens.token_url == stub.token_url
        assert channel.name() == "botframework"
    finally:
        get_settings.cache_clear()


def test_without_settings_the_channel_is_off_and_logs_how_to_turn_it_on(monkeypatch, caplog):
    for name in ("PAUSE_TEAMS_APP_ID", "PAUSE_TEAMS_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    try:
        with caplog.at_level("INFO", logger="components.channels.teams"):
            channel = TeamsInput.from_credentials(None)
    finally:
        get_settings.cache_clear()
    assert not channel.configured
    [record] = [r for r in caplog.records if r.name == "components.channels.teams"]
    assert "PAUSE_TEAMS_APP_ID" in record.getMessage() and "503" in record.getMessage()


def output_for(stub, channel, activity):
    return TeamsOutput(
        stub.app_id, stub.app_password, activity["conversation"], activity["recipient"],
        activity["serviceUrl"], channel.tokens, channel.http, reply_to_id=activity["id"],
    )


async def test_buttons_arrive_as_a_hero_card_whose_clicks_send_the_payload(stub, channel):
    activity = message_activity(stub, "hello")
    output = output_for(stub, channel, activity)
    buttons = [
        {"title": "Yes", "payload": "/affirm"},
        {"title": "Not sure", "payload": "/unsure"},
    ]
    await output.send_text_with_buttons("user", "Is anyone in danger?", buttons)
    [reply] = stub.wait_for_activities(1)
    [card] = reply.body["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert card["content"]["text"] == "Is anyone in danger?"
    assert card["content"]["buttons"] == [
        {"type": "messageBack", "title": "Yes", "displayText": "Yes", "text": "/affirm",
         "value": {"payload": "/affirm"}},
        {"type": "messageBack", "title": "Not sure", "displayText": "Not sure", "text": "/unsure",
         "value": {"payload": "/unsure"}},
    ]


def test_long_button_lists_continue_on_further_cards():
    buttons = [{"title": f"Option {n}", "payload": f"/choose{n}"} for n in range(10)]
    first, second = hero_cards("Which kind of concern?", buttons)
    assert first["content"]["text"] == "Which kind of concern?"
    assert [b["title"] for b in first["content"]["buttons"]] == [f"Option {n}" for n in range(6)]
    assert "text" not in second["content"]
    assert [b["text"] for b in second["content"]["buttons"]] == [f"/choose{n}" for n in range(6, 10)]


async def test_every_line_break_survives_teams_markdown(stub, channel):
    output = output_for(stub, channel, message_activity(stub, "hello"))
    await output.send_text_message("user", "Case P-7K3Q-9MXD\nConcern: conduct\n\nKeep this summary.")
    [reply] = stub.wait_for_activities(1)
    assert reply.body["text"] == "Case P-7K3Q-9MXD\n\nConcern: conduct\n\nKeep this summary."
    assert reply.body["textFormat"] == "markdown"
    [card] = hero_cards("Line one\nline two", [{"title": "OK", "payload": "/affirm"}])
    assert card["content"]["text"] == "Line one\n\nline two"


def test_a_link_button_opens_the_link():
    [card] = hero_cards("Read more", [{"title": "Guide", "url": "https://www.example.org/guide"}])
    assert card["content"]["buttons"] == [
        {"type": "openUrl", "title": "Guide", "value": "https://www.example.org/guide"}
    ]


async def test_a_click_on_a_button_comes_back_as_its_payload(stub, channel):
    bot = Bot()
    click = message_activity(stub, "/affirm", value={"payload": "/affirm"})
    await channel.handle(stub.authorization(), body(click), bot)
    assert [m.text for m in bot.messages] == ["/affirm"]


def test_the_bot_mention_in_a_team_chat_is_removed():
    activity = {
        "text": "<at>Pause</at>&nbsp;I have a concern about <at>Sam</at>",
        "recipient": {"id": "28:bot"},
        "entities": [
            {"type": "mention", "text": "<at>Pause</at>", "mentioned": {"id": "28:bot", "name": "Pause"}},
            {"type": "mention", "text": "<at>Sam</at>", "mentioned": {"id": "29:sam", "name": "Sam"}},
        ],
    }
    assert message_text(activity) == "I have a concern about Sam"


def test_a_message_without_text_uses_a_button_payload():
    assert message_text({"text": "", "value": {"payload": "/deny"}}) == "/deny"
    assert message_text({"attachments": []}) == ""


def test_conversations_are_keyed_by_the_teams_user_without_storing_their_ids():
    first = {"from": {"id": "29:1abc", "aadObjectId": "6d3c6bd0-aaaa-4bbb-8ccc-1234567890ab"}}
    same_user_other_chat = {"from": {"id": "29:1other", "aadObjectId": first["from"]["aadObjectId"]}}
    other_user = {"from": {"id": "29:1abc", "aadObjectId": "0f0f0f0f-aaaa-4bbb-8ccc-1234567890ab"}}
    key = conversation_key(first, "secret")
    assert key == conversation_key(same_user_other_chat, "secret")
    assert key != conversation_key(other_user, "secret")
    assert key.startswith("teams-") and "6d3c6bd0" not in key
    assert conversation_key({"from": {"id": "29:1abc"}}, "secret") != key


async def test_the_access_token_is_fetched_once_and_reused(stub, channel):
    activity = message_activity(stub, "hello")
    output = output_for(stub, channel, activity)
    await asyncio.gather(*[output.send_text_message("user", f"Reply {n}") for n in range(5)])
    await output.send_text_message("user", "One more")
    replies = stub.wait_for_activities(6)
    assert stub.requests["token"] == 1
    assert {r.authorization for r in replies} == {f"Bearer {stub.issued_tokens[0]}"}


async def test_the_access_token_is_renewed_before_it_expires(stub):
    clock = Clock()
    http = HttpClient()
    tokens = AccessTokens(stub.token_url, stub.app_id, stub.app_password, http, clock=clock)
    try:
        first = await tokens.bearer()
        clock.now += 3600 - 600
        assert await tokens.bearer() == first
        clock.now += 400
        assert await tokens.bearer() != first
        assert stub.requests["token"] == 2
    finally:
        await http.close()


async def test_a_refused_access_token_is_replaced_and_the_reply_sent_again(stub, channel):
    output = output_for(stub, channel, message_activity(stub, "hello"))
    await output.send_text_message("user", "First")
    stub.revoke_tokens()
    await output.send_text_message("user", "Second")
    replies = stub.wait_for_activities(3)
    assert [(r.body["text"], r.authorized) for r in replies] == [
        ("First", True), ("Second", False), ("Second", True)
    ]
    assert stub.requests["token"] == 2


async def test_a_wrong_app_password_sends_nothing_and_says_why(stub, caplog):
    channel = TeamsInput(
        stub.app_id, "not the password",
        openid_url=stub.openid_url, token_url=stub.token_url, issuer=stub.issuer,
    )
    try:
        output = output_for(stub, channel, message_activity(stub, "hello"))
        with caplog.at_level("ERROR", logger="components.channels.teams"):
            await output.send_text_message("user", "Hello")
    finally:
        await channel.http.close()
    assert stub.requests["activities"] == 0
    assert any("token service" in r.getMessage() for r in caplog.records)


async def test_no_blocking_requests_call_is_made_on_the_whole_path(stub, channel, monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a blocking requests call was made inside the event loop")

    monkeypatch.setattr(requests.Session, "request", forbidden)
    bot = Bot(("Pick one", [{"title": "Yes", "payload": "/affirm"}]))
    activity = message_activity(stub, "hello")
    assert (await channel.handle(stub.authorization(), body(activity), bot)).status == 200
    [reply] = stub.wait_for_activities(1)
    assert reply.authorized and reply.body["attachments"][0]["content"]["text"] == "Pick one"


@pytest.mark.parametrize("module", [teams, teams_tokens])
def test_the_modules_do_not_use_requests(module):
    tree = ast.parse(Path(module.__file__).read_text())
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    assert "requests" not in imported
    assert "aiohttp" in imported


def test_the_stock_blocking_key_fetch_cannot_be_reached(stub):
    channel = TeamsInput(stub.app_id, stub.app_password, openid_url=stub.openid_url)
    with pytest.raises(NotImplementedError):
        channel._update_cached_jwk_keys()
    with pytest.raises(NotImplementedError):
        channel._validate_auth("Bearer x")
    assert sum(stub.requests.values()) == 0
