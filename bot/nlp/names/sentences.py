"""Training sentences for the name recogniser: templates filled with names of every origin.

Managers refer to colleagues by surname alone, first name, full name, title and surname, initials,
double-barrelled and multi-part names, in lower case or shouting, in lists, brackets and
possessives. Each template in ``templates.yml`` is filled with names drawn in turn from every
origin, in all those forms, and with look-alike words (wards, months, drugs, hospitals) that must
stay unlabelled. The same seed always gives the same sentences.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Sequence, Tuple

import yaml

from bot.nlp.names.sources import NamePool, folded

TEMPLATES_FILE = Path(__file__).with_name("templates.yml")
_SLOT = re.compile(r"\{(\w+)\}")
_PERSON_SLOTS = frozenset({"name", "name2", "name3"})
# Words for a colleague in the project's own messages, where a manager could as well use a name.
_PERSON_PHRASE = re.compile(
    r"\b(?:she|he|him|my colleague|a colleague|my staff member|a staff member|one of my (?:nurses|hcas|team|staff)"
    r"|my (?:band \d|deputy|hca|nurse|student|support worker|team member|manager)|this person|someone"
    r"|the (?:nurse|hca|student|doctor|registrar|porter|physio))\b",
    re.IGNORECASE,
)
_TITLES = ("Dr", "Dr.", "Mr", "Mrs", "Ms", "Miss", "Nurse", "Sister", "dr", "mr")

# How often each form of a name is written, out of the total.
_FORMS = (
    ("surname", 34),
    ("first", 24),
    ("full", 20),
    ("title_surname", 5),
    ("initial_surname", 4),
    ("first_initial", 3),
    ("double_barrelled", 5),
    ("full_double_barrelled", 3),
    ("three_part", 2),
    ("with_particle", 3),
    ("initials", 3),
    ("hyphenated_first", 3),
    ("doubled_first", 1),
    ("surname_first", 3),
    ("nickname", 2),
)
# Particles of multi-part names: "Iolo ap Gwilym", "Vasco dos Reis", "Nur binti Ahmad".
_PARTICLES = ("ap", "dos", "da", "de", "van", "van der", "von", "bin", "binti", "al", "el", "ni", "mac", "di", "le")

Span = Tuple[int, int]


@dataclass(frozen=True)
class Sentence:
    """A training sentence and the character spans of the people's names in it."""

    text: str
    names: Tuple[Span, ...]
    origin: str


@dataclass(frozen=True)
class Templates:
    """The sentence templates with and without people, the look-alike words and the fillers."""

    with_names: Tuple[str, ...]
    without_names: Tuple[str, ...]
    look_alikes: FrozenSet[str]
    fillers: Mapping[str, Tuple[str, ...]]
    not_carriers: FrozenSet[str]


def load_templates(path: Path = TEMPLATES_FILE) -> Templates:
    """Read the templates file."""
    with open(path, encoding="utf-8") as handle:
        raw: Dict[str, Any] = yaml.safe_load(handle)
    return Templates(
        with_names=tuple(raw["with_names"]),
        without_names=tuple(raw["without_names"]),
        look_alikes=frozenset(str(word).lower() for word in raw["look_alikes"]),
        fillers={slot: tuple(str(word) for word in words) for slot, words in raw["fillers"].items()},
        not_carriers=frozenset(str(text) for text in raw.get("not_carriers") or ()),
    )


class _Writer:
    """Writes names and fills templates, all from one seeded random generator."""

    def __init__(self, pools: Mapping[str, NamePool], templates: Templates, seed: int) -> None:
        self.pools = pools
        self.origins = sorted(pools)
        self.templates = templates
        self.random = random.Random(seed)
        self.form_names = [form for form, _ in _FORMS]
        self.form_weights = [weight for _, weight in _FORMS]

    def pick(self, names: Sequence[str]) -> str:
        return names[self.random.randrange(len(names))]

    def person(self, origin: str) -> Tuple[str, List[Span]]:
        """A name of the given origin in a random form, and the spans that are the name proper."""
        pool = self.pools[origin]
        form = self.random.choices(self.form_names, self.form_weights)[0]
        first, surname = self.pick(pool.first_names), self.pick(pool.surnames)
        if form == "first":
            return first, [(0, len(first))]
        if form == "surname":
            return surname, [(0, len(surname))]
        if form == "title_surname":
            title = self.random.choice(_TITLES) + " "
            return title + surname, [(len(title), len(title) + len(surname))]
        if form == "initial_surname":
            name = first[0].upper() + self.random.choice([" ", ". ", "."]) + surname
        elif form == "first_initial":
            name = first + " " + surname[0].upper() + self.random.choice(["", "."])
        elif form in ("double_barrelled", "full_double_barrelled"):
            other = self.pick(self.pools[self.random.choice(self.origins)].surnames)
            name = surname + "-" + other
            if form == "full_double_barrelled":
                name = first + " " + name
        elif form == "three_part":
            name = first + " " + self.pick(pool.first_names) + " " + surname
        elif form == "with_particle":
            given = first if self.random.random() < 0.6 else first + " " + self.pick(pool.first_names)
            name = given + " " + self.random.choice(_PARTICLES) + " " + surname
        elif form == "hyphenated_first":
            # "Soo-jin", "Jean-Pierre": two given names joined, the second in either case.
            second = self.pick(pool.first_names)
            name = first + "-" + (second.lower() if self.random.random() < 0.5 else second)
        elif form == "doubled_first":
            name = first + self.random.choice([" ", "-"]) + first
        elif form == "surname_first":
            name = surname + " " + first
        elif form == "nickname":
            name = nickname(first, self.random)
        elif form == "initials":
            name = first[0].upper() + surname[0].upper()
        else:
            name = first + " " + surname
        return name, [(0, len(name))]

    def shaped(self, name: str) -> str:
        """The name as typed: mostly as written, often without accents, sometimes all lower case or capitals."""
        roll = self.random.random()
        if roll < 0.03:
            return name.lower()
        if roll < 0.05:
            return name.upper()
        if roll < 0.35:
            return folded(name)
        return name

    def fill(self, template: str, origin: str) -> Sentence:
        parts: List[str] = []
        spans: List[Span] = []
        length = 0
        used: Dict[str, str] = {}
        position = 0
        for match in _SLOT.finditer(template):
            parts.append(template[position : match.start()])
            length += match.start() - position
            slot = match.group(1)
            if slot in _PERSON_SLOTS:
                slot_origin = origin if slot == "name" else self.random.choice(self.origins)
                text, name_spans = self.person(slot_origin)
                text = self.shaped(text)
                spans.extend((length + start, length + end) for start, end in name_spans)
            else:
                words = self.templates.fillers[slot.rstrip("0123456789")]
                text = self.pick(words)
                while used.get(slot.rstrip("0123456789")) == text and len(words) > 1:
                    text = self.pick(words)
                used[slot.rstrip("0123456789")] = text
            parts.append(text)
            length += len(text)
            position = match.end()
        parts.append(template[position:])
        return Sentence("".join(parts), tuple(spans), origin)

    def typed(self, sentence: Sentence) -> Sentence:
        """The sentence as typed: a capital first letter half the time, all lower case sometimes."""
        text = sentence.text
        roll = self.random.random()
        if roll < 0.18:
            text = text.lower()
        elif roll < 0.6:
            text = text[:1].upper() + text[1:]
        if self.random.random() < 0.3:
            text += self.random.choice([".", "?", "!", " ...", ". thanks"])
        return Sentence(text, sentence.names, sentence.origin)


def nickname(first: str, chooser: random.Random) -> str:
    """A short form as colleagues use it: "Baz", "Debs", "Robbo", "Jonny", from a first name."""
    vowel = next((index for index in range(1, len(first)) if first[index].lower() in "aeiouy"), None)
    if vowel is None or vowel + 1 >= len(first):
        return first
    stem, consonant = first[: vowel + 1], first[vowel + 1].lower()
    if consonant in "aeiouy":
        return stem + "z"
    return chooser.choice([stem + "z", stem + consonant + "s", stem + consonant * 2 + "o", stem + consonant * 2 + "y"])


def masked(text: str, names: Sequence[Span], mask: str = "{name}") -> str:
    """The text with each name span replaced by the mask."""
    for start, end in sorted(names, reverse=True):
        text = text[:start] + mask + text[end:]
    return text


def join(first: Sentence, second: Sentence, separator: str) -> Sentence:
    """Two sentences as one longer message, the second's spans moved along."""
    shift = len(first.text) + len(separator)
    spans = first.names + tuple((start + shift, end + shift) for start, end in second.names)
    return Sentence(first.text + separator + second.text, spans, first.origin)


def generate(
    pools: Mapping[str, NamePool],
    templates: Templates,
    with_names: int,
    without_names: int,
    seed: int,
    name_free: Sequence[str] = (),
) -> List[Sentence]:
    """The training sentences: each template in turn, each origin in turn, then shuffled.

    ``name_free`` are real messages without names (the project's NLU examples, the bot's own
    words): each is added twice, as written and as it might be typed, so that the recogniser
    learns what the rest of a manager's message looks like.
    """
    writer = _Writer(pools, templates, seed)
    sentences = []
    for index, text in enumerate(name_free):
        sentences.append(Sentence(text, (), "none"))
        sentences.append(writer.typed(Sentence(text, (), "none")))
        # The same real message about "she" or "my colleague", about a named colleague instead.
        carrier = _PERSON_PHRASE.sub("{name}", text, count=1)
        if carrier != text and text not in templates.not_carriers:
            for turn in range(2):
                origin = writer.origins[(2 * index + turn) % len(writer.origins)]
                sentences.append(writer.typed(writer.fill(carrier, origin)))
    for index in range(with_names):
        template = templates.with_names[index % len(templates.with_names)]
        origin = writer.origins[index % len(writer.origins)]
        sentences.append(writer.typed(writer.fill(template, origin)))
    for index in range(without_names):
        template = templates.without_names[index % len(templates.without_names)]
        sentences.append(writer.typed(writer.fill(template, "none")))
    # Some messages ramble: two sentences run together.
    for index in range(len(sentences) // 10):
        first, second = writer.random.sample(sentences, 2)
        sentences.append(join(first, second, writer.random.choice([". ", ", ", " and ", "\n"])))
    writer.random.shuffle(sentences)
    return sentences
