"""Score name redaction on a labelled set of sentences: recall per origin and overall, precision.

    .venv/bin/python -m tests.nlp.names.score tests/nlp/names/dev.yml [--mistakes]

A set is YAML: ``sentences:``, each with ``text``, ``names`` (the exact substrings that are
people's names) and ``origin`` (where the names come from, or ``none`` for a sentence without
any). The figures:

- a name is *found* when every word of it (a title such as "Dr" aside) lies inside text that
  ``find_pii`` replaces with [NAME]: a name half redacted is not found. Recall is names found over
  names, for each origin and overall.
- precision is per word: of the words replaced by [NAME], the share that belong to a labelled
  name (its title included). Every sentence counts, the name-free look-alike sentences too, and
  their false alarms are also reported apart.

The frozen evaluation set is never read for tuning: ``--mistakes`` (which prints sentences) is
refused for it, so that only its aggregate figures are ever seen.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Sequence, Set, Tuple

import yaml

from bot.nlp.redact import NAME, PiiSpan, find_pii, load_vocabulary

NAMES_DIR = Path(__file__).resolve().parent
FROZEN_SET = NAMES_DIR / "frozen.yml"
DEV_SET = NAMES_DIR / "dev.yml"
NO_ORIGIN = "none"
_WORD = re.compile(r"[^\W_]+")

Finder = Callable[[str], Sequence[PiiSpan]]


@dataclass(frozen=True)
class LabelledSentence:
    """A sentence, the names in it and their origin."""

    text: str
    names: Tuple[str, ...]
    origin: str


@dataclass
class Score:
    """Counts from one set; the ratios are properties."""

    found: Counter = field(default_factory=Counter)
    names: Counter = field(default_factory=Counter)
    redacted_words: int = 0
    correct_words: int = 0
    look_alike_sentences: int = 0
    look_alike_sentences_changed: int = 0
    look_alike_words_redacted: int = 0
    mistakes: List[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return _ratio(sum(self.found.values()), sum(self.names.values()))

    def recall_of(self, origin: str) -> float:
        return _ratio(self.found[origin], self.names[origin])

    @property
    def precision(self) -> float:
        return _ratio(self.correct_words, self.redacted_words)

    @property
    def look_alike_precision(self) -> float:
        """Share of the name-free sentences left exactly as they were."""
        return 1.0 - _ratio(self.look_alike_sentences_changed, self.look_alike_sentences, empty=0.0)


def _ratio(numerator: int, denominator: int, empty: float = 1.0) -> float:
    return numerator / denominator if denominator else empty


def load_set(path: Path) -> List[LabelledSentence]:
    """The labelled sentences of a set file."""
    with open(path, encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return [
        LabelledSentence(str(item["text"]), tuple(str(name) for name in item.get("names") or ()), str(item["origin"]))
        for item in raw["sentences"]
    ]


def name_spans(sentence: LabelledSentence) -> List[Tuple[int, int]]:
    """Every occurrence of each labelled name not joined to a letter or digit."""
    spans = []
    for name in sentence.names:
        pattern = r"(?<![^\W_])" + re.escape(name) + r"(?![^\W_])"
        occurrences = [match.span() for match in re.finditer(pattern, sentence.text)]
        if not occurrences:
            raise ValueError(f"a labelled name is not in its sentence (origin {sentence.origin})")
        spans.extend(occurrences)
    return spans


def _inside(start: int, end: int, spans: Sequence[Tuple[int, int]]) -> bool:
    return any(span_start <= start and end <= span_end for span_start, span_end in spans)


def score(sentences: Sequence[LabelledSentence], finder: Finder = find_pii) -> Score:
    """Recall per origin, word precision and look-alike false alarms of a finder on the sentences."""
    titles = load_vocabulary().titles
    result = Score()
    for sentence in sentences:
        text = sentence.text
        redacted = [(start, end) for label, start, end in finder(text) if label == NAME]
        gold = name_spans(sentence)
        for start, end in gold:
            words = [match.span() for match in _WORD.finditer(text, start, end)]
            # A title before the name ("Dr", "Sister") identifies no one and may stay.
            while len(words) > 1 and text[words[0][0] : words[0][1]].lower() in titles:
                words.pop(0)
            result.names[sentence.origin] += 1
            if all(_inside(word_start, word_end, redacted) for word_start, word_end in words):
                result.found[sentence.origin] += 1
            else:
                result.mistakes.append(f"missed  {text[start:end]!r} in {text!r}")
        wrong = []
        for match in _WORD.finditer(text):
            if _inside(match.start(), match.end(), redacted) or any(
                start < match.end() and match.start() < end for start, end in redacted
            ):
                result.redacted_words += 1
                if any(start < match.end() and match.start() < end for start, end in gold):
                    result.correct_words += 1
                else:
                    wrong.append(match.group())
        if wrong:
            result.mistakes.append(f"extra   {wrong} in {text!r}")
        if not sentence.names:
            result.look_alike_sentences += 1
            result.look_alike_sentences_changed += bool(redacted)
            result.look_alike_words_redacted += len(wrong)
    return result


def report(result: Score) -> str:
    """The figures as a small table."""
    lines = ["origin                   recall   names"]
    for origin in sorted(result.names):
        lines.append(f"{origin:<24} {result.recall_of(origin):>6.3f} {result.names[origin]:>7}")
    lines.append(f"{'overall':<24} {result.recall:>6.3f} {sum(result.names.values()):>7}")
    lines.append(
        f"word precision {result.precision:.3f} ({result.correct_words}/{result.redacted_words} words)"
    )
    lines.append(
        f"name-free sentences left unchanged {result.look_alike_precision:.3f} "
        f"({result.look_alike_sentences - result.look_alike_sentences_changed}/{result.look_alike_sentences}; "
        f"{result.look_alike_words_redacted} words redacted)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.nlp.names.score", description=__doc__)
    parser.add_argument("path", type=Path, help="a labelled set, e.g. tests/nlp/names/dev.yml")
    parser.add_argument("--mistakes", action="store_true", help="print each miss and false alarm")
    arguments = parser.parse_args(list(argv) or None)
    if arguments.mistakes and arguments.path.resolve() == FROZEN_SET:
        parser.error("the frozen set is never read sentence by sentence: aggregate figures only")
    result = score(load_set(arguments.path))
    print(report(result))
    if arguments.mistakes:
        print("\n".join(result.mistakes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
