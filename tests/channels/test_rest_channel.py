"""The protected REST channel over real HTTP: Rasa's contract kept, bad requests refused clearly.

A real Rasa HTTP server (Rasa's own app factory, Sanic, sanic-cors) runs the channel with a
scripted agent and the real domain, so no trained model is needed.
"""
import pytest
import requests
import yaml

from tests.channels.protection_server import REPO, running_stub

BURST = 5
MAX_BYTES = 4096
RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


def domain_text(name):
    return RESPONSES[name][0]["text"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {
        "PAUSE_RATE_LIMIT_BURST": str(BURST),
        "PAUSE_RATE_LIMIT_PER_MINUTE": "6",
        "PAUSE_MAX_REQUEST_BYTES": str(MAX_BYTES),
        "PAUSE_TURN_TIMEOUT_SECONDS": "1.5",
        "STUB_SLOW_SECONDS": "4",
    }
    with running_stub(tmp_path_factory.mktemp("rest"), env) as url:
        yield url


def post(server, body, **kwargs):
    data = body if isinstance(body, (bytes, str)) else None
    json_body = None if data is not None else body
    return requests.post(f"{server}/webhooks/rest/webhook", data=data, json=json_body, timeout=30, **kwargs)


def test_the_rest_contract_is_kept(server):
    assert requests.get(f"{server}/webhooks/rest/", timeout=10).json() == {"status": "ok"}
    reply = post(server, {"sender": "contract", "message": "hello"})
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": "contract", "text": "echo: hello"}]
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Cache-Control"] == "no-store"


def test_buttons_come_back_with_title_and_payload(server):
    reply = post(server, {"sender": "buttons", "message": "buttons"}).json()
    assert reply[0]["buttons"] == [{"title": "Yes", "payload": "/affirm"}, {"title": "Not sure", "payload": "/unsure"}]


@pytest.mark.parametrize(
    "body, code",
    [
        ("{not json", "invalid_json"),
        ("", "invalid_json"),
        ('["sender", "message"]', "invalid_payload"),
        ('{"message": "hello"}', "invalid_sender"),
        ('{"sender": "x", "message": 5}', "invalid_message"),
        ('{"sender": "x", "message": "hi", "metadata": []}', "invalid_metadata"),
    ],
)
def test_malformed_json_and_unknown_shapes_get_400_with_a_reason(server, body, code):
    reply = post(server, body.encode(), headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.json()["error"] == code
    assert reply.json()["message"]


def test_streaming_is_refused_clearly(server):
    reply = requests.post(
        f"{server}/webhooks/rest/webhook?stream=true", json={"sender": "s", "message": "hi"}, timeout=10
    )
    assert reply.status_code == 400
    assert reply.json()["error"] == "stream_not_supported"


def test_a_body_over_the_size_limit_gets_413(server):
    reply = post(server, {"sender": "big", "message": "a" * (MAX_BYTES + 10)})
    assert reply.status_code == 413
    assert reply.json()["error"] == "request_too_large"
    assert post(server, {"sender": "big", "message": "a" * (MAX_BYTES - 100)}).status_code == 200


def test_a_sender_over_the_rate_limit_is_asked_to_slow_down(server):
    statuses = [post(server, {"sender": "flood", "message": "hi"}).status_code for _ in range(BURST)]
    assert statuses == [200] * BURST
    limited = post(server, {"sender": "flood", "message": "hi"})
    assert limited.status_code == 429
    assert limited.json() == [{"recipient_id": "flood", "text": domain_text("utter_slow_down")}]
    assert int(limited.headers["Retry-After"]) >= 1
    assert post(server, {"sender": "someone-else", "message": "hi"}).status_code == 200


@pytest.mark.parametrize("message", ["silence", "fail", "slow"])
def test_a_turn_without_an_answer_gets_the_technical_problem_response(server, message):
    reply = post(server, {"sender": f"never-silent-{message}", "message": message})
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": f"never-silent-{message}", "text": domain_text("utter_technical_problem")}]
