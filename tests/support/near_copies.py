"""Near-copies between an evaluation set and what a model or a rule was built from.

An evaluation set only measures understanding of unseen text if none of its sentences is, in
effect, a training example or a rule. Two texts are near-copies when, once normalised (case,
apostrophes, punctuation, spacing, "any more"), one of these holds:

- they are the same;
- one contains the other and the shorter has at least ``MIN_CONTAINED_WORDS`` words;
- their character similarity (normalised Indel similarity) is at least ``SIMILARITY``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from rapidfuzz import fuzz, process

MIN_CONTAINED_WORDS = 4
SIMILARITY = 0.8

ENTITY_ANNOTATION = re.compile(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})")
APOSTROPHES = re.compile(r"['’‘`´]")
NOT_A_WORD = re.compile(r"[^\w]+")
ANY_MORE = re.compile(r"\bany more\b")


def normalise(text: str) -> str:
    """Lower case, entity markup and apostrophes dropped, punctuation as spaces, "any more" as one word."""
    text = ENTITY_ANNOTATION.sub(r"\1", text).lower()
    text = APOSTROPHES.sub("", text)
    text = " ".join(NOT_A_WORD.sub(" ", text).replace("_", " ").split())
    return ANY_MORE.sub("anymore", text)


@dataclass(frozen=True)
class NearCopy:
    """One evaluation sentence and the source text it nearly copies."""

    sentence: str
    source: str
    source_origin: str
    reason: str

    def __str__(self) -> str:
        return f"{self.sentence!r} ~ {self.source!r} ({self.source_origin}: {self.reason})"


def _word_runs(words: Sequence[str], min_words: int) -> Set[str]:
    """Every run of at least ``min_words`` consecutive words, as text."""
    return {
        " ".join(words[start:end])
        for start in range(len(words))
        for end in range(start + min_words, len(words) + 1)
    }


def find_near_copies(
    sentences: Iterable[str],
    sources: Iterable[Tuple[str, str]],
    similarity: float = SIMILARITY,
    min_contained_words: int = MIN_CONTAINED_WORDS,
) -> List[NearCopy]:
    """Every sentence that nearly copies a source text; ``sources`` holds (text, where it comes from)."""
    evaluated: Dict[str, str] = {}
    for sentence in sentences:
        normal = normalise(sentence)
        if normal:
            evaluated.setdefault(normal, sentence)
    origins: Dict[str, Tuple[str, str]] = {}
    for text, origin in sources:
        normal = normalise(text)
        if normal:
            origins.setdefault(normal, (text, origin))
    found: Dict[Tuple[str, str], NearCopy] = {}

    def record(normal_sentence: str, normal_source: str, reason: str) -> None:
        key = (normal_sentence, normal_source)
        if key not in found:
            source, origin = origins[normal_source]
            found[key] = NearCopy(evaluated[normal_sentence], source, origin, reason)

    # Containment, both ways, through the sets of word runs long enough to count.
    runs_of_sentences: Dict[str, List[str]] = {}
    for normal in evaluated:
        for run in _word_runs(normal.split(), min_contained_words):
            runs_of_sentences.setdefault(run, []).append(normal)
    runs_of_sources: Dict[str, List[str]] = {}
    for normal in origins:
        for run in _word_runs(normal.split(), min_contained_words):
            runs_of_sources.setdefault(run, []).append(normal)
    for normal_source in origins:
        for normal_sentence in runs_of_sentences.get(normal_source, []):
            record(normal_sentence, normal_source, "contains it" if normal_sentence != normal_source else "the same")
    for normal_sentence in evaluated:
        for normal_source in runs_of_sources.get(normal_sentence, []):
            record(normal_sentence, normal_source, "is contained in it" if normal_sentence != normal_source else "the same")
    # Character similarity, every pair, in rapidfuzz's compiled code.
    sentence_list, source_list = list(evaluated), list(origins)
    if sentence_list and source_list:
        cutoff = similarity * 100
        scores = process.cdist(sentence_list, source_list, scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1)
        for row, column in zip(*scores.nonzero()):
            normal_sentence, normal_source = sentence_list[row], source_list[column]
            if normal_sentence == normal_source:
                record(normal_sentence, normal_source, "the same")
            else:
                record(normal_sentence, normal_source, f"similarity {scores[row, column] / 100:.2f}")
    return sorted(found.values(), key=lambda copy: (copy.sentence, copy.source))
