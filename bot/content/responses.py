"""Every phone number the bot's own words show (domain.yml responses) must come from dated content.

Crisis and urgent replies carry their numbers in domain.yml so that Rasa gives them without the
action server. This check reads those responses and finds each number (999, 111, 116 123,
85258, 0800 028 4060, ...) in a national directory entry that is in date and serves every nation
the wording is shown in, so the review-by dates cover these numbers as well.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

import yaml

from bot.content.directory import NATION_NAMES, NATIONS, Entry

DOMAIN_LABEL = "domain.yml"
# A run of three or more digits, single spaces allowed inside: "116 123", "0800 028 4060", "999";
# not a quantity ("156 days", "71%") or a year (2018).
_NUMBER = re.compile(
    r"(?<![\w.%£-])\d(?:\d| (?=\d))+\d(?![\w%-])(?! (?:hours?|days?|minutes?|weeks?|months?|years?)\b)"
)
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class ShownNumber:
    """A number in one variation of a response, and the nations that variation is shown in."""

    response: str
    number: str
    nations: Tuple[str, ...]


def numbers_in(text: str) -> List[str]:
    """The numbers a text shows, years (such as 2018) left out."""
    return [number for number in _NUMBER.findall(text or "") if not _YEAR.match(number)]


def entry_numbers(entry: Entry) -> Set[str]:
    """The numbers an entry gives: its phone (without ", option 2") and the number to text."""
    numbers: Set[str] = set()
    if entry.contact.phone:
        numbers.add(entry.contact.phone.split(",")[0].strip())
    if entry.contact.text:
        numbers.update(numbers_in(entry.contact.text))
    return numbers


def _variation_nations(variations: List[Dict[str, Any]]) -> List[Tuple[Dict[str, Any], Tuple[str, ...]]]:
    """Each variation with the nations it is shown in: its nation condition, or else every nation
    that no variation of the response names."""
    named = {_nation_of(variation) for variation in variations} - {None}
    rest = tuple(nation for nation in NATIONS if nation not in named)
    return [
        (variation, (_nation_of(variation),) if _nation_of(variation) else rest)
        for variation in variations
    ]


def _nation_of(variation: Dict[str, Any]) -> Optional[str]:
    for condition in variation.get("condition") or []:
        if condition.get("name") == "nation":
            return condition.get("value")
    return None


def shown_numbers(responses: Dict[str, List[Dict[str, Any]]]) -> List[ShownNumber]:
    """Every number in every response's text and button titles, with where it is shown."""
    found = []
    for name, variations in responses.items():
        for variation, nations in _variation_nations(variations or []):
            texts = [variation.get("text") or ""] + [
                button.get("title", "") for button in variation.get("buttons") or []
            ]
            for text in texts:
                found += [ShownNumber(name, number, nations) for number in numbers_in(text)]
    return found


def read_responses(domain_file: Path) -> Dict[str, List[Dict[str, Any]]]:
    """The responses of a domain file; empty when there is no such file."""
    if not domain_file.is_file():
        return {}
    data = yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}
    return data.get("responses") or {}


def response_number_problems(
    responses: Dict[str, List[Dict[str, Any]]], entries: Iterable[Entry], today: date
) -> List[str]:
    """One problem per number a response shows that no in-date entry for its nations gives."""
    entries = tuple(entries)
    problems = []
    for shown in shown_numbers(responses):
        where = f"{DOMAIN_LABEL}: response '{shown.response}' shows {shown.number}"
        giving = [entry for entry in entries if shown.number in entry_numbers(entry)]
        if not giving:
            problems.append(f"{where}, which no directory entry gives: add a dated entry with its source")
            continue
        current = [entry for entry in giving if entry.is_current(today)]
        if not current:
            names = ", ".join(f"'{entry.id}'" for entry in giving)
            problems.append(f"{where}, but its entry ({names}) has expired: confirm it and move the date on")
            continue
        missing = [
            nation for nation in shown.nations if not any(entry.is_for_nation(nation) for entry in current)
        ]
        if missing:
            places = ", ".join(NATION_NAMES[nation] for nation in missing)
            problems.append(
                f"{where} in {places}, where its entry is not a service: give that nation its own wording"
            )
    return problems
