"""The understanding evaluation's floor: any figure worse than the last measured one fails."""
from tests.nlu.evaluate import FLOOR, Floor, below_floor

GOOD_LOOKALIKES = {"pipeline_takeover": 0.0, "pipeline_any_prompt": 0.05}


def test_figures_at_the_floor_pass() -> None:
    assert below_floor(FLOOR.intent_accuracy, FLOOR.crisis_missed, GOOD_LOOKALIKES, 0) == []


def test_each_figure_worse_than_the_floor_fails() -> None:
    floor = Floor(intent_accuracy=0.93, crisis_missed=3)
    assert below_floor(0.929, 0, GOOD_LOOKALIKES, 0, floor)
    assert below_floor(0.95, 4, GOOD_LOOKALIKES, 0, floor)
    assert below_floor(0.95, 0, {"pipeline_takeover": 0.021, "pipeline_any_prompt": 0.0}, 0, floor)
    assert below_floor(0.95, 0, {"pipeline_takeover": 0.0, "pipeline_any_prompt": 0.101}, 0, floor)
    assert below_floor(0.95, 0, GOOD_LOOKALIKES, 1, floor)


def test_the_floor_never_allows_more_than_the_bars_on_false_alarms() -> None:
    assert FLOOR.takeover <= 0.02 and FLOOR.any_prompt <= 0.10 and FLOOR.ordinary_takeovers == 0
