"""Entities cut free of people's names: the concern type typed with a surname is still understood."""
from typing import Optional, Tuple

import pytest

from bot.nlp.entities import without_personal_details


def entity_after(text: str, entity: str) -> Optional[str]:
    start = text.index(entity)
    span: Optional[Tuple[int, int]] = without_personal_details(text, start, start + len(entity))
    return None if span is None else text[span[0] : span[1]]


@pytest.mark.parametrize(
    "text, extracted, expected",
    [
        # The case: the entity ran on into a hyphenated surname.
        ("clinical practice - Okonkwo-Bell gave the wrong dose", "clinical practice - Okonkwo-", "clinical practice"),
        ("clinical practice - Okonkwo-Bell gave the wrong dose", "clinical practice -", "clinical practice"),
        ("conduct, Kowalczyk shouted at a student", "conduct, Kowalczyk", "conduct"),
        ("a drug error", "drug error", "drug error"),
        ("update on case P-7K3Q-9MXD please", "P-7K3Q-9MXD", "P-7K3Q-9MXD"),
    ],
)
def test_an_entity_keeps_only_its_part_before_a_name(text: str, extracted: str, expected: str) -> None:
    assert entity_after(text, extracted) == expected


def test_an_entity_that_is_all_name_is_dropped() -> None:
    assert entity_after("it was Adeyemi-Clarke again", "Adeyemi-Clarke") is None
