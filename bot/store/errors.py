"""What can go wrong when recording outcomes, in the store's own terms."""


class StoreError(Exception):
    """Base class for the outcome store's errors."""


class UnknownCase(StoreError, LookupError):
    """No case has the given reference."""

    def __init__(self, reference: str) -> None:
        super().__init__(f"There is no case with the reference {reference!r}.")
        self.reference = reference


class InvalidValue(StoreError, ValueError):
    """A value cannot be stored: the wrong kind, out of range, or free text where a code belongs."""


class StoreFailure(StoreError):
    """The database could not do what was asked: unreachable, busy for too long, or it refused.

    The original database error is kept as ``__cause__`` for the logs.
    """

    def __init__(self, action: str, cause: Exception) -> None:
        super().__init__(f"The outcome store could not {action} ({type(cause).__name__}).")
        self.action = action
