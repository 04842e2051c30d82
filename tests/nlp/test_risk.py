"""The risk model: its examples, how it reads a message, training, and a safe round trip to disk."""
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bot.nlp.risk import (
    COLLEAGUE,
    NONE,
    WRITER,
    RiskModel,
    load_risk_examples,
    reading_of,
    risk_data_fingerprint,
    training_set,
)


@pytest.fixture(scope="module")
def examples():
    return load_risk_examples()


@pytest.fixture(scope="module")
def model(examples):
    """Trained as the pipeline trains it: the risk examples, the NLU examples, the configured C."""
    from rasa.shared.nlu.training_data.loading import load_data

    from components.safety_net import LABEL_OF_INTENT, REGULARISATION_KEY

    root = Path(__file__).resolve().parents[2]
    nlu = load_data(str(root / "data" / "nlu"))
    from_nlu = [(m.get("text"), LABEL_OF_INTENT.get(m.get("intent"), NONE)) for m in nlu.intent_examples]
    config = yaml.safe_load((root / "config.yml").read_text(encoding="utf-8"))
    net = next(step for step in config["pipeline"] if step["name"].endswith("SafetyNet"))
    return RiskModel.train(*training_set(examples, from_nlu), float(net[REGULARISATION_KEY]))


def test_the_examples_are_many_varied_and_outnumbered_by_hard_negatives(examples) -> None:
    labels = Counter(example.label for example in examples)
    assert labels[WRITER] >= 900 and labels[COLLEAGUE] >= 500
    assert labels[NONE] >= labels[WRITER] + labels[COLLEAGUE]
    kinds = Counter((example.label, example.kind) for example in examples)
    for kind in ("direct", "indirect", "plan", "means", "farewell", "hopelessness", "self_harm", "textspeak", "buried"):
        assert kinds[(WRITER, kind)] >= 50, kind
    for kind in ("patient_incident", "idiom", "process", "wellbeing", "greeting", "concern", "negated"):
        assert kinds[(NONE, kind)] >= 100, kind


def test_the_examples_are_not_repeated_under_two_labels(examples) -> None:
    labels_of = {}
    for example in examples:
        labels_of.setdefault(reading_of(example.text), set()).add(example.label)
    assert [reading for reading, labels in labels_of.items() if len(labels) > 1] == []


def test_a_message_is_read_as_the_pipeline_reads_it() -> None:
    assert reading_of("kill myslef") == reading_of("kill myself")
    assert reading_of("") == ""


def test_a_file_with_an_unknown_label_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("label: maybe\nkinds:\n  direct:\n    - hello\n")
    with pytest.raises(ValueError, match="label must be one of"):
        load_risk_examples(tmp_path)


def test_an_empty_example_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("label: none\nkinds:\n  idiom:\n    - ''\n")
    with pytest.raises(ValueError, match="not a message"):
        load_risk_examples(tmp_path)


def test_the_fingerprint_follows_the_files(tmp_path: Path) -> None:
    (tmp_path / "a.yml").write_text("label: none\nkinds: {}\n")
    before = risk_data_fingerprint(tmp_path)
    (tmp_path / "a.yml").write_text("label: none\nkinds: {idiom: [dead on my feet]}\n")
    assert risk_data_fingerprint(tmp_path) != before


def test_the_model_tells_risk_from_an_ordinary_message(model) -> None:
    assert model.score("i want to kill myself").writer > 0.9
    assert model.score("one of my nurses told me she wants to kill herself").colleague > 0.5
    assert model.score("can you tell me about the alternatives to an investigation").any < 0.1


def test_training_needs_two_labels_and_known_ones() -> None:
    with pytest.raises(ValueError, match="two labels"):
        RiskModel.train(["a", "b"], [NONE, NONE])
    with pytest.raises(ValueError, match="unknown"):
        RiskModel.train(["a", "b"], [NONE, "patient"])


def test_a_saved_model_scores_exactly_as_before(model, tmp_path: Path) -> None:
    model.save(tmp_path)
    loaded = RiskModel.load(tmp_path)
    for text in ("i cant do this anymore", "the rota is killing me"):
        assert loaded.score(text) == model.score(text)


def test_a_saved_file_holding_anything_else_is_refused(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    sio.dump(FunctionTransformer(), tmp_path / "risk_model.skops")
    with pytest.raises(ValueError, match="never holds"):
        RiskModel.load(tmp_path)
