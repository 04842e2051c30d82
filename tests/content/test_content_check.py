"""The content check: the real content passes; expired and malformed content fails, named."""
from datetime import date

import pytest

from bot.content.check import check_content, main
from bot.content.directory import SignpostDirectory
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


def problems_naming(problems, *words):
    return [problem for problem in problems if all(word in problem for word in words)]


def test_the_real_content_passes_on_the_day_it_was_written(real_content_dir):
    assert check_content(real_content_dir, TODAY, "example-trust") == []


def test_the_real_content_passes_today(real_content_dir):
    # Deliberately fails once a review-by date passes: that is the signal to review the content.
    assert check_content(real_content_dir) == []


def test_the_closed_hub_and_a_malformed_entry_both_fail_the_check_by_name(edit, content_copy):
    def add_broken_entries(data):
        data["entries"].append(dict(CLOSED_HUB))
        data["entries"].append({"id": "broken_line", "name": "Broken line", "topics": ["crisis"]})

    edit(NATIONAL_FILE, add_broken_entries)
    problems = check_content(content_copy, TODAY)
    assert problems_naming(problems, NATIONAL_FILE, "'west_yorkshire_staff_hub'", "expired", "2026-03-31")
    assert problems_naming(problems, NATIONAL_FILE, "'broken_line'", "missing purpose")
    assert problems_naming(problems, NATIONAL_FILE, "'broken_line'", "no contact method")
    assert problems_naming(problems, NATIONAL_FILE, "'broken_line'", "missing review_by")
    assert len(problems) == 7  # the hub, and six missing things in the broken entry


def test_an_entry_expiring_today_passes_and_one_that_expired_yesterday_fails(edit, content_copy):
    def set_dates(data):
        data["entries"][0]["review_by"] = "2026-11-29"
        data["entries"][1]["review_by"] = "2026-11-28"

    edit(TRUST_FILE, set_dates)
    problems = check_content(content_copy, TODAY)
    assert problems == [
        f"{TRUST_FILE}: entry 'occupational_health': expired - its review-by date 2026-11-28 has passed, "
        "so it is not shown; confirm it with its source (Example entry - replace with your organisation's "
        "occupational health service page) and move the date on, or remove it"
    ]


def set_field(index, field, value):
    def change(data):
        data["entries"][index][field] = value

    return change


def drop_field(index, field):
    def change(data):
        del data["entries"][index][field]

    return change


@pytest.mark.parametrize(
    "change, expected",
    [
        (drop_field(1, "source"), ["'nhs_111_mental_health'", "missing source"]),
        (set_field(1, "review_by", "2027-02-30"), ["'nhs_111_mental_health'", "2027-02-30", "YYYY-MM-DD"]),
        (set_field(1, "topics", ["crisis", "panic"]), ["'nhs_111_mental_health'", "unknown topics value 'panic'"]),
        (set_field(1, "audience", ["patients"]), ["'nhs_111_mental_health'", "unknown audience value 'patients'"]),
        (set_field(1, "contact", {}), ["'nhs_111_mental_health'", "no contact method"]),
        (set_field(1, "contact", {"fax": "01632 960999"}), ["'nhs_111_mental_health'", "contact: unknown field 'fax'"]),
        (set_field(1, "contact", {"phone": "one one one"}), ["'nhs_111_mental_health'", "contact: phone 'one one one' is not a number"]),
        (set_field(1, "contact", {"email": "samaritans.org"}), ["'nhs_111_mental_health'", "contact: email 'samaritans.org' is not an email address"]),
        (set_field(1, "contact", {"web": "http://111.nhs.uk"}), ["'nhs_111_mental_health'", "https://"]),
        (set_field(1, "id", "samaritans"), ["'samaritans'", "more than once"]),
        (set_field(1, "id", "NHS 111"), ["'NHS 111'", "lower-case"]),
        (set_field(1, "purpose", "Line one\nLine two"), ["'nhs_111_mental_health'", "purpose must be one line"]),
        (set_field(1, "phone", "111"), ["'nhs_111_mental_health'", "unknown field 'phone'"]),
        (set_field(1, "review_by", "2030-01-01"), ["'nhs_111_mental_health'", "more than two years away"]),
    ],
)
def test_each_kind_of_malformed_national_entry_is_named(edit, content_copy, change, expected):
    edit(NATIONAL_FILE, change)
    problems = check_content(content_copy, TODAY)
    assert problems_naming(problems, NATIONAL_FILE, *expected), problems


def test_an_organisation_entry_may_not_reuse_a_national_id(edit, content_copy):
    edit(TRUST_FILE, set_field(0, "id", "samaritans"))
    assert check_content(content_copy, TODAY) == [
        f"{TRUST_FILE}: entry 'samaritans': the id is already used in {NATIONAL_FILE}"
    ]


def test_an_organisation_file_needs_the_organisations_name(edit, content_copy):
    edit(TRUST_FILE, lambda data: data.pop("organisation"))
    assert problems_naming(check_content(content_copy, TODAY), TRUST_FILE, "organisation's name")


def test_a_safety_topic_with_nowhere_to_send_people_fails(edit, content_copy):
    def remove_fraud_lines(data):
        data["entries"] = [item for item in data["entries"] if "urgent_fraud" not in item["topics"]]

    edit(NATIONAL_FILE, remove_fraud_lines)
    edit(TRUST_FILE, remove_fraud_lines)
    problems = check_content(content_copy, TODAY)
    assert problems_naming(problems, TRUST_FILE, "'urgent_fraud'", "nowhere to send people")
    assert not problems_naming(problems, "organisations/example-health-board.yml", "'urgent_fraud'")


def test_the_configured_organisation_must_have_a_file(content_copy):
    problems = check_content(content_copy, TODAY, organisation="nowhere-trust")
    assert problems == ["organisations/nowhere-trust.yml: file not found for the organisation 'nowhere-trust'"]


def test_a_file_that_is_not_yaml_fails_by_name(write_file, content_copy):
    write_file(TRUST_FILE, "organisation: Example NHS Trust\nentries:\n  - id: [unclosed\n")
    problems = check_content(content_copy, TODAY)
    assert len(problems) == 1
    assert problems[0].startswith(f"{TRUST_FILE}: not valid YAML")


def test_a_missing_national_file_fails(content_copy):
    (content_copy / NATIONAL_FILE).unlink()
    assert f"{NATIONAL_FILE}: file not found" in check_content(content_copy, TODAY)


def alternative(index, field, value):
    def change(data):
        data["alternatives"][index][field] = value

    return change


@pytest.mark.parametrize(
    "change, expected",
    [
        (alternative(0, "routes", ["sanction"]), ["'occupational_health'", "unknown routes value 'sanction'"]),
        (alternative(0, "routes", ["escalate_now"]), ["'occupational_health'", "unknown routes value 'escalate_now'"]),
        (alternative(0, "concern_types", ["gossip"]), ["'occupational_health'", "unknown concern_types value 'gossip'"]),
        (alternative(0, "title", "An occupational health referral, with a letter"), ["'occupational_health'", "40 characters"]),
        (alternative(0, "when", None), ["'occupational_health'", "missing when"]),
        (alternative(0, "id", "mediation"), ["'mediation'", "more than once"]),
        (alternative(0, "keywords", "oh"), ["'occupational_health'", "keywords"]),
    ],
)
def test_each_kind_of_malformed_alternative_is_named(edit, content_copy, change, expected):
    edit("alternatives.yml", change)
    problems = check_content(content_copy, TODAY)
    assert problems_naming(problems, "alternatives.yml", *expected), problems


def test_a_route_left_without_alternatives_fails(edit, content_copy):
    def drop_system_review(data):
        data["alternatives"] = [
            item for item in data["alternatives"] if "system_learning" not in item["routes"]
        ]

    edit("alternatives.yml", drop_system_review)
    assert check_content(content_copy, TODAY) == ["alternatives.yml: no alternative fits the route 'system_learning'"]


def test_main_prints_a_summary_and_returns_0_for_good_content(real_content_dir, capsys):
    assert main(["--content-dir", str(real_content_dir), "--today", "2026-11-29"]) == 0
    output = capsys.readouterr().out
    assert output.startswith("Content OK: 20 alternatives, 9 national entries")
    assert "example-trust (8 entries)" in output
    assert "next review due by 2027-02-28" in output


def test_main_prints_each_problem_and_returns_1(edit, content_copy, capsys):
    edit(NATIONAL_FILE, lambda data: data["entries"].append(dict(CLOSED_HUB)))
    assert main(["--content-dir", str(content_copy), "--today", "2026-11-29"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{NATIONAL_FILE}: entry 'west_yorkshire_staff_hub': expired")
    assert lines[-1] == "Content check failed: 1 problem to fix."


def test_main_checks_as_of_a_later_date(real_content_dir, capsys):
    assert main(["--content-dir", str(real_content_dir), "--today", "2028-01-01"]) == 1
    output = capsys.readouterr().out
    assert "'samaritans': expired" in output
    assert "nowhere to send people" in output


def test_main_requires_the_configured_organisations_file(real_content_dir, capsys):
    assert main(["--content-dir", str(real_content_dir), "--organisation", "nowhere-trust"]) == 1
    assert "organisations/nowhere-trust.yml: file not found" in capsys.readouterr().out


def test_main_reports_an_unusable_organisation_setting(monkeypatch, capsys):
    monkeypatch.setenv("PAUSE_ORGANISATION", "Not A Name")
    get_settings.cache_clear()
    try:
        assert main([]) == 1
    finally:
        get_settings.cache_clear()
    assert "PAUSE_ORGANISATION" in capsys.readouterr().out


def test_equality_monitoring_is_off_unless_an_organisation_switches_it_on(real_content_dir, edit, content_copy):
    for organisation in ("example-trust", "example-health-board"):
        assert SignpostDirectory.load(real_content_dir, organisation).equality_monitoring is False
    edit(TRUST_FILE, lambda data: data.update(equality_monitoring=True))
    assert check_content(content_copy, TODAY) == []
    assert SignpostDirectory.load(content_copy, "example-trust").equality_monitoring is True
    assert SignpostDirectory.load(content_copy, "example-health-board").equality_monitoring is False


@pytest.mark.parametrize("value", ["on", 1, "maybe", ["yes"]])
def test_an_equality_monitoring_switch_that_is_not_true_or_false_fails_and_stays_off(edit, content_copy, value):
    edit(TRUST_FILE, lambda data: data.update(equality_monitoring=value))
    assert problems_naming(check_content(content_copy, TODAY), TRUST_FILE, "equality_monitoring", "true or false")
    assert SignpostDirectory.load(content_copy, "example-trust").equality_monitoring is False
