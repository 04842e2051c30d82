"""Name redaction measured on the frozen set, and the frozen set checked against the training data.

The frozen set (``frozen.yml``) was written before the recogniser was trained and is never tuned
on: these tests read it only through the scorer and report aggregate figures, never its
sentences. The development set (``dev.yml``) is the one to tune on.
"""
from __future__ import annotations

import re
from difflib import SequenceMatcher
from pathlib import Path
from typing import Dict, List, Sequence, Set

import pytest
import yaml

from bot.nlp.names.sentences import load_templates
from bot.nlp.pipeline import TRAINING_SENTENCES_FILE, default_model_dir
from tests.nlp.names.score import DEV_SET, FROZEN_SET, NO_ORIGIN, LabelledSentence, load_set, name_spans, report, score

OVERALL_RECALL_BAR = 0.97
ORIGIN_RECALL_BAR = 0.95
PRECISION_BAR = 0.97
SIMILARITY_BAR = 0.8
CONTAINED_WORDS = 4
REDACTION_SET = Path(__file__).resolve().parents[1] / "redaction_set.yml"
_PERSON_SLOT = re.compile(r"\{name\d?\}")
# Words too common to tell two sentences apart.
_COMMON_WORDS = frozenset({"name", "the", "a", "an", "and", "to", "of", "in", "on", "was", "is", "i", "my", "her", "his", "she", "he", "it", "for", "with", "at", "be", "has", "have", "not", "that", "this"})
_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^\w\s]+")


def normalised(text: str) -> str:
    """Lower case, no apostrophes, punctuation as spaces, single spaces."""
    text = _APOSTROPHES.sub("", text.lower())
    return " ".join(_NOT_WORD.sub(" ", text).split())


def masked(sentence: LabelledSentence) -> str:
    """A labelled sentence with each name as "{name}"."""
    text = sentence.text
    for start, end in sorted(name_spans(sentence), reverse=True):
        text = text[:start] + "{name}" + text[end:]
    return text


def training_texts() -> List[str]:
    """Everything the name finder was built or tuned on, names as "{name}": templates, the
    generated sentences, and the rules' labelled set (with its names as typed)."""
    templates = load_templates()
    texts = [_PERSON_SLOT.sub("{name}", text) for text in (*templates.with_names, *templates.without_names)]
    generated = default_model_dir() / TRAINING_SENTENCES_FILE
    assert generated.is_file(), "build the pipeline first (make spacy): its training sentences are needed"
    texts.extend(generated.read_text(encoding="utf-8").splitlines())
    with open(REDACTION_SET, encoding="utf-8") as handle:
        texts.extend(str(message["text"]) for message in yaml.safe_load(handle)["messages"])
    return texts


def contained_copies(frozen: Sequence[str], training: Sequence[str]) -> Set[str]:
    """Training texts of four words or more inside a frozen sentence, or holding one."""
    frozen_text = "\n".join(f" {sentence} " for sentence in frozen)
    training_text = "\n".join(f" {text} " for text in training)
    copies = {text for text in training if len(text.split()) >= CONTAINED_WORDS and f" {text} " in frozen_text}
    for sentence in frozen:
        if len(sentence.split()) >= CONTAINED_WORDS and f" {sentence} " in training_text:
            copies.update(text for text in training if f" {sentence} " in f" {text} ")
    return copies


def similar_copies(frozen: Sequence[str], training: Sequence[str]) -> Set[str]:
    """Training texts whose characters are at least 80% the same as a frozen sentence's.

    Only texts sharing a word other than the commonest ones are compared: two texts with nothing
    but "the", "name" and "was" in common are far below the bar.
    """
    by_word: Dict[str, Set[int]] = {}
    for number, text in enumerate(training):
        for word in set(text.split()) - _COMMON_WORDS:
            by_word.setdefault(word, set()).add(number)
    copies = set()
    matcher = SequenceMatcher(autojunk=False)
    for sentence in frozen:
        matcher.set_seq2(sentence)
        candidates = set().union(*(by_word.get(word, set()) for word in set(sentence.split()) - _COMMON_WORDS))
        for number in candidates:
            text = training[number]
            # The ratio cannot reach the bar when one text is much longer than the other.
            if 2 * min(len(text), len(sentence)) < SIMILARITY_BAR * (len(text) + len(sentence)):
                continue
            matcher.set_seq1(text)
            if matcher.quick_ratio() >= SIMILARITY_BAR and matcher.ratio() >= SIMILARITY_BAR:
                copies.add(text)
    return copies


class Unshown(list):
    """The frozen sentences, whose repr in a test failure names only how many there are."""

    def __repr__(self) -> str:
        return f"<{len(self)} frozen sentences, not shown>"


@pytest.fixture(scope="module")
def frozen() -> List[LabelledSentence]:
    return Unshown(load_set(FROZEN_SET))


def test_the_sets_are_large_balanced_and_well_formed(frozen: List[LabelledSentence]) -> None:
    for sentences in (frozen, load_set(DEV_SET)):
        origins = {sentence.origin for sentence in sentences} - {NO_ORIGIN}
        per_origin = [sum(1 for s in sentences if s.origin == origin) for origin in origins]
        assert len(origins) >= 8 and max(per_origin) <= 1.2 * min(per_origin)
        assert sum(1 for sentence in sentences if sentence.origin == NO_ORIGIN) >= 200
        assert all(bool(sentence.names) == (sentence.origin != NO_ORIGIN) for sentence in sentences)
        for sentence in sentences:
            name_spans(sentence)
    assert sum(1 for sentence in frozen if sentence.names) >= 400


def test_no_frozen_sentence_copies_the_training_data(frozen: List[LabelledSentence]) -> None:
    # Names differ between the sets by design, so both sides are compared with each name as
    # "{name}": a frozen sentence that is a template with other names in it is a copy.
    training = sorted({normalised(text) for text in training_texts()} - {""})
    frozen_texts = sorted({normalised(text) for sentence in frozen for text in (sentence.text, masked(sentence))})
    contained = contained_copies(frozen_texts, training)
    similar = similar_copies(frozen_texts, training)
    # Only the training side is shown, so that the frozen sentences stay unread.
    assert not contained, f"{len(contained)} training texts are inside frozen sentences: {sorted(contained)}"
    assert not similar, f"{len(similar)} training texts are near-copies of frozen sentences: {sorted(similar)}"


def test_names_are_redacted_on_the_frozen_set(frozen: List[LabelledSentence]) -> None:
    result = score(frozen)
    figures = report(result)
    print("\n" + figures)
    low_origins = [origin for origin in result.names if result.recall_of(origin) < ORIGIN_RECALL_BAR]
    assert result.recall >= OVERALL_RECALL_BAR, figures
    assert not low_origins, figures
    assert result.precision >= PRECISION_BAR, figures


def test_development_set_figures_are_printed() -> None:
    print("\n" + report(score(load_set(DEV_SET))))
