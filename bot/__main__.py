"""``python -m bot``: Pause's command line (see :mod:`bot.cli`)."""

import os
import sys

from bot.cli import main

if __name__ == "__main__":
    try:
        exit_code = main()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (``| head``) went away: stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        exit_code = 1
    raise SystemExit(exit_code)
