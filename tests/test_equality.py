"""Equality monitoring answers: buttons and typed words become a group, or are refused; never words."""
import pytest

from bot.equality import (
    EMPLOYMENT_TYPES,
    ETHNIC_GROUPS,
    NOT_STATED,
    SKIP_ALL,
    STAFF_GROUPS,
    all_not_stated,
    employment_from,
    ethnic_group_from,
    staff_group_from,
)


@pytest.mark.parametrize("value", ETHNIC_GROUPS + (SKIP_ALL,))
def test_every_ethnic_group_button_is_accepted_as_it_is(value):
    assert ethnic_group_from(value) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("white", "white"),
        ("White British", "white"),
        ("she's white irish", "white"),
        ("Black British", "bme"),
        ("Asian", "bme"),
        ("mixed white and black caribbean", "bme"),
        ("BAME", "bme"),
        ("non-white", "bme"),
        ("prefer not to say", NOT_STATED),
        ("I'd rather not", NOT_STATED),
        ("don't know", NOT_STATED),
        ("no", NOT_STATED),
        ("skip all of these", SKIP_ALL),
        ("skip these questions", SKIP_ALL),
        ("none of these", SKIP_ALL),
        ("he's called Tom", None),
        ("tall with glasses", None),
        ("", None),
        (None, None),
    ],
)
def test_typed_ethnic_groups_map_to_a_wres_group_or_are_refused(text, expected):
    assert ethnic_group_from(text) == expected


def test_skipping_all_is_only_offered_at_the_first_question():
    assert ethnic_group_from("skip all", first_question=False) == NOT_STATED
    assert ethnic_group_from(SKIP_ALL, first_question=False) is None


@pytest.mark.parametrize("value", STAFF_GROUPS)
def test_every_staff_group_button_is_accepted_as_it_is(value):
    assert staff_group_from(value) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("she's a staff nurse", "nursing_midwifery"),
        ("midwife", "nursing_midwifery"),
        ("ward manager", "nursing_midwifery"),
        ("nursing assistant", "additional_clinical"),
        ("HCA on nights", "additional_clinical"),
        ("a consultant", "medical_dental"),
        ("junior doctor", "medical_dental"),
        ("medical secretary", "admin_clerical"),
        ("receptionist", "admin_clerical"),
        ("physio", "allied_health"),
        ("paramedic", "allied_health"),
        ("pharmacist", "scientific_technical"),
        ("biomedical scientist", "scientific_technical"),
        ("porter", "estates_ancillary"),
        ("domestic", "estates_ancillary"),
        ("student", "other"),
        ("prefer not to say", NOT_STATED),
        ("skip", NOT_STATED),
        ("works on ward 7", None),
        ("it's complicated", None),
    ],
)
def test_typed_staff_groups_map_to_a_group_or_are_refused(text, expected):
    assert staff_group_from(text) == expected


@pytest.mark.parametrize("value", EMPLOYMENT_TYPES)
def test_every_employment_button_is_accepted_as_it_is(value):
    assert employment_from(value) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("permanent", "substantive"),
        ("substantive", "substantive"),
        ("fixed-term contract", "substantive"),
        ("bank", "bank"),
        ("she does bank shifts", "bank"),
        ("agency nurse", "agency"),
        ("bank or agency, not sure which", NOT_STATED),
        ("bank and agency", None),
        ("bank, employee number 10234567", "bank"),
        ("locum", None),
        ("rather not say", NOT_STATED),
    ],
)
def test_typed_employment_maps_to_a_type_or_is_refused(text, expected):
    assert employment_from(text) == expected


def test_skipping_all_answers_every_question_not_stated():
    assert all_not_stated() == {
        "equality_ethnic_group": NOT_STATED,
        "equality_staff_group": NOT_STATED,
        "equality_employment": NOT_STATED,
    }
