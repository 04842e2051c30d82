"""Redaction of Rasa's serialised conversation events, before they are stored or published.

Rasa serialises each conversation event to a dictionary: user messages with their NLU parse data,
slot values, bot replies. Everything in them that a person typed, or that repeats it, is redacted
here: the message text, entity values (with their offsets moved to match the redacted text), slot
values, metadata, and any bot reply that echoes a detail the user gave in the same batch. The
tracker store and the event broker adapters in components/ call this and nothing else.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Sequence

from bot.nlp.redact import PiiSpan, find_pii, placeholder, redact_value, replace_spans

_BOT_EVENTS = frozenset({"bot", "agent"})
_TEXT_KEYS = ("text", "action_text")


def _shifted_offset(position: int, spans: Sequence[PiiSpan], is_end: bool) -> int:
    """Where a character offset of the original text falls once the spans are replaced."""
    shift = 0
    for label, start, end in spans:
        if position >= end:
            shift += len(placeholder(label)) - (end - start)
        elif position > start:
            return start + shift + (len(placeholder(label)) if is_end else 0)
        else:
            break
    return position + shift


def _redact_entities(entities: Any, spans: Sequence[PiiSpan] = ()) -> Any:
    """Entity dictionaries with their values redacted and, given the text's spans, offsets moved."""
    if not isinstance(entities, list):
        return redact_value(entities)
    redacted = []
    for entity in entities:
        if isinstance(entity, dict):
            entity = dict(entity)
            for key in ("value", "text"):
                if key in entity:
                    entity[key] = redact_value(entity[key])
            if spans:
                for key, is_end in (("start", False), ("end", True)):
                    if isinstance(entity.get(key), int):
                        entity[key] = _shifted_offset(entity[key], spans, is_end)
        redacted.append(entity)
    return redacted


def _redact_parse_data(parse_data: Any) -> Any:
    """NLU parse data with the message text, entity values and metadata redacted."""
    if not isinstance(parse_data, dict):
        return parse_data
    redacted = dict(parse_data)
    spans: Sequence[PiiSpan] = ()
    if isinstance(redacted.get("text"), str):
        spans = find_pii(redacted["text"])
        redacted["text"] = replace_spans(redacted["text"], spans)
    if "entities" in redacted:
        redacted["entities"] = _redact_entities(redacted["entities"], spans)
    if "metadata" in redacted:
        redacted["metadata"] = redact_value(redacted["metadata"])
    return redacted


def _collect_echoes(value: Any, echoes: Dict[str, str]) -> None:
    """Note each personal detail in a value, so that a bot reply repeating it is redacted."""
    if isinstance(value, str):
        for label, start, end in find_pii(value):
            echoes[value[start:end]] = placeholder(label)
    elif isinstance(value, dict):
        for item in value.values():
            _collect_echoes(item, echoes)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_echoes(item, echoes)


def _redact_echoes(text: str, echoes: Dict[str, str]) -> str:
    """Replace, in a bot reply, every detail the user gave earlier in the same batch of events."""
    for detail in sorted(echoes, key=len, reverse=True):
        pattern = r"(?<!\w)" + re.escape(detail) + r"(?!\w)"
        text = re.sub(pattern, lambda _match, detail=detail: echoes[detail], text)
    return text


def redact_event_dicts(events: Iterable[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Redacted copies of serialised Rasa events; the dictionaries given are left untouched.

    User text, parse data, entity values, slot values and metadata are redacted. A bot reply is
    redacted too, and any detail from a user message or slot value in the same batch that it
    repeats is replaced even where the reply alone gives no clue that it is personal.
    """
    events = list(events)
    echoes: Dict[str, str] = {}
    for event in events:
        kind = event.get("event")
        if kind == "user":
            _collect_echoes(event.get("text"), echoes)
            _collect_echoes((event.get("parse_data") or {}).get("entities"), echoes)
        elif kind == "slot":
            _collect_echoes(event.get("value"), echoes)

    redacted_events = []
    for event in events:
        redacted = dict(event)
        kind = redacted.get("event")
        for key in _TEXT_KEYS:
            if isinstance(redacted.get(key), str):
                text = redacted[key]
                if kind in _BOT_EVENTS and echoes:
                    text = _redact_echoes(text, echoes)
                redacted[key] = replace_spans(text, find_pii(text))
        if "parse_data" in redacted:
            redacted["parse_data"] = _redact_parse_data(redacted["parse_data"])
        if "entities" in redacted:
            redacted["entities"] = _redact_entities(redacted["entities"])
        if kind == "slot" and "value" in redacted:
            redacted["value"] = redact_value(redacted["value"])
        if kind in _BOT_EVENTS and redacted.get("data") is not None:
            redacted["data"] = redact_value(redacted["data"])
        if redacted.get("metadata") is not None:
            redacted["metadata"] = redact_value(redacted["metadata"])
        redacted_events.append(redacted)
    return redacted_events
