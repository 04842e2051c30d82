"""The reflection summary in the widget: copied to the clipboard and downloaded as a text file."""
import pytest

from tests.browser.widget_page import CASE_REFERENCE, WidgetPage

pytestmark = [pytest.mark.browser, pytest.mark.model]


def test_the_summary_can_be_copied_and_downloaded(open_page, pause_web):
    page = open_page(accept_downloads=True, permissions=["clipboard-read", "clipboard-write"])
    chat = WidgetPage(page, pause_web.page_url).open()
    chat.page.get_by_role("button", name="Start", exact=True).click()
    chat.wait_for_reply(0)
    chat.finish_reflection(chat.click_choice)
    reference = CASE_REFERENCE.search(chat.log_text()).group(0)

    tools = page.get_by_role("group", name="Keep this summary")
    assert tools.count() == 1, "the tools stay after later choices are cleared"
    tools.get_by_role("button", name="Copy summary").click()
    page.get_by_text("Summary copied.").wait_for()
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert copied.startswith(f"Reflection summary, case {reference}\n")
    assert "Your decision:" in copied and "<" not in copied

    with page.expect_download() as download_info:
        tools.get_by_role("button", name="Download summary").click()
    download = download_info.value
    assert download.suggested_filename == f"pause-summary-{reference}.txt"
    assert open(download.path(), encoding="utf-8").read() == copied + "\n"
