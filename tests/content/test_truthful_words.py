"""Pause says only what is true: rights, privacy, the Guide's exits, mediation and suspension."""
from pathlib import Path

import pytest
import yaml

from bot.content.alternatives import get_alternative

REPO = Path(__file__).resolve().parents[2]
RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


def said(name):
    return " ".join(variant.get("text", "") for variant in RESPONSES[name])


def test_the_statutory_right_is_only_to_be_accompanied_at_a_hearing_and_the_rest_is_good_practice():
    text = said("utter_staff_rights")
    assert "right to be accompanied" in text and "disciplinary or grievance hearing" in text
    assert "good practice" in text and "ask HR for" in text
    assert "Your rights during a process include" not in text


@pytest.mark.parametrize("name", ["utter_faq_privacy", "utter_case_recorded", "utter_greet"])
def test_privacy_is_never_promised_as_anonymity(name):
    assert "anonym" not in said(name).lower()
    assert "removes them before anything is stored" not in said(name)


def test_privacy_says_what_is_done():
    text = said("utter_faq_privacy")
    for phrase in ("please don't type them", "identifiers it recognises", "can miss things", "keyed pseudonym"):
        assert phrase in text


def test_exit_b_follows_the_substance_misuse_policy_not_a_health_matter_instead_of_conduct():
    text = said("utter_reason_health_substance") + said("utter_route_health_support")
    assert "substance misuse policy" in text and "immediate safety" in text and "conduct" in text
    assert "rather than a disciplinary" not in text


def test_exit_a_names_the_safeguarding_lead_adult_safeguarding_and_dbs():
    text = said("utter_urgent_deliberate_harm")
    assert "safeguarding lead" in text and "adult safeguarding referral" in text
    assert "Disclosure and Barring Service" in text


def test_exit_g_keeps_the_guides_wider_learning():
    assert "wider learning" in said("utter_reason_no_exit_applies")


@pytest.mark.parametrize("alternative_id", ["mediation", "restorative_conversation"])
def test_mediation_and_restorative_conversations_carry_their_caveats(alternative_id):
    when = get_alternative(alternative_id).when
    assert "complainant's consent" in when and "power imbalance" in when and "never for sexual harassment" in when


def test_suspension_guidance_names_its_sources_and_covers_the_whole_of_it():
    text = said("utter_suspension_guidance")
    for phrase in ("Acas", "Being fair", "not a finding", "regular contact", "wellbeing", "review",
                   "return to work", "Maintaining High Professional Standards",
                   "Practitioner Performance Advice", "before any formal exclusion"):
        assert phrase in text, phrase
