"""The widget as a user meets it in the browser: type, press keys, click, read the conversation."""
import re
import time
from typing import Iterable, List

CASE_REFERENCE = re.compile(r"P-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}")

# The answer to pick, in order of preference, whichever question is on screen: a full reflection
# that reaches a recorded case and the feedback questions, whatever route the answers lead to.
REFLECTION_CHOICES = (
    "I have a concern about someone",
    "Attendance",
    "None of these",
    "No one",
    "No",
    "A change in behaviour",
    "Talk to HR first",
    "4",
)


class WidgetPage:
    """One browser page showing the widget."""

    def __init__(self, page, url: str) -> None:
        self.page = page
        self.url = url

    def open(self) -> "WidgetPage":
        self.page.goto(self.url)
        self.page.wait_for_selector(".pause-chat__log[aria-live='polite']")
        return self

    # Reading

    def bot_texts(self) -> List[str]:
        return self.page.locator(".pause-chat__message--bot .pause-chat__text").all_inner_texts()

    def user_texts(self) -> List[str]:
        return self.page.locator(".pause-chat__message--user .pause-chat__text").all_inner_texts()

    def choices(self) -> List[str]:
        return self.page.locator(".pause-chat__choices button").all_inner_texts()

    def log_text(self) -> str:
        return self.page.locator(".pause-chat__log").inner_text()

    def alert_text(self) -> str:
        return self.page.locator(".pause-chat__alert").inner_text()

    def focused_text(self) -> str:
        return self.page.evaluate("document.activeElement ? document.activeElement.textContent : ''")

    def wait_until(self, expression: str, arg=None, timeout: float = 60.0) -> None:
        """Poll a JS function until it returns true (the page's CSP forbids Playwright's own eval)."""
        deadline = time.monotonic() + timeout
        while not self.page.evaluate(expression, arg):
            if time.monotonic() > deadline:
                raise AssertionError(f"still false after {timeout:.0f} s: {expression}")
            self.page.wait_for_timeout(100)

    def wait_for_reply(self, bot_messages_before: int) -> None:
        """Wait until a new bot message is shown and the widget is no longer busy."""
        self.wait_until(
            """n => document.querySelectorAll('.pause-chat__message--bot').length > n
                    && !document.querySelector('.pause-chat--busy')""",
            bot_messages_before,
        )

    def bot_count(self) -> int:
        return self.page.locator(".pause-chat__message--bot").count()

    # Acting

    def type_and_send(self, text: str) -> None:
        """Type into the message box (which must have focus) and press Enter."""
        before = self.bot_count()
        self.page.keyboard.type(text)
        self.page.keyboard.press("Enter")
        self.wait_for_reply(before)

    def tab_to(self, predicate_js: str, key: str = "Tab", limit: int = 60) -> None:
        """Press Tab (or Shift+Tab) until the focused element satisfies a JS predicate."""
        for _ in range(limit):
            self.page.keyboard.press(key)
            if self.page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
                return
        raise AssertionError(f"could not reach the element by {key}")

    def tab_to_message_box(self) -> None:
        self.tab_to("el && el.tagName === 'TEXTAREA'")

    def choose_by_keyboard(self, title: str) -> None:
        """From the message box, Shift+Tab back to a choice and press Enter."""
        before = self.bot_count()
        self.tab_to(
            f"el && el.tagName === 'BUTTON' && el.closest('.pause-chat__choices') && el.textContent === {title!r}",
            key="Shift+Tab",
        )
        self.page.keyboard.press("Enter")
        self.wait_for_reply(before)

    def click_choice(self, title: str) -> None:
        before = self.bot_count()
        self.page.locator(".pause-chat__choices button", has_text=re.compile(f"^{re.escape(title)}$")).click()
        self.wait_for_reply(before)

    def pick(self, preferences: Iterable[str]) -> str:
        """The first preferred title among the choices on screen."""
        on_screen = self.choices()
        for title in preferences:
            if title in on_screen:
                return title
        raise AssertionError(f"none of the expected choices on screen: {on_screen}")

    def finish_reflection(self, choose) -> None:
        """Answer every question with a button (chosen by `choose`) until the feedback is thanked."""
        for _ in range(40):
            if CASE_REFERENCE.search(self.log_text()) and not self.choices():
                return
            choose(self.pick(REFLECTION_CHOICES))
        raise AssertionError("the reflection did not end within 40 answers")
