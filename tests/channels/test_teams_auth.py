"""Bot Framework token verification against a local stand-in for Microsoft's key service."""
import asyncio
import base64
import hashlib
import hmac
import json
import socket
import threading
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from bot.channels.teams_tokens import (
    CLOCK_SKEW_SECONDS,
    KEYS_MAX_AGE_SECONDS,
    RETRY_AFTER_FAILURE_SECONDS,
    UNKNOWN_KEY_REFRESH_SECONDS,
    AuthenticationError,
    BotFrameworkAuthenticator,
    HttpClient,
    SigningKeys,
)
from tests.support.bot_framework_stub import BotFrameworkStub, message_activity, new_key


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def stub():
    with BotFrameworkStub() as running:
        yield running


@pytest.fixture
async def http():
    client = HttpClient()
    yield client
    await client.close()


def make_authenticator(stub, http, clock=time.monotonic, openid_url=None):
    keys = SigningKeys(openid_url or stub.openid_url, http, clock=clock)
    return BotFrameworkAuthenticator(stub.app_id, stub.issuer, keys)


def signed_without(stub, claim):
    """A genuinely signed token that lacks one required claim."""
    payload = jwt.decode(stub.sign(), options={"verify_signature": False})
    del payload[claim]
    return jwt.encode(payload, stub.keys[stub.kid], algorithm="RS256", headers={"kid": stub.kid})


def unsigned_token(stub):
    """A token that says alg none, as in the classic forgery."""
    def part(data):
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    payload = jwt.decode(stub.sign(), options={"verify_signature": False})
    return f"{part({'alg': 'none', 'kid': stub.kid, 'typ': 'JWT'})}.{part(payload)}."


def hmac_token(stub):
    """A token signed HS256 with the public key as the secret (algorithm confusion)."""
    payload = jwt.decode(stub.sign(), options={"verify_signature": False})
    header = {"alg": "HS256", "kid": stub.kid, "typ": "JWT"}
    signing_input = (
        base64.urlsafe_b64encode(json.dumps(header).encode()).rstrip(b"=").decode()
        + "."
        + base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    )
    secret = stub.keys[stub.kid].public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(signature).rstrip(b"=").decode()


async def test_a_genuine_token_is_accepted_and_its_claims_returned(stub, http):
    authenticator = make_authenticator(stub, http)
    claims = await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    assert claims["aud"] == stub.app_id
    assert claims["iss"] == "https://api.botframework.com"
    assert claims["serviceUrl"] == stub.service_url


async def test_a_token_just_past_expiry_is_accepted_within_the_clock_skew(stub, http):
    authenticator = make_authenticator(stub, http)
    token = stub.authorization(expires_in=-(CLOCK_SKEW_SECONDS - 60))
    assert await authenticator.verify(token, message_activity(stub, "hello"))


async def test_a_trailing_slash_does_not_make_service_urls_differ(stub, http):
    authenticator = make_authenticator(stub, http)
    activity = message_activity(stub, "hello", service_url=stub.service_url.rstrip("/"))
    assert await authenticator.verify(stub.authorization(), activity)


FORGERIES = {
    "no Authorization header": lambda stub: None,
    "an empty Authorization header": lambda stub: "",
    "basic rather than bearer": lambda stub: "Basic dXNlcjpwYXNz",
    "a bearer that is not a token": lambda stub: "Bearer not-a-token",
    "signed with another key under the genuine key id": lambda stub: stub.authorization(key=new_key()),
    "signed with a key Microsoft never published": lambda stub: stub.authorization(
        key=new_key(), kid="attacker-key"
    ),
    "for another bot": lambda stub: stub.authorization(
        audience="0b5e8f0e-1111-4222-8333-444455556666"
    ),
    "from another issuer": lambda stub: stub.authorization(issuer="https://sts.attacker.example"),
    "expired": lambda stub: stub.authorization(expires_in=-(CLOCK_SKEW_SECONDS + 60)),
    "not yet valid": lambda stub: stub.authorization(
        claims={"nbf": int(time.time()) + CLOCK_SKEW_SECONDS + 600}
    ),
    "for an attacker's service URL": lambda stub: stub.authorization(
        service_url="https://attacker.example/"
    ),
    "without a service URL": lambda stub: stub.authorization(claims={"serviceUrl": None}),
    "without an expiry": lambda stub: "Bearer " + signed_without(stub, "exp"),
    "without an audience": lambda stub: "Bearer " + signed_without(stub, "aud"),
    "with alg none": lambda stub: "Bearer " + unsigned_token(stub),
    "signed HS256 with the public key": lambda stub: "Bearer " + hmac_token(stub),
}


@pytest.mark.parametrize("case", list(FORGERIES))
async def test_every_forged_or_misdirected_token_is_refused(stub, http, case):
    authenticator = make_authenticator(stub, http)
    with pytest.raises(AuthenticationError):
        await authenticator.verify(FORGERIES[case](stub), message_activity(stub, "hello"))


async def test_a_genuine_token_on_an_activity_pointing_elsewhere_is_refused(stub, http):
    authenticator = make_authenticator(stub, http)
    activity = message_activity(stub, "hello", service_url="https://attacker.example/")
    with pytest.raises(AuthenticationError, match="serviceUrl"):
        await authenticator.verify(stub.authorization(), activity)


async def test_a_key_is_only_trusted_for_the_channels_it_is_endorsed_for(stub, http):
    authenticator = make_authenticator(stub, http)
    activity = message_activity(stub, "hello", channelId="webchat")
    with pytest.raises(AuthenticationError, match="endorsed"):
        await authenticator.verify(stub.authorization(), activity)


async def test_nothing_is_fetched_until_a_token_needs_checking(stub, http):
    authenticator = make_authenticator(stub, http)
    with pytest.raises(AuthenticationError):
        await authenticator.verify(None, message_activity(stub, "hello"))
    with pytest.raises(AuthenticationError):
        await authenticator.verify("Bearer not-a-token", message_activity(stub, "hello"))
    assert sum(stub.requests.values()) == 0
    await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    assert stub.requests["metadata"] == 1 and stub.requests["keys"] == 1


async def test_keys_are_cached_between_requests(stub, http):
    authenticator = make_authenticator(stub, http)
    for _ in range(5):
        await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    assert stub.requests["metadata"] == 1 and stub.requests["keys"] == 1


async def test_concurrent_first_requests_fetch_the_keys_once(stub, http):
    authenticator = make_authenticator(stub, http)
    activity = message_activity(stub, "hello")
    results = await asyncio.gather(
        *[authenticator.verify(stub.authorization(), activity) for _ in range(20)]
    )
    assert len(results) == 20
    assert stub.requests["metadata"] == 1 and stub.requests["keys"] == 1


async def test_the_event_loop_keeps_running_while_keys_are_fetched(stub, http):
    """The loop must serve other work while the key service is slow to answer."""
    stub.hold_metadata = threading.Event()
    authenticator = make_authenticator(stub, http)
    verifying = asyncio.ensure_future(
        authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    )
    # This coroutine can only run here if the fetch is not blocking the loop.
    for _ in range(500):
        if stub.metadata_started.is_set():
            break
        await asyncio.sleep(0.01)
    seen_in_flight = stub.metadata_started.is_set() and not verifying.done()
    stub.hold_metadata.set()
    assert await verifying
    assert seen_in_flight


async def test_a_rotated_key_is_fetched_when_a_token_first_uses_it(stub, http):
    clock = Clock()
    authenticator = make_authenticator(stub, http, clock=clock)
    await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    stub.rotate_key()
    clock.now += UNKNOWN_KEY_REFRESH_SECONDS + 1
    await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    assert stub.requests["metadata"] == 2 and stub.requests["keys"] == 2


async def test_unknown_key_ids_cannot_make_every_request_call_microsoft(stub, http):
    clock = Clock()
    authenticator = make_authenticator(stub, http, clock=clock)
    await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    for number in range(5):
        forged = stub.authorization(key=new_key(), kid=f"made-up-{number}")
        with pytest.raises(AuthenticationError, match="unknown key"):
            await authenticator.verify(forged, message_activity(stub, "hello"))
    assert stub.requests["metadata"] == 1


async def test_keys_are_refreshed_after_a_day(stub, http):
    clock = Clock()
    authenticator = make_authenticator(stub, http, clock=clock)
    await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    clock.now += KEYS_MAX_AGE_SECONDS + 1
    await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    assert stub.requests["metadata"] == 2


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_an_unreachable_key_service_refuses_requests_and_is_retried_later(stub, http):
    clock = Clock()
    unreachable = f"http://127.0.0.1:{closed_port()}/v1/.well-known/openidconfiguration"
    keys = SigningKeys(unreachable, http, clock=clock)
    authenticator = BotFrameworkAuthenticator(stub.app_id, stub.issuer, keys)
    with pytest.raises(AuthenticationError, match="unknown key"):
        await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    # The service comes back: after the pause, the next request fetches and passes.
    keys.openid_url = stub.openid_url
    with pytest.raises(AuthenticationError):
        await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
    assert stub.requests["metadata"] == 0
    clock.now += RETRY_AFTER_FAILURE_SECONDS + 1
    assert await authenticator.verify(stub.authorization(), message_activity(stub, "hello"))
