"""Microsoft's side of the Bot Framework, played on loopback for tests.

One small HTTP server stands in for the OpenID metadata and signing keys (a freshly generated
RSA key), the token service (client credentials, checked against the app id and password) and
the Bot Connector's reply endpoint, which records every activity it receives. ``sign()`` makes
the tokens Microsoft would put on a request, and their forgeries.
"""
from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qs, unquote

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

APP_ID = "5a1f3c9e-2b7d-4e61-9c0a-8d2f6b4e1a37"
APP_PASSWORD = "stub-app-password-not-a-secret"
ISSUER = "https://api.botframework.com"
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
OPENID_PATH = "/v1/.well-known/openidconfiguration"
KEYS_PATH = "/v1/.well-known/keys"
TOKEN_PATH = "/botframework.com/oauth2/v2.0/token"


def new_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA signing key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class ReceivedActivity:
    """One activity the bot posted to the Bot Connector."""

    conversation_id: str
    reply_to_id: Optional[str]
    authorization: Optional[str]
    authorized: bool
    body: Dict[str, Any]


class BotFrameworkStub:
    """A running stand-in for Microsoft's endpoints; use as a context manager."""

    def __init__(
        self,
        app_id: str = APP_ID,
        app_password: str = APP_PASSWORD,
        issuer: str = ISSUER,
        endorsements: Optional[List[str]] = None,
    ) -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.issuer = issuer
        self.endorsements = ["msteams"] if endorsements is None else endorsements
        self.keys: Dict[str, rsa.RSAPrivateKey] = {"stub-key-1": new_key()}
        self.kid = "stub-key-1"
        self.token_lifetime = 3600
        # A test may hold the metadata answer until it sets this event (see metadata_started).
        self.hold_metadata: Optional[threading.Event] = None
        self.metadata_started = threading.Event()
        self.requests: Counter = Counter()
        self.received: List[ReceivedActivity] = []
        self.issued_tokens: List[str] = []
        self._lock = threading.Lock()
        self._server: Optional[ThreadingHTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # -- where it listens ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None, "the stub is not running"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def openid_url(self) -> str:
        return self.base_url + OPENID_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    @property
    def service_url(self) -> str:
        """The serviceUrl activities carry: replies go to /v3/conversations/... under it."""
        return self.base_url + "/"

    def settings_env(self) -> Dict[str, str]:
        """The environment that points Pause's Teams channel at this stub."""
        return {
            "PAUSE_TEAMS_APP_ID": self.app_id,
            "PAUSE_TEAMS_APP_PASSWORD": self.app_password,
            "PAUSE_TEAMS_OPENID_URL": self.openid_url,
            "PAUSE_TEAMS_TOKEN_URL": self.token_url,
            "PAUSE_TEAMS_ISSUER": self.issuer,
        }

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> "BotFrameworkStub":
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "BotFrameworkStub":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- tokens Microsoft would sign, and forgeries ----------------------------------------
    def sign(
        self,
        service_url: Optional[str] = None,
        audience: Optional[str] = None,
        issuer: Optional[str] = None,
        expires_in: int = 3600,
        key: Optional[rsa.RSAPrivateKey] = None,
        kid: Optional[str] = None,
        claims: Optional[Dict[str, Any]] = None,
    ) -> str:
        """A Bot Framework token; every argument left out takes the genuine value.

        Pass key= to sign with another key under the genuine kid (a forgery), a negative
        expires_in for an expired token, another audience or issuer for a misdirected one.
        """
        now = int(time.time())
        payload: Dict[str, Any] = {
            "serviceUrl": self.service_url if service_url is None else service_url,
            "nbf": now - 60,
            "exp": now + expires_in,
            "iss": self.issuer if issuer is None else issuer,
            "aud": self.app_id if audience is None else audience,
        }
        payload.update(claims or {})
        kid = self.kid if kid is None else kid
        signing_key = key if key is not None else self.keys[kid]
        return jwt.encode(payload, signing_key, algorithm="RS256", headers={"kid": kid})

    def authorization(self, **kwargs: Any) -> str:
        """An Authorization header value carrying sign(**kwargs)."""
        return f"Bearer {self.sign(**kwargs)}"

    def rotate_key(self) -> str:
        """Publish a new signing key beside the old one and sign with it from now on."""
        kid = f"stub-key-{len(self.keys) + 1}"
        with self._lock:
            self.keys[kid] = new_key()
            self.kid = kid
        return kid

    # -- what the bot sent ----------------------------------------------------------------
    def wait_for_activities(self, count: int, timeout: float = 30.0) -> List[ReceivedActivity]:
        """The first `count` activities received, waiting up to timeout for them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received[:count])
            time.sleep(0.05)
        with self._lock:
            raise AssertionError(
                f"expected {count} activities, the stub received {len(self.received)}: {self.received}"
            )

    def revoke_tokens(self) -> None:
        """Refuse every access token issued so far, as after a token expired early."""
        with self._lock:
            self.issued_tokens.clear()

    def clear(self) -> None:
        """Forget received activities and request counts (keys and tokens stay)."""
        with self._lock:
            self.received.clear()
            self.requests.clear()

    # -- what the endpoints answer -----------------------------------------------------------
    def _count(self, endpoint: str) -> None:
        with self._lock:
            self.requests[endpoint] += 1

    def _openid_document(self) -> Dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": "https://invalid.example/authorize",
            "jwks_uri": self.base_url + KEYS_PATH,
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        }

    def _key_set(self) -> Dict[str, Any]:
        with self._lock:
            keys = dict(self.keys)
        published = []
        for kid, private_key in keys.items():
            jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
            jwk.update({"kid": kid, "use": "sig", "endorsements": list(self.endorsements)})
            published.append(jwk)
        return {"keys": published}

    def _issue_token(self, form: Dict[str, str]) -> Optional[Dict[str, Any]]:
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_id") != self.app_id
            or form.get("client_secret") != self.app_password
            or form.get("scope") != CONNECTOR_SCOPE
        ):
            return None
        token = f"stub-access-{uuid.uuid4().hex}"
        with self._lock:
            self.issued_tokens.append(token)
        return {
            "token_type": "Bearer",
            "expires_in": self.token_lifetime,
            "ext_expires_in": self.token_lifetime,
            "access_token": token,
        }

    def _record(self, path: str, authorization: Optional[str], body: Dict[str, Any]) -> bool:
        parts = path.split("/")
        # /v3/conversations/{conversationId}/activities[/{activityId}]
        conversation_id = unquote(parts[3])
        reply_to_id = unquote(parts[5]) if len(parts) > 5 else None
        with self._lock:
            authorized = authorization is not None and authorization.startswith("Bearer ") and (
                authorization.split(" ", 1)[1] in self.issued_tokens
            )
            self.received.append(
                ReceivedActivity(conversation_id, reply_to_id, authorization, authorized, body)
            )
        return authorized


def _handler_for(stub: BotFrameworkStub) -> type:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet test output
            pass

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_GET(self) -> None:
            if self.path == OPENID_PATH:
                stub._count("metadata")
                stub.metadata_started.set()
                if stub.hold_metadata is not None:
                    stub.hold_metadata.wait(timeout=10)
                self._answer(200, stub._openid_document())
            elif self.path == KEYS_PATH:
                stub._count("keys")
                self._answer(200, stub._key_set())
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self) -> None:
            body = self._body()
            if self.path == TOKEN_PATH:
                stub._count("token")
                form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
                issued = stub._issue_token(form)
                if issued is None:
                    self._answer(401, {"error": "invalid_client"})
                else:
                    self._answer(200, issued)
            elif self.path.startswith("/v3/conversations/") and "/activities" in self.path:
                stub._count("activities")
                try:
                    activity = json.loads(body)
                except ValueError:
                    activity = {"unreadable": body.decode(errors="replace")}
                if stub._record(self.path, self.headers.get("Authorization"), activity):
                    self._answer(200, {"id": f"reply-{uuid.uuid4().hex[:8]}"})
                else:
                    self._answer(401, {"error": "unauthorized"})
            else:
                self._answer(404, {"error": "not found"})

    return Handler


def message_activity(
    stub: BotFrameworkStub,
    text: str,
    user: str = "user-1",
    conversation_id: Optional[str] = None,
    service_url: Optional[str] = None,
    **fields: Any,
) -> Dict[str, Any]:
    """A message activity as Teams sends it to a bot in a personal chat."""
    user_ids = uuid.uuid5(uuid.NAMESPACE_URL, f"pause-test/{user}")
    activity: Dict[str, Any] = {
        "type": "message",
        "id": str(int(time.time() * 1000)),
        "timestamp": datetime.now(timezone.utc).isoformat().replace("+00:00", "Z"),
        "localTimestamp": datetime.now(timezone.utc).isoformat(),
        "serviceUrl": stub.service_url if service_url is None else service_url,
        "channelId": "msteams",
        "from": {"id": f"29:1{user_ids.hex}", "name": "Ward Manager", "aadObjectId": str(user_ids)},
        "conversation": {
            "conversationType": "personal",
            "tenantId": "00000000-0000-4000-8000-0000000000aa",
            "id": conversation_id or f"a:1{user_ids.hex}",
        },
        "recipient": {"id": f"28:{stub.app_id}", "name": "Pause"},
        "textFormat": "plain",
        "locale": "en-GB",
        "text": text,
        "entities": [{"locale": "en-GB", "country": "GB", "platform": "Web", "type": "clientInfo"}],
        "channelData": {"tenant": {"id": "00000000-0000-4000-8000-0000000000aa"}},
    }
    activity.update(fields)
    return activity
