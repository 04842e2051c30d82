"""Equality monitoring switched on: the scripts in monitoring_on/ replayed against a Pause whose
organisation has turned it on (a copy of the content with one line added). The scripts in
equality_monitoring.yml run against the default organisation, where it is off."""
import pytest

from tests.conversations.test_conversations import HERE, load_conversations, replay
from tests.support.equality import content_with_monitoring
from tests.support.servers import running_pause

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def pause_with_monitoring(tmp_path_factory):
    """A running Pause whose organisation has switched equality monitoring on."""
    work_dir = tmp_path_factory.mktemp("pause-monitoring")
    content = content_with_monitoring(work_dir / "content")
    with running_pause(work_dir, extra_env={"PAUSE_CONTENT_DIR": str(content)}) as servers:
        yield servers


@pytest.mark.parametrize("script", list(load_conversations(HERE / "monitoring_on")))
def test_conversation_with_monitoring_on(pause_with_monitoring, script):
    replay(pause_with_monitoring, script)
