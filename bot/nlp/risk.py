"""The risk model: how likely a message shows its writer, or a colleague, at risk of harm.

A dedicated classifier beside the deterministic rules in ``safety.py``, trained on far more,
and far more varied, examples than one intent among many could hold: direct and indirect
statements, plans, means, farewells, hopelessness, self-harm, text-speak and typos, about the
writer and about a colleague, against at least as many hard negatives from a manager's world
(patients' incidents, idioms, wanting a process to end, stress without risk).

It reads the text as the project's spaCy pipeline does (misspellings and text-speak as plain
words, through token NORMs) and scores it with word and character n-grams and a logistic
regression: fast, deterministic, and small enough to train in seconds. The examples live in
``risk/*.yml`` (never evaluated on); the two thresholds that grade its scores are chosen on a
tuning split by ``python -m bot.nlp.risk tune``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple, Union

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion, Pipeline
from spacy.tokens import Doc

from bot.nlp.pipeline import get_nlp

RISK_DATA_DIR = Path(__file__).resolve().parent / "risk"
NONE = "none"
WRITER = "writer"
COLLEAGUE = "colleague"
LABELS = (NONE, WRITER, COLLEAGUE)
SEED = 2026
MODEL_FILE = "risk_model.skops"
# The only types a saved model may hold; anything else is refused when loading.
TRUSTED_TYPES = (
    "sklearn.pipeline.Pipeline",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "scipy.sparse._csr.csr_matrix",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.dict",
    "builtins.list",
)


@dataclass(frozen=True)
class RiskExample:
    """One training example: the text, whose risk it shows (or none) and what kind it is."""

    text: str
    label: str
    kind: str


# Sentence ends for reading a long message one sentence at a time (see RiskModel.highest_score),
# and how many sentences are read at most: enough for any message the input guard lets through.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
MAX_SENTENCES = 200


@dataclass(frozen=True)
class RiskScores:
    """The model's probability that a message shows the writer, or a colleague, at risk."""

    writer: float
    colleague: float

    @property
    def any(self) -> float:
        """The probability that someone is at risk, whoever it is."""
        return self.writer + self.colleague

    def as_dict(self) -> Dict[str, float]:
        return {WRITER: round(self.writer, 4), COLLEAGUE: round(self.colleague, 4)}


def load_risk_examples(directory: Path = RISK_DATA_DIR) -> List[RiskExample]:
    """Every example in the directory's YAML files (``label:`` and ``kinds: {kind: [texts]}``)."""
    examples: List[RiskExample] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        label = data.get("label")
        if label not in LABELS:
            raise ValueError(f"{path.name}: label must be one of {', '.join(LABELS)}, not {label!r}")
        for kind, texts in (data.get("kinds") or {}).items():
            for text in texts or []:
                if not isinstance(text, str) or not text.strip():
                    raise ValueError(f"{path.name}: {kind} holds {text!r}, which is not a message")
                examples.append(RiskExample(text.strip(), label, str(kind)))
    return examples


def risk_data_fingerprint(directory: Path = RISK_DATA_DIR) -> str:
    """A hash of the examples' files, so that a change to them retrains the model."""
    digest = hashlib.sha256()
    for path in sorted(directory.glob("*.yml")):
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    return digest.hexdigest()


def reading_of(text_or_doc: Union[str, Doc]) -> str:
    """The message as the model reads it: token NORMs, so a misspelling reads as its word."""
    doc = text_or_doc if isinstance(text_or_doc, Doc) else get_nlp()(text_or_doc or "")
    return " ".join(token.norm_ for token in doc if not token.is_space)


def _pipeline(regularisation: float) -> Pipeline:
    words = TfidfVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w+\b", sublinear_tf=True, lowercase=True)
    characters = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, lowercase=True)
    classifier = LogisticRegression(
        C=regularisation, class_weight="balanced", max_iter=3000, random_state=SEED
    )
    return Pipeline([("features", FeatureUnion([("words", words), ("characters", characters)])), ("classifier", classifier)])


class RiskModel:
    """A fitted risk classifier over the pipeline's reading of a message."""

    DEFAULT_REGULARISATION = 10.0

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        classes = list(pipeline.classes_)
        self._columns = {label: classes.index(label) for label in (WRITER, COLLEAGUE) if label in classes}

    @classmethod
    def train(
        cls, texts: Sequence[str], labels: Sequence[str], regularisation: float = DEFAULT_REGULARISATION
    ) -> "RiskModel":
        """Fit the model on texts already in the model's reading (see ``reading_of``)."""
        unknown = sorted(set(labels) - set(LABELS))
        if unknown:
            raise ValueError(f"unknown risk labels: {unknown}")
        if len(set(labels)) < 2:
            raise ValueError("the risk model needs examples of at least two labels")
        pipeline = _pipeline(regularisation)
        pipeline.fit(list(texts), list(labels))
        return cls(pipeline)

    def scores(self, readings: Sequence[str]) -> List[RiskScores]:
        """Scores for messages already in the model's reading."""
        if not readings:
            return []
        probabilities = self.pipeline.predict_proba(list(readings))
        return [self._scores_of(row) for row in probabilities]

    def score(self, text_or_doc: Union[str, Doc]) -> RiskScores:
        """Scores for one message, as text or as a Doc from the project's pipeline."""
        return self.scores([reading_of(text_or_doc)])[0]

    def highest_score(self, text_or_doc: Union[str, Doc]) -> RiskScores:
        """The highest scores over the whole message and each of its sentences.

        A crisis said in one sentence of a long message is diluted when the message is read
        whole; read alone, the sentence keeps its weight.
        """
        text = text_or_doc.text if isinstance(text_or_doc, Doc) else str(text_or_doc or "")
        parts = [part for part in SENTENCE_BREAK.split(text) if part.strip()]
        readings = [reading_of(text_or_doc)] + [reading_of(part) for part in parts[:MAX_SENTENCES] if len(parts) > 1]
        scored = self.scores(readings)
        return RiskScores(writer=max(s.writer for s in scored), colleague=max(s.colleague for s in scored))

    def _scores_of(self, row: np.ndarray) -> RiskScores:
        def column(label: str) -> float:
            index = self._columns.get(label)
            return float(row[index]) if index is not None else 0.0

        return RiskScores(writer=column(WRITER), colleague=column(COLLEAGUE))

    def save(self, directory: Path) -> Path:
        """Write the model into the directory (skops format: no pickled code)."""
        import skops.io as sio

        directory.mkdir(parents=True, exist_ok=True)
        path = directory / MODEL_FILE
        sio.dump(self.pipeline, path)
        return path

    @classmethod
    def load(cls, directory: Path) -> "RiskModel":
        """Read a model written by ``save``, refusing any type it should not hold."""
        import skops.io as sio

        path = directory / MODEL_FILE
        untrusted = sio.get_untrusted_types(file=path)
        refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if refused:
            raise ValueError(f"{path} holds types a risk model never holds: {refused}")
        pipeline = sio.load(path, trusted=list(untrusted))
        if not isinstance(pipeline, Pipeline) or [name for name, _ in pipeline.steps] != ["features", "classifier"]:
            raise ValueError(f"{path} holds {type(pipeline).__name__}, which a risk model never holds")
        return cls(pipeline)


def training_set(
    examples: Iterable[RiskExample], extra: Iterable[Tuple[str, str]] = ()
) -> Tuple[List[str], List[str]]:
    """Readings and labels for training: the examples, plus (text, label) pairs from elsewhere."""
    texts: List[str] = []
    labels: List[str] = []
    seen = set()
    for text, label in [(example.text, example.label) for example in examples] + list(extra):
        reading = reading_of(text)
        if not reading or (reading, label) in seen:
            continue
        seen.add((reading, label))
        texts.append(reading)
        labels.append(label)
    return texts, labels
