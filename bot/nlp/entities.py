"""Entity spans with people's names and other personal details cut out of them.

An entity extractor can run an entity on into the words that follow it: in "clinical practice -
Okonkwo-Bell gave the wrong dose" the concern type came out as "clinical practice - Okonkwo-",
which is neither understood nor fit to store. The part of the entity before the first personal
detail (or after it, when the entity starts inside one), without the spaces and punctuation left
at its edges, is the entity the person meant.
"""
from __future__ import annotations

from typing import Optional, Tuple

from bot.nlp.redact import find_pii


def without_personal_details(text: str, start: int, end: int) -> Optional[Tuple[int, int]]:
    """The span of text[start:end] free of personal details and edge punctuation, or None if nothing is left."""
    for _label, detail_start, detail_end in find_pii(text):
        if detail_end <= start or detail_start >= end:
            continue
        if detail_start > start:
            end = detail_start
        else:
            start = detail_end
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return (start, end) if start < end else None
