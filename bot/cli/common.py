"""What the commands share: exit codes, errors, and the check that the store is ready."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Optional

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.settings import get_settings

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_CONFIGURATION = 3


class CommandError(Exception):
    """A command cannot go on; the message is for the person at the terminal."""

    def __init__(self, message: str, exit_code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def store_label(url: Optional[str] = None) -> str:
    """The outcome store's URL with any password hidden, for messages."""
    return make_url(url or get_settings().database_url).render_as_string(hide_password=True)


def store_error_message(error: Exception) -> str:
    """A short explanation of a database failure, without the SQL or any values."""
    if not isinstance(error, SQLAlchemyError) and isinstance(error.__cause__, SQLAlchemyError):
        error = error.__cause__
    cause = getattr(error, "orig", None) or error
    text = str(cause).strip()
    first_line = text.splitlines()[0] if text else type(cause).__name__
    return f"The outcome store at {store_label()} could not be used: {first_line}"


def require_current_schema() -> None:
    """Stop with a clear instruction unless the store's schema is at the newest migration."""
    from bot.store.migrate import current_revision, head_revision

    current = current_revision()
    if current != head_revision():
        state = "has not been set up" if current is None else "is not up to date"
        raise CommandError(
            f"The outcome store at {store_label()} {state}. Run: python -m bot db upgrade"
        )


def iso_date(text: str) -> date:
    """argparse type for a YYYY-MM-DD date."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date as YYYY-MM-DD") from None


def positive_whole_number(text: str) -> int:
    """argparse type for a whole number above zero."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above zero")
    return value


def plural(count: int, singular: str, plural_form: Optional[str] = None) -> str:
    """``1 case``, ``2 cases``."""
    word = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count} {word}"
