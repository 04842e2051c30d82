"""Case references: ``P-XXXX-XXXX``, easy to read aloud, type and copy from a phone.

The alphabet is Crockford's base 32 (no I, L, O or U), so look-alike letters typed by a person
can be read back safely: O is taken as zero, I and L as one.
"""

from __future__ import annotations

import re
import secrets
from typing import Optional

REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REFERENCE_PREFIX = "P"
REFERENCE_LENGTH = len("P-XXXX-XXXX")
_GROUP = 4

_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
# Hyphens, typographic dashes and spaces may separate the prefix and the two groups.
_GAP = r"[\s\-\u2010-\u2015\u2212]*"
_SHAPE = (
    rf"P(?P<first_gap>{_GAP})(?P<first>[0-9A-Za-z]{{4}})"
    rf"(?P<second_gap>{_GAP})(?P<second>[0-9A-Za-z]{{4}})"
)
_WHOLE = re.compile(_SHAPE, re.IGNORECASE)
_WITHIN_TEXT = re.compile(rf"(?<![0-9A-Za-z]){_SHAPE}(?![0-9A-Za-z])", re.IGNORECASE)


def new_reference() -> str:
    """A fresh random case reference such as ``P-7K3Q-9MXD``."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(2 * _GROUP))
    return f"{REFERENCE_PREFIX}-{body[:_GROUP]}-{body[_GROUP:]}"


def normalise_reference(text: str) -> Optional[str]:
    """The canonical form of a case reference typed by a person, or None if it is not one.

    Accepts lower case, spaces, missing or extra hyphens and the look-alikes O (zero) and
    I or L (one): ``p 7k3q 9mxd`` and ``P7K3Q-9MXD`` both give ``P-7K3Q-9MXD``.
    """
    if not isinstance(text, str):
        return None
    match = _WHOLE.fullmatch(text.strip())
    if match is None:
        return None
    body = (match.group("first") + match.group("second")).upper().translate(_LOOK_ALIKES)
    if any(character not in REFERENCE_ALPHABET for character in body):
        return None
    return f"{REFERENCE_PREFIX}-{body[:_GROUP]}-{body[_GROUP:]}"


def find_reference(text: str) -> Optional[str]:
    """The first case reference mentioned anywhere in a message, normalised, or None.

    A reference written as one unbroken word must contain a digit, so that an ordinary
    nine-letter word beginning with P ("Pregnancy", "Potential") is never taken for one.
    """
    if not isinstance(text, str):
        return None
    for match in _WITHIN_TEXT.finditer(text):
        written_apart = bool(match.group("first_gap") or match.group("second_gap"))
        has_digit = any(character.isdigit() for character in match.group(0))
        if not (written_apart or has_digit):
            continue
        reference = normalise_reference(match.group(0))
        if reference is not None:
            return reference
    return None
