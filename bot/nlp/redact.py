"""Redaction of personal details before anything is stored.

Pause needs no names or identifying details, so every free text it keeps passes through
``redact`` first: personal names, email addresses, UK phone numbers, NHS numbers (with a valid
Modulus 11 check digit), employee and payroll numbers, National Insurance numbers and UK
postcodes become bracketed placeholders such as ``[NAME]`` or ``[NHS NUMBER]``.

Numbers and addresses are found by validated patterns. Names are found on the tokens of a blank
English spaCy pipeline: a ``Matcher`` marks titles and cue phrases ("spoke to", "name is"), and
the surrounding words decide (a verb after a capitalised word, a possessive, a known first name,
"X and Y"). Case references, dates, times, ratings, ward and band numbers and the public crisis
lines are never redacted. The word lists live in ``pii_patterns.yml`` beside this module.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, FrozenSet, List, Optional, Sequence, Set, Tuple

import yaml

from bot.nlp.input_check import without_markup

if TYPE_CHECKING:
    from bot.nlp.names.recogniser import Recogniser
    from spacy.language import Language
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

PATTERNS_PATH = Path(__file__).with_name("pii_patterns.yml")

NAME = "NAME"
EMAIL = "EMAIL"
PHONE = "PHONE"
NHS_NUMBER = "NHS NUMBER"
EMPLOYEE_NUMBER = "EMPLOYEE NUMBER"
NI_NUMBER = "NI NUMBER"
POSTCODE = "POSTCODE"
LABELS: Tuple[str, ...] = (NAME, EMAIL, PHONE, NHS_NUMBER, EMPLOYEE_NUMBER, NI_NUMBER, POSTCODE)

PiiSpan = Tuple[str, int, int]
"""A personal detail found in a text: its label and its character offsets (end exclusive)."""

_CASE_REFERENCE = re.compile(
    r"(?<![\w-])P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}(?![\w-])", re.IGNORECASE
)
# A placeholder already in the text ("[NI NUMBER]") stays as it is: redacting twice changes nothing.
_PLACEHOLDER = re.compile(r"\[(?:" + "|".join(re.escape(label) for label in LABELS) + r")\]")
_EMAIL = re.compile(
    r"(?<![\w.+'-])[\w.+'-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+"
)
_NHS_NUMBER = re.compile(r"(?<![\w.-])(\d{3})([ -]?)(\d{3})\2(\d{4})(?![\w]|[.-]\d)")
_NI_NUMBER = re.compile(
    r"(?<![A-Za-z0-9])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]) ?(\d{2}) ?(\d{2}) ?(\d{2})"
    r"(?: ?([A-D]))?(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_NI_CONTEXT = re.compile(r"\b(?:NI|NINO|national\s+insurance)\b", re.IGNORECASE)
_NI_FORBIDDEN_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"[0-9](?:st|nd|rd|th)$")
_PHONE_RUN = re.compile(r"(?<![\w+])[+(]*\d[\d \t().-]*\d\)?(?!\w)")
_PHONE_GROUP = re.compile(r"\+?\(?\+?\d+\)?")
_ASSIGNMENT_NUMBER = re.compile(r"(?<![\w-])\d{8}-\d{1,2}(?![\w-])")
_EMPLOYEE_VALUE = r"(?P<value>(?:[A-Za-z]{1,3}\d{4,10}|\d{5,10})(?:-\d{1,2})?)(?![\w-])"
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_BREAKS = frozenset(
    {".", "!", "?", "…", ":", ";", "-", "–", "—", "*", "•", '"', "“", "(", ")", "\n"}
)
_POSSESSIVES = frozenset({"'s", "’s", "'", "’"})
_CALENDAR_WORDS = frozenset(
    [name.lower() for name in (*calendar.month_name[1:], *calendar.day_name)]
    + [name.lower()[:3] for name in (*calendar.month_name[1:], *calendar.day_name)]
)
_APOSTROPHE_SURNAME = re.compile(r"^[OoDd]['’][A-Za-z][a-z]{2,}$")
_NOT_APOSTROPHE_SURNAMES = frozenset({"o'clock", "o’clock", "d'you", "d’you"})
_INITIAL_AND_SURNAME = re.compile(r"^[A-Za-z]\.[A-Za-z][a-z]{2,}$")
_LONE_INITIAL = re.compile(r"^[A-Za-z]\.?$")
_SEASONS = frozenset({"spring", "summer", "autumn", "winter"})
# Words around a month or day that make it a date: "in June", "since Monday", "June 2024".
_DATE_WORDS = frozenset(
    {"in", "on", "since", "until", "till", "from", "by", "of", "last", "next", "every", "this", "each",
     "early", "mid", "late", "end", "before", "after", "during", "through", "to", "and", "or", "the"}
)
# Words after which a person is often named: "spoke to rob", "me and sue", "about kim".
_BEFORE_A_PERSON = frozenset({"to", "with", "and", "about", "tell", "told", "asked", "ask", "from", "for", "by", "&"})
_FIRST_PERSON = frozenset({"i", "i'm", "i’m", "im", "i've", "i'd", "i'll"})
_COORDINATORS = frozenset({"and", "&", "or", ","})
_INITIAL = re.compile(r"[A-Z]\.?")
_LOWER_CASE_TITLES = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof"})
_PLACE_PREPOSITIONS = frozenset(
    {"in", "at", "on", "near", "from", "via", "into", "onto", "off", "of", "to"}
)
_PLACE_WORDS = frozenset(
    {
        "ward", "unit", "lane", "road", "street", "avenue", "close", "drive", "way", "house",
        "centre", "hospital", "building", "wing", "suite", "team", "service", "clinic",
        "programme", "court", "park", "site", "sites", "guidelines", "guidance", "scale", "score",
        "syndrome", "disease",
    }
)
# Endings of adjectives and verb forms, which a lone capitalised name hardly ever has.
_WORD_ENDINGS = ("ed", "ing", "ly", "ful", "ous", "ive", "able")
_LOWER_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class PiiVocabulary:
    """The word lists that guide name detection and the settings of the number checks."""

    titles: FrozenSet[str]
    name_cues: Tuple[str, ...]
    verbs_after_name: FrozenSet[str]
    person_verbs: FrozenSet[str]
    common_noun_endings: Tuple[str, ...]
    determiners: FrozenSet[str]
    not_names: FrozenSet[str]
    button_words: FrozenSet[str]
    first_names: FrozenSet[str]
    first_names_also_words: FrozenSet[str]
    surname_particles: FrozenSet[str]
    employee_number_keywords: Tuple[str, ...]
    personal_keys: Dict[str, str]
    public_numbers: FrozenSet[str]


def load_vocabulary(path: Path = PATTERNS_PATH) -> PiiVocabulary:
    """Read the redaction word lists from a YAML file."""
    with open(path, encoding="utf-8") as handle:
        raw: Dict[str, Any] = yaml.safe_load(handle)

    def words(key: str) -> FrozenSet[str]:
        return frozenset(str(word).lower() for word in raw.get(key) or [])

    personal_keys = {
        str(key).lower(): label
        for label, keys in (raw.get("personal_keys") or {}).items()
        for key in keys
    }
    return PiiVocabulary(
        titles=words("titles") | words("honorifics"),
        name_cues=tuple(str(cue).lower() for cue in raw.get("name_cues") or []),
        verbs_after_name=words("verbs_after_name") | words("person_verbs"),
        person_verbs=words("person_verbs"),
        common_noun_endings=tuple(sorted(words("common_noun_endings"))),
        determiners=words("determiners"),
        not_names=words("not_names"),
        button_words=words("button_words"),
        first_names=words("first_names"),
        first_names_also_words=words("first_names_also_words"),
        surname_particles=words("surname_particles"),
        employee_number_keywords=tuple(
            sorted(words("employee_number_keywords"), key=len, reverse=True)
        ),
        personal_keys=personal_keys,
        public_numbers=frozenset(str(number) for number in raw.get("public_numbers") or []),
    )


def _load_blank_english() -> "Language":
    """The project's blank English pipeline, or a fresh one while that module is not there yet."""
    try:
        from bot.nlp.pipeline import get_nlp
    except ImportError:
        import spacy

        return spacy.blank("en")
    return get_nlp()


@dataclass(frozen=True)
class _NameFinder:
    nlp: "Language"
    matcher: "Matcher"
    vocabulary: PiiVocabulary
    stop_words: FrozenSet[str]
    never_names: FrozenSet[str]
    recogniser: Optional["Recogniser"]
    gazetteer: FrozenSet[str]
    look_alikes: FrozenSet[str]
    common_words: FrozenSet[str]


@lru_cache(maxsize=1)
def _vocabulary() -> PiiVocabulary:
    return load_vocabulary()


@lru_cache(maxsize=1)
def _name_finder() -> _NameFinder:
    from spacy.lang.en.stop_words import STOP_WORDS
    from spacy.matcher import Matcher

    from bot.nlp.names.recogniser import (
        COMMON_WORDS_FILE,
        GAZETTEER_FILE,
        LOOK_ALIKES_FILE,
        recogniser_in,
        word_list,
    )

    vocabulary = _vocabulary()
    nlp = _load_blank_english()
    matcher = Matcher(nlp.vocab)
    cue_patterns = []
    for cue in vocabulary.name_cues:
        for variant in {cue, cue.replace("'", "’")}:
            cue_patterns.append([{"LOWER": token.lower_} for token in nlp.tokenizer(variant)])
    # A grade is a role too: "my band 6, Ruairi, ..."
    cue_patterns.append([{"LOWER": "band"}, {"LOWER": {"REGEX": r"^\d[a-d]?$"}}])
    # Whoever did something: "signed by Oksana", "witnessed by Mr Hale".
    cue_patterns.append([{"LOWER": {"REGEX": r"^[a-z]{3,}ed$"}}, {"LOWER": "by"}])
    matcher.add("CUE", cue_patterns)
    stop_words = frozenset(STOP_WORDS)
    never_names = vocabulary.not_names | vocabulary.button_words | stop_words | vocabulary.titles
    return _NameFinder(
        nlp,
        matcher,
        vocabulary,
        stop_words,
        never_names,
        recogniser_in(nlp),
        word_list(nlp, GAZETTEER_FILE),
        word_list(nlp, LOOK_ALIKES_FILE),
        word_list(nlp, COMMON_WORDS_FILE),
    )


@lru_cache(maxsize=1)
def _employee_number_pattern() -> "re.Pattern[str]":
    keywords = []
    for keyword in _vocabulary().employee_number_keywords:
        parts = [re.escape(part) for part in keyword.split()]
        if parts[-1] == "no":
            parts[-1] = r"no\.?"
        keywords.append(r"[\s_-]*".join(parts))
    return re.compile(
        r"\b(?:" + "|".join(keywords) + r")(?:'s)?\s*(?:(?:is|was|as|of|:|=|#|-|–)\s*)?(?:is\s+)?"
        + _EMPLOYEE_VALUE,
        re.IGNORECASE,
    )


def nhs_number_is_valid(digits: str) -> bool:
    """True when ten digits carry a valid NHS Modulus 11 check digit."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def _uk_national_number(groups: List[str]) -> Optional[str]:
    """The number as dialled within the UK (leading 0), or None when the groups are not one."""
    raw = "".join(groups).replace("(", "").replace(")", "")
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+44") or raw.startswith("0044"):
        rest = digits[2:] if raw.startswith("+") else digits[4:]
        national = rest if rest.startswith("0") else "0" + rest
    elif raw.startswith("+"):
        return None
    else:
        first = re.sub(r"\D", "", groups[0])
        if len(groups) > 1 and not 3 <= len(first) <= 6:
            return None
        national = digits
    if len(groups) > 5:
        return None
    if re.fullmatch(r"07\d{9}|0[23]\d{9}|01\d{8,9}", national):
        return national
    return None


def _find_phone_numbers(text: str, public_numbers: FrozenSet[str]) -> List[Tuple[int, int]]:
    spans: List[Tuple[int, int]] = []
    for run in _PHONE_RUN.finditer(text):
        groups = list(_PHONE_GROUP.finditer(run.group()))
        start = 0
        while start < len(groups):
            found = None
            for end in range(min(len(groups), start + 6), start, -1):
                texts = [group.group() for group in groups[start:end]]
                national = _uk_national_number(texts)
                if national is not None:
                    found = end
                    break
            if found is None:
                start += 1
                continue
            if national not in public_numbers:
                span_start = run.start() + groups[start].start()
                span_end = run.start() + groups[found - 1].end()
                number = text[span_start:span_end]
                if number.startswith("(") and ")" not in number:
                    span_start += 1
                if number.endswith(")") and "(" not in number:
                    span_end -= 1
                spans.append((span_start, span_end))
            start = found
    return spans


def _find_ni_numbers(text: str) -> List[Tuple[int, int]]:
    spans = []
    for match in _NI_NUMBER.finditer(text):
        if match.group(1).upper() in _NI_FORBIDDEN_PREFIXES:
            continue
        context = text[max(0, match.start() - 40) : match.start()]
        if match.group(5) is None and not _NI_CONTEXT.search(context):
            continue
        spans.append((match.start(), match.end()))
    return spans


def _find_postcodes(text: str) -> List[Tuple[int, int]]:
    spans = []
    for match in _POSTCODE.finditer(text):
        if _ORDINAL.search(match.group()):
            continue
        spans.append((match.start(), match.end()))
    return spans


def _find_employee_numbers(text: str) -> List[Tuple[int, int]]:
    spans = [match.span("value") for match in _employee_number_pattern().finditer(text)]
    spans.extend(match.span() for match in _ASSIGNMENT_NUMBER.finditer(text))
    return spans


class _TokenView:
    """What name detection needs to know about each token of one document, computed once."""

    def __init__(self, doc: "Doc", finder: _NameFinder) -> None:
        self.doc = doc
        self.vocabulary = finder.vocabulary
        self.stop_words = finder.stop_words
        self.texts: List[str] = []
        self.spacing: List[str] = []
        for token in doc:
            self.texts.append(token.text)
            self.spacing.append(token.whitespace_)
        self.lowers = [word.lower() for word in self.texts]
        self.typed_in_lower_case = self._typed_in_lower_case()
        self.words = [word.isalpha() or _NAME_WORD.fullmatch(word) is not None for word in self.texts]
        self.capitalised = [
            is_word and word[0].isupper() and not word.isupper()
            for word, is_word in zip(self.texts, self.words)
        ]
        never_names = finder.never_names
        self.excluded = [word in never_names or word.rstrip(".") in never_names for word in self.lowers]
        self.after_cue: Set[int] = set()
        for _, start, end in finder.matcher(doc):
            following = end + 1 if end < len(doc) and self.texts[end] in {",", ":"} else end
            self.after_cue.add(following)

    def _typed_in_lower_case(self) -> bool:
        """True when nothing but "I", sentence starts and acronyms is capitalised: people who type
        so write names in lower case too ("I spoke to rob")."""
        for index, word in enumerate(self.texts):
            if not word[:1].isupper() or word.isupper() or self.lowers[index] in _FIRST_PERSON:
                continue
            if index > 0 and not self.starts_sentence(index):
                return False
        return True

    def text(self, index: int) -> str:
        return self.texts[index]

    def lower(self, index: int) -> str:
        return self.lowers[index]

    def exists(self, index: int) -> bool:
        return 0 <= index < len(self.texts)

    def is_word(self, index: int) -> bool:
        return self.exists(index) and self.words[index]

    def is_capitalised(self, index: int) -> bool:
        return self.exists(index) and self.capitalised[index]

    def is_upper(self, index: int) -> bool:
        return self.is_word(index) and len(self.texts[index]) > 2 and self.texts[index].isupper()

    def is_initial(self, index: int) -> bool:
        return self.exists(index) and _INITIAL.fullmatch(self.texts[index]) is not None

    def is_excluded(self, index: int) -> bool:
        return self.excluded[index]

    def is_known_name(self, index: int) -> bool:
        return self.lowers[index] in self.vocabulary.first_names

    def is_ambiguous_name(self, index: int) -> bool:
        return self.lowers[index] in self.vocabulary.first_names_also_words

    def is_title(self, index: int) -> bool:
        if not self.exists(index):
            return False
        word = self.texts[index].rstrip(".")
        if not word or word.lower() not in self.vocabulary.titles:
            return False
        return word[0].isupper() or word.lower() in _LOWER_CASE_TITLES

    def previous_word(self, index: int) -> int:
        """Index of the nearest earlier token that is not plain spacing, or -1."""
        index -= 1
        while index >= 0 and self.texts[index].isspace() and "\n" not in self.texts[index]:
            index -= 1
        return index

    def starts_sentence(self, index: int) -> bool:
        before = self.previous_word(index)
        while before >= 0 and self.texts[before].isdigit():
            before = self.previous_word(before)
        if before < 0:
            return True
        word = self.texts[before]
        return word in _SENTENCE_BREAKS or "\n" in word

    def after_determiner(self, index: int) -> bool:
        before = self.previous_word(index)
        return before >= 0 and self.lowers[before] in self.vocabulary.determiners

    def verb_follows(self, index: int) -> bool:
        after = index + 1
        if self.exists(after + 1) and self.texts[after] == "," and self.lowers[after + 1] == "who":
            return True
        return self.exists(after) and self.lowers[after] in self.vocabulary.verbs_after_name

    def past_tense_follows(self, index: int) -> bool:
        """True before a verb in the past tense: "Leadbetter snapped at the HCA"."""
        after = index + 1
        return (
            self.exists(after)
            and self.texts[after].islower()
            and self.texts[after].isalpha()
            and len(self.texts[after]) >= 5
            and self.texts[after].endswith("ed")
        )

    def person_verb_follows(self, index: int) -> bool:
        after = index + 1
        return self.exists(after) and self.lowers[after] in self.vocabulary.person_verbs

    def beside_first_person(self, index: int) -> bool:
        """True for "Ade and I", "me and Ade", "Ade and me"."""
        after = [self.lowers[i] for i in (index + 1, index + 2) if self.exists(i)]
        before = [self.lowers[i] for i in (index - 2, index - 1) if self.exists(i)]
        return after in (["and", "i"], ["and", "me"]) or before in (["me", "and"], ["i", "and"])

    def stands_alone_mid_sentence(self, index: int) -> bool:
        """True for a lone capitalised word in mid-sentence that is not part of a place or title.

        Casual messages capitalise little besides names, so such a word is taken as one unless it
        follows a place preposition ("on Larch ward", "in Keighley"), belongs to a longer
        proper noun ("Royal College"), comes before a place word ("Rowan Ward") or looks like
        a common word.
        """
        if self.starts_sentence(index):
            return False
        before = self.previous_word(index)
        if (
            self.lowers[before] in _PLACE_PREPOSITIONS
            or self.capitalised[before]
            or self.texts[before].isupper()
        ):
            return False
        after = index + 1
        if self.exists(after) and (self.lowers[after] in _PLACE_WORDS or self.capitalised[after]):
            return False
        return not self.lowers[index].endswith(self.vocabulary.common_noun_endings + _WORD_ENDINGS)

    def stands_alone(self, index: int) -> bool:
        """Not part of a longer proper noun or a noun phrase: not after "the", "with", "of" or a
        capitalised word, not before a place word ("Prince Philip hospital", "a patient with
        Parkinson's", "Alexandra site"); a surname may follow ("Priya Raman")."""
        before = self.previous_word(index)
        if before >= 0 and (
            self.lowers[before] in self.vocabulary.determiners
            or self.lowers[before] in {"with", "of", "st", "saint"}
            or (self.capitalised[before] and not self.starts_sentence(before))
        ):
            return False
        after = index + 1
        return not (self.exists(after) and self.lowers[after] in _PLACE_WORDS)

    def stands_alone_after_any_word(self, index: int) -> bool:
        """A capitalised word in mid-sentence on its own: not after "the", "in" or a capitalised
        word, not before a place word or another capitalised word ("the Fraser guidelines",
        "Prince Philip hospital", "Stepping Hill", "a job in Hull")."""
        if self.starts_sentence(index) or self.after_determiner(index):
            return False
        before = self.previous_word(index)
        if self.capitalised[before] or self.texts[before].isupper() or self.texts[before] in _POSSESSIVES:
            return False
        # "in Hull", "at Porto": a place; "to Openshaw" may be either, and a known name decides.
        if self.lowers[before] in _PLACE_PREPOSITIONS - {"to"}:
            return False
        after = index + 1
        return not (self.exists(after) and (self.lowers[after] in _PLACE_WORDS or self.capitalised[after]))

    def may_be_ambiguous_name(self, index: int) -> bool:
        """A first name that is also a word, but not a month or other never-a-name word."""
        return self.is_ambiguous_name(index) and self.lowers[index] not in self.vocabulary.not_names

    def possessive_follows(self, index: int) -> bool:
        after = index + 1
        return (
            self.exists(after)
            and self.texts[after] in _POSSESSIVES
            and not self.spacing[index]
            and (self.texts[after] not in {"'", "’"} or self.lowers[index].endswith("s"))
        )

    def after_title(self, index: int) -> bool:
        before = self.previous_word(index)
        if before >= 1 and self.texts[before] == "." and not self.spacing[before - 1]:
            before -= 1
        if self.is_title(before):
            return True
        # Initials between a title and a surname: "Dr A. B. Okafor".
        while before >= 0 and self.is_initial(before):
            before = self.previous_word(before)
            if before >= 1 and self.texts[before] == "." and not self.spacing[before - 1]:
                before -= 1
            if self.is_title(before):
                return True
        return False


def _is_name_start(view: _TokenView, index: int) -> bool:
    """True when the token at index begins a personal name, judged from its context."""
    if view.is_initial(index) and view.is_title(view.previous_word(index)):
        after = index + 1
        dotted = view.exists(after) and view.text(after) == "."
        return view.is_capitalised(after) or view.is_initial(after) or dotted
    if not view.is_word(index):
        return False
    capitalised = view.is_capitalised(index)
    ambiguous = view.is_ambiguous_name(index)
    excluded = view.is_excluded(index)
    if capitalised and view.after_title(index):
        return not excluded or ambiguous
    known = view.is_known_name(index) and not excluded
    if known and (capitalised or view.text(index).islower() or view.is_upper(index)):
        return True
    if not capitalised:
        return False
    if index in view.after_cue:
        return not excluded or view.may_be_ambiguous_name(index)
    if excluded and not (ambiguous and view.lower(index) not in view.stop_words):
        return False
    if ambiguous and view.lower(index) in view.vocabulary.not_names:
        return False
    if view.after_determiner(index):
        return False
    if view.possessive_follows(index):
        return True
    if view.beside_first_person(index):
        return True
    if view.person_verb_follows(index):
        looks_like_a_noun = view.lower(index).endswith(view.vocabulary.common_noun_endings)
        return not view.starts_sentence(index) or not looks_like_a_noun
    if view.verb_follows(index):
        return ambiguous or not view.starts_sentence(index)
    return not ambiguous and view.stands_alone_mid_sentence(index)


def _can_join_name(view: _TokenView, index: int, gazetteer: FrozenSet[str] = frozenset()) -> bool:
    """True when a token may stand beside a name as another name ("Tom and Mahlet").

    A capitalised word may; in a message typed all in lower case, so may a known name ("sue and
    nicola").
    """
    if view.typed_in_lower_case and view.is_word(index) and view.lower(index) in gazetteer:
        return not view.is_excluded(index) or view.may_be_ambiguous_name(index)
    return view.is_capitalised(index) and (
        not view.is_excluded(index) or view.may_be_ambiguous_name(index)
    )


def _extend_name(view: _TokenView, start: int, known: bool = False) -> int:
    """Index after the last token of the name beginning at start (surnames, initials, hyphens).

    A name already known to be one (``known``) also takes a hyphenated part in lower case
    ("Soo-jin", "Ha-eun"), which after an unknown capitalised word would be an ordinary word.
    """
    shouting = view.is_upper(start)
    end = start + 1
    added = 0
    while added < 3 and view.exists(end):
        spacing_before = view.spacing[end - 1]
        if view.text(end) in {"-", "‐"} and not spacing_before and view.exists(end + 1):
            joined = view.is_capitalised(end + 1) or (shouting and view.is_upper(end + 1))
            joined = joined or (known and view.is_word(end + 1) and not view.is_excluded(end + 1))
            if not view.spacing[end] and joined:
                end += 2
                continue
            break
        if view.text(end) == "." and view.is_initial(end - 1) and not spacing_before:
            end += 1
            continue
        if spacing_before != " ":
            break
        if view.is_initial(end) and view.is_capitalised(end + 1):
            end += 1
            added += 1
            continue
        particles = view.vocabulary.surname_particles
        if view.lower(end) in particles and view.spacing[end] == " ":
            after_particles = end
            while view.exists(after_particles) and view.lower(after_particles) in particles:
                after_particles += 1
            if view.is_capitalised(after_particles) and not view.is_excluded(after_particles):
                end = after_particles + 1
                added += 1
                continue
            break
        surname = view.is_capitalised(end) or (shouting and view.is_upper(end))
        if not surname or view.is_excluded(end) or view.verb_follows(end - 1):
            break
        end += 1
        added += 1
    return end


def _may_hold_a_name(text: str) -> bool:
    """Cheap test that skips texts such as slot values ("conduct", "not_sure"): one lower-case word."""
    if any(char.isupper() for char in text):
        return True
    words = _LOWER_WORD.findall(text)
    if len(words) > 1:
        return True
    return not _vocabulary().first_names.isdisjoint(words)


def _mark_recognised_people(view: "_TokenView", is_name: List[bool], finder: _NameFinder) -> None:
    """Mark the words of each person the trained recogniser finds.

    Only words count, and never a title, a stop word or a word that is never a name ("Monday",
    "NHS"): the model generalises to unseen surnames, and these keep it from taking a common word
    in a name's usual place for one. Initials and the hyphens of double-barrelled names between
    two marked words are marked too.
    """
    particles = view.vocabulary.surname_particles
    for start, end in finder.recogniser(view.doc):
        marked = [
            index
            for index in range(start, end)
            if (
                view.is_word(index)
                and (not view.is_excluded(index) or _calendar_word_as_name(view, index))
                and (not view.text(index).islower() or _lower_case_name_likely(view, index, finder))
                and (not _known_not_a_name(view, index, finder) or _word_name_before_a_verb(view, index, finder))
            )
            or (view.is_initial(index) and index + 1 < end)
            or (start < index < end - 1 and view.lower(index) in particles)
        ]
        for index in marked:
            is_name[index] = True
        for index in range(start + 1, end - 1):
            if view.text(index) in {"-", "‐"} and is_name[index - 1] and is_name[index + 1]:
                is_name[index] = True
        # The model can stop short of the rest of a multi-part name ("Weng de Leon", "Soo-jin").
        if marked and view.is_word(marked[-1]) and not view.is_upper(marked[-1]):
            for member in range(marked[-1], _extend_name(view, marked[-1], known=True)):
                is_name[member] = True


def _first_name_word_before_a_verb(view: "_TokenView", index: int) -> bool:
    """A first name that is also a word ("Hope", "Will", "Holly"), capitalised, starting a
    sentence, with a verb after it; never a month or day ("May is", "June was")."""
    lower = view.lower(index)
    return (
        lower in view.vocabulary.first_names_also_words
        and lower not in _CALENDAR_WORDS
        and lower not in _SEASONS
        and view.is_capitalised(index)
        and not view.is_upper(index)
        and view.starts_sentence(index)
        and (view.verb_follows(index) or view.past_tense_follows(index))
    )


def _hyphened_to_a_name(view: "_TokenView", index: int, is_name: List[bool]) -> bool:
    """True for the second half of a double-barrelled name ("Okonkwo-Bell"), hyphen included."""
    hyphen, other = index - 1, index - 2
    if other < 0 or view.text(hyphen) not in {"-", "‐"} or view.spacing[other] or view.spacing[hyphen]:
        return False
    if is_name[other] and view.is_capitalised(index):
        is_name[hyphen] = True
        return True
    return False


def _paired_with_a_name(view: "_TokenView", index: int, is_name: List[bool], plural_verbs: FrozenSet[str]) -> bool:
    """True for "Bell and Walker were": a capitalised word joined by "and" to a name, before a
    plural verb."""
    joiner, other, verb = index + 1, index + 2, index + 3
    return (
        view.is_capitalised(index)
        and view.exists(verb)
        and view.lower(joiner) in {"and", "&"}
        and is_name[other]
        and view.lower(verb) in plural_verbs
    )


def _mark_word_surnames(view: "_TokenView", is_name: List[bool], finder: _NameFinder) -> None:
    """A surname or title-name that is also an NHS or place word ("Jenny Ward", "Tom Ward keeps",
    "Mrs Ward", "Amy Lane"): capitalised, straight after a first name or a title, and not the
    name of a place ("on Rowan Ward", "Ward 7")."""
    for index in range(1, len(view.doc)):
        before = index - 1
        if is_name[index] or not view.is_capitalised(index) or view.is_upper(index) or not view.spacing[before]:
            continue
        after = index + 1
        if view.exists(after) and view.text(after)[:1].isdigit():
            continue
        if view.is_title(before):
            is_name[index] = True
            continue
        first = view.text(before)
        known_first = (
            view.lower(before) in finder.gazetteer
            and view.lower(before) not in finder.common_words
            and (view.verb_follows(index) or view.past_tense_follows(index) or view.person_verb_follows(index))
        )
        if not first.isalpha() or not first[:1].isupper() or not (is_name[before] or known_first):
            continue
        # "Jubilee Wing": a place word needs a first name already found, or a common first name.
        if view.lower(index) in _PLACE_WORDS and not (is_name[before] or view.is_known_name(before)):
            continue
        place = view.previous_word(before)
        if place >= 0 and view.lower(place) in _PLACE_PREPOSITIONS:
            continue
        is_name[before] = is_name[index] = True


def _join_name_pieces(
    view: "_TokenView", is_name: List[bool], gazetteer: FrozenSet[str], common_words: FrozenSet[str]
) -> None:
    """Mark the pieces of a name found only in part, or typed where the recogniser does not look:
    an initial and surname run together ("M.Doherty"), words after a title however typed ("Dr sue
    hutchison"), an initial before a name ("k. finch"), the second half of a hyphenated given
    name typed in lower case ("Dong-hyun"), and a capitalised word between two parts of a name
    ("Leung Wing Yee")."""
    for index in range(len(view.doc)):
        # "M.Doherty", "c.carmody": an initial and a surname typed without a space.
        if _INITIAL_AND_SURNAME.match(view.text(index)) and view.lower(index) not in view.stop_words:
            is_name[index] = True
        # A word after a title is a name however it is typed ("Dr sue hutchison", "dr. glover"),
        # and so is a second known name after it.
        elif (
            view.after_title(index)
            and view.text(index).isalpha()
            and view.text(index).islower()
            and not view.is_excluded(index)
            and view.lower(index) not in view.vocabulary.verbs_after_name
            and view.lower(index) not in common_words
        ):
            is_name[index] = True
            after = index + 1
            if view.exists(after) and view.text(after).isalpha() and view.lower(after) in gazetteer:
                is_name[after] = True
    for index in range(len(view.doc) - 1, -1, -1):
        # An initial before a name: "k. finch", "e pratt", "a. morley".
        if (
            not is_name[index]
            and view.exists(index + 1)
            and is_name[index + 1]
            and _LONE_INITIAL.match(view.text(index))
            and (view.text(index).endswith(".") or view.lower(index) not in {"a", "i"})
        ):
            is_name[index] = True
    for index in range(1, len(view.doc)):
        # An initial after a name: "Leah S.", "Kealan P", "tina w.".
        if (
            not is_name[index]
            and is_name[index - 1]
            and view.text(index - 1).isalpha()
            and _LONE_INITIAL.match(view.text(index))
            and (view.text(index).endswith(".") or view.lower(index) not in {"a", "i"})
        ):
            is_name[index] = True
    for index in range(1, len(view.doc) - 1):
        if is_name[index]:
            continue
        before, after = index - 1, index + 1
        if (
            view.text(index) in {"-", "‐"}
            and is_name[before]
            and not view.spacing[before]
            and not view.spacing[index]
            and view.text(after).isalpha()
            and view.text(after).islower()
        ):
            is_name[index] = is_name[after] = True
        elif view.is_capitalised(index) and view.is_word(index) and is_name[before] and is_name[after]:
            if view.is_word(before) and view.is_word(after) and view.spacing[before] and view.spacing[index]:
                is_name[index] = True


def _list_of_names_follows(view: "_TokenView", index: int, is_name: List[bool]) -> bool:
    """True for the first of "A, B and C" when B and C are names and A is capitalised."""
    comma, second, joiner, third = index + 1, index + 2, index + 3, index + 4
    return (
        view.is_capitalised(index)
        and view.exists(third)
        and view.text(comma) == ","
        and is_name[second]
        and view.lower(joiner) in _COORDINATORS
        and is_name[third]
    )


def _word_name_before_a_verb(view: "_TokenView", index: int, finder: _NameFinder) -> bool:
    """A name that is also a word ("Favour", "Patience", "Best"), which the recogniser found
    starting a sentence with a person's verb after it ("Favour has had", "Best's attitude"):
    there, the recogniser's reading is trusted over the word's."""
    lower = view.lower(index)
    return (
        lower in finder.common_words
        and lower not in finder.look_alikes
        and view.is_capitalised(index)
        and not view.is_upper(index)
        and view.starts_sentence(index)
        and (view.verb_follows(index) or view.person_verb_follows(index) or view.possessive_follows(index))
    )


def _calendar_word_as_name(view: "_TokenView", index: int) -> bool:
    """A month or day word the recogniser took for a name, away from any date ("Jun-Jun has",
    "June was late"; not "in June", "June 2024", "on Sat")."""
    lower = view.lower(index)
    if lower not in _CALENDAR_WORDS or lower in view.stop_words:
        return False
    before, after = view.previous_word(index), index + 1
    if before >= 0 and (view.lower(before) in _DATE_WORDS or view.text(before).isdigit()):
        return False
    return not (view.exists(after) and (view.text(after)[:1].isdigit() or view.lower(after) in _DATE_WORDS))


def _lower_case_name_likely(view: "_TokenView", index: int, finder: _NameFinder) -> bool:
    """Whether a word in lower case the recogniser took for a name may be one.

    In a message typed with capitals, a word in lower case is not a name. Where only "I" and
    sentence starts are capitalised, a known name after a word that comes before people is ("I
    spoke to rob"); where nothing is, the recogniser is trusted, having learned from messages
    typed so.
    """
    if not view.typed_in_lower_case:
        return False
    if not any(char.isupper() for char in view.doc.text):
        return True
    return view.lower(index) in finder.gazetteer and view.lower(view.previous_word(index)) in _BEFORE_A_PERSON


def _known_not_a_name(view: "_TokenView", index: int, finder: _NameFinder) -> bool:
    """A known look-alike ("Kerala", "Dalteparin"); an unknown word in capitals ("NBM", "TRAC"),
    or capitals before a number or more capitals ("JH 45 67 89", "NI AB"); the first piece of a
    contraction ("wo" of "won't"); or a common word starting a sentence on its own, where its
    capital says nothing ("Staffing was awful", "Send it to HR"), or inside a noun phrase ("Her
    Mum", "a Root Cause Analysis", "Leeds Teaching Hospitals")."""
    lower = view.lower(index)
    if lower in finder.look_alikes:
        return True
    after = view.text(index + 1) if view.exists(index + 1) else ""
    if view.text(index).isupper() and (after[:1].isdigit() or after[:1] == "[" or (after.isupper() and after.isalpha())):
        return True
    if after.lower() in {"n't", "n’t", "nt"} and not view.spacing[index]:
        return True
    if view.is_upper(index) and bool(finder.gazetteer) and lower not in finder.gazetteer:
        return True
    if lower not in finder.common_words or view.after_title(index):
        return False
    if view.starts_sentence(index):
        return not (view.exists(index + 1) and view.is_capitalised(index + 1))
    return not view.stands_alone(index)


def _known_name_in_place(view: "_TokenView", index: int, finder: _NameFinder) -> bool:
    """A known name where a name usually goes, found without the capital the rules need.

    At the start of a message or in brackets, the whole name before a verb or a possessive
    ("Idil has been crying", "Weng de Leon is retiring", "the HCA (Trinh)"); alone in mid-sentence,
    even after a preposition ("write to Openshaw about"); or, in a message typed all in lower
    case, after a cue ("spoke to dudek").
    """
    if view.lower(index) not in finder.gazetteer or view.is_excluded(index) or not view.is_word(index):
        return False
    if _known_not_a_name(view, index, finder):
        return False
    if view.is_capitalised(index) and view.starts_sentence(index):
        last = _extend_name(view, index, known=True) - 1
        bracketed = view.exists(last + 1) and view.text(last + 1) == ")" and view.text(index - 1) == "("
        return view.verb_follows(last) or view.past_tense_follows(last) or view.possessive_follows(last) or bracketed
    if view.is_capitalised(index):
        return view.stands_alone_after_any_word(index)
    return view.text(index).islower() and index in view.after_cue and view.typed_in_lower_case


def _rule_is_sure(view: "_TokenView", index: int) -> bool:
    """True when a name the rules found has a sure clue: a title, a cue ("spoke to"), a known first
    name standing alone (not "the Fraser guidelines", "Prince Philip hospital")."""
    return (
        view.after_title(index)
        or index in view.after_cue
        or view.beside_first_person(index)
        or (view.is_known_name(index) and not view.is_excluded(index) and view.stands_alone(index))
    )


def _find_names(text: str) -> List[Tuple[int, int]]:
    """Character spans of the personal names in a text."""
    if not _may_hold_a_name(text):
        return []
    finder = _name_finder()
    # Tags are blanked out, keeping every offset, so that "<b>Sarah</b>" tokenises as a word.
    doc = finder.nlp.tokenizer(without_markup(text))
    view = _TokenView(doc, finder)
    verbs_after_pair = view.vocabulary.verbs_after_name | {"were", "are", "have"}
    is_name = [False] * len(doc)
    first_names = view.vocabulary.first_names
    has_recogniser = finder.recogniser is not None
    if has_recogniser:
        _mark_recognised_people(view, is_name, finder)
    for index in range(len(doc)):
        worth_a_look = view.capitalised[index] or view.lowers[index] in first_names or (
            view.texts[index][:1].isupper()
        )
        if has_recogniser and not is_name[index] and _known_name_in_place(view, index, finder):
            for member in range(index, _extend_name(view, index, known=True)):
                is_name[member] = True
            continue
        if worth_a_look and not is_name[index] and _is_name_start(view, index):
            # Beside the trained recogniser, the rules add a name on a sure clue, or on a weaker one
            # (word order alone) for a known name: their other guesses ("in Resus", "Clexane")
            # were most of their false alarms.
            known = view.lower(index) in finder.gazetteer and view.stands_alone(index)
            if has_recogniser and not (_rule_is_sure(view, index) or known):
                continue
            for member in range(index, _extend_name(view, index)):
                is_name[member] = True

    # Pairs of unknown capitalised words before a verb: "Mahlet and Ezana were arguing".
    for index in range(len(doc) - 3):
        if (
            not has_recogniser
            and view.lower(index + 1) in {"and", "&"}
            and _can_join_name(view, index)
            and _can_join_name(view, index + 2)
            and view.lower(index + 3) in verbs_after_pair
        ):
            is_name[index] = is_name[index + 2] = True

    # Names beside names: "Sarah and Mahlet", "Mahlet, Sarah and Tom".
    changed = True
    while changed:
        changed = False
        for index in range(len(doc)):
            if is_name[index] or not _can_join_name(view, index, finder.gazetteer):
                continue
            before, after = index - 1, index + 1
            linked_before = (
                before > 0 and view.lower(before) in _COORDINATORS and is_name[before - 1]
            )
            linked_after = (
                view.exists(after + 1) and view.lower(after) in _COORDINATORS and is_name[after + 1]
            )
            # "Powell, Rowe and Barrett": a comma links a known name to the name after it, and
            # any capitalised word to a list of names that goes on ("Flores, Domingo and Aguilar").
            comma_ok = view.lower(index) in finder.gazetteer or _list_of_names_follows(view, index, is_name)
            if linked_before or (linked_after and (view.lower(after) != "," or comma_ok)):
                for member in range(index, _extend_name(view, index)):
                    is_name[member] = True
                changed = True

    _join_name_pieces(view, is_name, finder.gazetteer, finder.common_words)

    # Surnames with an apostrophe after O or D ("O'Neill", "D'Souza", "o'brien"), never "o'clock".
    for index in range(len(doc)):
        if _APOSTROPHE_SURNAME.match(view.text(index)) and view.lower(index) not in _NOT_APOSTROPHE_SURNAMES:
            is_name[index] = True

    # A name that is also a word, starting a sentence before a verb: "Holly wasnt wearing".
    for index in range(len(doc)):
        if not is_name[index] and _first_name_word_before_a_verb(view, index):
            is_name[index] = True

    # A known look-alike ("Clexane", "Tameside") is no name, whatever clue the rules saw, unless
    # a title says so, or it is paired with a name before a plural verb ("Bell and Walker were").
    for index in range(len(doc)):
        if is_name[index] and view.lower(index) in finder.look_alikes and not view.after_title(index):
            is_name[index] = _paired_with_a_name(view, index, is_name, verbs_after_pair) or _hyphened_to_a_name(
                view, index, is_name
            )

    _mark_word_surnames(view, is_name, finder)

    # A word once recognised as a name is a name wherever else it appears in the message.
    recognised = {
        view.text(index)
        for index in range(len(doc))
        if is_name[index] and view.is_capitalised(index)
    }
    for index in range(len(doc)):
        if not is_name[index] and view.text(index) in recognised and not view.is_excluded(index):
            is_name[index] = True

    spans: List[Tuple[int, int]] = []
    index = 0
    while index < len(doc):
        if not is_name[index]:
            index += 1
            continue
        end = index
        while end + 1 < len(doc) and is_name[end + 1] and doc[end].whitespace_ in {"", " "}:
            end += 1
        spans.append((doc[index].idx, doc[end].idx + len(doc[end].text)))
        index = end + 1
    return spans


@lru_cache(maxsize=256)
def find_pii(text: str) -> Tuple[PiiSpan, ...]:
    """Find the personal details in a text, as (label, start, end) sorted by position.

    Remembered for recent texts: a message is looked at by the NLU pipeline, then appears in
    several fields of the events the tracker store writes, and its names are recognised once.
    """
    if not text:
        return ()
    vocabulary = _vocabulary()
    taken = bytearray(len(text))
    for pattern in (_CASE_REFERENCE, _PLACEHOLDER):
        for match in pattern.finditer(text):
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    found: List[PiiSpan] = []

    def keep(label: str, spans: List[Tuple[int, int]]) -> None:
        for start, end in sorted(spans):
            if taken.find(1, start, end) == -1:
                taken[start:end] = b"\x01" * (end - start)
                found.append((label, start, end))

    if "@" in text:
        keep(EMAIL, [match.span() for match in _EMAIL.finditer(text)])
    # Every other pattern but a name holds a digit.
    if any(char.isdigit() for char in text):
        keep(
            NHS_NUMBER,
            [
                match.span()
                for match in _NHS_NUMBER.finditer(text)
                if nhs_number_is_valid(match.group(1) + match.group(3) + match.group(4))
            ],
        )
        keep(NI_NUMBER, _find_ni_numbers(text))
        keep(EMPLOYEE_NUMBER, _find_employee_numbers(text))
        keep(PHONE, _find_phone_numbers(text, vocabulary.public_numbers))
        keep(POSTCODE, _find_postcodes(text))
    keep(NAME, _find_names(text))
    return tuple(sorted(found, key=lambda item: item[1]))


def placeholder(label: str) -> str:
    """The bracketed text that stands in for a personal detail of the given label."""
    return f"[{label}]"


def redact(text: str) -> str:
    """Replace every personal detail in a text with its bracketed placeholder."""
    return replace_spans(text, find_pii(text))


def replace_spans(text: str, spans: Sequence[PiiSpan]) -> str:
    """Replace the given non-overlapping, sorted spans of a text with their placeholders."""
    if not spans:
        return text
    parts = []
    position = 0
    for label, start, end in spans:
        parts.append(text[position:start])
        parts.append(placeholder(label))
        position = end
    parts.append(text[position:])
    return "".join(parts)


def redact_value(value: Any) -> Any:
    """Redact every string inside a value (str, list, tuple or dict), leaving the shape intact.

    Dictionary keys are kept; a value under a key that names a personal detail (``email``,
    ``full_name``) is replaced whole, since it needs no context to be identifying.
    """
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        personal_keys = _vocabulary().personal_keys
        redacted: Dict[Any, Any] = {}
        for key, item in value.items():
            label = personal_keys.get(key.lower()) if isinstance(key, str) else None
            if label is not None and isinstance(item, str) and item.strip():
                redacted[key] = placeholder(label)
            else:
                redacted[key] = redact_value(item)
        return redacted
    if isinstance(value, list):
        return [redact_value(item) for item in value]
    if isinstance(value, tuple):
        return tuple(redact_value(item) for item in value)
    return value
