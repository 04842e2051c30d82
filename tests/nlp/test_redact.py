"""Redaction of personal details: unit checks and precision/recall on the labelled set."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest
import yaml

from bot.nlp.redact import (
    LABELS,
    PiiSpan,
    find_pii,
    load_vocabulary,
    nhs_number_is_valid,
    placeholder,
    redact,
    redact_value,
)

REDACTION_SET = Path(__file__).with_name("redaction_set.yml")


def load_redaction_set() -> List[Dict]:
    """The labelled messages."""
    with open(REDACTION_SET, encoding="utf-8") as handle:
        return yaml.safe_load(handle)["messages"]


def expected_spans(message: Dict) -> Set[PiiSpan]:
    """Every whole-word occurrence of each labelled detail, as (label, start, end)."""
    spans = set()
    for label, detail in message["pii"]:
        detail = str(detail)
        whole_word = r"(?<![\w-])" + re.escape(detail) + r"(?![\w-])"
        occurrences = list(re.finditer(whole_word, message["text"]))
        assert occurrences, f"{detail!r} is not in {message['text']!r}"
        spans.update((label, match.start(), match.end()) for match in occurrences)
    return spans


def score(messages: List[Dict]) -> Tuple[Dict[str, Counter], List[str]]:
    """True positives, false positives and false negatives per label, and a line per mistake."""
    counts: Dict[str, Counter] = {label: Counter() for label in LABELS}
    mistakes = []
    for message in messages:
        text = message["text"]
        expected = expected_spans(message)
        found = set(find_pii(text))
        for label, start, end in found & expected:
            counts[label]["tp"] += 1
        for label, start, end in found - expected:
            counts[label]["fp"] += 1
            mistakes.append(f"extra   {label}: {text[start:end]!r} in {text!r}")
        for label, start, end in expected - found:
            counts[label]["fn"] += 1
            mistakes.append(f"missed  {label}: {text[start:end]!r} in {text!r}")
    return counts, mistakes


def ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 1.0


@pytest.fixture(scope="module")
def evaluation() -> Tuple[Dict[str, Counter], List[str]]:
    counts, mistakes = score(load_redaction_set())
    print("\nlabel            precision  recall  support")
    for label, count in counts.items():
        precision = ratio(count["tp"], count["tp"] + count["fp"])
        recall = ratio(count["tp"], count["tp"] + count["fn"])
        print(f"{label:<16} {precision:>9.3f} {recall:>7.3f} {count['tp'] + count['fn']:>8}")
    print("\n".join(mistakes))
    return counts, mistakes


def test_the_labelled_set_is_large_and_varied() -> None:
    messages = load_redaction_set()
    labels_used = {label for message in messages for label, _ in message["pii"]}
    assert len(messages) >= 200
    assert sum(1 for message in messages if not message["pii"]) >= 80
    assert labels_used == set(LABELS)


@pytest.mark.parametrize("label", ["NHS NUMBER", "EMAIL", "PHONE"])
def test_contact_details_and_nhs_numbers_are_all_found(evaluation, label: str) -> None:
    counts, _ = evaluation
    count = counts[label]
    assert count["tp"] > 0
    assert ratio(count["tp"], count["tp"] + count["fn"]) == 1.0
    assert ratio(count["tp"], count["tp"] + count["fp"]) == 1.0


@pytest.mark.parametrize("label", ["EMPLOYEE NUMBER", "NI NUMBER", "POSTCODE"])
def test_identifiers_and_postcodes_are_found(evaluation, label: str) -> None:
    counts, _ = evaluation
    count = counts[label]
    assert ratio(count["tp"], count["tp"] + count["fn"]) >= 0.95
    assert ratio(count["tp"], count["tp"] + count["fp"]) >= 0.95


def test_names_are_found_with_few_false_alarms(evaluation) -> None:
    counts, _ = evaluation
    names = counts["NAME"]
    assert ratio(names["tp"], names["tp"] + names["fn"]) >= 0.9
    assert ratio(names["tp"], names["tp"] + names["fp"]) >= 0.9


def test_overall_precision_and_recall(evaluation) -> None:
    counts, _ = evaluation
    total = sum(counts.values(), Counter())
    assert ratio(total["tp"], total["tp"] + total["fp"]) >= 0.95
    assert ratio(total["tp"], total["tp"] + total["fn"]) >= 0.93


def test_messages_without_personal_details_come_back_unchanged() -> None:
    # The trained recogniser is statistical: a rare capitalised phrase can look like a name to it.
    # The bar is the frozen set's precision bar; the look-alikes are measured in tests/nlp/names.
    name_free = [message["text"] for message in load_redaction_set() if not message["pii"]]
    changed = [(text, redact(text)) for text in name_free if redact(text) != text]
    print("\n".join(f"{text!r} -> {redacted!r}" for text, redacted in changed))
    assert len(changed) <= 0.03 * len(name_free), changed


def test_redaction_is_idempotent() -> None:
    for message in load_redaction_set():
        once = redact(message["text"])
        assert redact(once) == once


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I spoke to Mahlet about it", "I spoke to [NAME] about it"),
        ("mail me: a.person@example.org", "mail me: [EMAIL]"),
        ("ring 07700 900123", "ring [PHONE]"),
        ("NHS 943 476 5919", "NHS [NHS NUMBER]"),
        ("employee number 12345678", "employee number [EMPLOYEE NUMBER]"),
        ("NI AB 12 34 56 C", "NI [NI NUMBER]"),
        ("lives near LS1 4DY", "lives near [POSTCODE]"),
    ],
)
def test_each_kind_of_detail_gets_its_placeholder(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Call 999 now",
        "NHS 111 option 2",
        "Samaritans 116 123 or 116123",
        "text SHOUT to 85258",
        "Counter fraud 0800 028 4060 or 08000284060",
        "Practitioner Health 0300 0303 300",
        "update on case P-7K3Q-9MXD please",
        "case ref P-0123-4567 and P-ABCD-EFGH",
        "On 12/03/2024 at 09:30, 4 out of 5, band 5 on Ward 7B",
        "Shift 0730-1530, 14:00-22:00, 1st and 2nd floor",
    ],
)
def test_public_numbers_case_references_dates_and_ratings_are_kept(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    "digits, valid",
    [
        ("9434765919", True),
        ("4010232137", True),
        ("9434765918", False),
        ("9434765910", False),
        ("123456789", False),
        ("12345678901", False),
        ("94347659x9", False),
    ],
)
def test_nhs_number_check_digit(digits: str, valid: bool) -> None:
    assert nhs_number_is_valid(digits) is valid


def test_nhs_number_whose_check_digit_would_be_ten_is_never_valid() -> None:
    # Weighted sum 6 x 2 = 12 leaves remainder 1, so the check digit would be 10.
    assert not any(nhs_number_is_valid("000000006" + last) for last in "0123456789")
    # Weighted sum 1 x 10 = 10 leaves remainder 10, so the check digit is 1.
    assert nhs_number_is_valid("1000000001")


def test_national_insurance_prefix_rules() -> None:
    assert find_pii("NI AB123456C")
    assert not find_pii("GB123456A tells you nothing")
    assert not find_pii("DA123456A tells you nothing")
    assert not find_pii("AO123456A tells you nothing")
    assert find_pii("national insurance number JH 45 67 89")
    assert not find_pii("JH 45 67 89 were the scores")


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\t",
        "😀🔥💔 😢😢",
        "<script>alert('x')</script><b>Sarah</b>&amp;&#39;",
        "```python\nprint('hi')\n```",
        "\x00\x01\x02\xff\xfe binary",
        bytes(range(256)).decode("latin-1"),
        "[NAME] [EMAIL] [PHONE]",
        "a" * 30_000,
        "0" * 5_000,
        "07700 " * 2_000,
    ],
)
def test_odd_input_does_not_crash(text: str) -> None:
    redacted = redact(text)
    assert isinstance(redacted, str)
    spans = find_pii(text)
    assert all(label in LABELS and 0 <= start < end <= len(text) for label, start, end in spans)
    assert all(first[2] <= second[1] for first, second in zip(spans, spans[1:]))


def test_a_long_message_is_redacted_throughout() -> None:
    sentence = "Yesterday Priya was late and I rang her on 07700 900123 about the rota on Ward 7. "
    text = sentence * 300
    assert len(text) > 20_000

    redacted = redact(text)

    assert "Priya" not in redacted and "900123" not in redacted
    assert redacted.count("[NAME]") == 300 and redacted.count("[PHONE]") == 300
    assert redacted.count("Ward 7") == 300


def test_redact_value_walks_slot_values_and_metadata() -> None:
    value = {
        "note": "Mahlet was late",
        "times": 3,
        "flags": [True, None, "ring 07700 900123"],
        "nested": {"email": "someone@example.org", "full_name": "A. Person", "rating": 4.5},
        "pair": ("I told Siobhan", 2),
    }

    redacted = redact_value(value)

    assert redacted == {
        "note": "[NAME] was late",
        "times": 3,
        "flags": [True, None, "ring [PHONE]"],
        "nested": {"email": "[EMAIL]", "full_name": "[NAME]", "rating": 4.5},
        "pair": ("I told [NAME]", 2),
    }
    assert value["note"] == "Mahlet was late"
    assert redact_value(None) is None
    assert redact_value(7) == 7


def test_vocabulary_file_is_well_formed() -> None:
    vocabulary = load_vocabulary()
    assert "sarah" in vocabulary.first_names
    assert not vocabulary.first_names & vocabulary.first_names_also_words
    assert set(vocabulary.personal_keys.values()) <= set(LABELS)
    assert {"999", "111", "116123", "85258", "08000284060"} <= vocabulary.public_numbers
    assert placeholder("NAME") == "[NAME]"


@pytest.mark.parametrize("text", [
    "Let's pause and think it through together.",
    "Let me know if anything changes.",
])
def test_the_bots_own_words_are_left_alone(text: str) -> None:
    assert redact(text) == text


def test_every_line_the_bot_says_comes_back_whole() -> None:
    # The bot's responses are stored redacted like everything else; none holds a person's name.
    # The name recogniser learns them from a kept list (bot/nlp/names/name_free.txt): when the
    # bot's words change, refresh it with `python -m bot.nlp name-free` if this fails.
    with open(Path(__file__).resolve().parents[2] / "domain.yml", encoding="utf-8") as handle:
        responses = yaml.safe_load(handle)["responses"]
    lines = {
        line.strip()
        for variants in responses.values()
        for variant in variants
        for line in str(variant.get("text") or "").splitlines()
        if line.strip() and "{" not in line
    }
    changed = sorted(line for line in lines if redact(line) != line)
    assert not changed, f"{len(changed)} of the bot's lines are changed by redaction: {changed[:5]}"


@pytest.mark.parametrize(
    "text, expected",
    [
        # The examples: surnames typed alone, which the rules alone kept.
        ("Smith gave the wrong dose", "[NAME] gave the wrong dose"),
        ("Okonkwo was rude to the family", "[NAME] was rude to the family"),
        ("Kowalczyk missed the obs", "[NAME] missed the obs"),
        ("the HCA (Nguyen) didnt do the checks", "the HCA ([NAME]) didnt do the checks"),
        ("its about Adeyemi on nights", "its about [NAME] on nights"),
        ("clinical practice - Okonkwo-Bell gave the wrong dose", "clinical practice - [NAME] gave the wrong dose"),
        ("Dr Chaudhry and Sister Mensah", "Dr [NAME] and Sister [NAME]"),
        ("Weng de Leon is retiring next month", "[NAME] is retiring next month"),
    ],
)
def test_surnames_typed_alone_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Sister on Ward 7 said Bay 4 was short",
        "Theatre 2 overran and Matron wants a debrief",
        "Charge nurse was on a break",
        "there is a grace period until March",
        "On Monday she gave Tazocin instead of Meropenem",
        "transferred to Airedale from Pinderfields on Friday",
    ],
)
def test_nhs_words_that_look_like_names_are_kept(text: str) -> None:
    assert redact(text) == text


def test_a_message_is_recognised_once() -> None:
    find_pii.cache_clear()
    text = "Kowalczyk missed the obs again"
    find_pii(text)
    find_pii(text)
    assert find_pii.cache_info().hits == 1


@pytest.mark.parametrize(
    "text, expected",
    [
        # Only "I" capitalised: a name in lower case is still a name.
        ("I spoke to rob about his timekeeping", "I spoke to [NAME] about his timekeeping"),
        ("spoke to dudek about the missed meds", "spoke to [NAME] about the missed meds"),
        # Typed without its accents.
        ("Nguyen and Wisniewski were on the late", "[NAME] and [NAME] were on the late"),
    ],
)
def test_names_typed_without_capitals_or_accents_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected
