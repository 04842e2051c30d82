"""Case references: the alphabet, fresh references, and reading back what people type."""

import re
from collections import Counter

import pytest

from bot.store import references
from bot.store.references import (
    REFERENCE_ALPHABET,
    find_reference,
    new_reference,
    normalise_reference,
)


def test_the_alphabet_is_crockford_base_32_without_look_alikes():
    assert REFERENCE_ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(set(REFERENCE_ALPHABET)) == 32
    assert not set("ILOU") & set(REFERENCE_ALPHABET)


def test_new_references_have_the_published_shape_and_alphabet():
    drawn = [new_reference() for _ in range(2000)]
    for reference in drawn:
        assert re.fullmatch(r"P-[0-9A-Z]{4}-[0-9A-Z]{4}", reference)
        assert set(reference[2:6] + reference[7:]) <= set(REFERENCE_ALPHABET)
    assert len(set(drawn)) == len(drawn)
    characters = Counter("".join(reference[2:6] + reference[7:] for reference in drawn))
    assert set(characters) == set(REFERENCE_ALPHABET)


def test_new_references_are_drawn_with_the_secrets_module(monkeypatch):
    monkeypatch.setattr(references.secrets, "choice", lambda alphabet: alphabet[-1])
    assert new_reference() == "P-ZZZZ-ZZZZ"


@pytest.mark.parametrize(
    "typed",
    [
        "P-7K3Q-9MXD",
        "p-7k3q-9mxd",
        "P7K3Q9MXD",
        "P-7K3Q9MXD",
        "P7K3Q-9MXD",
        "p 7k3q 9mxd",
        "  P-7K3Q-9MXD\n",
        "P–7K3Q–9MXD",
    ],
)
def test_a_reference_is_read_back_however_it_is_typed(typed):
    assert normalise_reference(typed) == "P-7K3Q-9MXD"


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("P-O1LI-OOOO", "P-0111-0000"),
        ("p-oil1-2345", "P-0111-2345"),
        ("P-7K3Q-9MXO", "P-7K3Q-9MX0"),
    ],
)
def test_look_alike_letters_are_read_as_digits(typed, expected):
    assert normalise_reference(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "P",
        "P-7K3Q-9MX",
        "P-7K3Q-9MXDD",
        "Q-7K3Q-9MXD",
        "7K3Q-9MXD",
        "P-7K3U-9MXD",
        "P-7K3Q-9M*D",
        "P-7K 3Q-9MXD",
        "Pleased to",
        "update on P-7K3Q-9MXD",
        None,
        12345678,
    ],
)
def test_anything_that_is_not_a_reference_gives_none(typed):
    assert normalise_reference(typed) is None


@pytest.mark.parametrize(
    "message, expected",
    [
        ("update on case P-7K3Q-9MXD: we resolved it informally", "P-7K3Q-9MXD"),
        ("case p7k3q9mxd is now withdrawn", "P-7K3Q-9MXD"),
        ("it's p 7k3q 9mxd", "P-7K3Q-9MXD"),
        ("reference (P-o1l1-2345).", "P-0111-2345"),
        ("Pregnancy related absence, potential pattern", None),
        ("no reference here", None),
        ("P-7K3U-9MXD has a U", None),
        ("XP-7K3Q-9MXD glued to a word", None),
    ],
)
def test_a_reference_is_found_inside_a_message(message, expected):
    assert find_reference(message) == expected
