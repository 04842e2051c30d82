"""Microsoft Teams through the Bot Framework: Rasa's stock connector, made safe to run anywhere.

Rasa's own ``BotFrameworkInput`` fetches Microsoft's signing keys when the server starts (so a
machine without internet cannot start at all) and calls the network with blocking ``requests``
inside async handlers. This channel keeps its name and webhook (``POST
/webhooks/botframework/webhook``) but is switched on only by ``PAUSE_TEAMS_APP_ID`` and
``PAUSE_TEAMS_APP_PASSWORD``; keys and the bot's access token are fetched when first needed, with
aiohttp, cached and renewed behind a lock. Every request must carry a Bot Framework token that
Microsoft signed for this bot; anything else gets 401 and reaches nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import json
import logging
import re
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text, Tuple
from urllib.parse import quote

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.protection import FALLBACK_TEXT, TECHNICAL_PROBLEM, domain_text
from bot.settings import (
    DEFAULT_TEAMS_ISSUER,
    DEFAULT_TEAMS_OPENID_URL,
    DEFAULT_TEAMS_TOKEN_URL,
    get_settings,
)

logger = logging.getLogger(__name__)

CHANNEL_NAME = "botframework"
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
# Teams shows at most six buttons on a hero card; longer lists continue on further cards.
BUTTONS_PER_CARD = 6
HERO_CARD = "application/vnd.microsoft.card.hero"

NOT_CONFIGURED_MESSAGE = (
    "Microsoft Teams is not configured on this server: set PAUSE_TEAMS_APP_ID and "
    "PAUSE_TEAMS_APP_PASSWORD and restart."
)

_BEARER = re.compile(r"^Bearer\s+(\S+)\s*$", re.IGNORECASE)
_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")
_AT_TAG = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)


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


def teams_action(button: Dict[str, Any]) -> Dict[str, Any]:
    """A Rasa button as a Teams card action: a click shows the title and sends the payload."""
    title = str(button.get("title", ""))
    if button.get("url"):
        return {"type": "openUrl", "title": title, "value": str(button["url"])}
    payload = str(button.get("payload") or title)
    return {
        "type": "messageBack",
        "title": title,
        "displayText": title,
        "text": payload,
        "value": {"payload": payload},
    }


def teams_markdown(text: str) -> str:
    """Text whose every line break survives Teams' markdown."""
    return _LONE_NEWLINE.sub("\n\n", text.strip())


def hero_cards(text: str, buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Hero card attachments carrying text and buttons, six buttons to a card."""
    actions = [teams_action(button) for button in buttons]
    cards = []
    for start in range(0, max(len(actions), 1), BUTTONS_PER_CARD):
        content: Dict[str, Any] = {"buttons": actions[start : start + BUTTONS_PER_CARD]}
        if start == 0 and text:
            content["text"] = teams_markdown(text)
        cards.append({"contentType": HERO_CARD, "content": content})
    return cards


class TeamsOutput(BotFramework):
    """Replies to one Teams conversation through the Bot Connector, without blocking the loop."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    def __init__(
        self,
        app_id: Text,
        app_password: Text,
        conversation: Dict[Text, Any],
        bot: Dict[Text, Any],
        service_url: Text,
        tokens: AccessTokens,
        http: HttpClient,
        reply_to_id: Optional[Text] = None,
        user: Optional[Dict[Text, Any]] = None,
    ) -> None:
        super().__init__(app_id, app_password, conversation, bot, service_url)
        self.tokens = tokens
        self.http = http
        self.reply_to_id = reply_to_id
        # Rasa knows the user only by a pseudonym; replies name the Teams account itself.
        self.user = {"id": user["id"]} if user and user.get("id") else None
        self.messages_sent = 0

    def activities_url(self) -> str:
        """Where replies go: a reply to the user's activity when its id is known."""
        url = f"{self.global_uri}conversations/{quote(str(self.conversation['id']), safe='')}/activities"
        if self.reply_to_id:
            url += f"/{quote(str(self.reply_to_id), safe='')}"
        return url

    async def _get_headers(self) -> Optional[Dict[Text, Any]]:
        token = await self.tokens.bearer()
        return {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}

    def prepare_message(self, recipient_id: Text, message_data: Dict[Text, Any]) -> Dict[Text, Any]:
        message = super().prepare_message(recipient_id, message_data)
        if self.user is not None:
            message["recipient"] = dict(self.user)
        message.setdefault("conversation", {"id": self.conversation["id"]})
        if self.reply_to_id:
            message.setdefault("replyToId", self.reply_to_id)
        return message

    async def send(self, message_data: Dict[Text, Any]) -> None:
        """Post one activity; a refused token is renewed once; failures are logged, not raised."""
        self.messages_sent += 1
        body = json.dumps(message_data)
        for attempt in (1, 2):
            try:
                headers = await self._get_headers()
                async with self.http.session().post(self.activities_url(), data=body, headers=headers) as answer:
                    if answer.status == HTTPStatus.UNAUTHORIZED and attempt == 1:
                        self.tokens.forget(headers["Authorization"].split(" ", 1)[1])
                        continue
                    if answer.status >= 400:
                        logger.error(
                            "The Bot Connector refused a reply: %s %s",
                            answer.status,
                            (await answer.text())[:300],
                        )
                    return
            except BotFrameworkUnavailable as error:
                logger.error("Could not reply on Teams: %s", error)
                return
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                logger.error("Could not reach the Bot Connector: %r", error)
                return

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        # One message per response, in Teams' markdown, where only a blank line breaks a line.
        message = {"text": teams_markdown(text), "textFormat": "markdown"}
        await self.send(self.prepare_message(recipient_id, message))

    async def send_text_with_buttons(
        self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        message = {"attachments": hero_cards(text, buttons)}
        if len(message["attachments"]) > 1:
            message["attachmentLayout"] = "list"
        await self.send(self.prepare_message(recipient_id, message))

    async def send_elements(
        self, recipient_id: Text, elements: Iterable[Dict[Text, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            await self.send(self.prepare_message(recipient_id, dict(element)))


def message_text(activity: Dict[str, Any]) -> str:
    """What the user wrote, without the @mention of the bot that team chats put in front."""
    text = activity.get("text")
    text = text if isinstance(text, str) else ""
    bot_id = (activity.get("recipient") or {}).get("id")
    for entity in activity.get("entities") or []:
        if not isinstance(entity, dict) or entity.get("type") != "mention":
            continue
        mentioned = entity.get("mentioned") or {}
        if bot_id and mentioned.get("id") == bot_id and isinstance(entity.get("text"), str):
            text = text.replace(entity["text"], " ")
    # Other people's mentions stay as their plain words, so the redaction sees them.
    text = _AT_TAG.sub(lambda m: m.group(1), text)
    text = html.unescape(text).replace("\xa0", " ").strip()
    if not text:
        value = activity.get("value")
        if isinstance(value, dict) and isinstance(value.get("payload"), str):
            text = value["payload"].strip()
    return text


def conversation_key(activity: Dict[str, Any], secret: str) -> str:
    """The Teams user this conversation belongs to, as a keyed pseudonym.

    Keyed by the user's Azure AD object id (or Teams user id) like Rasa's connector, but
    through HMAC with the app password, so the tracker store holds no directory identifier.
    """
    sender = activity.get("from") or {}
    user = sender.get("aadObjectId") or sender.get("id") or ""
    digest = hmac.new(secret.encode(), str(user).encode(), hashlib.sha256).hexdigest()
    return f"teams-{digest[:32]}"


class TeamsInput(BotFrameworkInput):
    """The Bot Framework webhook for Microsoft Teams, active only when configured."""

    @classmethod
    def name(cls) -> Text:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Built from the environment (bot/settings.py); credentials.yml only names the class."""
        teams = get_settings().teams
        return cls(
            teams.app_id,
            teams.app_password,
            openid_url=teams.openid_url,
            token_url=teams.token_url,
            issuer=teams.issuer,
        )

    def __init__(
        self,
        app_id: Optional[Text],
        app_password: Optional[Text],
        openid_url: str = DEFAULT_TEAMS_OPENID_URL,
        token_url: str = DEFAULT_TEAMS_TOKEN_URL,
        issuer: str = DEFAULT_TEAMS_ISSUER,
    ) -> None:
        # The parent's constructor fetches keys over the network: deliberately not called.
        self.app_id = app_id
        self.app_password = app_password
        self.http = HttpClient()
        self.configured = bool(app_id and app_password)
        if self.configured:
            self.authenticator: Optional[BotFrameworkAuthenticator] = BotFrameworkAuthenticator(
                str(app_id), issuer, SigningKeys(openid_url, self.http)
            )
            self.tokens: Optional[AccessTokens] = AccessTokens(
                token_url, str(app_id), str(app_password), self.http
            )
            logger.info("Microsoft Teams channel on for app %s", app_id)
        else:
            self.authenticator = None
            self.tokens = None
            logger.info(
                "Microsoft Teams channel off: set PAUSE_TEAMS_APP_ID and PAUSE_TEAMS_APP_PASSWORD "
                "to turn it on (its webhook answers 503 until then)."
            )

    def _update_cached_jwk_keys(self) -> None:
        raise NotImplementedError("keys are fetched asynchronously by SigningKeys")

    def _validate_auth(self, auth_header: Optional[Text]) -> Optional[HTTPResponse]:
        raise NotImplementedError("requests are verified asynchronously by BotFrameworkAuthenticator")

    async def handle(
        self,
        authorization: Optional[str],
        body: bytes,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        app: Optional[Sanic] = None,
    ) -> HTTPResponse:
        """Verify one webhook request and, for a genuine message, hand it to the bot.

        Never silence: a turn that fails or says nothing gets the domain's
        ``utter_technical_problem`` in the chat.
        """
        if not self.configured or self.authenticator is None or self.tokens is None:
            return response.json(
                {"status": "not configured", "error": NOT_CONFIGURED_MESSAGE},
                status=HTTPStatus.SERVICE_UNAVAILABLE,
            )
        try:
            token = await self.authenticator.verify_token(authorization)
            activity = _activity(body)
            self.authenticator.check_activity(token, activity)
        except AuthenticationError as error:
            logger.warning("Refused a Bot Framework request: %s", error)
            return response.json({"error": "unauthorized"}, status=HTTPStatus.UNAUTHORIZED)
        if activity.get("type") != "message":
            return response.json({"status": "ignored"})
        conversation, recipient = activity.get("conversation"), activity.get("recipient")
        if not isinstance(conversation, dict) or not conversation.get("id") or not isinstance(recipient, dict):
            return response.json({"error": "not a message activity"}, status=HTTPStatus.BAD_REQUEST)
        output = TeamsOutput(
            str(self.app_id),
            str(self.app_password),
            conversation,
            recipient,
            activity["serviceUrl"],
            self.tokens,
            self.http,
            reply_to_id=activity.get("id") if isinstance(activity.get("id"), str) else None,
            user=activity.get("from") if isinstance(activity.get("from"), dict) else None,
        )
        message = UserMessage(
            text=message_text(activity),
            output_channel=output,
            sender_id=conversation_key(activity, str(self.app_password)),
            input_channel=self.name(),
        )
        try:
            await on_new_message(message)
        except Exception:  # noqa: BLE001 - one failed turn must not turn into a retry storm
            logger.exception("A Teams message could not be handled; answering with %s", TECHNICAL_PROBLEM)
            output.messages_sent = 0
        if output.messages_sent == 0:
            logger.error("A Teams turn produced no bot message; answering with %s", TECHNICAL_PROBLEM)
            apology = domain_text(app, TECHNICAL_PROBLEM) if app is not None else FALLBACK_TEXT
            await output.send_text_message(message.sender_id, apology)
        return response.json({"status": "ok"})

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The webhook at /webhooks/botframework/webhook and a status page beside it."""
        webhook = Blueprint("teams_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.configured else "not configured"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.handle(
                request.headers.get("Authorization"), request.body, on_new_message, request.app
            )

        @webhook.listener("after_server_stop")
        async def close(app: Any, loop: Any) -> None:
            await self.http.close()

        return webhook


def _activity(body: bytes) -> Dict[str, Any]:
    try:
        activity = json.loads(body or b"null")
    except ValueError:
        return {}
    return activity if isinstance(activity, dict) else {}
