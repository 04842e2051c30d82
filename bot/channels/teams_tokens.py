"""Microsoft Teams (Bot Framework) token rules: which requests are genuine, and the bot's own token.

Every request must carry a token Microsoft signed for this bot: RS256 only, a key Microsoft
publishes (endorsed for the activity's channel), the configured issuer, this bot's app id as
audience, not expired, and the activity's ``serviceUrl`` named in it. Keys and the bot's access
token are fetched when first needed, with aiohttp (never blocking the event loop), cached and
renewed behind a lock.
"""
from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Callable, Dict, List, Optional, Tuple

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm

logger = logging.getLogger(__name__)

# The scope a bot asks for when it calls the Bot Connector service.
CONNECTOR_SCOPE = "https://api.botframework.com/.default"
# Microsoft allows five minutes of clock skew between its token service and the bot.
CLOCK_SKEW_SECONDS = 300
# Keys are re-read daily, and at most once a minute when a token names a key we do not know,
# so forged key ids cannot make every request call Microsoft.
KEYS_MAX_AGE_SECONDS = 24 * 3600
UNKNOWN_KEY_REFRESH_SECONDS = 60
# After a failed fetch, wait before trying again rather than queueing every request behind it.
RETRY_AFTER_FAILURE_SECONDS = 10
# Renew the access token this long before Microsoft says it expires.
TOKEN_RENEWAL_MARGIN_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 10

_BEARER = re.compile(r"^Bearer\s+(\S+)\s*$", re.IGNORECASE)


class AuthenticationError(Exception):
    """A request that does not prove it came from Microsoft for this bot."""


class BotFrameworkUnavailable(Exception):
    """Microsoft's key or token service could not be reached or gave an unusable answer."""


class HttpClient:
    """One aiohttp session, opened on first use inside the running event loop."""

    def __init__(self, timeout_seconds: float = HTTP_TIMEOUT_SECONDS) -> None:
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: Optional[aiohttp.ClientSession] = None

    def session(self) -> aiohttp.ClientSession:
        """The open session, created now if there is none."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        return self._session

    async def get_json(self, url: str) -> Any:
        """GET a JSON document; BotFrameworkUnavailable on any network or HTTP failure."""
        try:
            async with self.session().get(url) as answer:
                if answer.status != HTTPStatus.OK:
                    raise BotFrameworkUnavailable(f"{url} answered {answer.status}")
                return await answer.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise BotFrameworkUnavailable(f"{url} could not be read: {error!r}") from error

    async def close(self) -> None:
        """Close the session, if one was opened."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None


class SigningKeys:
    """Microsoft's published token-signing keys, fetched when first needed and kept a day."""

    def __init__(
        self,
        openid_url: str,
        http: HttpClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.openid_url = openid_url
        self._http = http
        self._clock = clock
        self._keys: Dict[str, Tuple[Any, Optional[List[str]]]] = {}
        self._fetched_at: Optional[float] = None
        self._failed_at: Optional[float] = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> Optional[Tuple[Any, Optional[List[str]]]]:
        """The public key named kid and the channels it is endorsed for, or None if unknown."""
        if not self._needs_refresh(kid):
            return self._keys.get(kid)
        async with self._lock:
            # Whoever held the lock may have just refreshed: check again before fetching.
            if self._needs_refresh(kid):
                await self._refresh()
        return self._keys.get(kid)

    def _needs_refresh(self, kid: str) -> bool:
        now = self._clock()
        if self._failed_at is not None and now - self._failed_at < RETRY_AFTER_FAILURE_SECONDS:
            return False
        if self._fetched_at is None or now - self._fetched_at > KEYS_MAX_AGE_SECONDS:
            return True
        return kid not in self._keys and now - self._fetched_at > UNKNOWN_KEY_REFRESH_SECONDS

    async def _refresh(self) -> None:
        try:
            metadata = await self._http.get_json(self.openid_url)
            jwks_uri = metadata.get("jwks_uri") if isinstance(metadata, dict) else None
            if not isinstance(jwks_uri, str):
                raise BotFrameworkUnavailable(f"{self.openid_url} names no jwks_uri")
            document = await self._http.get_json(jwks_uri)
            keys = _parse_keys(document)
        except BotFrameworkUnavailable as error:
            self._failed_at = self._clock()
            # Keys already held stay usable; they are only replaced by a good answer.
            logger.error("Could not refresh the Bot Framework signing keys: %s", error)
            return
        self._keys = keys
        self._fetched_at = self._clock()
        self._failed_at = None
        logger.debug("Bot Framework signing keys refreshed: %d keys", len(keys))


def _parse_keys(document: Any) -> Dict[str, Tuple[Any, Optional[List[str]]]]:
    entries = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise BotFrameworkUnavailable("the key set has no list of keys")
    keys: Dict[str, Tuple[Any, Optional[List[str]]]] = {}
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA" or not entry.get("kid"):
            continue
        try:
            public_key = RSAAlgorithm.from_jwk(entry)
        except (jwt.PyJWTError, ValueError, KeyError, TypeError):
            logger.warning("Skipped an unreadable Bot Framework key %r", entry.get("kid"))
            continue
        endorsements = entry.get("endorsements")
        keys[str(entry["kid"])] = (
            public_key,
            [str(e) for e in endorsements] if isinstance(endorsements, list) else None,
        )
    return keys


class BotFrameworkAuthenticator:
    """Checks that a request carries a token Microsoft issued and signed for this bot."""

    def __init__(self, app_id: str, issuer: str, keys: SigningKeys) -> None:
        self.app_id = app_id
        self.issuer = issuer
        self.keys = keys

    async def verify(self, authorization: Optional[str], activity: Dict[str, Any]) -> Dict[str, Any]:
        """The token's claims when the request is genuine; AuthenticationError otherwise."""
        token = await self.verify_token(authorization)
        self.check_activity(token, activity)
        return token.claims

    async def verify_token(self, authorization: Optional[str]) -> "VerifiedToken":
        """The Authorization header's token, checked before anything reads the request body.

        Checks, cheapest first: a bearer token, RS256 only, a known signing key, then the
        signature, issuer, audience (this bot's app id) and expiry.
        """
        if not authorization:
            raise AuthenticationError("no Authorization header")
        match = _BEARER.match(authorization.strip())
        if not match:
            raise AuthenticationError("the Authorization header holds no bearer token")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"the token cannot be read: {error}") from None
        if header.get("alg") != "RS256":
            raise AuthenticationError(f"the token is signed with {header.get('alg')!r}, not RS256")
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise AuthenticationError("the token names no signing key")
        found = await self.keys.key(kid)
        if found is None:
            raise AuthenticationError(f"the token is signed with an unknown key {kid!r}")
        public_key, endorsements = found
        try:
            claims = jwt.decode(
                token,
                key=public_key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise AuthenticationError(f"the token is not valid: {error}") from None
        return VerifiedToken(claims, endorsements)

    @staticmethod
    def check_activity(token: "VerifiedToken", activity: Dict[str, Any]) -> None:
        """The activity must come from a channel the key is endorsed for, and its serviceUrl
        must be the token's, so that replies can only go where Microsoft said."""
        channel = activity.get("channelId")
        if token.endorsements is not None and channel not in token.endorsements:
            raise AuthenticationError(f"the signing key is not endorsed for channel {channel!r}")
        claimed, actual = token.claims.get("serviceUrl"), activity.get("serviceUrl")
        if not isinstance(claimed, str) or not isinstance(actual, str) or _url(claimed) != _url(actual):
            raise AuthenticationError("the token's serviceUrl does not match the activity's")


@dataclass(frozen=True)
class VerifiedToken:
    """A token whose signature, issuer, audience and expiry have been checked."""

    claims: Dict[str, Any]
    endorsements: Optional[List[str]]


def _url(value: str) -> str:
    return value.strip().rstrip("/")


class AccessTokens:
    """The bot's own token for calling the Bot Connector: fetched when first needed, renewed early."""

    def __init__(
        self,
        token_url: str,
        app_id: str,
        app_password: str,
        http: HttpClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self._app_id = app_id
        self._app_password = app_password
        self._http = http
        self._clock = clock
        self._token: Optional[str] = None
        self._renew_at = 0.0
        self._lock = asyncio.Lock()

    async def bearer(self) -> str:
        """A current access token; BotFrameworkUnavailable if none can be had."""
        if self._current() is None:
            async with self._lock:
                # Another reply may have fetched one while this one waited.
                if self._current() is None:
                    await self._fetch()
        token = self._current()
        if token is None:
            raise BotFrameworkUnavailable("no access token")
        return token

    def forget(self, token: str) -> None:
        """Drop a token the Bot Connector refused, so the next call fetches a new one."""
        if self._token == token:
            self._token = None

    def _current(self) -> Optional[str]:
        if self._token is not None and self._clock() < self._renew_at:
            return self._token
        return None

    async def _fetch(self) -> None:
        form = {
            "grant_type": "client_credentials",
            "client_id": self._app_id,
            "client_secret": self._app_password,
            "scope": CONNECTOR_SCOPE,
        }
        try:
            async with self._http.session().post(self.token_url, data=form) as answer:
                if answer.status != HTTPStatus.OK:
                    raise BotFrameworkUnavailable(
                        f"the token service at {self.token_url} answered {answer.status}"
                    )
                body = await answer.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise BotFrameworkUnavailable(f"the token service could not be reached: {error!r}") from error
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise BotFrameworkUnavailable("the token service gave no access_token")
        try:
            lifetime = max(int(body.get("expires_in", 3600)), 0)
        except (TypeError, ValueError):
            lifetime = 3600
        self._token = token
        self._renew_at = self._clock() + lifetime - min(TOKEN_RENEWAL_MARGIN_SECONDS, lifetime // 2)
