"""The web widget channel over real HTTP: page, files, headers, CORS, webhook, history, limits.

A real Rasa HTTP server (Rasa's own app factory, Sanic, sanic-cors) runs the channel with a
scripted agent and the real domain, so no trained model is needed. The widget in a browser is
tested in tests/browser/.
"""
import re
import uuid
from html.parser import HTMLParser

import pytest
import requests
import yaml

from tests.channels.protection_server import REPO, running_stub

BURST = 5
MAX_BYTES = 4096
INTRANET = "https://intranet.example.nhs.uk"
RASA_CORS_ORIGIN = "https://other.example.org"
STATIC = REPO / "components" / "channels" / "web_static"
RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    env = {
        "PAUSE_RATE_LIMIT_BURST": str(BURST),
        "PAUSE_RATE_LIMIT_PER_MINUTE": "6",
        "PAUSE_MAX_REQUEST_BYTES": str(MAX_BYTES),
        "PAUSE_TURN_TIMEOUT_SECONDS": "1.5",
        "PAUSE_WEB_ALLOWED_ORIGINS": INTRANET,
        "PAUSE_WEB_FRAME_ANCESTORS": f"'self' {INTRANET}",
        # Rasa's own server-wide CORS list (rasa run --cors) must not open the widget's routes.
        "STUB_CORS": RASA_CORS_ORIGIN,
    }
    with running_stub(tmp_path_factory.mktemp("web"), env) as url:
        yield url


def web(server, path=""):
    return f"{server}/webhooks/web/{path}"


def client_id():
    return uuid.uuid4().hex


def say(server, sender, message, **kwargs):
    return requests.post(web(server, "webhook"), json={"sender": sender, "message": message}, timeout=30, **kwargs)


def assert_security_headers(reply):
    policy = reply.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    assert policy.endswith(f"frame-ancestors 'self' {INTRANET}")
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["Referrer-Policy"] == "no-referrer"


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


# Page and files


def test_the_demo_page_is_served_with_security_headers(server):
    reply = requests.get(web(server), timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert_security_headers(reply)
    parser = Tags()
    parser.feed(reply.text)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts == [{"src": "widget.js", "defer": None}], "one script, from this server, none inline"
    assert not any("style" in attrs or any(a.startswith("on") for a in attrs) for _, attrs in parser.tags)
    assert ("div", {"data-pause-chat": None}) in parser.tags
    assert ("html", {"lang": "en-GB"}) in parser.tags


def test_the_page_address_without_a_slash_redirects_to_it(server):
    reply = requests.get(f"{server}/webhooks/web", timeout=10, allow_redirects=False)
    assert reply.status_code == 301
    assert requests.get(f"{server}/webhooks/web", timeout=10).url == web(server)


@pytest.mark.parametrize(
    "name, content_type",
    [("widget.js", "text/javascript"), ("widget.css", "text/css"), ("favicon.svg", "image/svg+xml")],
)
def test_the_widget_files_are_served_from_the_channel(server, name, content_type):
    reply = requests.get(web(server, name), timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Content-Type"].startswith(content_type)
    assert reply.content == (STATIC / name).read_bytes()
    assert_security_headers(reply)
    again = requests.get(web(server, name), headers={"If-None-Match": reply.headers["ETag"]}, timeout=10)
    assert again.status_code == 304


def test_other_file_names_are_not_served(server):
    assert requests.get(web(server, "index.html.bak"), timeout=10).status_code == 404
    assert requests.get(web(server, "..%2F..%2Fweb.py"), timeout=10).status_code == 404


def test_the_widget_loads_nothing_from_elsewhere():
    for name in ("index.html", "widget.css", "widget.js"):
        text = (STATIC / name).read_text()
        assert not re.search(r"https?://[\w-]+\.[\w.-]+", text), f"{name} refers to another server"
        assert "@import" not in text and "@font-face" not in text
    js = (STATIC / "widget.js").read_text()
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    assert "eval(" not in js


# Messages


def test_a_message_is_answered_like_the_rest_channel(server):
    sender = client_id()
    reply = say(server, sender, "hello")
    assert reply.status_code == 200
    assert reply.json() == [{"recipient_id": f"web-{sender}", "text": "echo: hello"}]
    assert reply.headers["Cache-Control"] == "no-store"
    assert_security_headers(reply)


@pytest.mark.parametrize("sender", ["short", "has spaces in it here", "../../../etc/passwd-xxxxxx", 42, ""])
def test_a_sender_that_is_not_a_widget_id_is_refused(server, sender):
    reply = say(server, sender, "hello")
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_sender"


def test_malformed_json_gets_400(server):
    reply = requests.post(web(server, "webhook"), data=b"{oops", timeout=10)
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_json"


def test_a_body_over_the_size_limit_gets_413(server):
    reply = say(server, client_id(), "a" * (MAX_BYTES + 10))
    assert reply.status_code == 413
    assert reply.json()["error"] == "request_too_large"


def test_a_sender_over_the_rate_limit_gets_429_and_a_polite_reply(server):
    sender = client_id()
    assert [say(server, sender, "hi").status_code for _ in range(BURST)] == [200] * BURST
    limited = say(server, sender, "hi")
    assert limited.status_code == 429
    assert limited.json()[0]["text"] == RESPONSES["utter_slow_down"][0]["text"]


@pytest.mark.parametrize("message", ["silence", "fail", "slow"])
def test_a_turn_without_an_answer_gets_the_technical_problem_response(server, message):
    reply = say(server, client_id(), message)
    assert reply.status_code == 200
    assert [m["text"] for m in reply.json()] == [RESPONSES["utter_technical_problem"][0]["text"]]


# History


def test_the_history_restores_the_conversation_without_caching(server):
    sender = client_id()
    say(server, sender, "buttons")
    say(server, sender, "/affirm")
    say(server, sender, "buttons")
    reply = requests.get(web(server, "history"), params={"sender": sender}, timeout=10)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    body = reply.json()
    assert body["max_message_chars"] == 5000
    assert body["messages"] == [
        {"from": "user", "text": "buttons"},
        {"from": "bot", "text": "Is that right?"},
        {"from": "user", "text": "Yes"},
        {"from": "bot", "text": "echo: /affirm"},
        {"from": "user", "text": "buttons"},
        {"from": "bot", "text": "Is that right?", "buttons": [
            {"title": "Yes", "payload": "/affirm"}, {"title": "Not sure", "payload": "/unsure"}]},
    ]


def test_an_unknown_conversation_has_an_empty_history(server):
    reply = requests.get(web(server, "history"), params={"sender": client_id()}, timeout=10)
    assert reply.json()["messages"] == []


def test_the_history_never_reads_a_conversation_of_another_channel(server):
    sender = client_id()
    requests.post(f"{server}/webhooks/rest/webhook", json={"sender": sender, "message": "private"}, timeout=10)
    reply = requests.get(web(server, "history"), params={"sender": sender}, timeout=10)
    assert reply.json()["messages"] == []


@pytest.mark.parametrize("params", [{}, {"sender": "short"}, {"sender": "x" * 200}])
def test_the_history_needs_a_widget_id(server, params):
    reply = requests.get(web(server, "history"), params=params, timeout=10)
    assert reply.status_code == 400
    assert reply.json()["error"] == "invalid_sender"


# Cross-origin use


def test_an_allowed_intranet_origin_may_call_the_widget_endpoints(server):
    preflight = requests.options(
        web(server, "webhook"),
        headers={"Origin": INTRANET, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
        timeout=10,
    )
    assert preflight.headers["Access-Control-Allow-Origin"] == INTRANET
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()
    reply = say(server, client_id(), "hello", headers={"Origin": INTRANET})
    assert reply.status_code == 200
    assert reply.headers["Access-Control-Allow-Origin"] == INTRANET
    assert "Access-Control-Allow-Credentials" not in reply.headers
    assert "Origin" in reply.headers["Vary"]


@pytest.mark.parametrize("origin", ["https://evil.example.com", RASA_CORS_ORIGIN, "null"])
def test_any_other_origin_is_refused(server, origin):
    preflight = requests.options(
        web(server, "webhook"), headers={"Origin": origin, "Access-Control-Request-Method": "POST"}, timeout=10
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers
    reply = say(server, client_id(), "hello", headers={"Origin": origin})
    assert reply.status_code == 403
    assert reply.json()["error"] == "origin_not_allowed"
    assert "Access-Control-Allow-Origin" not in reply.headers
    history = requests.get(web(server, "history"), params={"sender": client_id()}, headers={"Origin": origin}, timeout=10)
    assert history.status_code == 403


def test_the_page_own_origin_is_allowed(server):
    reply = say(server, client_id(), "hello", headers={"Origin": server})
    assert reply.status_code == 200
