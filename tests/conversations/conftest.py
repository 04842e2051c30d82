"""A real Pause (trained model, Rasa server, action server, SQLite stores) for conversation tests."""
import pytest

from tests.support.servers import running_pause


@pytest.fixture(scope="session")
def pause(tmp_path_factory):
    """The running servers, shared by every conversation test of the session."""
    with running_pause(tmp_path_factory.mktemp("pause")) as servers:
        yield servers
