"""Print the held-out NLU figures from a `rasa test nlu` results folder, and fail below the bar."""
import json
import sys
from pathlib import Path

ACCURACY_BAR = 0.95


def main(results_dir: str) -> int:
    report = json.loads((Path(results_dir) / "intent_report.json").read_text())
    accuracy = report["accuracy"]
    crisis = report.get("crisis", {})
    print(f"held-out intent accuracy: {accuracy:.3f} (bar {ACCURACY_BAR})")
    print(f"crisis recall of the whole pipeline, safety net included: {crisis.get('recall', 0.0):.3f} (support {crisis.get('support', 0)})")
    weakest = sorted(
        (name, figures["f1-score"]) for name, figures in report.items() if isinstance(figures, dict) and "f1-score" in figures
        and name not in ("micro avg", "macro avg", "weighted avg")
    )
    for name, f1 in sorted(weakest, key=lambda item: item[1])[:5]:
        print(f"  lowest f1: {name:24s} {f1:.3f}")
    return 0 if accuracy >= ACCURACY_BAR else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results/nlu"))
