"""Microsoft Teams through the Bot Framework: Rasa's stock connector, made safe to run anywhere.

Rasa's own ``BotFrameworkInput`` fetches Microsoft's signing keys when the server starts (so a
machine without internet cannot start at all) and calls the network with blocking ``requests``
inside async handlers. This channel keeps its name and webhook (``POST
/webhooks/botframework/webhook``) but is switched on only by ``PAUSE_TEAMS_APP_ID`` and
``PAUSE_TEAMS_APP_PASSWORD``. Every request must carry a Bot Framework token that Microsoft
signed for this bot (the rules: bot/channels/teams_tokens.py); anything else gets 401 and
reaches nothing. Activities are read and replies shaped by bot/channels/teams_activities.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
from http import HTTPStatus
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Text
from urllib.parse import quote

import aiohttp
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.channels.teams_activities import conversation_key, hero_cards, message_text, parse_activity, teams_markdown
from bot.channels.teams_tokens import (
    AccessTokens,
    AuthenticationError,
    BotFrameworkAuthenticator,
    BotFrameworkUnavailable,
    HttpClient,
    SigningKeys,
)
from bot.settings import (
    DEFAULT_TEAMS_ISSUER,
    DEFAULT_TEAMS_OPENID_URL,
    DEFAULT_TEAMS_TOKEN_URL,
    get_settings,
)
from components.channels.protection import FALLBACK_TEXT, TECHNICAL_PROBLEM, domain_text

logger = logging.getLogger(__name__)

CHANNEL_NAME = "botframework"

NOT_CONFIGURED_MESSAGE = (
    "Microsoft Teams is not configured on this server: set PAUSE_TEAMS_APP_ID and "
    "PAUSE_TEAMS_APP_PASSWORD and restart."
)


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
            activity = parse_activity(body)
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
