"""Shared test fixtures.

A test that needs a server (PostgreSQL, Redis, a running Rasa) skips with a clear reason on a
developer's machine when the server is unreachable, but fails in CI (``CI=true``), so that a
missing service can never turn into a silently green run.
"""
import os
import socket
from typing import NoReturn

import pytest


def in_ci() -> bool:
    """True when running under continuous integration."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def reachable(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a TCP connection to host:port succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    """Skip locally, fail in CI, when the named server cannot be reached."""
    if reachable(host, port):
        return
    missing(f"{name} is not reachable at {host}:{port}")


def missing(message: str) -> NoReturn:
    """Skip locally, fail in CI, when something a test needs is not there."""
    if in_ci():
        pytest.fail(f"{message}; CI needs it")
    pytest.skip(message)
