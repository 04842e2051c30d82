"""The web widget's rules: its client ids, which pages may call it, and the browser policy it is served with.

The browser keeps a random client id (at least 16 characters from ``[A-Za-z0-9_-]``); the
conversation is stored as ``web-<client id>``, so the widget's history can only ever read web
conversations, never one started on another channel.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, Optional
from urllib.parse import urlsplit

from bot.channels.messages import BadRequest
from bot.settings import Settings

CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
SENDER_PREFIX = "web-"


def web_sender(client_id: Optional[str]) -> str:
    """The conversation id of a widget's client id; ``BadRequest`` for anything but a client id."""
    if not client_id or not CLIENT_ID.match(client_id):
        raise BadRequest(
            "invalid_sender", '"sender" must be the widget\'s random id: 16 to 128 letters, digits, "-" or "_".'
        )
    return SENDER_PREFIX + client_id


def origin_allowed(origin: Optional[str], host: Optional[str], allowed: Iterable[str]) -> bool:
    """True for no Origin (not a cross-site browser call), the page's own origin, or a listed one."""
    origin = (origin or "").lower()
    if not origin:
        return True
    if urlsplit(origin).netloc == (host or "").lower():
        return True
    allowed = tuple(allowed)
    return "*" in allowed or origin in allowed


def security_headers(settings: Settings) -> Dict[str, str]:
    """The headers every widget reply carries: a strict CSP with configurable frame-ancestors."""
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self'",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors " + " ".join(settings.web_frame_ancestors),
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    }
