"""What counts as a near-copy between an evaluation sentence and a training text."""
from tests.support.near_copies import find_near_copies, normalise


def test_normalising_drops_case_apostrophes_punctuation_and_spacing() -> None:
    assert normalise("I don’t want to exist any more!") == normalise("i dont  want to exist anymore")
    assert normalise("[lateness]{\"entity\": \"concern_type\", \"value\": \"attendance\"} again") == "lateness again"


def test_an_exact_duplicate_in_other_spelling_is_found() -> None:
    copies = find_near_copies(["I don't want to exist any more"], [("i dont want to exist anymore", "data")])
    assert [(copy.reason, copy.source_origin) for copy in copies] == [("the same", "data")]


def test_a_training_example_with_words_added_is_found() -> None:
    copies = find_near_copies(
        ["honestly since the hearing i just want to end it all tonight"], [("i just want to end it all", "data")]
    )
    assert [copy.reason for copy in copies] == ["contains it"]


def test_a_short_shared_phrase_is_not_containment() -> None:
    assert find_near_copies(["she wants to leave the ward"], [("wants to leave", "data")]) == []


def test_an_evaluation_sentence_inside_a_longer_example_is_found() -> None:
    copies = find_near_copies(["no point going on"], [("there is no point going on anymore", "data")])
    assert [copy.reason for copy in copies] == ["is contained in it"]


def test_a_close_rewording_is_found_by_similarity() -> None:
    copies = find_near_copies(["i cant take this any longer"], [("i cant take it any longer", "data")])
    assert copies and copies[0].reason.startswith("similarity")


def test_different_sentences_are_not_near_copies() -> None:
    assert find_near_copies(["one of my nurses gave the wrong dose"], [("what are the alternatives", "data")]) == []
