"""Train the person-name recogniser into the project's spaCy pipeline (build time).

spaCy's trainable NER needs no download: its token features (the word's norm, prefix, suffix and
shape) and a small convolutional context window are learned from the generated sentences alone.
The component is saved disabled, so that Rasa's SpacyNLP and the safety rules, which run the whole
pipeline on every message, never run it; the redactor runs it itself, once per message.
Seeds are fixed, so a build from the same sources gives the same model.
"""
from __future__ import annotations

import logging
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Sequence, Tuple

import yaml
from spacy.language import Language
from spacy.training import Example
from spacy.util import fix_random_seed, minibatch
from thinc.api import Adam, Model

from bot.nlp.names.recogniser import COMPONENT, LABEL
from bot.nlp.names.sentences import Sentence, generate, load_templates
from bot.nlp.names.sources import NamePool, load_names, place_and_language_words

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[3]
# "[wrong dose]{"entity": ...}" and "[late](concern_type)" in Rasa's training data: the words only.
_WORD = re.compile(r"[^\W\d_]{3,}")
_ENTITY_MARKUP = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")


@dataclass(frozen=True)
class TrainingPlan:
    """How much the recogniser is trained: sentences, passes over them and batch size."""

    sentences_with_names: int = 10000
    sentences_without_names: int = 2000
    epochs: int = 6
    batch_size: int = 64
    dropout: float = 0.15
    learn_rate: float = 0.002
    seed: int = 2026


def _example(nlp: Language, sentence: Sentence) -> Example:
    predicted = nlp.make_doc(sentence.text)
    reference = nlp.make_doc(sentence.text)
    spans = []
    for start, end in sentence.names:
        span = reference.char_span(start, end, label=LABEL, alignment_mode="expand")
        if span is not None and all(span.start >= kept.end or span.end <= kept.start for kept in spans):
            spans.append(span)
    reference.ents = sorted(spans, key=lambda span: span.start)
    return Example(predicted, reference)


def _ner_config() -> Dict[str, object]:
    # spaCy's default NER, a little narrower: the task is one label, and it runs on every message.
    return {
        "model": {
            "@architectures": "spacy.TransitionBasedParser.v2",
            "state_type": "ner",
            "extra_state_tokens": False,
            "hidden_width": 64,
            "maxout_pieces": 2,
            "use_upper": True,
            "tok2vec": {
                "@architectures": "spacy.HashEmbedCNN.v2",
                "pretrained_vectors": None,
                "width": 96,
                "depth": 4,
                "embed_size": 4000,
                "window_size": 1,
                "maxout_pieces": 3,
                "subword_features": True,
            },
        }
    }


def _keep_averages(model: Model, averages: Mapping[Tuple[int, str], Any]) -> None:
    """Keep the weights averaged over training, which generalise better than the last ones."""
    for node in model.walk():
        for name in node.param_names:
            if (node.id, name) in averages:
                node.set_param(name, averages[(node.id, name)])


def train_on(nlp: Language, sentences: Sequence[Sentence], plan: TrainingPlan) -> List[float]:
    """Add the recogniser to nlp, train it on the sentences, and leave it disabled; the losses per epoch."""
    fix_random_seed(plan.seed)
    shuffler = random.Random(plan.seed)
    examples = [_example(nlp, sentence) for sentence in sentences]
    ner = nlp.add_pipe("ner", name=COMPONENT, config=_ner_config())
    ner.add_label(LABEL)
    ner.initialize(lambda: examples, nlp=nlp)
    optimizer = Adam(learn_rate=plan.learn_rate, use_averages=True)
    losses_per_epoch = []
    for epoch in range(plan.epochs):
        shuffler.shuffle(examples)
        losses: Dict[str, float] = {}
        for batch in minibatch(examples, size=plan.batch_size):
            ner.update(batch, drop=plan.dropout, sgd=optimizer, losses=losses)
        losses_per_epoch.append(losses.get(COMPONENT, 0.0))
        logger.info("name recogniser epoch %d: loss %.1f", epoch + 1, losses_per_epoch[-1])
    _keep_averages(ner.model, optimizer.averages)
    nlp.disable_pipe(COMPONENT)
    return losses_per_epoch


NAME_FREE_FILE = Path(__file__).resolve().parent / "name_free.txt"
NAME_FREE_HEADER = """\
# Messages without names, for the person-name recogniser: what the rest of a manager's message
# looks like (the NLU examples as typed) and the bot's own words (which are redacted when stored
# too, and must come back whole). Collected from data/nlu/ and domain.yml by
# `python -m bot.nlp name-free`; kept here so that the recogniser, and its measured figures, do
# not shift with every change to the training data. Refresh it when the bot's words change.
"""


def name_free_messages(path: Path = NAME_FREE_FILE) -> List[str]:
    """The kept messages without names (``name_free.txt``), one per line."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


def write_name_free_messages(path: Path = NAME_FREE_FILE, root: Path = REPO_ROOT) -> int:
    """Collect the project's messages without names afresh into ``path``; how many were written."""
    messages = list(dict.fromkeys(" ".join(message.split()) for message in project_messages(root)))
    messages = [message for message in messages if message]
    path.write_text(NAME_FREE_HEADER + "\n".join(messages) + "\n", encoding="utf-8")
    return len(messages)


def project_messages(root: Path = REPO_ROOT) -> List[str]:
    """Messages without names that the project holds: NLU examples and the bot's words.

    The NLU examples are typed as managers and staff type, and hold no names; the bot's own
    responses are redacted when stored too, and must come back whole.
    """
    messages = []
    for path in sorted((root / "data" / "nlu").glob("*.yml")):
        with open(path, encoding="utf-8") as handle:
            for item in (yaml.safe_load(handle) or {}).get("nlu") or []:
                for line in str(item.get("examples") or "").splitlines():
                    if line.strip().startswith("- ") and "intent" in item:
                        messages.append(_ENTITY_MARKUP.sub(r"\1", line.strip()[2:]))
    with open(root / "domain.yml", encoding="utf-8") as handle:
        responses = yaml.safe_load(handle).get("responses") or {}
    for variants in responses.values():
        for variant in variants:
            for line in str(variant.get("text") or "").splitlines():
                if line.strip() and "{" not in line:
                    messages.append(line.strip())
    return messages


def training_sentences(pools: Mapping[str, NamePool], plan: TrainingPlan) -> List[Sentence]:
    """The generated training sentences for the given name pools, with the project's own messages."""
    return generate(
        pools,
        load_templates(),
        with_names=plan.sentences_with_names,
        without_names=plan.sentences_without_names,
        seed=plan.seed,
        name_free=name_free_messages(),
    )


@dataclass(frozen=True)
class TrainedNames:
    """What training leaves beside the recogniser: its sentences, the known names, the known
    look-alikes, and the common words (those the project's own messages use in lower case)."""

    sentences: List[Sentence]
    gazetteer: FrozenSet[str]
    look_alikes: FrozenSet[str]
    common_words: FrozenSet[str]


def add_name_recogniser(nlp: Language, plan: TrainingPlan = TrainingPlan()) -> TrainedNames:
    """Train the recogniser on names of every origin and add it, disabled, to nlp."""
    started = time.perf_counter()
    pools, gazetteer = load_names(load_templates().look_alikes | _never_names())
    # A name the project's own messages use as an ordinary word ("rose", "young", "new") is left
    # out of the gazetteer: the rules would take that word for a name on too weak a clue.
    common_words = frozenset(word for word in _lower_case_words(name_free_messages()) if len(word) > 1)
    gazetteer = gazetteer - common_words
    # Words that look like names: the templates' wards, drugs, hospitals and places, and the names
    # of countries, regions and languages. One that is never a name is a look-alike, which the
    # recogniser's guesses give way to; one that may be either ("Jordan") is left to the
    # recogniser, and the rules' weaker clues take neither.
    templates = load_templates()
    filler_words = {
        word.lower() for words in templates.fillers.values() for phrase in words for word in _WORD.findall(phrase)
    }
    look_alike_words = frozenset(filler_words) | place_and_language_words()
    look_alikes = look_alike_words - gazetteer
    gazetteer = gazetteer - look_alike_words
    sentences = training_sentences(pools, plan)
    loaded = time.perf_counter()
    train_on(nlp, sentences, plan)
    logger.info(
        "name recogniser: %d sentences, %d names in the gazetteer, names loaded in %.0f s, trained in %.0f s",
        len(sentences),
        len(gazetteer),
        loaded - started,
        time.perf_counter() - loaded,
    )
    return TrainedNames(sentences, gazetteer, look_alikes, common_words)


def _lower_case_words(messages: Sequence[str]) -> FrozenSet[str]:
    """Every word written in lower case somewhere in the messages."""
    return frozenset(word for message in messages for word in re.findall(r"[^\W\d_]+", message) if word.islower())


def _never_names() -> FrozenSet[str]:
    """Words the redactor never takes for a name (stop words, months, titles): none is a training name."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from bot.nlp.redact import load_vocabulary

    vocabulary = load_vocabulary()
    return frozenset(STOP_WORDS) | vocabulary.not_names | vocabulary.titles
