"""The deterministic crisis safety net: spaCy token rules that spot risk in what people type.

``assess(text_or_doc)`` says whether the writer may be at risk (``crisis``) and whether they
describe someone else - a colleague, "she", "he", "they" - who may harm themselves
(``colleague_at_risk``). It sits beside the NLU ``crisis`` intent so that a misclassification
cannot hide a crisis; when in doubt about the writer it prefers crisis.

The rules are data (``patterns/safety.yml``, with misspellings from ``patterns/spelling.yml``),
loaded once and compiled once per vocabulary into spaCy Matchers over token NORMs (the project's
pipeline reads misspellings and text-speak as plain words). ``matches`` names the rules that
fired, for audit; it never holds the user's words.
"""
from __future__ import annotations

import functools
import itertools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional, Sequence, Tuple, Union

import yaml
from spacy.lang.en import English
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.matcher import Matcher
from spacy.symbols import NORM, ORTH
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from bot.nlp.pipeline import PATTERNS_DIR, get_nlp

SAFETY_RULES_FILE = PATTERNS_DIR / "safety.yml"

WRITER = "writer"
OTHER = "other"
PATIENT = "patient"
IMPERSONAL = "impersonal"
NONE = "none"

SENTENCE_ENDS = frozenset({".", "!", "?", ";", "…", "...", "..", "!!", "??", "?!", "!?"})
# Words after which a new clause starts, so the subject must be found further back.
CLAUSE_JOINERS = frozenset(
    {"and", "but", "so", "because", "cos", "coz", "then", "or", "who", "which", "that", "if",
     "when", "as", "since", "until", "till", "also", "plus", "tbh", "honestly", "lol", "though",
     "tho", "where", "whether", "why", "how", ",", "-", "–", "—", ":", "(", ")", "\"", "“", "”"}
)
# Words before a negation that mean the person is fighting an urge, not denying it.
STRUGGLE_WORDS = frozenset({"trying", "try", "tried", "struggling", "hard", "managed", "manage", "promised", "promise"})
# Words that introduce a reduced or full relative clause: "the nurse (that) I manage".
RELATIVE_WORDS = frozenset({"that", "who", "whom"})
# A misspelling and the word the project's pipeline reads it as.
SPELLING_PROBE = ("myslef", "myself")
PATTERN_GAP = re.compile(r"^~(\d+)$")
# Words too common to tell a group of patterns apart.
COMMON_WORDS = frozenset(STOP_WORDS) | frozenset(
    {"n't", "n’t", "nt", "'m", "’m", "m", "'s", "’s", "s", "ca", "wo", "'d", "’d", "'ll", "’ll", "ll", "want", "wants"}
)


@dataclass(frozen=True)
class SafetySignal:
    """What the safety rules found in one message."""

    crisis: bool
    colleague_at_risk: bool
    matches: Tuple[str, ...]
    # The risk is told as history, with nothing saying it is now (see safety.yml, history).
    history: bool = False


@dataclass(frozen=True)
class SafetyRule:
    """One named rule: who it can be about and how its subject is found."""

    name: str
    targets: FrozenSet[str]
    default: str
    negatable: bool
    adjacent_subject: bool
    topic: bool
    fixed_target: Optional[str]
    unless_words: Tuple[str, ...]


@dataclass(frozen=True)
class PatternLine:
    """One line of the pattern language, owned by a rule or a guard."""

    owner: str
    is_guard: bool
    text: str


@dataclass(frozen=True)
class SafetyRules:
    """Everything in ``safety.yml``, parsed; words are compiled per vocabulary."""

    rules: Mapping[str, SafetyRule]
    lines: Tuple[PatternLine, ...]
    classes: Mapping[str, Tuple[str, ...]]
    word_lists: Mapping[str, Tuple[str, ...]]


OTHER_PRONOUNS = (
    "he", "she", "they", "him", "her", "them", "his", "hers", "their", "theirs",
    "himself", "herself", "themselves", "themself",
)
PEOPLE_LISTS = ("writer", "other", "patient", "patient_places", "impersonal")
WORD_LISTS = (
    "subject_links", "third_person_verbs", "negators", "negation_breakers", "story_words", "clause_fillers",
    "attaching_prepositions", "noun_modifiers", "generic_people", "patient_context",
)
# Kinds of person a word can name, when someone else is at risk.
STAFF = "staff"
GENERIC = "generic"
QUOTE_MARKS = frozenset({'"', "'", "“", "”", "‘", "’", "«", "»"})


def _words_of(data: Mapping[str, Any], key: str) -> Tuple[str, ...]:
    words = data.get(key, []) or []
    for word in words:
        # YAML reads a bare on, off, yes or no as a boolean: such a word must be quoted.
        if not isinstance(word, str):
            raise ValueError(f"{SAFETY_RULES_FILE.name}: {key} holds {word!r}, which is not a word; quote it")
    return tuple(word.lower() for word in words)


@functools.lru_cache(maxsize=None)
def load_safety_rules(path: Path = SAFETY_RULES_FILE) -> SafetyRules:
    """Read the safety rules once."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules: Dict[str, SafetyRule] = {}
    lines: List[PatternLine] = []
    for rule in data["rules"]:
        name = rule["name"]
        rules[name] = SafetyRule(
            name=name,
            targets=frozenset(rule["targets"]),
            default=rule.get("default", NONE),
            negatable=bool(rule.get("negatable", False)),
            adjacent_subject=rule.get("subject") == "adjacent",
            topic=bool(rule.get("topic", False)),
            fixed_target=rule.get("fixed"),
            unless_words=_words_of(rule, "unless_words"),
        )
        lines.extend(PatternLine(name, False, str(line)) for line in rule["patterns"])
    for guard in data["guards"]:
        lines.extend(PatternLine(guard["name"], True, str(line)) for line in guard["patterns"])
    word_lists = {key: _words_of(data["people"], key) for key in PEOPLE_LISTS}
    word_lists.update({key: _words_of(data, key) for key in WORD_LISTS})
    classes = {name: tuple(str(member).lower() for member in members) for name, members in data["classes"].items()}
    return SafetyRules(rules=rules, lines=tuple(lines), classes=classes, word_lists=word_lists)


@functools.lru_cache(maxsize=1)
def contraction_norms() -> Mapping[str, FrozenSet[str]]:
    """Norms that English tokenizer exceptions give a contraction piece ("did" in "didn't" -> "do").

    A piece's norm inside a contraction can differ from its norm on its own, so a pattern word
    must accept both.
    """
    norms: Dict[str, set] = {}
    for pieces in English.Defaults.tokenizer_exceptions.values():
        if len(pieces) < 2:
            continue
        for piece in pieces:
            orth, norm = piece.get(ORTH), piece.get(NORM)
            if orth and norm and len(orth) > 1:
                norms.setdefault(orth.lower(), set()).add(norm)
    return {orth: frozenset(found) for orth, found in norms.items()}


class Normaliser:
    """Reads a word as the pipeline's NORM does, so patterns and tokens agree on spelling."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._norms: Dict[str, str] = {}
        self._contraction_norms = contraction_norms()

    def __call__(self, word: str) -> str:
        norm = self._norms.get(word)
        if norm is None:
            norm = self.vocab[word].norm_
            self._norms[word] = norm
        return norm

    def forms(self, word: str) -> FrozenSet[str]:
        """Every NORM a token typed as this word can carry."""
        return frozenset([self(word)]) | self._contraction_norms.get(word, frozenset())

    def words(self, words: Sequence[str]) -> FrozenSet[str]:
        """Every NORM these words can carry."""
        return frozenset(form for word in words for form in self.forms(word))


def _with_plurals(words: FrozenSet[str]) -> FrozenSet[str]:
    """The words and their regular plurals ("porter", "porters"), so lists name each role once."""
    plurals = {word + ("es" if word.endswith(("s", "sh", "ch", "x")) else "s") for word in words if word.isalpha()}
    return frozenset(words) | frozenset(plurals)


def _token_alternatives(words: Sequence[str], norm: Normaliser) -> Dict[str, Any]:
    forms = sorted({form for word in words for form in norm.forms(word)})
    if len(forms) == 1:
        return {"NORM": forms[0]}
    return {"NORM": {"IN": forms}}


def _expand_item(item: str, classes: Mapping[str, Tuple[str, ...]], norm: Normaliser) -> List[List[Dict[str, Any]]]:
    """One pattern item as its alternative token sequences."""
    optional = len(item) > 1 and item.endswith("?")
    if optional:
        item = item[:-1]
    members = classes[item[1:]] if item.startswith("@") else tuple(item.split("|"))
    single_words = [member for member in members if " " not in member.strip()]
    multi_words = [member.split() for member in members if " " in member.strip()]
    alternatives: List[List[Dict[str, Any]]] = []
    if single_words:
        alternatives.append([_token_alternatives(single_words, norm)])
    for words in multi_words:
        alternatives.append([_token_alternatives([word], norm) for word in words])
    if optional and not multi_words:
        return [[{**alternatives[0][0], "OP": "?"}]]
    if optional:
        alternatives.append([])
    return alternatives


def compile_pattern(
    line: str, classes: Mapping[str, Tuple[str, ...]], norm: Normaliser
) -> Tuple[bool, Tuple[Tuple[Dict[str, Any], ...], ...]]:
    """Compile one line of the pattern language into spaCy token patterns on NORM.

    Returns whether the line must end its clause (``$``) and the distinct token patterns.
    """
    items = line.split()
    ends_clause = bool(items) and items[-1] == "$"
    if ends_clause:
        items = items[:-1]
    if not items or "$" in items:
        raise ValueError(f"pattern {line!r}: '$' may only end a pattern that has words")
    expanded: List[List[List[Dict[str, Any]]]] = []
    for item in items:
        gap = PATTERN_GAP.match(item)
        if gap:
            expanded.append([[{"IS_PUNCT": False, "OP": "?"} for _ in range(int(gap.group(1)))]])
        else:
            expanded.append(_expand_item(item, classes, norm))
    token_patterns: Dict[str, Tuple[Dict[str, Any], ...]] = {}
    for combination in itertools.product(*expanded):
        tokens = tuple(token for sequence in combination for token in sequence)
        token_patterns.setdefault(repr(tokens), tokens)
    return ends_clause, tuple(token_patterns.values())


def _anchor_words(token_pattern: Sequence[Dict[str, Any]]) -> FrozenSet[str]:
    """The words of the most telling required token: the pattern cannot match without one."""
    candidates = []
    for token in token_pattern:
        if "OP" in token or "NORM" not in token:
            continue
        value = token["NORM"]
        words = frozenset(value["IN"]) if isinstance(value, dict) else frozenset([value])
        candidates.append((len(words & COMMON_WORDS), len(words), sorted(words), words))
    if not candidates:
        raise ValueError(f"pattern {token_pattern!r} has no required word")
    return min(candidates)[3]


@dataclass(frozen=True)
class CompiledLine:
    """A pattern line after compilation: who owns it and whether it must end its clause."""

    owner: str
    is_guard: bool
    ends_clause: bool


class CompiledRules:
    """The rules compiled for one vocabulary: grouped matchers plus normalised word lists.

    spaCy's Matcher tries every pattern at every token; grouping patterns by a word each one
    requires lets a message skip every group whose words it does not contain.
    """

    def __init__(self, vocab: Vocab, rules: SafetyRules, validate: bool = False) -> None:
        norm = Normaliser(vocab)
        self.rules = rules.rules
        self.lines: List[CompiledLine] = []
        grouped: Dict[FrozenSet[str], Dict[int, List[List[Dict[str, Any]]]]] = {}
        for index, line in enumerate(rules.lines):
            ends_clause, token_patterns = compile_pattern(line.text, rules.classes, norm)
            self.lines.append(CompiledLine(line.owner, line.is_guard, ends_clause))
            for token_pattern in token_patterns:
                grouped.setdefault(_anchor_words(token_pattern), {}).setdefault(index, []).append(list(token_pattern))
        self.groups: List[Tuple[FrozenSet[str], Matcher]] = []
        for anchor, by_index in grouped.items():
            matcher = Matcher(vocab, validate=validate)
            for index, token_patterns in by_index.items():
                matcher.add(str(index), token_patterns)
            self.groups.append((anchor, matcher))
        self.pattern_count = sum(len(matcher) for _, matcher in self.groups)
        lists = {key: norm.words(words) for key, words in rules.word_lists.items()}
        self.writer_words = lists["writer"] | norm.words(["myself"])
        self.writer_possessives = norm.words(["my", "your", "ur"])
        self.recipient_prepositions = norm.words(["to", "for", "at", "with", "on", "about"])
        self.other_pronouns = norm.words(OTHER_PRONOUNS)
        self.other_words = _with_plurals(lists["other"]) | self.other_pronouns
        self.patient_words = _with_plurals(lists["patient"])
        self.generic_people = _with_plurals(lists["generic_people"])
        self.patient_context = lists["patient_context"]
        self.patient_places = lists["patient_places"]
        self.impersonal_words = lists["impersonal"]
        self.subject_links = lists["subject_links"]
        self.third_person_verbs = lists["third_person_verbs"]
        self.negators = lists["negators"]
        self.negation_breakers = lists["negation_breakers"]
        self.attaching_prepositions = lists["attaching_prepositions"]
        self.noun_modifiers = lists["noun_modifiers"]
        self.subject_pronouns = norm.words(["i", "we"])
        self.indefinite_articles = norm.words(["a", "an", "some"])
        self.relative_words = norm.words(sorted(RELATIVE_WORDS))
        self.story_words = lists["story_words"]
        self.clause_fillers = lists["clause_fillers"]
        self.clause_joiners = norm.words(sorted(CLAUSE_JOINERS))
        self.struggle_words = norm.words(sorted(STRUGGLE_WORDS))
        self.group_words = norm.words(["team", "staff"])
        self.unless_words = {name: norm.words(rule.unless_words) for name, rule in rules.rules.items()}

    def find(self, doc: Doc) -> List[Tuple[int, int, int]]:
        """Every (line index, start, end) found in the doc."""
        words = {token.norm_ for token in doc}
        found = set()
        for anchor, matcher in self.groups:
            if anchor.isdisjoint(words):
                continue
            for key, start, end in matcher(doc):
                found.add((int(doc.vocab.strings[key]), start, end))
        return sorted(found, key=lambda match: (match[1], match[2], match[0]))


_compiled: Dict[int, Tuple[Vocab, CompiledRules]] = {}
_compiled_lock = threading.Lock()


def compiled_rules_for(vocab: Vocab) -> CompiledRules:
    """The rules compiled for this vocabulary, built once per pipeline."""
    cached = _compiled.get(id(vocab))
    if cached is not None and cached[0] is vocab:
        return cached[1]
    with _compiled_lock:
        cached = _compiled.get(id(vocab))
        if cached is not None and cached[0] is vocab:
            return cached[1]
        compiled = CompiledRules(vocab, load_safety_rules())
        _compiled[id(vocab)] = (vocab, compiled)
        return compiled


def _is_sentence_end(token: Token) -> bool:
    return token.text in SENTENCE_ENDS or "\n" in token.text or (token.is_punct and token.text.strip(".!?") == "")


def _sentence_bounds(doc: Doc, start: int, end: int) -> Tuple[int, int]:
    first = start
    while first > 0 and not _is_sentence_end(doc[first - 1]):
        first -= 1
    last = end
    while last < len(doc) and not _is_sentence_end(doc[last]):
        last += 1
    return first, last


def _ends_clause(doc: Doc, end: int, compiled: CompiledRules) -> bool:
    if end >= len(doc):
        return True
    following = doc[end]
    if following.is_punct or following.is_space or "\n" in following.text:
        return True
    if not following.is_alpha and not following.like_num and not following.text.startswith(("'", "’")):
        return True
    return following.norm_ in compiled.clause_fillers


class _Resolver:
    """Works out who one match is about: the writer, someone else, a patient or nobody."""

    def __init__(self, doc: Doc, compiled: CompiledRules) -> None:
        self.doc = doc
        self.compiled = compiled
        # A message about patients: "a man", "her mum" or "she" are then more likely a patient
        # or their family than a colleague.
        self.about_patients = any(
            token.norm_ in compiled.patient_words or token.norm_ in compiled.patient_context for token in doc
        )
        self.quotes = _quoted_spans(doc)

    def person_of(self, token: Token) -> Optional[str]:
        norm = token.norm_
        compiled = self.compiled
        if norm in compiled.writer_words:
            return WRITER
        if norm in compiled.patient_words:
            return PATIENT
        if norm in compiled.patient_places and self._followed_by_number(token):
            return PATIENT
        if norm in compiled.other_words:
            return OTHER
        if norm in compiled.group_words and self._member_of_group(token):
            return OTHER
        if norm in compiled.impersonal_words:
            return IMPERSONAL
        return None

    def _followed_by_number(self, token: Token) -> bool:
        if token.i + 1 >= len(self.doc):
            return False
        following = self.doc[token.i + 1]
        single_letter = len(following.text) == 1 and following.is_alpha and following.norm_ not in {"i", "a"}
        return following.like_num or single_letter

    def _member_of_group(self, token: Token) -> bool:
        before = [self.doc[index].norm_ for index in range(max(0, token.i - 3), token.i)]
        return "of" in before and any(word in ("one", "member", "members", "some") for word in before)

    def _kind_of(self, token: Token) -> Optional[str]:
        """Patient, staff or a generic person ("a man", "her mum"), for a word naming someone else."""
        person = self.person_of(token)
        if person == PATIENT:
            return PATIENT
        if person != OTHER or token.norm_ in self.compiled.other_pronouns:
            return None
        return GENERIC if token.norm_ in self.compiled.generic_people else STAFF

    def _patient_or_other(self, index: int) -> str:
        """Whether someone else at risk is a colleague (other), a patient, or unclear (none).

        A word naming them decides; a generic one ("a man") is a patient in a message about
        patients. A pronoun refers to the people named before it in its sentence (else the
        nearest before that): when both a patient and a member of staff were named, whom it
        means is unclear and the rules leave it to the risk model.
        """
        own = self._reading_at(self.doc[index])
        if own is not None:
            return own
        sentence_start, _ = _sentence_bounds(self.doc, index, index)
        in_sentence = [reading for reading in map(self._reading_at, self.doc[sentence_start:index]) if reading]
        if PATIENT in in_sentence and OTHER in in_sentence:
            return NONE
        if in_sentence:
            return in_sentence[-1]
        earlier = [reading for reading in map(self._reading_at, self.doc[:sentence_start]) if reading]
        if earlier:
            return earlier[-1]
        return PATIENT if self.about_patients else OTHER

    def _reading_at(self, token: Token) -> Optional[str]:
        """Patient or other, for a word naming someone else; None for any other word."""
        kind = self._kind_of(token)
        if kind == GENERIC:
            return PATIENT if self.about_patients or self._introduced_as_a_stranger(token) else OTHER
        if kind is None:
            return None
        return PATIENT if kind == PATIENT else OTHER

    def _introduced_as_a_stranger(self, token: Token) -> bool:
        """ "a man", "an older woman": someone the writer does not know, so not a colleague,
        unless placed among the writer's own people ("a woman in my team")."""
        following = [self.doc[index].norm_ for index in range(token.i + 1, min(len(self.doc), token.i + 3))]
        if len(following) == 2 and following[0] in self.compiled.attaching_prepositions and (
            following[1] in self.compiled.writer_possessives or following[1] == "our"
        ):
            return False
        for index in range(token.i - 1, max(-1, token.i - 3), -1):
            norm = self.doc[index].norm_
            if norm in self.compiled.writer_possessives or norm in ("our", "one"):
                return False
            if norm in self.compiled.indefinite_articles:
                return True
        return False

    def _settle(self, person: str, index: int) -> str:
        return self._patient_or_other(index) if person == OTHER else person

    def _person_in_span(self, start: int, end: int) -> Optional[str]:
        found_other = None
        for index in range(start, end):
            norm = self.doc[index].norm_
            if norm in self.compiled.writer_possessives and self._names_someone(index + 1):
                # "letters to my children": the person after "to" receives, they are not at risk
                if index > start and self.doc[index - 1].norm_ not in self.compiled.recipient_prepositions:
                    found_other = index + 1 if found_other is None else found_other
                continue
            if norm in self.compiled.writer_words:
                return WRITER
            if norm in self.compiled.other_pronouns and found_other is None:
                found_other = index
        return None if found_other is None else self._settle(OTHER, found_other)

    def _names_someone(self, index: int) -> bool:
        """True when the token at index names a person other than the writer ("my colleague")."""
        if index >= len(self.doc):
            return False
        token = self.doc[index]
        return self.person_of(token) in (OTHER, PATIENT) and token.norm_ not in self.compiled.other_pronouns

    def resolve(self, rule: SafetyRule, start: int, end: int) -> Tuple[str, bool]:
        """Who the match is about, and whether a word in the text said so.

        Inside quotation marks "I" is the speaker: "a patient told the HCA 'I want to die'".
        """
        target, explicit = self._resolve_words(rule, start, end)
        if target == WRITER:
            speaker = self._speaker_of_quote(start)
            if speaker is not None:
                return speaker, True
        return target, explicit

    def _speaker_of_quote(self, start: int) -> Optional[str]:
        """Who is speaking, when the match is inside a quotation: the first person named in its sentence."""
        quote = next(((first, last) for first, last in self.quotes if first < start < last), None)
        if quote is None:
            return None
        sentence_start, _ = _sentence_bounds(self.doc, quote[0], quote[0])
        for index in range(sentence_start, quote[0]):
            if self.doc[index].norm_ in self.compiled.writer_possessives:
                continue  # "my deputy said '...'": the deputy speaks
            person = self.person_of(self.doc[index])
            if person == WRITER:
                return WRITER
            if person in (OTHER, PATIENT):
                return self._settle(person, index)
        return None

    def _resolve_words(self, rule: SafetyRule, start: int, end: int) -> Tuple[str, bool]:
        compiled = self.compiled
        if rule.fixed_target is not None:
            return self._settle(rule.fixed_target, start), True
        span_person = self._person_in_span(start, end)
        if span_person is not None:
            return span_person, True
        if end < len(self.doc) and self.doc[end].norm_ not in compiled.other_pronouns:
            following = self.person_of(self.doc[end])
            if following in (PATIENT, OTHER):
                return self._settle(following, end), True
        sentence_start, _ = _sentence_bounds(self.doc, start, end)
        index = start - 1
        while index >= sentence_start and self.doc[index].norm_ in compiled.subject_links:
            index -= 1
        if index >= sentence_start:
            adjacent = self.doc[index]
            person = self.person_of(adjacent)
            if person == IMPERSONAL:
                # "the ward can't go on" is about nobody; "someone on my ward is suicidal" is
                # about someone. Rules read by their adjacent subject keep the first reading.
                owner = None if rule.adjacent_subject else self._person_owning_place(index, sentence_start)
                if owner is None:
                    return NONE, True
                return self._settle(owner[0], owner[1]), True
            if person is not None:
                return self._settle(person, index), True
            if adjacent.norm_ in compiled.third_person_verbs:
                return self._settle(OTHER, index), True
            if rule.adjacent_subject and adjacent.norm_ not in compiled.clause_joiners and not adjacent.is_punct:
                return NONE, True
        for scan in range(start - 1, sentence_start - 1, -1):
            person = self.person_of(self.doc[scan])
            if person == WRITER:
                antecedent = self._relative_clause_antecedent(scan, sentence_start)
                if antecedent is not None:
                    return self._settle(OTHER, antecedent), True
            if person in (WRITER, OTHER, PATIENT):
                return self._settle(person, scan), True
        if self.doc[start].norm_ in compiled.third_person_verbs:
            return self._settle(OTHER, start), False
        return rule.default, False

    def _person_owning_place(self, index: int, sentence_start: int) -> Optional[Tuple[str, int]]:
        """The person a place or group belongs to: "someone on my ward", "a nurse from ward 7".

        ``index`` holds an impersonal word right before the match; the phrase it ends is read
        back to a preposition that attaches it to a person named just before.
        """
        compiled = self.compiled
        scan = index - 1
        while scan >= sentence_start and (
            self.doc[scan].norm_ in compiled.noun_modifiers or self.person_of(self.doc[scan]) == IMPERSONAL
            or self.doc[scan].like_num or self.doc[scan].norm_ in compiled.writer_possessives
        ):
            scan -= 1
        if scan < sentence_start or self.doc[scan].norm_ not in compiled.attaching_prepositions:
            return None
        for before in range(scan - 1, max(sentence_start, scan - 4) - 1, -1):
            person = self.person_of(self.doc[before])
            if person in (OTHER, PATIENT):
                return person, before
            if person is not None:
                return None
        return None

    def _relative_clause_antecedent(self, writer_index: int, sentence_start: int) -> Optional[int]:
        """Where the person sits whom a clause led by "I" describes: "the nurse (that) I manage".

        The writer is then the one describing, not the subject at risk.
        """
        compiled = self.compiled
        if self.doc[writer_index].norm_ not in compiled.subject_pronouns:
            return None
        before = writer_index - 1
        if before >= sentence_start and self.doc[before].norm_ in compiled.relative_words:
            before -= 1
        # "the band 5 (who) I manage": a grade after the role word
        if before > sentence_start and self.doc[before].like_num:
            before -= 1
        if before < sentence_start:
            return None
        token = self.doc[before]
        if self.person_of(token) == OTHER and token.norm_ not in compiled.other_pronouns:
            return before
        return None

    def negated(self, start: int) -> bool:
        """True when a negation sits just before the match, with no new subject between.

        A negation that governs another verb first ("can't stop thinking about", "can't shake
        the urge to") does not deny what follows.
        """
        sentence_start, _ = _sentence_bounds(self.doc, start, start)
        for index in range(start - 1, max(sentence_start, start - 4) - 1, -1):
            norm = self.doc[index].norm_
            if norm in self.compiled.writer_words or norm in self.compiled.other_pronouns:
                return False
            if norm in self.compiled.negation_breakers:
                return False
            if norm in self.compiled.negators:
                before = self.doc[index - 1].norm_ if index > 0 else ""
                return before not in self.compiled.struggle_words
        return False

    def sentence_has(self, start: int, end: int, words: FrozenSet[str]) -> bool:
        """True when the sentence holding the match contains any of these words."""
        if not words:
            return False
        first, last = _sentence_bounds(self.doc, start, end)
        return any(self.doc[index].norm_ in words for index in range(first, last))

    def sentence_affirms(self, start: int, end: int, words: FrozenSet[str]) -> bool:
        """True when the sentence holds one of these words that is not denied.

        A writer who rules the ordinary reading out ("not in a holiday way", "and I don't mean
        resigning") has not made the sentence about a holiday or a new job: a negation within
        the three words before such a word takes it away.
        """
        if not words:
            return False
        first, last = _sentence_bounds(self.doc, start, end)
        for index in range(first, last):
            if self.doc[index].norm_ in words and not any(
                self.doc[before].norm_ in self.compiled.negators for before in range(max(first, index - 3), index)
            ):
                return True
        return False


def _quoted_spans(doc: Doc) -> List[Tuple[int, int]]:
    """(opening, closing) token indexes of each quotation: quote marks paired in order."""
    marks = [token.i for token in doc if token.text in QUOTE_MARKS]
    return [(marks[index], marks[index + 1]) for index in range(0, len(marks) - 1, 2)]


def _overlaps(start: int, end: int, spans: Sequence[Tuple[int, int]]) -> bool:
    return any(guard_start < end and start < guard_end for guard_start, guard_end in spans)


def _reads_project_spelling(vocab: Vocab) -> bool:
    """True when the Doc's pipeline carries the project's spelling norms."""
    return vocab[SPELLING_PROBE[0]].norm_ == SPELLING_PROBE[1]


def assess_doc(doc: Doc) -> SafetySignal:
    """Run the safety rules over a spaCy Doc (for example the one Rasa's SpacyNLP made)."""
    if len(doc) == 0:
        return SafetySignal(crisis=False, colleague_at_risk=False, matches=())
    if not _reads_project_spelling(doc.vocab):
        doc = get_nlp()(doc.text)
    compiled = compiled_rules_for(doc.vocab)
    found = compiled.find(doc)
    guard_spans = [(start, end) for index, start, end in found if compiled.lines[index].is_guard]
    resolver = _Resolver(doc, compiled)
    fired: Dict[str, None] = {}
    for index, start, end in found:
        line = compiled.lines[index]
        if line.is_guard or _overlaps(start, end, guard_spans):
            continue
        if line.ends_clause and not _ends_clause(doc, end, compiled):
            continue
        rule = compiled.rules[line.owner]
        target, explicit = resolver.resolve(rule, start, end)
        if target not in rule.targets:
            continue
        if rule.negatable and resolver.negated(start):
            continue
        if resolver.sentence_affirms(start, end, compiled.unless_words[rule.name]):
            continue
        if (target == OTHER or not explicit or rule.topic) and resolver.sentence_has(start, end, compiled.story_words):
            continue
        fired[f"{target}:{rule.name}"] = None
    matches = tuple(fired)
    return SafetySignal(
        crisis=any(match.startswith(f"{WRITER}:") for match in matches),
        colleague_at_risk=any(match.startswith(f"{OTHER}:") for match in matches),
        matches=matches,
        history=told_as_history(doc),
    )


@functools.lru_cache(maxsize=1)
def _history_words() -> Tuple[Tuple[str, ...], FrozenSet[str]]:
    with open(SAFETY_RULES_FILE, encoding="utf-8") as handle:
        history = yaml.safe_load(handle).get("history") or {}
    return _words_of(history, "phrases"), frozenset(_words_of(history, "present_words"))


def told_as_history(doc: Doc) -> bool:
    """True when the message tells of a past risk ("years ago") and no word in it says now."""
    phrases, present_words = _history_words()
    norms = [token.norm_.lower() for token in doc if not token.is_punct]
    if present_words.intersection(norms):
        return False
    text = f" {' '.join(norms)} "
    return any(f" {phrase} " in text for phrase in phrases)


def assess(text_or_doc: Union[str, Doc]) -> SafetySignal:
    """Assess a message (text, or a Doc from the project's pipeline) for crisis signals."""
    if isinstance(text_or_doc, Doc):
        return assess_doc(text_or_doc)
    text = text_or_doc or ""
    if not text.strip():
        return SafetySignal(crisis=False, colleague_at_risk=False, matches=())
    return assess_doc(get_nlp()(text))
