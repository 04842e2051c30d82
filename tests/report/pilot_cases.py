"""A small pilot, counted by hand, shared by the report tests.

Eight real cases (A to H) and two demo cases (I, J). The expected figures below were worked
out on paper from this table, not by running the code.

Equality monitoring (ethnic group, staff group, employment) was answered for A, B, D, E and G
(and demo case I, which never counts); the fairness check for the same cases.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Dict, List, Optional

from bot.report import CaseRow
from bot.store import (
    add_follow_up,
    record_case,
    record_equality,
    record_feedback,
    session_scope,
    set_decision,
)


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
        monitoring=("white", "nursing_midwifery", "substantive"),
        fairness_check="yes",
    ),
    dict(
        key="B",
        created_at=utc(2025, 1, 20, 14),
        concern_type="attendance",
        route="health_support",
        decision="occupational_health",
        helpfulness=4,
        would_recommend=True,
        monitoring=("bme", "nursing_midwifery", "bank"),
        fairness_check="unsure",
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
        monitoring=("bme", "medical_dental", "substantive"),
        fairness_check="no",
    ),
    dict(
        key="E",
        created_at=utc(2025, 3, 1, 8),
        concern_type="clinical_practice",
        route="system_learning",
        decision="formal",
        override=True,
        organisation="other-trust",
        monitoring=("white", "nursing_midwifery", "agency"),
        fairness_check="yes",
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
        monitoring=("not_stated", "not_stated", "not_stated"),
        fairness_check="no",
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
        monitoring=("bme", "allied_health", "agency"),
        fairness_check="no",
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

FAIRNESS_NOTE = (
    "1.0 would mean a formal process was equally likely for Black and minority ethnic and for white "
    "colleagues; 1.00 means it was chosen 1.00 times as often for Black and minority ethnic colleagues. "
    "The approximate 95% interval, 0.14 to 7.10, includes 1.0: the difference could well be chance. "
    "With fewer than 30 cases in a group even the interval is rough: read this as a prompt to look, "
    "not as evidence either way."
)

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
    # White: A, E (E formal). BME: B, D (D formal). Not stated: G. Both formal shares are 1 of 2,
    # so the relative likelihood is 1.0; its interval is exp(+-1.96 * sqrt(1 - 1/2 + 1 - 1/2)).
    "fairness": {
        "monitored_cases": 5,
        "by_ethnic_group": [
            {"group": "white", "cases": 2, "formal": 1, "formal_rate": 0.5},
            {"group": "bme", "cases": 2, "formal": 1, "formal_rate": 0.5},
            {"group": "not_stated", "cases": 1, "formal": 0, "formal_rate": 0.0},
        ],
        "relative_likelihood": {
            "value": 1.0,
            "interval_95": [0.14, 7.1],
            "bme_cases": 2,
            "bme_formal": 1,
            "white_cases": 2,
            "white_formal": 1,
            "note": FAIRNESS_NOTE,
        },
        "note": FAIRNESS_NOTE,
        "by_staff_group": [
            {"group": "medical_dental", "cases": 1, "formal": 1, "formal_rate": 1.0},
            {"group": "nursing_midwifery", "cases": 3, "formal": 1, "formal_rate": 0.3333},
            {"group": "not_stated", "cases": 1, "formal": 0, "formal_rate": 0.0},
        ],
        "by_employment": [
            {"group": "substantive", "cases": 2, "formal": 1, "formal_rate": 0.5},
            {"group": "bank", "cases": 1, "formal": 0, "formal_rate": 0.0},
            {"group": "agency", "cases": 1, "formal": 1, "formal_rate": 1.0},
            {"group": "not_stated", "cases": 1, "formal": 0, "formal_rate": 0.0},
        ],
        # Asked in A, B, D, E, G; "no" or "not sure" in B, D and G.
        "fairness_check_asked": 5,
        "fairness_check_no_or_unsure": 3,
        "fairness_check_no_or_unsure_rate": 0.6,
        "decisions_after_no_or_unsure": {"coaching": 1, "formal": 1, "occupational_health": 1},
        "formal_means": "a formal disciplinary process (decision 'formal'); the capability procedure is not counted",
    },
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
            **monitoring(case),
            fairness_check=case.get("fairness_check"),
        )
        for number, case in enumerate(PILOT_CASES)
    ]


def fairness_answer(case: dict) -> Dict[str, str]:
    """The fairness check as the reflection stores it in the answers, when it was asked."""
    return {"fairness_check": case["fairness_check"]} if "fairness_check" in case else {}


def monitoring(case: dict) -> Dict[str, Optional[str]]:
    """A case's equality monitoring groups by column (all None when not answered)."""
    groups = case.get("monitoring", (None, None, None))
    return dict(zip(("ethnic_group", "staff_group", "employment_type"), groups))


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
                answers={"deliberate_harm": "no", **fairness_answer(case)},
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
            if "monitoring" in case:
                record_equality(session, stored.reference, **monitoring(case))
    return references
