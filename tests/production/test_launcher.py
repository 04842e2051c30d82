"""Pause's launcher applies Pause's adjustments to Rasa, in order, before Rasa starts, and a
server started through it has them in force; nothing else installs them on the side."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import requests
from rasa.core.actions.action import RemoteAction

from components import action_results, adjustments, launcher
from components.lock_store import PauseLockStore
from tests.support.conversation import Conversation
from tests.support.servers import REPO, running_pause


def test_the_adjustments_are_applied_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: List[str] = []

    def first() -> None:
        calls.append("first")

    def second() -> None:
        calls.append("second")

    monkeypatch.setattr(adjustments, "ADJUSTMENTS", (first, second))
    monkeypatch.setattr(adjustments, "_applied", [])
    assert adjustments.apply_adjustments() == [
        f"{__name__}.test_the_adjustments_are_applied_in_order.<locals>.first",
        f"{__name__}.test_the_adjustments_are_applied_in_order.<locals>.second",
    ]
    adjustments.apply_adjustments()
    assert calls == ["first", "second", "first", "second"]
    assert len(adjustments.applied_adjustments()) == 2


def test_the_launcher_applies_the_adjustments_before_rasa_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.__main__

    order: List[str] = []
    monkeypatch.setattr(launcher, "apply_adjustments", lambda: order.append("adjustments"))
    monkeypatch.setattr(rasa.__main__, "main", lambda: order.append("rasa " + " ".join(__import__("sys").argv[1:])))
    monkeypatch.setattr("sys.argv", ["launcher"])
    launcher.main(["run", "--port", "5005"])
    assert order == ["adjustments", "rasa run --port 5005"]


def test_the_action_result_check_is_one_of_the_adjustments() -> None:
    assert action_results.install in adjustments.ADJUSTMENTS


def test_building_the_lock_store_installs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    def rasas_own_check(_action: RemoteAction, _result: object) -> bool:
        return True

    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas_own_check)
    PauseLockStore(redis_url="")
    assert RemoteAction._validate_action_result is rasas_own_check


@pytest.mark.model
def test_a_server_started_through_the_launcher_has_every_adjustment(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials.yml"
    credentials.write_text(
        (REPO / "credentials.yml").read_text(encoding="utf-8")
        + "\ntests.support.adjustment_probe.AdjustmentProbeInput:\n",
        encoding="utf-8",
    )
    with running_pause(tmp_path, credentials=credentials) as pause:
        report = requests.get(f"{pause.rasa_url}/webhooks/adjustments/", timeout=30).json()
        assert report["applied"] == [adjustments.adjustment_name(a) for a in adjustments.ADJUSTMENTS]
        assert report["action_result_check"] == "components.action_results.validate_action_result"
        # Form turns, whose replies from the action server pass through the kept validator.
        conversation = Conversation(pause, "launcher")
        conversation.say("/raise_concern")
        reply = conversation.say('/inform{"concern_type": "conduct"}')
        assert reply.responses == ["utter_ask_urgent_screen"]
