"""The project's own spaCy pipeline: a blank English model that reads text-speak and typos.

No pretrained model exists here and nothing is downloaded. The pipeline is ``spacy.blank("en")``
plus built-in, serialisable parts only:

- tokenizer special cases for run-together text-speak ("carnt", "imma"), and an infix that
  splits a full stop typed without a space ("so tired.i cant"), while e-mail addresses stay
  one token;
- lexeme NORMs that read misspellings, contraction pieces and text-speak as plain words
  ("myslef" -> "myself", "ca" -> "can"), stored in the vocabulary;
- a ``lemmatizer`` in lookup mode with the same table, because Rasa's count-vector featurizer
  reads lemmas: the intent classifier then sees one feature for every spelling.

The spelling data (``patterns/spelling.yml``) is shared with the safety rules in ``safety.py``.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

import spacy
import yaml
from spacy.language import Language
from spacy.lookups import Lookups
from spacy.util import compile_infix_regex

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"
SPELLING_FILE = PATTERNS_DIR / "spelling.yml"
REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_MODEL_DIR = REPO_ROOT / "var" / "spacy" / "pause_en"
MODEL_DIR_ENV = "PAUSE_SPACY_MODEL"
PIPELINE_NAME = "pause_en"
PIPELINE_VERSION = "0.1.0"
FINGERPRINT_KEY = "pause_spelling_fingerprint"
TRAINING_SENTENCES_FILE = "person_names_training.txt"

# A full stop between two words typed without a space; two letters before it so that
# abbreviations such as "e.g." and "i.e." stay whole.
RUN_ON_FULL_STOP_INFIX = r"(?<=[a-z]{2})\.(?=[a-z])"
# E-mail addresses must stay one token for redaction, whatever the infixes split.
EMAIL_TOKEN = r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$"


@dataclass(frozen=True)
class SpecialCase:
    """Run-together text-speak and the pieces (with their norms) the tokenizer splits it into."""

    orth: str
    pieces: Tuple[Tuple[str, Optional[str]], ...]


@dataclass(frozen=True)
class SpellingLexicon:
    """Misspellings, contraction pieces and text-speak, each mapped to the plain word."""

    canonical_of: Mapping[str, str]
    contractions: Mapping[str, str]
    text_speak: Mapping[str, str]
    lemma_only: Mapping[str, str]
    special_cases: Tuple[SpecialCase, ...]

    @property
    def norms(self) -> Dict[str, str]:
        """Every form whose NORM the pipeline sets, with the plain word it reads as."""
        return {**self.canonical_of, **self.contractions, **self.text_speak}

    @property
    def lemmas(self) -> Dict[str, str]:
        """Every form whose LEMMA the pipeline sets, with the plain word it reads as."""
        return {**self.norms, **self.lemma_only}


def one_slip_variants(word: str) -> FrozenSet[str]:
    """Spellings one slip of the thumb away: a dropped, doubled or swapped letter.

    The first letter is kept, because people rarely get it wrong and it keeps the
    variants from drifting into unrelated words.
    """
    slips = set()
    for index in range(1, len(word)):
        slips.add(word[:index] + word[index + 1 :])
    for index in range(len(word)):
        slips.add(word[: index + 1] + word[index] + word[index + 1 :])
    for index in range(1, len(word) - 1):
        slips.add(word[:index] + word[index + 1] + word[index] + word[index + 2 :])
    slips.discard(word)
    return frozenset(slips)


def _parse_special_case(orth: str, pieces: List[str]) -> SpecialCase:
    parsed = []
    for piece in pieces:
        text, _, norm = str(piece).partition("=")
        parsed.append((text, norm or None))
    if "".join(text for text, _ in parsed) != orth:
        raise ValueError(f"special case {orth!r} must be split into pieces that spell it exactly")
    return SpecialCase(orth=orth, pieces=tuple(parsed))


def _plain_words(data: Mapping[str, object], key: str) -> Dict[str, str]:
    return {str(form): str(plain) for form, plain in (data.get(key) or {}).items()}


@functools.lru_cache(maxsize=None)
def spelling_lexicon(path: Path = SPELLING_FILE) -> SpellingLexicon:
    """Load the spelling data once: explicit variants plus generated one-slip variants."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    words: Dict[str, List[str]] = data.get("words", {})
    not_variants = {str(word).lower() for word in data.get("not_variants", [])}
    plain_words = {str(word).lower() for word in words}
    canonical_of: Dict[str, str] = {}
    for plain, variants in words.items():
        for variant in variants or []:
            canonical_of[str(variant).lower()] = str(plain).lower()
    for plain in data.get("fuzzy", []):
        plain = str(plain).lower()
        for variant in sorted(one_slip_variants(plain)):
            if variant not in not_variants and variant not in plain_words:
                canonical_of.setdefault(variant, plain)
    special_cases = tuple(
        _parse_special_case(str(orth), pieces) for orth, pieces in (data.get("special_cases") or {}).items()
    )
    return SpellingLexicon(
        canonical_of=canonical_of,
        contractions=_plain_words(data, "contractions"),
        text_speak=_plain_words(data, "text_speak"),
        lemma_only=_plain_words(data, "lemma_only"),
        special_cases=special_cases,
    )


def _special_case_tokens(case: SpecialCase, capitalised: bool) -> List[Dict[str, str]]:
    tokens = []
    for position, (text, norm) in enumerate(case.pieces):
        token = {"ORTH": text.capitalize() if capitalised and position == 0 else text}
        if norm:
            token["NORM"] = norm
        tokens.append(token)
    return tokens


def _add_special_cases(nlp: Language, special_cases: Tuple[SpecialCase, ...]) -> None:
    for case in special_cases:
        nlp.tokenizer.add_special_case(case.orth, _special_case_tokens(case, capitalised=False))
        nlp.tokenizer.add_special_case(case.orth.capitalize(), _special_case_tokens(case, capitalised=True))


def _add_run_on_full_stop_infix(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes) + [RUN_ON_FULL_STOP_INFIX]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.token_match = re.compile(EMAIL_TOKEN).match


def _add_norms(nlp: Language, lexicon: SpellingLexicon) -> None:
    for form, plain in sorted(lexicon.norms.items()):
        nlp.vocab[form].norm_ = plain


def _add_lemma_lookup(nlp: Language, lexicon: SpellingLexicon) -> None:
    lookups = Lookups()
    lookups.add_table("lemma_lookup", dict(sorted(lexicon.lemmas.items())))
    lemmatizer = nlp.add_pipe("lemmatizer", name="spelling_lemmatizer", config={"mode": "lookup"})
    lemmatizer.initialize(lookups=lookups)


def spelling_fingerprint(path: Path = SPELLING_FILE) -> str:
    """A digest of the spelling data and of this module, stored in the built pipeline's meta."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode("utf-8"))
    digest.update(path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def is_current(model_dir: Path) -> bool:
    """True when model_dir holds a pipeline built from the current spelling data."""
    meta_file = model_dir / "meta.json"
    if not meta_file.is_file():
        return False
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return meta.get(FINGERPRINT_KEY) == spelling_fingerprint()


def build_pipeline() -> Language:
    """Build the blank English pipeline with the project's tokenizer, norms and lemmas."""
    lexicon = spelling_lexicon()
    nlp = spacy.blank("en")
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = "Blank English pipeline that reads text-speak and common misspellings."
    nlp.meta[FINGERPRINT_KEY] = spelling_fingerprint()
    _add_special_cases(nlp, lexicon.special_cases)
    _add_run_on_full_stop_infix(nlp)
    _add_norms(nlp, lexicon)
    _add_lemma_lookup(nlp, lexicon)
    return nlp


def save_pipeline(out_dir: Union[str, Path], names: bool = True) -> Path:
    """Build the pipeline and write it to out_dir, ready for ``spacy.load`` and Rasa's SpacyNLP.

    With ``names`` (the default) the person-name recogniser is trained into it, which takes a
    minute or two; the sentences it was trained on are written beside it, one a line with each
    name as "{name}", so that the evaluation sets can be checked for copies of them, and so are the known names and the
    known look-alikes (in lower case, one a line) that the redactor reads.
    """
    from bot.nlp.names.recogniser import COMMON_WORDS_FILE, GAZETTEER_FILE, LOOK_ALIKES_FILE
    from bot.nlp.names.sentences import masked
    from bot.nlp.names.training import add_name_recogniser

    out_path = Path(out_dir)
    out_path.mkdir(parents=True, exist_ok=True)
    nlp = build_pipeline()
    if names:
        trained = add_name_recogniser(nlp)
        lines = sorted({" ".join(masked(sentence.text, sentence.names).split()) for sentence in trained.sentences})
        (out_path / TRAINING_SENTENCES_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
        for file_name, words in (
            (GAZETTEER_FILE, trained.gazetteer),
            (LOOK_ALIKES_FILE, trained.look_alikes),
            (COMMON_WORDS_FILE, trained.common_words),
        ):
            (out_path / file_name).write_text("\n".join(sorted(words)) + "\n", encoding="utf-8")
    nlp.to_disk(out_path)
    return out_path


def default_model_dir() -> Path:
    """Where the built pipeline lives: $PAUSE_SPACY_MODEL, else var/spacy/pause_en in the repository."""
    configured = os.environ.get(MODEL_DIR_ENV)
    return Path(configured) if configured else DEFAULT_MODEL_DIR


@functools.lru_cache(maxsize=4)
def _nlp_for(model_dir: Path) -> Language:
    if is_current(model_dir):
        return spacy.load(model_dir)
    return build_pipeline()


def get_nlp(path: Optional[Union[str, Path]] = None) -> Language:
    """The project's pipeline, cached: loaded from disk when built there, else built in memory.

    A directory built from older spelling data is ignored in favour of an in-memory build, so
    the safety rules never read text with out-of-date spelling norms.
    """
    model_dir = Path(path) if path is not None else default_model_dir()
    return _nlp_for(model_dir.resolve())
