"""Reading typed answers to the restorative questions as categories, never keeping the words.

Restorative just culture (Mersey Care, after Sidney Dekker) asks who has been hurt, what they
need, and whose obligation it is to meet that need. A manager may click a button or type a few
words ("the family, and the HCA who reported it"); either way only the categories are kept.
Words that name no category become "other", so the reflection goes on without asking twice.
"""
import re
from typing import List, Optional, Pattern, Tuple

from bot.reflection.questions import (
    AFFECTED_GROUPS,
    AFFECTED_NEEDS,
    NO_ONE,
    OTHER,
    UNSURE,
    WHOSE_JOB_VALUES,
    affected_code,
    is_valid_answer,
)

_UNSURE = re.compile(r"\b(not sure|unsure|dunno|don'?t know|do not know|no idea|can'?t say|cannot say)\b", re.I)
_NO_ONE = re.compile(r"\b(no ?one|no-one|nobody|none|not really|no)\b", re.I)
# A clause names one group; the first family that matches it wins, so "the colleague who
# raised it" is the person who raised the concern, not the colleagues.
_GROUP_WORDS: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("raised_concern", re.compile(
        r"\b(raised|raising|reported|reporting|flagged|spoke up|speak(ing)? up|whistle\w*|complain\w*|told me|came to me)\b",
        re.I)),
    ("patient_family", re.compile(
        r"\b(patients?|famil(y|ies)|relatives?|residents?|service users?|next of kin|mum|dad|mother|father|"
        r"sons?|daughters?|wife|husband|partner|parents?)\b|\bpatient'?s\b",
        re.I)),
    ("the_person", re.compile(
        r"\b(themselves|himself|herself|themself|the person (involved|concerned|themselves)|the individual|"
        r"involved|the (nurse|hca|doctor|staff member|member of staff|colleague) (concerned|in question))\b",
        re.I)),
    ("colleagues", re.compile(
        r"\b(colleagues?|team|staff|co-?workers|peers|nurses|everyone|the ward|others|students?|apprentices?)\b", re.I)),
    (OTHER, re.compile(r"\b(visitors?|public|contractors?|someone else|another (team|service|department))\b", re.I)),
)
_CLAUSE_BREAK = re.compile(r"[,;/&+]|\band\b|\bplus\b|\bas well as\b|\balso\b|\bboth\b", re.I)

_NEED_WORDS: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("explanation", re.compile(r"explain|explanation|apolog|\bsorry\b|honest|truth|what happened|answers|candour|\bopen", re.I)),
    ("put_right", re.compile(r"put (it|things) right|\bheard\b|listen|\btalk|conversation|\bmeet|restor|amends|reconcil|repair|resolve", re.I)),
    ("support", re.compile(r"support|wellbeing|well-being|\bhelp|looked after|counsel|check(ing)? in|protect|\bsafe\b", re.I)),
    ("reassurance", re.compile(r"happen again|reassur|learn|lesson|\bchange|improve|safer|confiden", re.I)),
)

_JOB_WORDS: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("shared", re.compile(r"\b(shared|share|joint|jointly|together|all of us|everyone|between us)\b", re.I)),
    ("organisation", re.compile(
        r"\b(organi[sz]ation|trust|health board|hr|human resources|patient safety|wellbeing service|"
        r"senior|the board|employer|governance|occupational health|guardian)\b", re.I)),
    ("team", re.compile(r"\b(team|the ward|the unit|the department)\b", re.I)),
    ("me", re.compile(r"\b(me|mine|my job|myself|i should|i need|i will|i'll|i must|my responsibility|the manager|as manager)\b", re.I)),
    ("the_person", re.compile(r"\b(them|theirs|themselves|himself|herself|the person|their job|his job|her job|the individual)\b", re.I)),
)


def _clauses(text: str) -> List[str]:
    return [part for part in _CLAUSE_BREAK.split(text) if part and part.strip()]


def affected_from(value: object) -> str:
    """The stored code for an answer to "who has been hurt or affected?".

    A button's code is kept as it is; typed words give each group they name (several are kept
    together), "no one" or "not sure", or "other" when they name none of these.
    """
    text = str(value or "").strip()
    if is_valid_answer("affected", text):
        return text
    groups = []
    for clause in _clauses(text):
        group = next((name for name, words in _GROUP_WORDS if words.search(clause)), None)
        if group:
            groups.append(group)
    if groups:
        return affected_code(groups)
    if _UNSURE.search(text):
        return UNSURE
    if _NO_ONE.search(text):
        return NO_ONE
    return OTHER


def _earliest(text: str, families: Tuple[Tuple[str, Pattern[str]], ...]) -> Optional[str]:
    """The family whose words come first in the text, or None when none occur."""
    found = [(match.start(), name) for name, words in families for match in [words.search(text)] if match]
    return min(found)[1] if found else None


def affected_need_from(value: object) -> str:
    """The category of an answer to "what do they need most?": a button's code, or typed words read."""
    text = str(value or "").strip()
    if text in AFFECTED_NEEDS:
        return text
    if _UNSURE.search(text):
        return UNSURE
    return _earliest(text, _NEED_WORDS) or OTHER


def whose_job_from(value: object) -> str:
    """The category of an answer to "whose job is it to meet that need?".

    Typed words that name more than one party ("mine and HR's") are a shared obligation.
    """
    text = str(value or "").strip()
    if text in WHOSE_JOB_VALUES:
        return text
    if _UNSURE.search(text):
        return UNSURE
    named = [name for name, words in _JOB_WORDS if words.search(text)]
    if "shared" in named or len(named) > 1:
        return "shared"
    return named[0] if named else OTHER


__all__ = ["AFFECTED_GROUPS", "affected_from", "affected_need_from", "whose_job_from"]
