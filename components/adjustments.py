"""Pause's adjustments to Rasa: an explicit, ordered list, applied by the launcher before Rasa starts.

An adjustment is a function that changes how Rasa behaves, idempotent, applied once per process
by components/launcher.py (never as a side effect of loading some other component, which a
change of endpoints.yml could silently drop). Add one with one line below and a test of what it
changes; tests/production/test_launcher.py checks that a served Rasa has applied every one.
"""
from __future__ import annotations

from typing import Callable, List, Tuple

from components import action_results

Adjustment = Callable[[], None]

ADJUSTMENTS: Tuple[Adjustment, ...] = (
    action_results.install,  # check action server replies with a validator built once
)

_applied: List[str] = []


def adjustment_name(adjustment: Adjustment) -> str:
    """The adjustment's dotted name, e.g. components.action_results.install."""
    return f"{adjustment.__module__}.{adjustment.__qualname__}"


def apply_adjustments() -> List[str]:
    """Apply every adjustment, in order; the names of those applied in this process."""
    for adjustment in ADJUSTMENTS:
        adjustment()
        name = adjustment_name(adjustment)
        if name not in _applied:
            _applied.append(name)
    return applied_adjustments()


def applied_adjustments() -> List[str]:
    """The names of the adjustments applied in this process so far, in order."""
    return list(_applied)
