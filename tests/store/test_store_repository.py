"""The repositories, run the same way on SQLite and on PostgreSQL."""

from __future__ import annotations

import enum
import re
from datetime import datetime, timedelta, timezone
from typing import Iterator

import pytest
from sqlalchemy import func, select, text

from bot.store import (
    Case,
    FollowUp,
    InvalidValue,
    UnknownCase,
    add_follow_up,
    dispose_engines,
    erase_case,
    get_case,
    purge_older_than,
    record_case,
    record_feedback,
    record_suspension,
    repository,
    session_scope,
    set_decision,
)
from bot.store.migrate import upgrade
from bot.store.references import new_reference
from tests.store.store_test_databases import (
    empty_tables,
    migrated_sqlite_url,
    temporary_postgres_database,
)

REFERENCE_SHAPE = r"^P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    with temporary_postgres_database() as url:
        upgrade(url)
        yield url


@pytest.fixture(
    params=[pytest.param("sqlite"), pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def store_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield migrated_sqlite_url(tmp_path)
        dispose_engines()
    else:
        url = request.getfixturevalue("postgres_url")
        yield url
        empty_tables(url)


def a_case(**overrides):
    fields = dict(
        channel="rest",
        organisation="example-trust",
        concern_type="clinical_practice",
        answers={"deliberate_harm": "no", "health_physical": "unsure", "protocol_exists": "yes"},
        route="system_learning",
        guide_exit="D",
        reasons=["foresight_no_protocol"],
        unknowns=["health_physical"],
    )
    fields.update(overrides)
    return fields


def count(url: str, model) -> int:
    with session_scope(url) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_a_recorded_case_keeps_its_codes_answers_and_flags(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case(demo=True)).reference

    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert case is not None
        assert case.channel == "rest"
        assert case.organisation == "example-trust"
        assert case.concern_type == "clinical_practice"
        assert case.answers == {
            "deliberate_harm": "no",
            "health_physical": "unsure",
            "protocol_exists": "yes",
        }
        assert case.route == "system_learning"
        assert case.guide_exit == "D"
        assert case.urgent_route is None
        assert case.reasons == ["foresight_no_protocol"]
        assert case.unknowns == ["health_physical"]
        assert case.decision is None
        assert case.override is False
        assert case.demo is True
        assert case.helpfulness is None
        assert case.would_recommend is None
        assert case.follow_ups == []


def test_a_new_case_gets_a_valid_reference_and_utc_timestamps(store_url):
    before = datetime.now(timezone.utc)
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert case.reference == reference
        assert case.created_at.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=5) <= case.created_at <= datetime.now(timezone.utc)
        assert case.updated_at.utcoffset() == timedelta(0)
    assert re.match(REFERENCE_SHAPE, reference)


def test_a_given_creation_time_is_stored_in_utc(store_url):
    british_summer_time = timezone(timedelta(hours=1))
    moment = datetime(2025, 6, 1, 9, 30, tzinfo=british_summer_time)
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case(created_at=moment)).reference
    with session_scope(store_url) as session:
        stored = get_case(session, reference).created_at
    assert stored == moment
    assert (stored.hour, stored.tzinfo) == (8, timezone.utc)


def test_answers_given_as_booleans_and_enums_are_stored_as_codes(store_url):
    class Route(str, enum.Enum):
        HEALTH_SUPPORT = "health_support"

    with session_scope(store_url) as session:
        case = record_case(
            session,
            **a_case(route=Route.HEALTH_SUPPORT, answers={"health_mental": True, "intent": False}),
        )
        reference = case.reference
    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert case.route == "health_support"
        assert case.answers == {"health_mental": "yes", "intent": "no"}


def test_the_same_idempotency_key_stores_the_reflection_once(store_url):
    with session_scope(store_url) as session:
        first = record_case(session, **a_case(idempotency_key="conversation-1:reflection-1"))
        first_reference = first.reference
    with session_scope(store_url) as session:
        again = record_case(
            session,
            **a_case(idempotency_key="conversation-1:reflection-1", route="development"),
        )
        assert again.reference == first_reference
        assert again.route == "system_learning"
    with session_scope(store_url) as session:
        other = record_case(session, **a_case(idempotency_key="conversation-1:reflection-2"))
        assert other.reference != first_reference
    assert count(store_url, Case) == 2


def test_a_reference_collision_is_retried_with_a_fresh_reference(store_url, monkeypatch):
    with session_scope(store_url) as session:
        taken = record_case(session, **a_case()).reference
    fresh = new_reference()
    while fresh == taken:
        fresh = new_reference()
    draws = iter([taken, taken, fresh])
    monkeypatch.setattr(repository, "new_reference", lambda: next(draws))

    with session_scope(store_url) as session:
        case = record_case(session, **a_case(concern_type="attendance"))
        assert case.reference == fresh
    with session_scope(store_url) as session:
        assert get_case(session, taken).concern_type == "clinical_practice"
        assert get_case(session, fresh).concern_type == "attendance"
    assert count(store_url, Case) == 2


def test_a_case_is_found_by_its_reference_however_it_is_typed(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
    typed = " " + reference.lower().replace("-", " ").replace("0", "o").replace("1", "l") + " "
    unused = "P-0000-0000" if reference != "P-0000-0000" else "P-0000-0001"
    with session_scope(store_url) as session:
        assert get_case(session, typed).reference == reference
        assert get_case(session, unused) is None
        assert get_case(session, "not a reference") is None


def test_repositories_never_commit_on_their_own(store_url):
    with session_scope(store_url) as session:
        record_case(session, **a_case())
        session.rollback()
    assert count(store_url, Case) == 0


def test_session_scope_rolls_back_when_the_block_fails(store_url):
    with pytest.raises(RuntimeError):
        with session_scope(store_url) as session:
            record_case(session, **a_case())
            session.flush()
            raise RuntimeError("something went wrong after the write")
    assert count(store_url, Case) == 0


@pytest.mark.parametrize(
    "field, value",
    [
        ("concern_type", "He shouted at a patient on Tuesday"),
        ("route", ""),
        ("route", "development\n"),
        ("guide_exit", "=HYPERLINK(1)"),
        ("channel", None),
        ("reasons", ["tired after a night shift with Sam"]),
        ("reasons", "foresight_no_protocol"),
        ("answers", {"what_happened": "She forgot the checklist"}),
        ("answers", {"free text question": "yes"}),
        ("demo", "yes"),
        ("helpfulness", 6),
        ("would_recommend", "maybe"),
        ("idempotency_key", ""),
        ("created_at", datetime(2025, 1, 1)),
    ],
)
def test_free_text_and_wrong_kinds_of_value_are_refused(store_url, field, value):
    with session_scope(store_url) as session:
        with pytest.raises(InvalidValue) as refused:
            record_case(session, **a_case(**{field: value}))
    assert "shouted" not in str(refused.value)
    assert "checklist" not in str(refused.value)
    assert count(store_url, Case) == 0


def test_the_decision_is_recorded_and_can_be_changed(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case(route="development")).reference
    with session_scope(store_url) as session:
        set_decision(session, reference, "coaching", override=False)
    with session_scope(store_url) as session:
        case = set_decision(session, reference.lower(), "formal", override=True)
        assert (case.decision, case.override) == ("formal", True)
    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert (case.decision, case.override) == ("formal", True)
        assert case.updated_at >= case.created_at


def test_an_override_is_only_possible_for_a_formal_decision(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
    with session_scope(store_url) as session:
        with pytest.raises(InvalidValue):
            set_decision(session, reference, "mediation", override=True)
        with pytest.raises(InvalidValue):
            record_case(session, **a_case(decision="coaching", override=True))


def test_changing_an_unknown_case_raises_unknown_case(store_url):
    with session_scope(store_url) as session:
        with pytest.raises(UnknownCase):
            set_decision(session, "P-0000-0000", "formal")
        with pytest.raises(UnknownCase):
            record_feedback(session, "P-0000-0000", helpfulness=3)
        with pytest.raises(UnknownCase):
            add_follow_up(session, "nonsense", "withdrawn")


def test_feedback_is_validated_and_stored(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
    with session_scope(store_url) as session:
        for helpfulness in (0, 6, 2.5, True, "seven", -1):
            with pytest.raises(InvalidValue):
                record_feedback(session, reference, helpfulness=helpfulness)
        with pytest.raises(InvalidValue):
            record_feedback(session, reference, would_recommend="perhaps")
    with session_scope(store_url) as session:
        record_feedback(session, reference, helpfulness="4")
    with session_scope(store_url) as session:
        record_feedback(session, reference, would_recommend=False)
    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert (case.helpfulness, case.would_recommend) == (4, False)
    with session_scope(store_url) as session:
        record_feedback(session, reference, helpfulness=5.0, would_recommend="yes")
    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert (case.helpfulness, case.would_recommend) == (5, True)


def test_the_same_follow_up_twice_is_counted_once(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
    with session_scope(store_url) as session:
        first, created = add_follow_up(session, reference, "alternative_in_progress")
        assert created is True
    with session_scope(store_url) as session:
        again, created_again = add_follow_up(session, reference, "alternative_in_progress")
        assert created_again is False
        assert again.id == first.id
        _, resolved_created = add_follow_up(session, reference, "resolved_informally")
        assert resolved_created is True
    with session_scope(store_url) as session:
        statuses = [follow_up.status for follow_up in get_case(session, reference).follow_ups]
    assert statuses == ["alternative_in_progress", "resolved_informally"]
    assert count(store_url, FollowUp) == 2


def test_an_unknown_follow_up_status_is_refused(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
    with session_scope(store_url) as session:
        with pytest.raises(InvalidValue):
            add_follow_up(session, reference, "sacked")
    assert count(store_url, FollowUp) == 0


def test_erasing_a_case_removes_its_follow_ups_and_is_idempotent(store_url):
    with session_scope(store_url) as session:
        erased = record_case(session, **a_case()).reference
        kept = record_case(session, **a_case()).reference
        add_follow_up(session, erased, "withdrawn")
        add_follow_up(session, erased, "formal_started")
        add_follow_up(session, kept, "withdrawn")
    with session_scope(store_url) as session:
        assert erase_case(session, erased.lower()) is True
    with session_scope(store_url) as session:
        assert erase_case(session, erased) is False
        assert erase_case(session, "not a reference") is False
        assert get_case(session, erased) is None
        assert get_case(session, kept) is not None
    assert count(store_url, Case) == 1
    assert count(store_url, FollowUp) == 1


def test_the_database_itself_cascades_a_case_deletion_to_its_follow_ups(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
        add_follow_up(session, reference, "withdrawn")
    with session_scope(store_url) as session:
        session.execute(text("DELETE FROM cases"))
    assert count(store_url, FollowUp) == 0


def test_purge_removes_only_cases_older_than_the_cutoff(store_url):
    now = datetime.now(timezone.utc)
    with session_scope(store_url) as session:
        old = record_case(session, **a_case(created_at=now - timedelta(days=400))).reference
        record_case(session, **a_case(created_at=now - timedelta(days=366)))
        recent = record_case(session, **a_case(created_at=now - timedelta(days=364))).reference
        add_follow_up(session, old, "resolved_informally")
        add_follow_up(session, recent, "resolved_informally")
    cutoff = now - timedelta(days=365)
    with session_scope(store_url) as session:
        assert purge_older_than(session, cutoff) == 2
    with session_scope(store_url) as session:
        assert purge_older_than(session, cutoff) == 0
        assert get_case(session, old) is None
        assert get_case(session, recent) is not None
    assert count(store_url, Case) == 1
    assert count(store_url, FollowUp) == 1


def test_purge_needs_a_timezone_aware_cutoff(store_url):
    with session_scope(store_url) as session:
        with pytest.raises(InvalidValue):
            purge_older_than(session, datetime(2025, 1, 1))


def test_whether_suspension_was_considered_and_used_is_recorded(store_url):
    with session_scope(store_url) as session:
        reference = record_case(session, **a_case()).reference
        assert get_case(session, reference).suspension_considered is None
        case = record_suspension(session, reference, "considered_not_used")
        assert (case.suspension_considered, case.suspension_used) == (True, False)
        with pytest.raises(InvalidValue):
            record_suspension(session, reference, "maybe")
    with session_scope(store_url) as session:
        record_suspension(session, reference, "used")
    with session_scope(store_url) as session:
        case = get_case(session, reference)
        assert (case.suspension_considered, case.suspension_used) == (True, True)
