"""A real Pause and a real Chromium (Debian's, driven by Playwright) for the widget's browser tests.

`make test-browser` installs what these need (Chromium, and axe-core through `npm ci`). Without
them the tests skip on a developer's machine and fail in CI.
"""
import re
from pathlib import Path

import pytest

from tests.conftest import missing
from tests.support.servers import REPO, running_pause

CHROMIUM = Path("/usr/bin/chromium")
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "results" / "browser"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 740}


def require(path: Path, what: str) -> None:
    """Skip locally, fail in CI, when something the browser tests need is missing."""
    if path.exists():
        return
    missing(f"{what} is missing ({path.name}); run `make browser-deps`")


@pytest.fixture(scope="session")
def pause_web(tmp_path_factory):
    """A running Pause; yields it with the widget page's address."""
    require(CHROMIUM, "Chromium")
    with running_pause(tmp_path_factory.mktemp("browser")) as servers:
        servers.page_url = f"{servers.rasa_url}/webhooks/web/"
        yield servers


@pytest.fixture(scope="session")
def chromium():
    require(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(chromium, request):
    """Opens a fresh browser context (its own session storage) and page; screenshots at the end."""
    contexts = []

    def open_(viewport=DESKTOP, **options):
        context = chromium.new_context(viewport=viewport, locale="en-GB", **options)
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
        page.dialogs = []
        return page

    yield open_
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
    for number, context in enumerate(contexts):
        for page in context.pages:
            suffix = f"-{number}" if number else ""
            page.screenshot(path=str(SCREENSHOTS / f"{name}{suffix}.png"), full_page=True)
        context.close()
