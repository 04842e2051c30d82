"""The signposting directory: what each topic offers, expiry filtering and the contact line."""
import logging
import re
from datetime import date, timedelta

import pytest

from bot.content.directory import (
    NATIONAL,
    TOPICS,
    Contact,
    Entry,
    SignpostDirectory,
    contact_line,
    read_directory_file,
)
from bot.content.files import ContentError
from bot.settings import get_settings
from content_fixtures import content_copy, edit, real_content_dir, write_file  # noqa: F401 - pytest fixtures

TODAY = date(2026, 11, 29)
NATIONAL_FILE = "signposting/national.yml"
TRUST_FILE = "organisations/example-trust.yml"

CLOSED_HUB = {
    "id": "west_yorkshire_staff_hub",
    "name": "West Yorkshire Staff Mental Health and Wellbeing Hub",
    "purpose": "Confidential support for health and care staff in West Yorkshire.",
    "audience": ["staff"],
    "topics": ["crisis", "wellbeing", "staff_support"],
    "contact": {"web": "https://hub.example.org"},
    "hours": "Monday to Friday, 9am to 5pm",
    "source": "West Yorkshire Health and Care Partnership news, 11 April 2025",
    "review_by": "2026-03-31",
}


def entry(**changes):
    values = dict(
        id="samaritans",
        name="Samaritans",
        purpose="Someone to talk to.",
        audience=("everyone",),
        topics=("crisis",),
        contact=Contact(phone="116 123"),
        hours="24/7",
        source="Samaritans, Contact us",
        review_by=date(2027, 5, 31),
        scope=NATIONAL,
        cost="free",
    )
    values.update(changes)
    return Entry(**values)


@pytest.fixture
def clear_settings():
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_configured_organisation_is_example_trust_by_default(monkeypatch, clear_settings):
    monkeypatch.delenv("PAUSE_ORGANISATION", raising=False)
    directory = SignpostDirectory.load()
    assert directory.organisation == "example-trust"
    assert directory.organisation_name == "Example NHS Trust"
    scopes = {item.scope for item in directory.current(TODAY)}
    assert scopes == {NATIONAL, "example-trust"}


def test_the_organisation_comes_from_the_environment(monkeypatch, clear_settings):
    monkeypatch.setenv("PAUSE_ORGANISATION", "example-health-board")
    directory = SignpostDirectory.load()
    assert directory.organisation_name == "Example University Health Board"
    names = [item.name for item in directory.current(TODAY)]
    assert any(name.startswith("Example Health Board") for name in names)
    assert not any(name.startswith("Example NHS Trust") for name in names)


def test_loads_are_cached_per_folder_and_organisation(real_content_dir):
    trust = SignpostDirectory.load(real_content_dir, "example-trust")
    assert SignpostDirectory.load(str(real_content_dir), "example-trust") is trust
    assert SignpostDirectory.load(real_content_dir, "example-health-board") is not trust


@pytest.mark.parametrize("organisation", ["example-trust", "example-health-board"])
def test_crisis_offers_999_nhs_111_samaritans_shout_and_the_organisations_own_contacts(
    real_content_dir, organisation
):
    crisis = SignpostDirectory.load(real_content_dir, organisation).for_topic("crisis", today=TODAY)
    phones = {item.contact.phone for item in crisis}
    texts = {item.contact.text for item in crisis}
    assert {"999", "111, option 2", "116 123"} <= phones
    assert "SHOUT to 85258" in texts
    assert any(item.scope == organisation for item in crisis)
    assert [item.scope for item in crisis][:4] == [NATIONAL] * 4


def test_crisis_lines_come_with_their_plain_contact_lines(real_content_dir):
    crisis = SignpostDirectory.load(real_content_dir, "example-trust").for_topic("crisis", today=TODAY)
    lines = [contact_line(item) for item in crisis]
    assert lines[:4] == [
        "Emergency services - call 999 or go to the nearest A&E (free, 24/7)",
        "NHS 111 urgent mental health help - call 111, option 2 (free, 24/7)",
        "Samaritans - call 116 123 or email jo@samaritans.org (free, 24/7)",
        "Shout - text SHOUT to 85258 (free, 24/7)",
    ]
    assert "Example NHS Trust Employee Assistance Programme - call 01632 960001" in lines[4]


@pytest.mark.parametrize(
    "topic, expected",
    [
        ("urgent_fraud", {"nhs_counter_fraud_authority", "local_counter_fraud_specialist"}),
        ("urgent_safeguarding", {"emergency_services", "safeguarding_lead"}),
        ("urgent_crime", {"emergency_services", "police_non_emergency", "hr_advice_line"}),
        ("speak_up", {"freedom_to_speak_up_guardian"}),
        ("rights", {"acas_helpline", "trade_union_representative", "freedom_to_speak_up_guardian"}),
    ],
)
def test_each_urgent_route_and_support_topic_offers_its_services(real_content_dir, topic, expected):
    directory = SignpostDirectory.load(real_content_dir, "example-trust")
    assert {item.id for item in directory.for_topic(topic, today=TODAY)} == expected


def test_every_safety_topic_has_somewhere_to_send_people(real_content_dir):
    directory = SignpostDirectory.load(real_content_dir, "example-trust")
    for topic in ("crisis", "urgent_danger", "urgent_deliberate_harm", "colleague_at_risk"):
        assert directory.for_topic(topic, today=TODAY), topic


def test_the_audience_filter_keeps_entries_for_everyone(real_content_dir):
    directory = SignpostDirectory.load(real_content_dir, "example-trust")
    for_staff = {item.id for item in directory.for_topic("urgent_safeguarding", "staff", TODAY)}
    for_managers = {item.id for item in directory.for_topic("urgent_safeguarding", "managers", TODAY)}
    assert for_managers == {"emergency_services", "safeguarding_lead"}
    assert for_staff == {"emergency_services"}
    support_for_staff = {item.id for item in directory.for_topic("staff_support", "staff", TODAY)}
    assert {"trade_union_representative", "samaritans", "employee_assistance_programme"} <= support_for_staff


@pytest.mark.parametrize("topic, audience", [("panic", None), ("crisis", "patients")])
def test_an_unknown_topic_or_audience_is_an_error(real_content_dir, topic, audience):
    directory = SignpostDirectory.load(real_content_dir, "example-trust")
    with pytest.raises(ValueError):
        directory.for_topic(topic, audience, TODAY)


def test_an_entry_is_shown_on_its_review_by_date_and_never_after():
    expiring_today = entry(id="expiring_today", review_by=TODAY)
    expired_yesterday = entry(id="expired_yesterday", review_by=TODAY - timedelta(days=1))
    directory = SignpostDirectory([expiring_today, expired_yesterday], "example-trust", "Example NHS Trust")

    assert directory.current(TODAY) == [expiring_today]
    assert directory.for_topic("crisis", today=TODAY) == [expiring_today]
    assert directory.for_topic("crisis", "staff", TODAY) == [expiring_today]
    assert directory.get("expiring_today", TODAY) == expiring_today
    assert directory.get("expired_yesterday", TODAY) is None

    tomorrow = TODAY + timedelta(days=1)
    assert directory.current(tomorrow) == []
    assert directory.for_topic("crisis", today=tomorrow) == []
    assert directory.get("expiring_today", tomorrow) is None


def test_without_a_date_the_directory_judges_expiry_by_today():
    stale = entry(id="stale", review_by=date.today() - timedelta(days=1))
    fresh = entry(id="fresh", review_by=date.today())
    directory = SignpostDirectory([stale, fresh], "example-trust", "Example NHS Trust")
    assert directory.current() == [fresh]
    assert directory.for_topic("crisis") == [fresh]


def test_the_closed_west_yorkshire_hub_is_never_shown(write_file, edit, content_copy):
    edit(NATIONAL_FILE, lambda data: data["entries"].append(dict(CLOSED_HUB)))
    directory = SignpostDirectory.load(content_copy, "example-trust")
    assert "west_yorkshire_staff_hub" not in {item.id for item in directory.current(TODAY)}
    for topic in TOPICS:
        assert all("West Yorkshire" not in item.name for item in directory.for_topic(topic, today=TODAY))
    assert directory.get("west_yorkshire_staff_hub", TODAY) is None
    # Expiry is judged when asked, not when loaded: on its last review day it was still shown.
    assert directory.get("west_yorkshire_staff_hub", date(2026, 3, 31)) is not None


def test_the_real_directory_does_not_list_the_closed_hub(real_content_dir):
    for organisation in ("example-trust", "example-health-board"):
        directory = SignpostDirectory.load(real_content_dir, organisation)
        names = " ".join(item.name + item.purpose for item in directory.current(date(2000, 1, 1)))
        assert "West Yorkshire" not in names


def test_a_malformed_entry_is_left_out_and_the_rest_still_shown(edit, content_copy, caplog):
    def break_samaritans(data):
        data["entries"][2]["review_by"] = "31/05/2027"

    edit(NATIONAL_FILE, break_samaritans)
    with caplog.at_level(logging.WARNING, logger="bot.content.directory"):
        directory = SignpostDirectory.load(content_copy, "example-trust")
    crisis_ids = {item.id for item in directory.for_topic("crisis", today=TODAY)}
    assert "samaritans" not in crisis_ids
    assert {"emergency_services", "nhs_111_mental_health", "shout"} <= crisis_ids
    assert "samaritans" in caplog.text and "31/05/2027" in caplog.text


def test_an_organisation_without_a_file_is_an_error(real_content_dir):
    with pytest.raises(ContentError, match="organisations/nowhere-trust.yml: file not found"):
        SignpostDirectory.load(real_content_dir, "nowhere-trust")


def test_an_organisation_name_cannot_leave_the_organisations_folder(real_content_dir):
    with pytest.raises(ContentError):
        SignpostDirectory.load(real_content_dir, "../signposting/national")


def test_a_key_written_twice_is_an_error_not_a_silent_overwrite(write_file, content_copy):
    write_file(
        TRUST_FILE,
        "organisation: Example NHS Trust\n"
        "nation: england\n"
        "entries:\n"
        "  - id: eap\n"
        "    name: EAP\n"
        "    name: Employee Assistance Programme\n",
    )
    with pytest.raises(ContentError, match="appears twice"):
        read_directory_file(content_copy, TRUST_FILE, "example-trust")


def test_phone_numbers_keep_their_leading_zero_even_without_quotes(write_file, content_copy):
    write_file(
        TRUST_FILE,
        "organisation: Example NHS Trust\n"
        "nation: england\n"
        "entries:\n"
        "  - id: eap\n"
        "    name: EAP\n"
        "    purpose: Counselling for staff.\n"
        "    audience: [staff]\n"
        "    topics: [wellbeing]\n"
        "    contact:\n"
        "      phone: 01632960001\n"
        "    hours: 24/7\n"
        "    source: Example\n"
        "    review_by: 2027-03-31\n",
    )
    loaded = read_directory_file(content_copy, TRUST_FILE, "example-trust")
    assert loaded.problems == ()
    assert loaded.entries[0].contact.phone == "01632960001"
    assert loaded.entries[0].review_by == date(2027, 3, 31)


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({}, "Samaritans - call 116 123 (free, 24/7)"),
        ({"cost": None}, "Samaritans - call 116 123 (24/7)"),
        (
            {"contact": Contact(phone="116 123", email="jo@samaritans.org")},
            "Samaritans - call 116 123 or email jo@samaritans.org (free, 24/7)",
        ),
        (
            {"name": "Shout", "contact": Contact(text="SHOUT to 85258")},
            "Shout - text SHOUT to 85258 (free, 24/7)",
        ),
        (
            {
                "name": "Example line",
                "cost": None,
                "hours": "Monday to Friday, 9am to 5pm",
                "contact": Contact(phone="01632 960001", email="a@example.org", web="https://example.org"),
            },
            "Example line - call 01632 960001, email a@example.org or visit https://example.org "
            "(Monday to Friday, 9am to 5pm)",
        ),
    ],
)
def test_the_contact_line_is_built_from_the_data(changes, expected):
    assert contact_line(entry(**changes)) == expected


def test_every_real_entry_has_a_source_a_2027_review_date_and_a_short_contact_line(real_content_dir):
    for organisation in ("example-trust", "example-health-board"):
        for item in SignpostDirectory.load(real_content_dir, organisation).current(TODAY):
            assert item.source, item.id
            assert item.review_by.year == 2027, item.id
            line = contact_line(item)
            assert "\n" not in line and len(line) <= 200, line


def test_the_example_organisations_use_only_made_up_contacts(real_content_dir):
    for organisation in ("example-trust", "example-health-board"):
        directory = SignpostDirectory.load(real_content_dir, organisation)
        for item in directory.current(TODAY):
            if item.scope == NATIONAL:
                continue
            contact = item.contact
            if contact.phone:
                assert re.fullmatch(r"01632 960\d{3}", contact.phone), item.id
            if contact.email:
                assert re.search(r"@([a-z.-]+\.)?(example\.org|example)$", contact.email), item.id
            if contact.web:
                assert re.match(r"https://([a-z.-]+\.)?(example\.org|example)(/|$)", contact.web), item.id
