"""Optional equality monitoring: the groups a manager may record about the colleague, and nothing else.

The NHS Workforce Race Equality Standard (indicator 3) compares how often staff from Black and
minority ethnic backgrounds enter the formal disciplinary process with how often white staff do.
An organisation that switches monitoring on asks, after the decision, for the colleague's ethnic
group as WRES reports it, their staff group and whether they are substantive, bank or agency staff.
Only these group codes are ever stored: typed words are mapped to a group here or refused.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Pattern, Sequence, Tuple

NOT_STATED = "not_stated"
# The button at the first question that leaves all three unanswered (stored as not stated).
SKIP_ALL = "skip_all"

WHITE = "white"
BME = "bme"
# WRES indicator 3 reports these three groups: white, Black and minority ethnic, and not stated.
ETHNIC_GROUPS: Tuple[str, ...] = (WHITE, BME, NOT_STATED)
# NHS staff groups as the Electronic Staff Record groups them (healthcare science merged with the
# other scientific and technical staff; students under other), short enough for buttons.
STAFF_GROUPS: Tuple[str, ...] = (
    "medical_dental",
    "nursing_midwifery",
    "additional_clinical",
    "allied_health",
    "scientific_technical",
    "admin_clerical",
    "estates_ancillary",
    "other",
    NOT_STATED,
)
EMPLOYMENT_TYPES: Tuple[str, ...] = ("substantive", "bank", "agency", NOT_STATED)

# The slots of the reflection that hold the answers, and the case columns they are stored in.
SLOT_COLUMNS: Dict[str, str] = {
    "equality_ethnic_group": "ethnic_group",
    "equality_staff_group": "staff_group",
    "equality_employment": "employment_type",
}
MONITORING_SLOTS: Tuple[str, ...] = tuple(SLOT_COLUMNS)
ALLOWED: Dict[str, Tuple[str, ...]] = {
    "ethnic_group": ETHNIC_GROUPS,
    "staff_group": STAFF_GROUPS,
    "employment_type": EMPLOYMENT_TYPES,
}

_PREFER_NOT = re.compile(
    r"\b(prefer not|rather not|not say|not to say|don'?t want to|do not want to|decline|no comment|"
    r"skip|pass|no thanks|nope|not stated|don'?t know|do not know|not sure|unsure|unknown|none of your)\b"
    r"|^\s*no\s*[.!]?\s*$",
    re.I,
)
_SKIP_ALL = re.compile(
    r"\bskip (all|them|these|the lot|the questions|this section|equality|monitoring)\b|\bskip_all\b"
    r"|\b(none|all) of (these|them|the questions)\b",
    re.I,
)
_BME = re.compile(
    r"\b(bme|bame|black|asian|mixed|minority|minoritised|global majority|non[- ]?white|not white|"
    r"chinese|arab|indian|pakistani|bangladeshi|african|caribbean|filipin[oa]|dual heritage)\b",
    re.I,
)
_WHITE = re.compile(r"\bwhite\b", re.I)

# Checked in order, the first that matches wins: support workers before nurses ("nursing
# assistant"), secretaries and clerks before doctors ("medical secretary").
_STAFF_WORDS: Sequence[Tuple[str, Pattern[str]]] = (
    (
        "additional_clinical",
        re.compile(
            r"\b(hcas?|healthcare assistants?|health care assistants?|care assistants?|support workers?|"
            r"nursing assistants?|nursing associates?|assistant practitioners?|maternity support|"
            r"additional clinical|phlebotomists?)\b",
            re.I,
        ),
    ),
    (
        "admin_clerical",
        re.compile(
            r"\b(admin\w*|clerical|clerks?|receptionists?|secretar\w*|finance|payroll|"
            r"coordinators?|co-ordinators?)\b",
            re.I,
        ),
    ),
    (
        "medical_dental",
        re.compile(
            r"\b(doctors?|medics?|medical|dent\w*|consultants?|registrars?|surgeons?|physicians?|gps?|"
            r"f[12]|fy[12]|sho|anaesthetists?|psychiatrists?)\b",
            re.I,
        ),
    ),
    ("nursing_midwifery", re.compile(r"\b(nurs\w*|midwi\w*|sisters?|ward managers?|matrons?)\b", re.I)),
    (
        "allied_health",
        re.compile(
            r"\b(ahps?|allied health|physio\w*|occupational therap\w*|ots?|radiograph\w*|paramedics?|"
            r"speech and language|salt|dietitians?|dieticians?|podiatrists?|orthoptists?|"
            r"operating department practitioners?|odps?|art therapists?|music therapists?)\b",
            re.I,
        ),
    ),
    (
        "scientific_technical",
        re.compile(
            r"\b(scien\w*|technic\w*|technologists?|pharmac\w*|psycholog\w*|biomedical|lab\w*|"
            r"physicists?|perfusionists?)\b",
            re.I,
        ),
    ),
    (
        "estates_ancillary",
        re.compile(
            r"\b(porters?|cleaners?|domestics?|estates|catering|chefs?|cooks?|housekeep\w*|"
            r"maintenance|security|drivers?|ancillary|electricians?|plumbers?|gardeners?)\b",
            re.I,
        ),
    ),
    ("other", re.compile(r"\b(other|something else|students?|none of those|apprentices?)\b", re.I)),
)

_EMPLOYMENT_WORDS: Sequence[Tuple[str, Pattern[str]]] = (
    (
        "substantive",
        re.compile(
            r"\b(substantive|permanent|fixed[- ]term|directly employed|employed by us|our own staff|"
            r"own staff|on contract|contracted)\b",
            re.I,
        ),
    ),
    ("bank", re.compile(r"\bbank\b", re.I)),
    ("agency", re.compile(r"\bagency\b", re.I)),
)


def ethnic_group_from(value: object, first_question: bool = True) -> Optional[str]:
    """The WRES ethnic group a button or typed words name; SKIP_ALL; or None when unclear.

    Anything beyond white names a Black or minority ethnic background as WRES reports it, so
    "mixed white and Black Caribbean" is BME; words that name neither are refused (None).
    """
    text = _text(value)
    if text in ETHNIC_GROUPS or (first_question and text == SKIP_ALL):
        return text
    if first_question and _SKIP_ALL.search(text):
        return SKIP_ALL
    if _PREFER_NOT.search(text):
        return NOT_STATED
    if _BME.search(text):
        return BME
    if _WHITE.search(text):
        return WHITE
    return None


def staff_group_from(value: object) -> Optional[str]:
    """The staff group a button or typed words name (prefer not to say included); None if unclear."""
    return _group_from(value, STAFF_GROUPS, _STAFF_WORDS, first_wins=True)


def employment_from(value: object) -> Optional[str]:
    """Substantive, bank or agency from a button or typed words; None if unclear or both named."""
    return _group_from(value, EMPLOYMENT_TYPES, _EMPLOYMENT_WORDS, first_wins=False)


def all_not_stated() -> Dict[str, str]:
    """Every monitoring slot answered 'not stated': what skipping them all records."""
    return {slot: NOT_STATED for slot in MONITORING_SLOTS}


def _group_from(
    value: object,
    allowed: Tuple[str, ...],
    words: Sequence[Tuple[str, Pattern[str]]],
    first_wins: bool,
) -> Optional[str]:
    text = _text(value)
    if text in allowed:
        return text
    if _PREFER_NOT.search(text):
        return NOT_STATED
    named = [group for group, pattern in words if pattern.search(text)]
    if not named:
        return None
    if first_wins or len(named) == 1:
        return named[0]
    return None


def _text(value: object) -> str:
    return str(value or "").strip().lower()
