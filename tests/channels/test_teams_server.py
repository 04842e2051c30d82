"""Teams end to end: a real Pause, real Activity JSON on its webhook, replies caught by the stub.

The Bot Framework stub plays Microsoft (keys, tokens, the Bot Connector) on loopback, so the
whole path runs offline: Teams posts an activity, Pause verifies it, answers, fetches its own
access token and posts the reply to the conversation.
"""
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests
import yaml

from bot.channels.teams_activities import conversation_key
from tests.support.bot_framework_stub import BotFrameworkStub, message_activity, new_key
from tests.support.servers import API_TOKEN, Servers, running_pause

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[2]


def responses() -> Dict[str, Any]:
    return yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


@dataclass
class TeamsPause:
    servers: Servers
    stub: BotFrameworkStub
    requests_at_start: Dict[str, int]

    @property
    def webhook(self) -> str:
        return f"{self.servers.rasa_url}/webhooks/botframework/webhook"

    def post(self, activity: Dict[str, Any], authorization=None) -> requests.Response:
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        return requests.post(self.webhook, data=json.dumps(activity), headers=headers, timeout=90)

    def user_turns(self, activity: Dict[str, Any]) -> List[str]:
        sender = conversation_key(activity, self.stub.app_password)
        tracker = requests.get(
            f"{self.servers.rasa_url}/conversations/{sender}/tracker",
            params={"token": API_TOKEN}, timeout=30,
        ).json()
        return [e.get("text") for e in tracker.get("events") or [] if e["event"] == "user"]

    def bot_texts(self, activity: Dict[str, Any]) -> List[str]:
        sender = conversation_key(activity, self.stub.app_password)
        tracker = requests.get(
            f"{self.servers.rasa_url}/conversations/{sender}/tracker",
            params={"token": API_TOKEN}, timeout=30,
        ).json()
        return [e.get("text") for e in tracker["events"] if e["event"] == "bot"]


@pytest.fixture(scope="module")
def teams(tmp_path_factory):
    with BotFrameworkStub() as stub:
        with running_pause(tmp_path_factory.mktemp("teams"), extra_env=stub.settings_env()) as servers:
            yield TeamsPause(servers, stub, dict(stub.requests))


@pytest.fixture
def stub(teams):
    teams.stub.clear()
    return teams.stub


def test_nothing_is_fetched_from_microsoft_while_the_server_starts(teams):
    assert teams.requests_at_start == {}


def test_a_signed_hello_gets_the_bots_reply_delivered_to_the_conversation(teams, stub):
    activity = message_activity(stub, "hello", user="manager-hello")
    answer = teams.post(activity, stub.authorization())
    assert answer.status_code == 200

    greeting, choices = stub.wait_for_activities(2)
    assert greeting.body["text"] == responses()["utter_greet"][0]["text"]
    for reply in (greeting, choices):
        assert reply.conversation_id == activity["conversation"]["id"]
        assert reply.reply_to_id == activity["id"]
        assert reply.authorized
        assert reply.authorization == f"Bearer {stub.issued_tokens[-1]}"
        assert reply.body["from"] == activity["recipient"]
        assert reply.body["recipient"] == {"id": activity["from"]["id"]}
    # What Teams received is what the bot said in its tracker.
    assert teams.bot_texts(activity)[0] == greeting.body["text"]
    # The bot fetched Microsoft's keys and its own token once each, only now.
    assert stub.requests["metadata"] <= 1 and stub.requests["token"] <= 1


def test_buttons_arrive_as_a_hero_card_and_a_click_sends_the_payload(teams, stub):
    activity = message_activity(stub, "hello", user="manager-buttons")
    assert teams.post(activity, stub.authorization()).status_code == 200
    _, choices = stub.wait_for_activities(2)
    expected = responses()["utter_how_can_i_help"][0]
    [card] = choices.body["attachments"]
    assert card["contentType"] == "application/vnd.microsoft.card.hero"
    assert card["content"]["text"] == expected["text"]
    assert card["content"]["buttons"] == [
        {"type": "messageBack", "title": b["title"], "displayText": b["title"],
         "text": b["payload"], "value": {"payload": b["payload"]}}
        for b in expected["buttons"]
    ]

    # Clicking "I have a concern about someone": Teams posts the action's text as the message.
    stub.clear()
    concern = card["content"]["buttons"][0]
    click = message_activity(
        stub, concern["text"], user="manager-buttons", value=concern["value"]
    )
    assert teams.post(click, stub.authorization()).status_code == 200
    assert teams.user_turns(click)[-1] == "/raise_concern"
    # The reflection starts and asks the kind of concern: ten buttons, on two cards of six and four.
    replies = list(stub.received)
    assert replies and all(r.authorized for r in replies)
    [question] = [r for r in replies if r.body.get("attachments")]
    cards = question.body["attachments"]
    assert [len(c["content"]["buttons"]) for c in cards] == [6, 4]
    asked = responses()["utter_ask_concern_type"][0]
    assert cards[0]["content"]["text"] == asked["text"]
    assert [b["text"] for c in cards for b in c["content"]["buttons"]] == [
        b["payload"] for b in asked["buttons"]
    ]


def test_the_bot_mention_in_a_team_chat_is_not_part_of_the_message(teams, stub):
    activity = message_activity(
        stub, "<at>Pause</at> hello", user="manager-mention",
        conversation={"conversationType": "channel", "id": "19:team-thread@thread.tacv2;messageid=17"},
        entities=[{"type": "mention", "text": "<at>Pause</at>",
                   "mentioned": {"id": f"28:{stub.app_id}", "name": "Pause"}}],
    )
    assert teams.post(activity, stub.authorization()).status_code == 200
    replies = stub.wait_for_activities(2)
    assert teams.user_turns(activity) == ["hello"]
    assert {r.conversation_id for r in replies} == {"19:team-thread@thread.tacv2;messageid=17"}


REFUSED = {
    "unsigned": lambda stub: None,
    "signed with another key": lambda stub: stub.authorization(key=new_key()),
    "for another bot": lambda stub: stub.authorization(audience="11111111-2222-4333-8444-555555555555"),
    "expired": lambda stub: stub.authorization(expires_in=-3600),
    "from another issuer": lambda stub: stub.authorization(issuer="https://sts.attacker.example"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_request_that_is_not_from_microsoft_gets_401_and_produces_nothing(teams, stub, case):
    activity = message_activity(stub, "hello", user=f"attacker-{case}")
    answer = teams.post(activity, REFUSED[case](stub))
    assert answer.status_code == 401
    assert answer.json() == {"error": "unauthorized"}
    assert teams.user_turns(activity) == []
    assert stub.received == [] and stub.requests["token"] == 0


def test_a_genuine_token_replayed_with_another_service_url_gets_401_and_sends_nothing(teams, stub):
    activity = message_activity(
        stub, "hello", user="attacker-replay", service_url="http://127.0.0.1:9/attacker/"
    )
    answer = teams.post(activity, stub.authorization())
    assert answer.status_code == 401
    assert teams.user_turns(activity) == []
    assert stub.received == [] and stub.requests["token"] == 0


def test_without_teams_settings_the_server_starts_offline_and_the_webhook_says_503(tmp_path):
    with BotFrameworkStub() as stub:
        env = {
            "PAUSE_TEAMS_APP_ID": "",
            "PAUSE_TEAMS_APP_PASSWORD": "",
            # Pointed at the stub, so any attempt to fetch would be seen.
            "PAUSE_TEAMS_OPENID_URL": stub.openid_url,
            "PAUSE_TEAMS_TOKEN_URL": stub.token_url,
        }
        with running_pause(tmp_path, extra_env=env) as servers:
            webhook = f"{servers.rasa_url}/webhooks/botframework/webhook"
            activity = message_activity(stub, "hello")
            answer = requests.post(
                webhook, data=json.dumps(activity),
                headers={"Authorization": stub.authorization(), "Content-Type": "application/json"},
                timeout=30,
            )
            status = requests.get(f"{servers.rasa_url}/webhooks/botframework/", timeout=30)
            time.sleep(0.5)
            log = b"".join(p.read_bytes() for p in Path(servers.log_dir).glob("rasa-*.log")).decode()
        assert answer.status_code == 503
        assert "PAUSE_TEAMS_APP_ID" in answer.json()["error"]
        assert status.json() == {"status": "not configured"}
        assert sum(stub.requests.values()) == 0 and stub.received == []
        assert log.count("Microsoft Teams channel off") == 1
