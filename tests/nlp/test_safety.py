"""The deterministic crisis rules: what they catch, what they leave alone, and whom they mean."""
from pathlib import Path
from typing import Any, Dict, List

import pytest
import spacy

from bot.nlp.pipeline import get_nlp
from bot.nlp.safety import (
    CompiledRules,
    Normaliser,
    SafetySignal,
    assess,
    compile_pattern,
    compiled_rules_for,
    load_safety_rules,
)

WRITER_IN_CRISIS = [
    "kill myslef",
    "suicidel",
    "cant go on",
    "want to die tbh",
    "kms",
    "end it all",
    "I don't want to be here anymore",
    "everyone would be better off without me",
    "got the tablets here",
    "thinking of jumping",
    "hurting myself",
    "cutting again",
    "no reason to live",
    "I just want it all to stop",
    "can't keep myself safe",
    "i'm not saying i want to die but i think about it",
    "I'd rather die than face that panel",
    "I've been trying not to hurt myself",
    "I keep thinking about vanishing for good",
    "i want to disappear forever and i dont mean resigning",
    "thinking of disappearing permanently, not a job thing",
]

NOT_A_CRISIS = [
    "this rota is killing me",
    "I could murder a coffee",
    "dying for a cuppa",
    "the paperwork is suicide",
    "I'd kill for a day off",
    "the patient self-harmed on the ward",
    "training on suicide prevention",
    "I nearly died laughing",
    "deadline is killing me",
    "my phone died",
    "I'm not suicidal, just exhausted",
    "the ward can't go on like this",
    "I can't go on holiday until this is sorted",
    "I'm killing myself trying to cover nights",
    "my manager threw me under the bus",
    "I cut myself on a broken ampoule",
    "the man in bed 4 said he wants to die",
    "I couldn't live with myself if I didn't report it",
    "I'm thinking of jumping ship",
    "I won't be here tomorrow, I'm on leave",
    "I didn't wake up in time for my shift",
    "I won't be here much longer, I've handed in my notice",
    "I want to disappear for good on a long holiday after this",
]

COLLEAGUE_AT_RISK = [
    "my colleague said she wants to end it all",
    "one of my team told me he's been self harming",
    "I'm worried she might hurt herself",
    "he keeps saying everyone would be better off without him",
    "a member of my team said they can't go on",
    "my colleague texted me saying goodbye",
]


@pytest.mark.parametrize("text", WRITER_IN_CRISIS)
def test_writer_in_crisis_is_a_crisis(text: str) -> None:
    signal = assess(text)
    assert signal.crisis, signal
    assert signal.matches


@pytest.mark.parametrize("text", NOT_A_CRISIS)
def test_look_alikes_raise_no_alarm(text: str) -> None:
    assert assess(text) == SafetySignal(crisis=False, colleague_at_risk=False, matches=())


@pytest.mark.parametrize("text", COLLEAGUE_AT_RISK)
def test_someone_else_at_risk_is_a_colleague_at_risk_not_a_crisis(text: str) -> None:
    signal = assess(text)
    assert signal.colleague_at_risk, signal
    assert not signal.crisis, signal


def test_both_can_be_true_in_one_message() -> None:
    signal = assess("My colleague said she wants to die. Honestly so do I, I want to die too.")
    assert signal.crisis and signal.colleague_at_risk


def test_matches_name_rules_and_never_hold_the_users_words() -> None:
    text = "I've been suspended since March and I want to kill myself"
    signal = assess(text)
    assert signal.matches == ("writer:kill_self",)
    rule_names = set(load_safety_rules().rules)
    for match in signal.matches:
        target, rule = match.split(":")
        assert target in {"writer", "other"}
        assert rule in rule_names


def test_empty_and_blank_messages_are_not_crises() -> None:
    empty = SafetySignal(crisis=False, colleague_at_risk=False, matches=())
    assert assess("") == empty
    assert assess("   ") == empty
    assert assess(get_nlp()("")) == empty


def test_a_doc_from_the_pipeline_reads_like_its_text() -> None:
    text = "honestly i carnt do this anymore"
    assert assess(get_nlp()(text)) == assess(text)


def test_a_doc_from_another_pipeline_still_gets_the_spelling_help() -> None:
    foreign = spacy.blank("en")("kill myslef")
    assert assess(foreign).crisis


def test_rules_are_compiled_once_per_vocabulary() -> None:
    vocab = get_nlp().vocab
    assert compiled_rules_for(vocab) is compiled_rules_for(vocab)


def test_every_pattern_passes_spacy_validation() -> None:
    compiled = CompiledRules(spacy.blank("en").vocab, load_safety_rules(), validate=True)
    assert compiled.pattern_count > 300


def tokens_of(line: str) -> List[Any]:
    ends_clause, patterns = compile_pattern(line, load_safety_rules().classes, Normaliser(get_nlp().vocab))
    return [ends_clause, [list(pattern) for pattern in patterns]]


def test_pattern_language_words_alternatives_and_clause_end() -> None:
    expected = [{"NORM": {"IN": ["end", "ending"]}}, {"NORM": "it"}, {"NORM": "all"}]
    assert tokens_of("end|ending it all $") == [True, [expected]]


def test_pattern_language_optional_items_and_gaps() -> None:
    ends_clause, patterns = tokens_of("nothing ~1 to live? for")
    assert not ends_clause
    assert patterns == [[
        {"NORM": "nothing"},
        {"IS_PUNCT": False, "OP": "?"},
        {"NORM": "to"},
        {"NORM": "live", "OP": "?"},
        {"NORM": "for"},
    ]]


def test_pattern_language_classes_expand_into_word_sequences() -> None:
    _, patterns = tokens_of("@CANT go on")
    sequences = {tuple(str(token["NORM"]) for token in pattern) for pattern in patterns}
    assert ("can", "not", "go", "on") in sequences
    assert ("could", "not", "go", "on") in sequences


def test_contraction_pieces_match_however_typed() -> None:
    for text in ("I didn't wake up", "i didnt wake up", "I did not wake up", "I didn’t wake up"):
        signal = assess(f"it would be fine if {text}")
        assert signal.crisis, text


@pytest.mark.parametrize("line", ["$", "end $ it"])
def test_pattern_language_rejects_a_misplaced_clause_end(line: str) -> None:
    with pytest.raises(ValueError):
        tokens_of(line)


def test_matches_come_from_rules_not_guards() -> None:
    signal: Dict[str, Any] = assess("I'm killing myself working these hours and honestly I want to die").__dict__
    assert signal["matches"] == ("writer:want_to_die",)


# A negation that governs another verb first denies nothing.
NEGATION_THAT_DENIES_NOTHING = [
    "I can't stop thinking about killing myself",
    "i cant stop thinking about ending my life",
    "can't shake the urge to hurt myself",
    "i can't help thinking about suicide every night",
    "I couldn't stop wanting to die after the meeting",
    "she can't stop thinking about killing herself",
]

# A negation that governs the risk words themselves still denies them.
NEGATION_THAT_DENIES = [
    "I'm not suicidal",
    "i dont want to kill myself, i just want advice",
    "I'm not going to hurt myself",
    "I would never hurt myself",
]


@pytest.mark.parametrize("text", NEGATION_THAT_DENIES_NOTHING)
def test_a_negation_of_another_verb_does_not_cancel_the_risk(text: str) -> None:
    signal = assess(text)
    assert signal.crisis or signal.colleague_at_risk, signal


@pytest.mark.parametrize("text", NEGATION_THAT_DENIES)
def test_a_negation_of_the_risk_words_still_cancels_them(text: str) -> None:
    assert not assess(text).crisis


# The person at risk named with a place or group: the place is not the subject.
SOMEONE_IN_A_PLACE = [
    "someone on my ward is suicidal",
    "a nurse on my team is suicidal",
    "one of the porters from the night shift is suicidal",
    "somebody in our department wants to die",
    "a colleague at the community base has been self harming",
]


@pytest.mark.parametrize("text", SOMEONE_IN_A_PLACE)
def test_someone_on_a_ward_is_the_subject_not_the_ward(text: str) -> None:
    signal = assess(text)
    assert signal.colleague_at_risk and not signal.crisis, signal


# "The nurse I manage": the writer describes someone; that someone is at risk.
RELATIVE_CLAUSES = [
    "the nurse I manage is suicidal",
    "the hca that i supervise said she wants to die",
    "a colleague i work with wants to kill herself",
    "the band 5 who I line manage is self harming again",
    "one of the students I mentor told me he wants to end it all",
]


@pytest.mark.parametrize("text", RELATIVE_CLAUSES)
def test_the_person_described_by_i_is_at_risk_not_the_writer(text: str) -> None:
    signal = assess(text)
    assert signal.colleague_at_risk and not signal.crisis, signal


def test_the_writer_is_still_the_subject_of_their_own_clause() -> None:
    assert assess("I manage a busy ward and I am suicidal").crisis
    assert assess("since the nurse complained I want to die").crisis


@pytest.mark.parametrize("text", ["the ward can't go on like this", "the staff on my ward can't go on like this"])
def test_a_place_that_cannot_go_on_is_about_nobody(text: str) -> None:
    assert assess(text) == SafetySignal(crisis=False, colleague_at_risk=False, matches=())


def test_a_word_list_holding_a_yaml_boolean_is_refused(tmp_path) -> None:
    text = load_safety_rules.__wrapped__().__class__  # the rules type, to prove the file loads
    assert text is not None
    broken = tmp_path / "safety.yml"
    source = (Path(__file__).resolve().parents[2] / "bot" / "nlp" / "patterns" / "safety.yml").read_text()
    broken.write_text(source.replace('"no", longer', "no, longer"))
    with pytest.raises(ValueError, match="quote it"):
        load_safety_rules.__wrapped__(broken)


# In a message about patients, "a man", "her mum" or "he" is a patient or their family: a
# concern about care to reflect on, never the colleague-at-risk or crisis reply.
ABOUT_PATIENTS = [
    "an elderly man admitted last night kept saying he wanted to die and nobody escalated it",
    "her mum told the triage nurse she had taken an overdose and was left waiting four hours",
    "the ambulance crew were called to a woman who said she would kill herself",
    "a teenager on the ward had been self harming and the bank nurse didn't check her obs",
    "the patient's husband said he has given up on life since the discharge",
]


@pytest.mark.parametrize("text", ABOUT_PATIENTS)
def test_someone_in_a_message_about_patients_is_a_patient(text: str) -> None:
    assert assess(text) == SafetySignal(crisis=False, colleague_at_risk=False, matches=())


# Inside quotation marks "I" is whoever is quoted.
QUOTED = {
    "the patient kept telling the HCA 'i just want to die'": (False, False),
    "my deputy sent a message saying \"i want to kill myself\" last night": (False, True),
    "i told my manager 'i want to die' and she laughed": (True, False),
}


@pytest.mark.parametrize("text, expected", list(QUOTED.items()))
def test_i_inside_quotes_is_the_speaker(text: str, expected: tuple) -> None:
    signal = assess(text)
    assert (signal.crisis, signal.colleague_at_risk) == expected, signal


def test_a_pronoun_after_both_a_patient_and_a_colleague_is_left_to_the_model() -> None:
    signal = assess("the patient whispered to the nurse that he wanted to hurt himself")
    assert signal == SafetySignal(crisis=False, colleague_at_risk=False, matches=())


def test_a_colleague_is_still_a_colleague_in_a_message_about_patients() -> None:
    text = "a patient complained about my band 5 last week. since then she keeps saying she wants to die"
    assert assess(text).colleague_at_risk
    assert assess("one of my nurses looked after a patient who died and now she says she wants to die too").colleague_at_risk is False


@pytest.mark.parametrize("text", [
    "a man who'd taken an overdose was kept waiting in the ambulance queue",
    "an older woman on the ward told staff she'd had enough of life",
])
def test_someone_introduced_as_a_stranger_is_not_a_colleague(text: str) -> None:
    assert not assess(text).colleague_at_risk


def test_a_stranger_placed_in_the_writers_team_is_a_colleague() -> None:
    assert assess("a woman in my team said she wants to kill herself").colleague_at_risk


def test_a_screening_question_about_suicidal_thoughts_is_not_a_risk() -> None:
    assert assess("the nurse asked him about suicidal thoughts at triage") == SafetySignal(False, False, ())


@pytest.mark.parametrize(
    "text, history",
    [
        ("i tried to end my life years ago and got through it, so i know how much this matters", True),
        ("my deputy self harmed as a teenager, she mentioned it at her return to work meeting", True),
        ("he took an overdose when he was younger and he talks about it openly", True),
        # Anything that says now makes it the present again.
        ("i tried to end my life years ago and the thoughts are back again", False),
        ("she self harmed as a teenager and she told me last night she is doing it again", False),
        ("i want to end my life", False),
        ("she took an overdose last night but says she's fine now", False),
    ],
)
def test_a_risk_told_as_history_is_recognised(text: str, history: bool) -> None:
    assert assess(text).history is history
