"""A small pilot, counted by hand, shared by the report tests.

Eight real cases (A to H) and two demo cases (I, J). The expected figures below were worked
out on paper from this table, not by running the code.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Dict, List

from bot.report import CaseRow
from bot.store import add_follow_up, record_case, record_feedback, session_scope, set_decision


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


PILOT_CASES: List[dict] = [
    dict(
        key="A",
        created_at=utc(2025, 1, 10, 9),
        concern_type="conduct",
        route="informal_resolution",
        decision="informal_conversation",
        follow_ups=("alternative_in_progress", "resolved_informally"),
        helpfulness=5,
        would_recommend=True,
    ),
    dict(
        key="B",
        created_at=utc(2025, 1, 20, 14),
        concern_type="attendance",
        route="health_support",
        decision="occupational_health",
        helpfulness=4,
        would_recommend=True,
    ),
    dict(
        key="C",
        created_at=utc(2025, 1, 31, 23, 59),
        concern_type="fraud",
        route="escalate_now",
        urgent_route="suspected_fraud",
    ),
    dict(
        key="D",
        created_at=utc(2025, 2, 15, 11),
        concern_type="conduct",
        route="formal_last_resort",
        decision="formal",
        follow_ups=("formal_started",),
        helpfulness=3,
        would_recommend=False,
    ),
    dict(
        key="E",
        created_at=utc(2025, 3, 1, 8),
        concern_type="clinical_practice",
        route="system_learning",
        decision="formal",
        override=True,
        organisation="other-trust",
    ),
    dict(
        key="F",
        created_at=utc(2025, 3, 5, 23, 59, 59),
        concern_type="clinical_practice",
        route="development",
    ),
    dict(
        key="G",
        created_at=utc(2025, 3, 20, 10),
        concern_type="conduct",
        route="development",
        decision="coaching",
        follow_ups=("formal_started",),
    ),
    dict(
        key="H",
        created_at=utc(2025, 3, 21, 16),
        concern_type="safeguarding",
        route="escalate_now",
        urgent_route="safeguarding",
        decision="talk_to_hr",
    ),
    dict(
        key="I",
        created_at=utc(2025, 2, 1, 0, 0),
        concern_type="conduct",
        route="informal_resolution",
        decision="informal_conversation",
        demo=True,
        follow_ups=("resolved_informally",),
        helpfulness=1,
        would_recommend=False,
    ),
    dict(
        key="J",
        created_at=utc(2025, 3, 2, 12),
        concern_type="fraud",
        route="escalate_now",
        urgent_route="suspected_fraud",
        demo=True,
    ),
]

EXPECTED_ALL = {
    "cases": 8,
    "demo_excluded": 2,
    "escalated": 2,
    "decided": 5,
    "formal_chosen": 2,
    "overrides": 1,
    "diverted": 3,
    "diversion_rate": 0.6,
    "followed_up": 3,
    "diverted_then_formal": 1,
    "undecided": 0,
    "diverted_followed_up": 2,
    "diverted_then_formal_rate": 0.5,
    "by_concern_type": {
        "conduct": 3,
        "clinical_practice": 2,
        "attendance": 1,
        "fraud": 1,
        "safeguarding": 1,
    },
    "by_route": {
        "development": 2,
        "escalate_now": 2,
        "formal_last_resort": 1,
        "health_support": 1,
        "informal_resolution": 1,
        "system_learning": 1,
    },
    "by_decision": {
        "formal": 2,
        "coaching": 1,
        "informal_conversation": 1,
        "occupational_health": 1,
        "talk_to_hr": 1,
    },
    "by_channel": {"web": 8},
    "follow_up_outcomes": {"formal_started": 2, "resolved_informally": 1},
    "feedback": {
        "responses": 3,
        "helpfulness_counts": {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1},
        "helpfulness_mean": 4.0,
        "would_recommend_yes": 2,
        "would_recommend_no": 1,
        "would_recommend_rate": 0.6667,
    },
    "by_month": [
        {
            "month": "2025-01",
            "cases": 3,
            "escalated": 1,
            "decided": 2,
            "diverted": 2,
            "diversion_rate": 1.0,
        },
        {
            "month": "2025-02",
            "cases": 1,
            "escalated": 0,
            "decided": 1,
            "diverted": 0,
            "diversion_rate": 0.0,
        },
        {
            "month": "2025-03",
            "cases": 4,
            "escalated": 1,
            "decided": 2,
            "diverted": 1,
            "diversion_rate": 0.5,
        },
    ],
    "suppressed_below": 1,
    "suspension_answered": 0,
    "suspension_considered": 0,
    "suspension_used": 0,
}

# 1 February to 5 March, both days included: D, E and F, plus demo cases I and J left out.
EXPECTED_FEBRUARY_TO_5_MARCH = {
    "cases": 3,
    "demo_excluded": 2,
    "escalated": 0,
    "decided": 2,
    "formal_chosen": 2,
    "diverted": 0,
    "diversion_rate": 0.0,
    "followed_up": 1,
}

# other-trust has only case E.
EXPECTED_OTHER_TRUST = {
    "cases": 1,
    "demo_excluded": 0,
    "escalated": 0,
    "decided": 1,
    "formal_chosen": 1,
    "overrides": 1,
    "diverted": 0,
    "diversion_rate": 0.0,
    "by_concern_type": {"clinical_practice": 1},
}


def case_rows() -> List[CaseRow]:
    """The pilot as report rows, without a database."""
    return [
        CaseRow(
            reference=f"P-0000-{number:04d}",
            created_at=case["created_at"],
            channel="web",
            organisation=case.get("organisation", "example-trust"),
            concern_type=case["concern_type"],
            route=case["route"],
            urgent_route=case.get("urgent_route"),
            decision=case.get("decision"),
            override=case.get("override", False),
            demo=case.get("demo", False),
            helpfulness=case.get("helpfulness"),
            would_recommend=case.get("would_recommend"),
            follow_ups=tuple(case.get("follow_ups", ())),
        )
        for number, case in enumerate(PILOT_CASES)
    ]


def seed_pilot(url: str) -> Dict[str, str]:
    """Store the pilot through the store's own functions; returns each key's case reference."""
    references: Dict[str, str] = {}
    with session_scope(url) as session:
        for case in PILOT_CASES:
            stored = record_case(
                session,
                channel="web",
                organisation=case.get("organisation", "example-trust"),
                concern_type=case["concern_type"],
                route=case["route"],
                urgent_route=case.get("urgent_route"),
                answers={"deliberate_harm": "no"},
                reasons=["seeded"],
                demo=case.get("demo", False),
                created_at=case["created_at"],
            )
            references[case["key"]] = stored.reference
            if case.get("decision"):
                set_decision(
                    session, stored.reference, case["decision"], case.get("override", False)
                )
            if "helpfulness" in case or "would_recommend" in case:
                record_feedback(
                    session, stored.reference, case.get("helpfulness"), case.get("would_recommend")
                )
            for status in case.get("follow_ups", ()):
                add_follow_up(session, stored.reference, status)
    return references
