"""The web widget in a real Chromium against a real Pause (trained model, Rasa, action server).

Screenshots of every test are kept in results/browser/.
"""
import json

import pytest
import yaml

from tests.browser.conftest import AXE, DESKTOP, PHONE, SCREENSHOTS, require
from tests.browser.widget_page import CASE_REFERENCE, WidgetPage
from tests.support.servers import REPO

pytestmark = [pytest.mark.browser, pytest.mark.model]

RESPONSES = yaml.safe_load((REPO / "domain.yml").read_text())["responses"]


def say(name):
    return RESPONSES[name][0]["text"]


def widget(open_page, pause_web, **options) -> WidgetPage:
    return WidgetPage(open_page(**options), pause_web.page_url).open()


def test_a_full_reflection_by_keyboard_only(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.tab_to_message_box()
    chat.type_and_send("hello")
    assert say("utter_greet") in chat.bot_texts()
    assert chat.page.evaluate("document.activeElement.tagName") == "TEXTAREA", "focus stays in the message box"

    chat.choose_by_keyboard("I have a concern about someone")
    focus_ring = chat.page.evaluate(
        """() => { const b = document.querySelector('.pause-chat__choices button'); b.focus();
                   const s = getComputedStyle(b); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"""
    )
    assert focus_ring[0] != "none" and focus_ring[1] >= 2, "focus must be visible"
    chat.page.focus("textarea")
    chat.choose_by_keyboard("Attendance")
    chat.choose_by_keyboard("None of these")
    chat.type_and_send("no")  # a typed answer in the middle of the buttons
    chat.finish_reflection(chat.choose_by_keyboard)

    assert CASE_REFERENCE.search(chat.log_text())
    assert chat.bot_texts()[-1] == say("utter_thanks_feedback")


def test_a_full_reflection_by_clicking_buttons(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.page.get_by_role("button", name="Start", exact=True).click()
    chat.wait_for_reply(0)
    assert say("utter_greet") in chat.bot_texts()
    assert chat.user_texts() == ["Hello"]
    chat.finish_reflection(chat.click_choice)
    assert CASE_REFERENCE.search(chat.log_text())
    assert chat.bot_texts()[-1] == say("utter_thanks_feedback")
    assert "I have a concern about someone" in chat.user_texts(), "a button shows its title as the user's message"


def test_crisis_help_appears_at_once_in_the_announced_region(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.page.focus("textarea")
    chat.type_and_send("i honestly cant go on like this anymore")
    log = chat.page.locator(".pause-chat__log")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    crisis = log.locator(".pause-chat__message--bot", has_text="116 123")
    assert crisis.count() == 1
    assert say("utter_crisis") in chat.bot_texts()
    assert "I'm safe, let's carry on" in chat.choices()


def test_the_conversation_survives_a_reload(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.page.focus("textarea")
    chat.type_and_send("hello")
    chat.click_choice("I have a concern about someone")
    before_bot, before_user = chat.bot_texts(), chat.user_texts()

    chat.page.reload()
    chat.page.wait_for_selector(".pause-chat__message--bot")
    chat.wait_until("() => document.querySelector('.pause-chat__log').getAttribute('aria-live') === 'polite'")
    assert chat.bot_texts() == before_bot
    assert chat.user_texts() == before_user == ["hello", "I have a concern about someone"]
    assert "Attendance" in chat.choices(), "the open question's buttons come back"

    chat.click_choice("Attendance")
    assert say("utter_ask_urgent_screen") in chat.bot_texts()
    assert "Attendance" in chat.user_texts()


def test_markup_typed_by_a_user_is_shown_as_text(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.page.focus("textarea")
    typed = ["<img src=x onerror=alert(1)>", "<b>hi</b>"]
    for text in typed:
        chat.type_and_send(text)

    def assert_literal():
        assert chat.user_texts() == typed
        assert chat.page.locator(".pause-chat img, .pause-chat b").count() == 0
        assert chat.page.dialogs == [], "no script ran"

    assert_literal()
    chat.page.reload()
    chat.page.wait_for_selector(".pause-chat__message--user")
    assert_literal()


def test_the_server_cannot_be_reached(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.page.route("**/webhooks/web/webhook", lambda route: route.abort("connectionrefused"))
    chat.page.focus("textarea")
    chat.page.keyboard.type("hello")
    chat.page.keyboard.press("Enter")
    alert = chat.page.locator(".pause-chat__alert[role='alert']")
    alert.get_by_text("can\u2019t be reached").wait_for()
    assert "116 123" in chat.alert_text() and "999" in chat.alert_text()
    assert chat.user_texts() == [], "an unsent message is not shown as sent"
    assert chat.page.input_value("textarea") == "hello", "what was typed is kept to try again"

    chat.page.unroute("**/webhooks/web/webhook")
    chat.page.keyboard.press("Enter")
    chat.wait_for_reply(0)
    assert chat.alert_text() == ""
    assert chat.user_texts() == ["hello"]


def test_the_history_cannot_be_reached_on_opening(open_page, pause_web):
    page = open_page()
    page.route("**/webhooks/web/history*", lambda route: route.abort("connectionrefused"))
    page.goto(pause_web.page_url)
    page.locator(".pause-chat__alert").get_by_text("can\u2019t be reached").wait_for()


def test_a_message_over_the_limit_is_not_sent(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.page.fill("textarea", "a" * 5001)
    chat.page.focus("textarea")
    chat.page.keyboard.press("Enter")
    chat.page.locator(".pause-chat__alert").get_by_text("too long").wait_for()
    assert "5,000" in chat.alert_text()
    assert chat.user_texts() == []
    assert len(chat.page.input_value("textarea")) == 5001


def test_typing_indicator_and_reduced_motion(open_page, pause_web):
    for motion, animated in (("no-preference", True), ("reduce", False)):
        chat = widget(open_page, pause_web, reduced_motion=motion)
        held = []
        chat.page.route("**/webhooks/web/webhook", lambda route: held.append(route))
        chat.page.focus("textarea")
        chat.page.keyboard.type("hello")
        chat.page.keyboard.press("Enter")
        chat.page.locator(".pause-chat__typing[role='status']").get_by_text("Pause is typing").wait_for()
        animation = chat.page.evaluate(
            "getComputedStyle(document.querySelector('.pause-chat__dots span')).animationName"
        )
        assert (animation != "none") == animated, f"{motion}: animation {animation}"
        while not held:
            chat.page.wait_for_timeout(50)
        held[0].continue_()
        chat.wait_for_reply(0)
        assert chat.page.locator(".pause-chat__typing").inner_text() == ""


@pytest.mark.parametrize("size, viewport", [("desktop", DESKTOP), ("phone", PHONE)])
def test_no_serious_accessibility_violations(open_page, pause_web, size, viewport):
    require(AXE, "axe-core")
    # The page forbids inline scripts; the scanner is injected from disk, so only it bypasses that.
    chat = widget(open_page, pause_web, viewport=viewport, bypass_csp=True)
    chat.page.focus("textarea")
    chat.type_and_send("hello")
    chat.click_choice("I have a concern about someone")
    chat.page.add_script_tag(path=str(AXE))
    results = chat.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / f"axe-{size}.json").write_text(json.dumps(results["violations"], indent=2))
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} - {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []
    assert results["testEngine"]["version"] == "4.10.2"
    width = chat.page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], "nothing sticks out sideways"
    page_height, main_bottom = chat.page.evaluate(
        "[document.documentElement.scrollHeight, document.querySelector('main').getBoundingClientRect().bottom + window.scrollY]"
    )
    assert page_height <= max(main_bottom, viewport["height"]) + 1, "nothing sticks out below the page"
    assert chat.page.locator("button.pause-chat__send").is_visible()


def test_a_demo_scenario_is_replayed_turn_by_turn(open_page, pause_web):
    chat = widget(open_page, pause_web)
    demo = {
        "name": "test-scenario",
        "title": "A test scenario",
        "context": "A ward manager is worried about a nurse's timekeeping.",
        "learning_points": ["Look for a pattern before any formal step."],
        "turns": [
            {"say": "hello", "narrate": "Pause opens by saying what it is and is not."},
            {"say": "I have a concern about someone", "narrate": ""},
        ],
    }
    sent = []

    def fake_demo_start(route):
        body = json.loads(route.request.post_data)
        sent.append(body["message"])
        if body["message"] == "start a demo":
            route.fulfill(
                status=200, content_type="application/json",
                body=json.dumps([{"recipient_id": "x", "text": "Here is the demo."}, {"recipient_id": "x", "custom": {"pause_demo": demo}}]),
            )
        else:
            route.continue_()

    chat.page.route("**/webhooks/web/webhook", fake_demo_start)
    chat.page.focus("textarea")
    chat.type_and_send("start a demo")
    panel = chat.page.locator(".pause-chat__demo")
    panel.get_by_text("Demo: A test scenario").wait_for()
    assert demo["context"] in panel.inner_text()
    chat.page.locator(".pause-chat__message--note", has_text="Look for a pattern").wait_for(timeout=60_000)
    assert sent == ["start a demo", "hello", "I have a concern about someone"]
    notes = chat.page.locator(".pause-chat__message--note").all_inner_texts()
    assert any("Pause opens by saying" in note for note in notes)
    assert say("utter_greet") in chat.bot_texts(), "each turn waited for its reply"
    assert "Attendance" in chat.choices()
    assert panel.is_hidden()


def test_a_demo_can_be_stopped(open_page, pause_web):
    chat = widget(open_page, pause_web)
    demo = {"title": "Stopped", "context": "", "learning_points": [], "turns": [{"say": f"hello {n}"} for n in range(5)]}
    sent = []

    def fake(route):
        body = json.loads(route.request.post_data)
        sent.append(body["message"])
        if body["message"] == "start a demo":
            route.fulfill(status=200, content_type="application/json",
                          body=json.dumps([{"recipient_id": "x", "custom": {"pause_demo": demo}}]))
        else:
            route.continue_()

    chat.page.route("**/webhooks/web/webhook", fake)
    chat.page.focus("textarea")
    chat.page.keyboard.type("start a demo")
    chat.page.keyboard.press("Enter")
    stop = chat.page.get_by_role("button", name="Stop demo")
    stop.wait_for()
    chat.wait_until("() => document.querySelectorAll('.pause-chat__message--user').length >= 2")
    stop.click()
    chat.page.locator(".pause-chat__message--note", has_text="Demo stopped.").wait_for()
    chat.page.wait_for_timeout(4000)
    assert len(sent) <= 3, f"the demo went on after Stop: {sent}"
    assert chat.page.locator(".pause-chat__demo").is_hidden()


def test_a_trainer_starts_a_scenario_in_chat_and_it_plays_itself(open_page, pause_web):
    chat = widget(open_page, pause_web)
    chat.page.focus("textarea")
    chat.type_and_send("start a demo")
    assert say("utter_demo_intro") in chat.bot_texts()
    chat.page.get_by_role("button", name="Suspected timesheet fraud").click()
    panel = chat.page.locator(".pause-chat__demo")
    panel.get_by_text("Demo: Suspected timesheet fraud").wait_for()
    finished = chat.page.locator(".pause-chat__message--note", has_text="Demo finished")
    finished.wait_for(timeout=90_000)
    assert chat.user_texts() == [
        "start a demo", "Suspected timesheet fraud", "hello", "I think one of my band 5s has falsified her timesheets",
    ]
    notes = " ".join(chat.page.locator(".pause-chat__message--note").all_inner_texts())
    assert "Fraud is named in the first message" in notes
    assert "Counter Fraud Specialist" in finished.inner_text(), "the learning points close the demo"
    assert say("utter_greet") in chat.bot_texts(), "each turn waited for its reply"
    assert panel.is_hidden()
