"""The signposting directory: national support entries plus one organisation's own.

The national entries live in content/signposting/national.yml and each organisation's in
content/organisations/<organisation>.yml. Every entry carries its source and a review-by date,
and an entry past its review-by date is never shown: services close and numbers change, and a
directory that sends someone in distress to a closed service does harm.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Dict, Iterable, List, Optional, Tuple, Union

from pydantic import Field, root_validator, validator
from pydantic.fields import ModelField

from bot.content.files import ContentError, default_organisation, read_yaml, resolve_content_dir
from bot.content.schema import ContentModel, identifier, missing, names, one_line, read_block, read_blocks

logger = logging.getLogger(__name__)

NATIONAL = "national"
NATIONAL_FILE = "signposting/national.yml"
ORGANISATIONS_FOLDER = "organisations"

AUDIENCES: Tuple[str, ...] = ("managers", "staff", "everyone")
# Topics that must always have somewhere current to send people.
SAFETY_TOPICS: Tuple[str, ...] = (
    "crisis",
    "urgent_danger",
    "urgent_safeguarding",
    "urgent_fraud",
    "urgent_crime",
    "urgent_deliberate_harm",
    "colleague_at_risk",
)
# check_first: who to check with today when an urgent matter is in doubt (safeguarding lead,
# counter fraud, HR), before any conversation with the person. fairness: who a manager can talk
# to when the reflection's fairness check leaves a doubt (equality lead, Freedom to Speak Up).
TOPICS: Tuple[str, ...] = SAFETY_TOPICS + (
    "check_first", "talk_now", "staff_support", "wellbeing", "rights", "hr_advice", "speak_up", "health",
    "fairness",
)
CONTACT_METHODS: Tuple[str, ...] = ("phone", "text", "email", "web", "in_person")
# The four UK nations: national services, safeguarding procedures and PSIRF differ between them.
NATIONS: Tuple[str, ...] = ("england", "wales", "scotland", "northern_ireland")
NATION_NAMES = {
    "england": "England", "wales": "Wales", "scotland": "Scotland", "northern_ireland": "Northern Ireland"
}

NO_CONTACT = "no contact method (phone, text, email, web or in_person)"

_ORGANISATION_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_PHONE_PATTERN = re.compile(r"^[0-9][0-9 ]*[0-9](?:, option [0-9]+)?$|^[0-9]$")
_EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEB_PATTERN = re.compile(r"^https://[^\s/]+\.[^\s]+$")
_TEXT_PATTERN = re.compile(r"[0-9]")


_CONTACT_FORMS = {
    "phone": (_PHONE_PATTERN, "a number such as 116 123, or 111, option 2"),
    "text": (_TEXT_PATTERN, "what to text and the number, such as SHOUT to 85258"),
    "email": (_EMAIL_PATTERN, "an email address"),
    "web": (_WEB_PATTERN, "a web address starting https://"),
}


class Contact(ContentModel):
    """How to reach a service. At least one method is set."""

    not_a_block: ClassVar[str] = "contact must be a block with phone, text, email, web or in_person"

    phone: Optional[str] = None
    text: Optional[str] = None
    email: Optional[str] = None
    web: Optional[str] = None
    in_person: Optional[str] = None

    @validator(*CONTACT_METHODS, pre=True)
    def _method(cls, value: Any, field: ModelField) -> Optional[str]:
        if value is None:
            return None
        value = one_line(value, field.name)
        pattern, expected = _CONTACT_FORMS.get(field.name, (None, ""))
        if pattern is not None and not pattern.search(value):
            raise ValueError(f"{field.name} '{value}' is not {expected}")
        return value

    @root_validator(skip_on_failure=True)
    def _at_least_one(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if not any(values.values()):
            raise ValueError(NO_CONTACT)
        return values


class Entry(ContentModel):
    """One service in the signposting directory.

    audience: who it is for (managers, staff, everyone). topics: when Pause offers it.
    cost: for example "free", when the service says so. scope: "national" or the organisation,
    set from the file it is in.
    """

    not_a_block: ClassVar[str] = "expected a block of fields (id, name, purpose, ...)"

    id: str
    name: str
    purpose: str
    audience: Tuple[str, ...]
    topics: Tuple[str, ...]
    contact: Contact = Field(..., label="contact", missing=NO_CONTACT)
    hours: str
    source: str
    review_by: date
    scope: str
    cost: Optional[str] = None
    # Where the service is for; every nation when not given.
    nations: Tuple[str, ...] = NATIONS

    @validator("id", "name", "purpose", "hours", "source", "cost", pre=True)
    def _one_line(cls, value: Any, field: ModelField) -> Optional[str]:
        return None if value is None and not field.required else one_line(value, field.name)

    @validator("id")
    def _id(cls, value: str) -> str:
        return identifier(value, "samaritans")

    @validator("audience", pre=True)
    def _audience(cls, value: Any) -> Tuple[str, ...]:
        return names(value, "audience", AUDIENCES)

    @validator("topics", pre=True)
    def _topics(cls, value: Any) -> Tuple[str, ...]:
        return names(value, "topics", TOPICS)

    @validator("nations", pre=True)
    def _nations(cls, value: Any) -> Tuple[str, ...]:
        return names(value, "nations", NATIONS)

    @validator("contact", pre=True)
    def _contact_given(cls, value: Any) -> Any:
        if value is None:
            raise missing()
        return value

    @validator("review_by", pre=True)
    def _review_date(cls, value: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"review_by '{value}' is not a date written as YYYY-MM-DD") from None

    def is_current(self, today: date) -> bool:
        """True until the end of its review-by date."""
        return self.review_by >= today

    def is_for_nation(self, nation: Optional[str]) -> bool:
        """True when the service is for people in this nation (every entry when it is unknown)."""
        return nation is None or nation in self.nations

    def serves(self, audience: str) -> bool:
        """True when the entry is for this audience (entries for everyone serve every audience)."""
        return audience in self.audience or "everyone" in self.audience


class Baseline(ContentModel):
    """The organisation's own figures from before the pilot, to compare like with like.

    year: the period counted, such as "2024-25". formal_investigations: formal disciplinary
    investigations started in that year. headcount: staff in post then.
    """

    not_a_block: ClassVar[str] = "baseline must be a block with year, formal_investigations, headcount and source"

    year: str
    formal_investigations: int = Field(..., ge=0)
    headcount: int = Field(..., gt=0)
    source: str

    @validator("year", "source", pre=True)
    def _one_line(cls, value: Any, field: ModelField) -> str:
        return one_line(value, field.name)


@dataclass(frozen=True)
class DirectoryFile:
    """What one directory file holds: its well-formed entries and a problem per malformed one.

    An organisation's file also names its nation, may hold its pre-pilot baseline and may switch
    equality monitoring on.
    """

    label: str
    scope: str
    organisation_name: Optional[str]
    entries: Tuple[Entry, ...]
    problems: Tuple[str, ...]
    nation: Optional[str] = None
    baseline: Optional[Baseline] = None
    equality_monitoring: bool = False


class SignpostDirectory:
    """The national entries plus one organisation's, showing only entries still in date."""

    def __init__(
        self,
        entries: Iterable[Entry],
        organisation: str,
        organisation_name: str,
        nation: Optional[str] = None,
        baseline: Optional[Baseline] = None,
        equality_monitoring: bool = False,
    ) -> None:
        self.nation = nation
        # Asking for the colleague's ethnic group is special category data: off unless the
        # organisation has decided, with its data protection officer, to switch it on.
        self.equality_monitoring = equality_monitoring
        self._entries: Tuple[Entry, ...] = tuple(entry for entry in entries if entry.is_for_nation(nation))
        self.organisation = organisation
        self.organisation_name = organisation_name
        self.baseline = baseline

    @classmethod
    def load(
        cls, content_dir: Union[str, Path, None] = None, organisation: Optional[str] = None
    ) -> "SignpostDirectory":
        """The directory for an organisation (the configured one when omitted), cached.

        A malformed entry is left out and logged; ``python -m bot content check`` names it.
        Raises ContentError when the national file or the organisation's file cannot be read.
        """
        return _load_directory(resolve_content_dir(content_dir), organisation or default_organisation())

    def current(self, today: Optional[date] = None) -> List[Entry]:
        """Every entry still in date, national entries first, in file order."""
        day = today or date.today()
        return [entry for entry in self._entries if entry.is_current(day)]

    def for_topic(
        self, topic: str, audience: Optional[str] = None, today: Optional[date] = None
    ) -> List[Entry]:
        """The in-date entries for a topic, for an audience when given (everyone's entries count).

        Raises ValueError for an unknown topic or audience.
        """
        if topic not in TOPICS:
            raise ValueError(f"unknown topic {topic!r}")
        if audience is not None and audience not in AUDIENCES:
            raise ValueError(f"unknown audience {audience!r}")
        return [
            entry
            for entry in self.current(today)
            if topic in entry.topics and (audience is None or entry.serves(audience))
        ]

    def get(self, entry_id: str, today: Optional[date] = None) -> Optional[Entry]:
        """The in-date entry with this id, or None (also when it has expired)."""
        for entry in self.current(today):
            if entry.id == entry_id:
                return entry
        return None


def contact_line(entry: Entry) -> str:
    """One short plain line to reach an entry, e.g. "Samaritans - call 116 123 (free, 24/7)"."""
    contact = entry.contact
    ways = []
    if contact.phone:
        ways.append(f"call {contact.phone}")
    if contact.text:
        ways.append(f"text {contact.text}")
    if contact.email:
        ways.append(f"email {contact.email}")
    if contact.web:
        ways.append(f"visit {contact.web}")
    if contact.in_person:
        ways.append(f"go to {contact.in_person}")
    how = ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + " or " + ways[-1]
    notes = ", ".join(note for note in (entry.cost, entry.hours) if note)
    return f"{entry.name} - {how} ({notes})" if notes else f"{entry.name} - {how}"


def organisation_file(organisation: str) -> str:
    """The organisation's file, relative to the content folder."""
    return f"{ORGANISATIONS_FOLDER}/{organisation}.yml"


def read_directory_file(content_dir: Path, label: str, scope: str) -> DirectoryFile:
    """Read one directory file (``label`` is relative to the content folder).

    Expiry is not judged here: an expired entry is well formed, and is filtered out when shown.
    Raises ContentError when the file is missing or is not YAML.
    """
    data = read_yaml(content_dir / label, label)
    if not isinstance(data, dict):
        problem = f"{label}: expected 'entries:' with a list of entries"
        return DirectoryFile(label, scope, None, (), (problem,))
    problems: List[str] = []
    organisation_name = None
    nation = None
    baseline = None
    equality_monitoring = False
    if scope != NATIONAL:
        nation = data.get("nation")
        if nation not in NATIONS:
            problems.append(
                f"{label}: 'nation:' must be one of {', '.join(NATIONS)}, so that national services "
                "and procedures are the right ones"
            )
            nation = None
        if data.get("baseline") is not None:
            baseline, baseline_problems = read_block(Baseline, data["baseline"])
            problems += [f"{label}: baseline: {problem}" for problem in baseline_problems]
        equality_monitoring, monitoring_problems = _equality_monitoring(data.get("equality_monitoring"), label)
        problems += monitoring_problems
        organisation_name = data.get("organisation")
        if isinstance(organisation_name, str) and organisation_name.strip():
            organisation_name = " ".join(organisation_name.split())
        else:
            problems.append(f"{label}: missing the organisation's name under 'organisation:'")
            organisation_name = None
        if not _ORGANISATION_PATTERN.match(scope):
            problems.append(
                f"{label}: the file name must be lower-case letters, digits and hyphens, "
                "such as example-trust.yml"
            )
    raw_entries = data.get("entries")
    if not isinstance(raw_entries, list) or not raw_entries:
        problems.append(f"{label}: expected a list of entries under 'entries:'")
        raw_entries = []
    entries, entry_problems = read_blocks(Entry, raw_entries, label, "entry", scope=scope)
    problems += entry_problems
    return DirectoryFile(
        label, scope, organisation_name, tuple(entries), tuple(problems), nation, baseline, equality_monitoring
    )


def _equality_monitoring(raw: Any, label: str) -> Tuple[bool, List[str]]:
    """The organisation's equality monitoring switch: off when absent, and off when unreadable,
    since a typo must never start collecting special category data."""
    if raw is None or isinstance(raw, bool):
        return bool(raw), []
    return False, [f"{label}: 'equality_monitoring:' must be true or false (it is off until set to true)"]


@lru_cache(maxsize=16)
def _load_directory(content_dir: Path, organisation: str) -> SignpostDirectory:
    if not _ORGANISATION_PATTERN.match(organisation):
        raise ContentError(f"{organisation!r} is not an organisation name such as example-trust")
    national = read_directory_file(content_dir, NATIONAL_FILE, NATIONAL)
    local = read_directory_file(content_dir, organisation_file(organisation), organisation)
    entries: List[Entry] = []
    ids: set = set()
    for directory_file in (national, local):
        for problem in directory_file.problems:
            logger.warning("Content problem, left out: %s", problem)
        for entry in directory_file.entries:
            if entry.id in ids:
                logger.warning(
                    "Content problem, left out: %s: entry '%s': the id is already used",
                    directory_file.label,
                    entry.id,
                )
                continue
            ids.add(entry.id)
            entries.append(entry)
    return SignpostDirectory(
        entries,
        organisation,
        local.organisation_name or organisation,
        local.nation,
        local.baseline,
        local.equality_monitoring,
    )
