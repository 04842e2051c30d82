"""The catalogue of alternatives to a formal investigation (content/alternatives.yml).

Each alternative fits one or more recommended routes, and may fit some concern types especially
well. For a route, Pause suggests the alternatives that fit it: those that fit the concern type
first, then the rest in the order the catalogue lists them.

Some alternatives are for the people who have been hurt or affected (the reflection's restorative
questions): a restorative conversation, being open with a patient or family, support for the
person who raised the concern, learning for the team. They are offered only when one of those
people has been hurt or affected (or for a concern type they list), and then first, those meeting
the need the manager named leading.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Iterable, List, Optional, Tuple, Union

from pydantic import validator
from pydantic.fields import ModelField

from bot.content.files import ContentError, read_yaml, resolve_content_dir
from bot.content.schema import ContentModel, identifier, names, one_line, read_blocks
from bot.reflection.engine import Route
from bot.reflection.questions import AFFECTED_GROUPS, AFFECTED_NEEDS, CONCERN_TYPES, OTHER, UNSURE

logger = logging.getLogger(__name__)

CATALOGUE_FILE = "alternatives.yml"
TITLE_MAX_LENGTH = 40
DEFAULT_LIMIT = 4
# Alternatives for the people hurt or affected come on top of the route's, at most this many.
RESTORATIVE_LIMIT = 2
NEEDS: Tuple[str, ...] = tuple(need for need in AFFECTED_NEEDS if need not in (UNSURE, OTHER))

# Escalating now has no alternatives: those routes must never wait.
ROUTES: Tuple[str, ...] = tuple(route.value for route in Route if route is not Route.ESCALATE_NOW)
NO_ALTERNATIVE_ROUTES: Tuple[str, ...] = (Route.ESCALATE_NOW.value,)

_WORD_PATTERN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# A match just after one of these words is being ruled out ("not mediation", "rather than
# mediation"), not chosen.
_CONTRACTED_NEGATIONS = (
    "don't", "doesn't", "didn't", "won't", "wouldn't", "can't", "shouldn't", "isn't", "aren't"
)
_NEGATIONS = frozenset(
    {"no", "not", "never", "without", "nor", "cannot", "instead", "than"}
    | set(_CONTRACTED_NEGATIONS)
    | {word.replace("'", "") for word in _CONTRACTED_NEGATIONS}
)
_NEGATION_WINDOW = 3
_CLAUSE_BREAK = re.compile(r"[,.;:!?()]|\bbut\b")


class Alternative(ContentModel):
    """One alternative to a formal investigation.

    title: short enough for a button. when: one plain line on when it helps.
    routes: the recommended routes it fits. concern_types: concern types it fits especially well.
    keywords: extra phrases that name it in free text ("OH referral", "mediator").
    affected: the people it is for when they have been hurt or affected (patient_family,
    colleagues, the_person, raised_concern, other); it is then offered only for them, or for
    its concern types. needs: what it meets (explanation, support, put_right, reassurance).
    """

    not_a_block: ClassVar[str] = "expected a block of fields (id, title, when, routes)"

    id: str
    title: str
    when: str
    routes: Tuple[str, ...]
    concern_types: Tuple[str, ...] = ()
    keywords: Tuple[str, ...] = ()
    affected: Tuple[str, ...] = ()
    needs: Tuple[str, ...] = ()

    @validator("id", "title", "when", pre=True)
    def _one_line(cls, value: Any, field: ModelField) -> str:
        return one_line(value, field.name)

    @validator("id")
    def _id(cls, value: str) -> str:
        return identifier(value, "fact_find")

    @validator("title")
    def _short_title(cls, value: str) -> str:
        if len(value) > TITLE_MAX_LENGTH:
            raise ValueError(f"title is longer than {TITLE_MAX_LENGTH} characters (a button label)")
        return value

    @validator("routes", pre=True)
    def _routes(cls, value: Any) -> Tuple[str, ...]:
        return names(value, "routes", ROUTES)

    @validator("concern_types", pre=True)
    def _concern_types(cls, value: Any) -> Tuple[str, ...]:
        return () if value is None else names(value, "concern_types", CONCERN_TYPES)

    @validator("affected", pre=True)
    def _affected(cls, value: Any) -> Tuple[str, ...]:
        return () if value is None else names(value, "affected", AFFECTED_GROUPS)

    @validator("needs", pre=True)
    def _needs(cls, value: Any) -> Tuple[str, ...]:
        return () if value is None else names(value, "needs", NEEDS)

    @validator("keywords", pre=True)
    def _keywords(cls, value: Any) -> Tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) and _words(item) for item in value):
            raise ValueError("keywords must be a list of words or short phrases")
        return tuple(" ".join(item.split()) for item in value)

    def fits(self, route: str) -> bool:
        """True when this alternative fits the recommended route."""
        return route in self.routes

    def helps(self, affected: Iterable[str]) -> bool:
        """True when it is for one of the people who have been hurt or affected."""
        return bool(set(self.affected).intersection(affected))

    def offered_for(self, concern_type: Optional[str], affected: Iterable[str]) -> bool:
        """An alternative for the people hurt or affected is offered only for them or its concern types."""
        return not self.affected or self.helps(affected) or concern_type in self.concern_types

    def phrases(self) -> Tuple[str, ...]:
        """Every phrase that names this alternative: its id, its title and its keywords."""
        return (self.id.replace("_", " "), self.title) + self.keywords


@dataclass(frozen=True)
class Catalogue:
    """The alternatives, in the order the catalogue lists them."""

    items: Tuple[Alternative, ...]

    def for_route(
        self,
        route: Union[str, Route],
        concern_type: Optional[str] = None,
        limit: int = DEFAULT_LIMIT,
        affected: Iterable[str] = (),
        need: Optional[str] = None,
    ) -> List[Alternative]:
        """The alternatives that fit the route, those that fit the concern type first.

        When people have been hurt or affected (affected: their groups), up to RESTORATIVE_LIMIT
        alternatives for them come before those, the ones meeting their need first.
        """
        route_name = _route_name(route)
        if concern_type is not None and concern_type not in CONCERN_TYPES:
            raise ValueError(f"unknown concern type {concern_type!r}")
        groups = tuple(affected)
        on_route = [item for item in self.items if item.fits(route_name)]
        restorative = sorted((item for item in on_route if item.helps(groups)), key=lambda item: need not in item.needs)
        restorative = restorative[: min(RESTORATIVE_LIMIT, max(limit, 0))]
        # The route's own suggestions, whoever was affected.
        fitting = [item for item in on_route if item.offered_for(concern_type, ())]
        especially = [item for item in fitting if concern_type in item.concern_types]
        ranked: List[Alternative] = []
        for item in especially + fitting:
            if item not in ranked and item not in restorative:
                ranked.append(item)
        return restorative + ranked[: max(limit, 0)]

    def get(self, alternative_id: str) -> Optional[Alternative]:
        """The alternative with this id, or None."""
        for item in self.items:
            if item.id == alternative_id:
                return item
        return None

    def match(self, text: str) -> Optional[Alternative]:
        """The alternative that free text names, or None when it names none or several.

        Phrases match whole words. A phrase inside a longer phrase of another alternative does
        not count ("restorative supervision" is not a restorative conversation), nor does one
        just after a negation in the same clause, so "not mediation, coaching" names coaching.
        """
        found: List[_Found] = []
        for clause_number, clause in enumerate(_clauses(text)):
            for item in self.items:
                for phrase in item.phrases():
                    found += [
                        _Found(item, clause_number, start, end)
                        for start, end in _spans(clause, _words(phrase))
                    ]
        named = {match.item.id: match.item for match in found if not match.inside_another(found)}
        return next(iter(named.values())) if len(named) == 1 else None


@dataclass(frozen=True)
class _Found:
    """Where a phrase naming an alternative occurs: a clause and a span of its words."""

    item: Alternative
    clause: int
    start: int
    end: int

    def inside_another(self, found: Iterable["_Found"]) -> bool:
        """True when a longer phrase naming another alternative covers this one."""
        return any(
            other.item is not self.item
            and other.clause == self.clause
            and other.start <= self.start
            and self.end <= other.end
            and other.end - other.start > self.end - self.start
            for other in found
        )


def read_catalogue(path: Path, label: str = CATALOGUE_FILE) -> Tuple[Tuple[Alternative, ...], List[str]]:
    """The well-formed alternatives in a catalogue file, and one problem per malformed one.

    Raises ContentError when the file is missing or is not YAML.
    """
    data = read_yaml(path, label)
    raw_items = data.get("alternatives") if isinstance(data, dict) else None
    if not isinstance(raw_items, list) or not raw_items:
        return (), [f"{label}: expected a list of alternatives under 'alternatives:'"]
    items, problems = read_blocks(Alternative, raw_items, label, "alternative")
    for route in ROUTES:
        # An alternative only for the people hurt or affected does not count: often no one is.
        if not any(item.fits(route) and not item.affected for item in items):
            problems.append(f"{label}: no alternative fits the route '{route}'")
    return tuple(items), problems


def load_catalogue(content_dir: Union[str, Path, None] = None) -> Catalogue:
    """The catalogue from the content folder (the default one when omitted), cached per folder.

    A malformed alternative is left out and logged; ``python -m bot content check`` names it.
    """
    return _load_catalogue(resolve_content_dir(content_dir))


@lru_cache(maxsize=8)
def _load_catalogue(content_dir: Path) -> Catalogue:
    items, problems = read_catalogue(content_dir / CATALOGUE_FILE)
    for problem in problems:
        logger.warning("Content problem, left out: %s", problem)
    if not items:
        raise ContentError(f"{CATALOGUE_FILE}: no usable alternatives")
    return Catalogue(items)


def alternatives_for(
    route: Union[str, Route],
    concern_type: Optional[str] = None,
    limit: int = DEFAULT_LIMIT,
    content_dir: Union[str, Path, None] = None,
    affected: Iterable[str] = (),
    need: Optional[str] = None,
) -> List[Alternative]:
    """Up to ``limit`` alternatives for a recommended route, those fitting the concern type first.

    Up to RESTORATIVE_LIMIT more, for the people hurt or affected (``affected``), come first.
    Escalating now has none. Raises ValueError for an unknown route or concern type.
    """
    return load_catalogue(content_dir).for_route(route, concern_type, limit, affected, need)


def get_alternative(
    alternative_id: str, content_dir: Union[str, Path, None] = None
) -> Optional[Alternative]:
    """The alternative with this id, or None."""
    return load_catalogue(content_dir).get(alternative_id)


def match_alternative(
    text: str, content_dir: Union[str, Path, None] = None
) -> Optional[Alternative]:
    """The alternative free text names ("mediation please", "OH referral"), or None."""
    return load_catalogue(content_dir).match(text)


def _route_name(route: Union[str, Route]) -> str:
    name = route.value if isinstance(route, Route) else route
    if name not in ROUTES and name not in NO_ALTERNATIVE_ROUTES:
        raise ValueError(f"unknown route {route!r}")
    return name


def _clauses(text: str) -> List[Tuple[str, ...]]:
    """The words of each clause: a negation reaches no further than a comma or a "but"."""
    clauses = []
    for part in _CLAUSE_BREAK.split(text.lower()):
        words = _words(part)
        if words:
            clauses.append(words)
    return clauses


def _words(text: str) -> Tuple[str, ...]:
    normalised = text.lower().replace("\u2019", "'").replace("&", " and ")
    return tuple(_WORD_PATTERN.findall(normalised))


def _spans(words: Tuple[str, ...], phrase: Tuple[str, ...]) -> List[Tuple[int, int]]:
    """Where the phrase occurs in words, as (start, end), leaving out those just after a negation."""
    size = len(phrase)
    spans = []
    for start in range(len(words) - size + 1 if size else 0):
        if words[start : start + size] != phrase:
            continue
        before = words[max(0, start - _NEGATION_WINDOW) : start]
        if not _NEGATIONS.intersection(before):
            spans.append((start, start + size))
    return spans
