"""Microsoft Teams activities: what the user wrote, whose conversation it is, and replies as cards."""
from __future__ import annotations

import hashlib
import hmac
import html
import json
import re
from typing import Any, Dict, List

# Teams shows at most six buttons on a hero card; longer lists continue on further cards.
BUTTONS_PER_CARD = 6
HERO_CARD = "application/vnd.microsoft.card.hero"

_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n)")
_AT_TAG = re.compile(r"<at>(.*?)</at>", re.IGNORECASE | re.DOTALL)


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


def parse_activity(body: bytes) -> Dict[str, Any]:
    """The activity a webhook request carries; an empty one for anything but a JSON object."""
    try:
        activity = json.loads(body or b"null")
    except ValueError:
        return {}
    return activity if isinstance(activity, dict) else {}
