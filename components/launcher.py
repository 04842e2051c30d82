"""Pause's launcher for Rasa: apply Pause's adjustments (components/adjustments.py), then run Rasa.

Every Pause Rasa server starts here: scripts/serve.sh for `make run` and `make shell`, and the
Rasa image's entry point, so docker compose and Helm too. It takes Rasa's own arguments::

    python -m components.launcher run --model models/pause.tar.gz --endpoints endpoints.yml ...
"""
from __future__ import annotations

import sys
from typing import Optional, Sequence

from components.adjustments import apply_adjustments


def main(arguments: Optional[Sequence[str]] = None) -> None:
    """Apply the adjustments, then run Rasa's command line with these arguments (``run``, ``shell``...)."""
    apply_adjustments()
    from rasa.__main__ import main as rasa_main

    # Rasa reads its arguments from sys.argv, as when it is started as `rasa`.
    sys.argv = ["rasa", *(sys.argv[1:] if arguments is None else arguments)]
    rasa_main()


if __name__ == "__main__":
    main()
