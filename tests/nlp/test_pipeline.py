"""The project's own spaCy pipeline: built from nothing downloaded, saved, loaded by Rasa."""
import json
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest
import spacy
from spacy.language import Language

from bot.nlp import pipeline
from bot.nlp.__main__ import main as nlp_command
from bot.nlp.pipeline import (
    FINGERPRINT_KEY,
    build_pipeline,
    get_nlp,
    one_slip_variants,
    save_pipeline,
    spelling_lexicon,
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_pipeline()


@pytest.fixture(scope="module")
def saved_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_pipeline(tmp_path_factory.mktemp("spacy") / "pause_en", names=False)


@pytest.fixture
def fresh_cache() -> Iterator[None]:
    pipeline._nlp_for.cache_clear()
    yield
    pipeline._nlp_for.cache_clear()


def norms(nlp: Language, text: str) -> List[Tuple[str, str]]:
    return [(token.text, token.norm_) for token in nlp(text)]


def test_pipeline_is_blank_english_with_only_built_in_parts(nlp: Language) -> None:
    assert nlp.lang == "en"
    assert nlp.pipe_names == ["spelling_lemmatizer"]
    assert nlp.get_pipe("spelling_lemmatizer").mode == "lookup"
    assert nlp.meta["name"] == "pause_en"


@pytest.mark.parametrize(
    ("text", "expected_norms"),
    [
        ("i cant go on", ["i", "can", "not", "go", "on"]),
        ("i carnt cope", ["i", "can", "not", "cope"]),
        ("im done", ["i", "am", "done"]),
        ("kill myslef", ["kill", "myself"]),
        ("feeling suicidel", ["feeling", "suicidal"]),
        ("u ok tbh", ["you", "ok", "honestly"]),
        ("dont wanna be here anymor", ["do", "not", "want", "be", "here", "anymore"]),
    ],
)
def test_text_speak_and_misspellings_read_as_plain_words(nlp: Language, text: str, expected_norms: List[str]) -> None:
    assert [token.norm_ for token in nlp(text)] == expected_norms


def test_lemmas_carry_the_plain_word_for_the_intent_classifier(nlp: Language) -> None:
    assert [token.lemma_ for token in nlp("kms myslef suicidel")] == ["suicide", "myself", "suicidal"]
    assert nlp("nurse")[0].lemma_ == "nurse"


def test_full_stop_typed_without_a_space_splits_words(nlp: Language) -> None:
    assert [token.text for token in nlp("so tired.i cant")] == ["so", "tired", ".", "i", "ca", "nt"]


@pytest.mark.parametrize("kept_whole", ["jane.doe@nhs.net", "www.nhs.uk/help", "e.g.", "5.30pm"])
def test_addresses_and_abbreviations_stay_whole(nlp: Language, kept_whole: str) -> None:
    assert [token.text for token in nlp(f"see {kept_whole} now")] == ["see", kept_whole, "now"]


def test_one_slip_variants_keep_the_first_letter_and_the_word_apart() -> None:
    variants = one_slip_variants("myself")
    assert {"myslef", "mysef", "myyself"} <= variants
    assert "myself" not in variants
    assert all(variant.startswith("m") for variant in variants)


def test_real_words_are_never_taken_for_slips() -> None:
    canonical_of = spelling_lexicon().canonical_of
    assert "tables" not in canonical_of
    assert "overdoes" not in canonical_of
    assert canonical_of["tablts"] == "tablets"


def test_saved_pipeline_loads_with_spacy_and_reads_the_same(nlp: Language, saved_dir: Path) -> None:
    loaded = spacy.load(saved_dir)
    text = "i carnt go on.im so tired of living, kill myslef tbh"
    assert norms(loaded, text) == norms(nlp, text)
    assert [token.lemma_ for token in loaded(text)] == [token.lemma_ for token in nlp(text)]
    assert loaded.path == saved_dir


def test_command_line_builds_the_pipeline(tmp_path: Path) -> None:
    out_dir = tmp_path / "built"
    assert nlp_command(["build", str(out_dir), "--without-names"]) == 0
    meta = json.loads((out_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["name"] == "pause_en"
    assert meta[FINGERPRINT_KEY] == pipeline.spelling_fingerprint()


def test_get_nlp_loads_a_current_build_from_disk(saved_dir: Path, fresh_cache: None) -> None:
    nlp = get_nlp(saved_dir)
    assert nlp.path == saved_dir.resolve()
    assert get_nlp(saved_dir) is nlp


def test_get_nlp_reads_the_directory_from_the_environment(
    saved_dir: Path, fresh_cache: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PAUSE_SPACY_MODEL", str(saved_dir))
    assert get_nlp().path == saved_dir.resolve()


def test_get_nlp_builds_in_memory_when_nothing_is_on_disk(tmp_path: Path, fresh_cache: None) -> None:
    nlp = get_nlp(tmp_path / "missing")
    assert nlp.path is None
    assert nlp("myslef")[0].norm_ == "myself"


def test_get_nlp_ignores_a_build_from_older_spelling_data(tmp_path: Path, fresh_cache: None) -> None:
    stale = save_pipeline(tmp_path / "stale", names=False)
    meta_file = stale / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta[FINGERPRINT_KEY] = "older"
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    assert get_nlp(stale).path is None


def test_rasa_spacy_nlp_loads_the_saved_pipeline(saved_dir: Path) -> None:
    from rasa.nlu.constants import SPACY_DOCS
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.nlu.utils.spacy_utils import SpacyNLP
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    component = SpacyNLP.create({**SpacyNLP.get_default_config(), "model": str(saved_dir)}, None, None, None)
    model = component.provide()
    assert model.model.pipe_names == ["spelling_lemmatizer"]

    message = Message(data={TEXT: "I cant go on, kill myslef"})
    component.process([message], model)
    assert message.get(SPACY_DOCS[TEXT]).text == "i cant go on, kill myslef"

    tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), None, None, None)
    tokens = tokenizer.tokenize(message, TEXT)
    assert [token.lemma for token in tokens] == ["i", "can", "not", "go", "on", ",", "kill", "myself"]


def test_the_built_pipeline_holds_the_name_recogniser_disabled() -> None:
    """The pipeline make spacy built: Rasa's SpacyNLP and the safety rules never run the recogniser."""
    built = pipeline.default_model_dir()
    loaded = spacy.load(built)
    assert "person_names" in loaded.component_names
    assert loaded.disabled == ["person_names"]
    assert loaded.pipe_names == ["spelling_lemmatizer"]
    assert (built / pipeline.TRAINING_SENTENCES_FILE).is_file()
    assert not loaded("Okonkwo gave the wrong dose").ents
