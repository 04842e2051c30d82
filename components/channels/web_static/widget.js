/* Pause web widget: a chat panel for intranet pages. No dependencies, no external requests.
 *
 * Embed: <div data-pause-chat></div> and <script src="https://PAUSE/webhooks/web/widget.js" defer></script>.
 * Everything the bot or the user wrote is shown with textContent, never parsed as HTML.
 * The conversation id lives in sessionStorage (a reload keeps it, closing the tab forgets it,
 * which suits shared ward computers); the history is read back from the server.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var BASE = new URL(".", script && script.src ? script.src : window.location.href).href;
  var STORAGE_KEY = "pause-web-sender";
  var REQUEST_TIMEOUT_MS = 60000;
  var DEMO_STEP_DELAY_MS = 1800;
  var DEFAULT_MAX_CHARS = 5000;

  var TEXT = {
    title: "Pause",
    intro: "Talk a concern through before any formal step. Not HR advice and not for emergencies. Please use no names.",
    restart: "New conversation",
    log: "Conversation with Pause",
    you: "You said: ",
    bot: "Pause said: ",
    note: "Trainer\u2019s note: ",
    choices: "Choices",
    empty: "Type a message below, or start here.",
    start: "Start",
    startMessage: "Hello",
    label: "Your message",
    hint: "Press Enter to send, or Shift and Enter for a new line. Please leave out names and identifying details.",
    send: "Send",
    typing: "Pause is typing",
    unreachable: "Pause can\u2019t be reached right now, so your message was not sent. Please check your connection and try again. " +
      "If you need help now: call 999 in an emergency, NHS 111 (option 2 for mental health), or Samaritans on 116 123.",
    tooLong: function (max, length) {
      return "That message is too long to send (" + length.toLocaleString("en-GB") + " characters; the limit is " +
        max.toLocaleString("en-GB") + "). Please send it in shorter parts, and leave out names and identifying details.";
    },
    refused: "Pause could not take that message. Please try again, or start a new conversation.",
    demoPlaying: "A demo is playing. Stop the demo to type your own messages.",
    demoLabel: "Demo",
    demoStop: "Stop demo",
    demoStep: function (step, total) { return "Step " + step + " of " + total; },
    demoStarted: function (title) { return "Demo started: " + title; },
    demoStopped: "Demo stopped.",
    demoFinished: "Demo finished. Learning points:",
    demoRestored: function (title) { return "A demo was played here: " + title; },
    summaryTools: "Keep this summary",
    copySummary: "Copy summary",
    downloadSummary: "Download summary",
    copied: "Summary copied.",
    copyFailed: "The summary could not be copied here: please select its text and copy it, or download it.",
    downloaded: "Summary downloaded."
  };

  var reducedMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  var uid = 0;

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function newId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function storedSender(reset) {
    try {
      var id = reset ? null : window.sessionStorage.getItem(STORAGE_KEY);
      if (!id || !/^[A-Za-z0-9_-]{16,128}$/.test(id)) {
        id = newId();
        window.sessionStorage.setItem(STORAGE_KEY, id);
      }
      return id;
    } catch (error) {
      return newId(); // storage blocked: the conversation lasts as long as the page
    }
  }

  function characters(text) { return Array.from(text).length; }

  // Text with web addresses as links; every piece is a text node.
  function fillText(node, text) {
    var pattern = /https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      node.appendChild(document.createTextNode(text.slice(last, match.index)));
      var link = el("a", { href: match[0], target: "_blank", rel: "noopener noreferrer" }, match[0]);
      node.appendChild(link);
      last = match.index + match[0].length;
    }
    node.appendChild(document.createTextNode(text.slice(last)));
  }

  function sleep(ms, run) {
    return new Promise(function (resolve) {
      var timer = setTimeout(resolve, ms);
      if (run) { run.wake = function () { clearTimeout(timer); resolve(); }; }
    });
  }

  function Widget(root) {
    this.root = root;
    this.sender = storedSender(false);
    this.maxChars = DEFAULT_MAX_CHARS;
    this.busy = false;
    this.demo = null;
    this.pendingDemo = null;
    this.build();
    this.restore();
  }

  Widget.prototype.build = function () {
    var n = ++uid;
    var ids = { title: "pause-title-" + n, input: "pause-input-" + n, hint: "pause-hint-" + n };
    var panel = el("section", { "class": "pause-chat", "aria-labelledby": ids.title });

    var header = el("header", { "class": "pause-chat__header" });
    var heading = el("div", { "class": "pause-chat__heading" });
    heading.appendChild(el("h2", { id: ids.title, "class": "pause-chat__title" }, TEXT.title));
    heading.appendChild(el("p", { "class": "pause-chat__intro" }, TEXT.intro));
    header.appendChild(heading);
    this.restartButton = el("button", { type: "button", "class": "pause-chat__restart" }, TEXT.restart);
    header.appendChild(this.restartButton);
    panel.appendChild(header);

    this.demoPanel = el("div", { "class": "pause-chat__demo", hidden: "" });
    this.demoTitle = el("h3", { "class": "pause-chat__demo-title" });
    this.demoContext = el("p", { "class": "pause-chat__demo-context" });
    this.demoStatus = el("p", { "class": "pause-chat__demo-status" });
    this.demoStop = el("button", { type: "button", "class": "pause-chat__demo-stop" }, TEXT.demoStop);
    [this.demoTitle, this.demoContext, this.demoStatus, this.demoStop].forEach(function (node) {
      this.demoPanel.appendChild(node);
    }, this);
    panel.appendChild(this.demoPanel);

    this.log = el("div", {
      "class": "pause-chat__log", role: "log", "aria-live": "polite", "aria-label": TEXT.log, tabindex: "0"
    });
    panel.appendChild(this.log);

    this.typing = el("div", { "class": "pause-chat__typing", role: "status" });
    panel.appendChild(this.typing);
    this.alert = el("div", { "class": "pause-chat__alert", role: "alert" });
    panel.appendChild(this.alert);

    this.form = el("form", { "class": "pause-chat__form", novalidate: "" });
    this.form.appendChild(el("label", { "for": ids.input, "class": "pause-chat__label" }, TEXT.label));
    this.form.appendChild(el("p", { id: ids.hint, "class": "pause-chat__hint" }, TEXT.hint));
    var row = el("div", { "class": "pause-chat__row" });
    this.input = el("textarea", {
      id: ids.input, "class": "pause-chat__input", rows: "2", "aria-describedby": ids.hint, autocomplete: "off"
    });
    this.sendButton = el("button", { type: "submit", "class": "pause-chat__send" }, TEXT.send);
    row.appendChild(this.input);
    row.appendChild(this.sendButton);
    this.form.appendChild(row);
    panel.appendChild(this.form);

    this.root.textContent = "";
    this.root.appendChild(panel);

    var self = this;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.submitTyped();
    });
    this.input.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        self.submitTyped();
      }
    });
    this.restartButton.addEventListener("click", function () { self.restart(); });
    this.demoStop.addEventListener("click", function () { self.stopDemo(true); });
  };

  Widget.prototype.scrollToEnd = function (node) {
    if (node && node.scrollIntoView) {
      node.scrollIntoView({ block: "nearest", behavior: reducedMotion ? "auto" : "smooth" });
    }
  };

  Widget.prototype.showEmpty = function () {
    var self = this;
    var empty = el("div", { "class": "pause-chat__empty" });
    empty.appendChild(el("p", {}, TEXT.empty));
    var start = el("button", { type: "button", "class": "pause-chat__choice" }, TEXT.start);
    start.addEventListener("click", function () { self.send("/greet", TEXT.startMessage); });
    empty.appendChild(start);
    this.log.appendChild(empty);
  };

  Widget.prototype.clearEmpty = function () {
    var empty = this.log.querySelector(".pause-chat__empty");
    if (empty) { empty.remove(); }
  };

  Widget.prototype.addBubble = function (who, text) {
    var bubble = el("div", { "class": "pause-chat__message pause-chat__message--" + who });
    var prefix = who === "user" ? TEXT.you : who === "note" ? TEXT.note : TEXT.bot;
    bubble.appendChild(el("span", { "class": who === "note" ? "pause-chat__note-label" : "pause-visually-hidden" }, prefix));
    var body = el("span", { "class": "pause-chat__text" });
    fillText(body, text);
    bubble.appendChild(body);
    this.log.appendChild(bubble);
    this.scrollToEnd(bubble);
    return bubble;
  };

  Widget.prototype.addChoices = function (buttons) {
    var self = this;
    var group = el("div", { "class": "pause-chat__choices", role: "group", "aria-label": TEXT.choices });
    buttons.forEach(function (button) {
      var title = String(button.title || button.payload || "");
      var payload = String(button.payload || button.title || "");
      var node = el("button", { type: "button", "class": "pause-chat__choice", "data-payload": payload }, title);
      node.addEventListener("click", function () { self.send(payload, title); });
      group.appendChild(node);
    });
    this.log.appendChild(group);
    this.scrollToEnd(group);
  };

  // The title of the choice on screen that sends this payload: what a click would have shown.
  Widget.prototype.titleFor = function (message) {
    var buttons = this.log.querySelectorAll(".pause-chat__choices button");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-payload") === message) { return buttons[i].textContent; }
    }
    return message;
  };

  Widget.prototype.clearChoices = function () {
    Array.prototype.forEach.call(this.log.querySelectorAll(".pause-chat__choices"), function (group) { group.remove(); });
  };

  Widget.prototype.renderBot = function (message, live) {
    if (message.text) { this.addBubble("bot", String(message.text)); }
    if (Array.isArray(message.buttons) && message.buttons.length) { this.addChoices(message.buttons); }
    var summary = message.custom && message.custom.pause_summary;
    if (summary && typeof summary === "object" && typeof summary.text === "string") { this.addSummaryTools(summary); }
    var demo = message.custom && message.custom.pause_demo;
    if (demo && typeof demo === "object") {
      if (live) { this.pendingDemo = demo; } else { this.addBubble("note", TEXT.demoRestored(String(demo.title || ""))); }
    }
  };

  // Copy and Download for the reflection summary. Its text comes from the bot's own words and
  // holds no identifying details; it is never inserted as HTML.
  Widget.prototype.addSummaryTools = function (summary) {
    var self = this;
    var text = summary.text;
    var name = String(summary.filename || "pause-summary.txt").replace(/[^A-Za-z0-9._-]/g, "") || "pause-summary.txt";
    var group = el("div", { "class": "pause-chat__tools", role: "group", "aria-label": TEXT.summaryTools });
    var status = el("p", { "class": "pause-chat__tool-status", role: "status" });
    var copy = el("button", { type: "button", "class": "pause-chat__tool" }, TEXT.copySummary);
    copy.addEventListener("click", function () {
      var done = function () { status.textContent = TEXT.copied; };
      var failed = function () { status.textContent = TEXT.copyFailed; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else { failed(); }
    });
    var download = el("button", { type: "button", "class": "pause-chat__tool" }, TEXT.downloadSummary);
    download.addEventListener("click", function () {
      var url = URL.createObjectURL(new Blob([text + "\n"], { type: "text/plain;charset=utf-8" }));
      var link = el("a", { href: url, download: name });
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 0);
      status.textContent = TEXT.downloaded;
    });
    group.appendChild(copy);
    group.appendChild(download);
    group.appendChild(status);
    this.log.appendChild(group);
    this.scrollToEnd(group);
  };

  Widget.prototype.showAlert = function (text) {
    this.alert.textContent = "";
    this.alert.appendChild(el("p", {}, text));
  };

  Widget.prototype.clearAlert = function () { this.alert.textContent = ""; };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.root.querySelector(".pause-chat").classList.toggle("pause-chat--busy", busy);
    this.sendButton.setAttribute("aria-disabled", busy ? "true" : "false");
    this.typing.textContent = "";
    if (busy) {
      this.typing.appendChild(el("span", {}, TEXT.typing));
      var dots = el("span", { "class": "pause-chat__dots", "aria-hidden": "true" });
      for (var i = 0; i < 3; i++) { dots.appendChild(el("span", {})); }
      this.typing.appendChild(dots);
    }
  };

  Widget.prototype.request = function (path, options) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    options.signal = controller.signal;
    options.credentials = "omit";
    options.cache = "no-store";
    return fetch(BASE + path, options).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        return { status: response.status, body: body };
      });
    }).finally(function () { clearTimeout(timer); });
  };

  Widget.prototype.restore = function () {
    var self = this;
    this.log.setAttribute("aria-live", "off"); // do not read the whole history out on every reload
    return this.request("history?sender=" + encodeURIComponent(this.sender), { method: "GET" })
      .then(function (reply) {
        if (reply.status !== 200 || !reply.body) { throw new Error("history " + reply.status); }
        self.maxChars = Number(reply.body.max_message_chars) || DEFAULT_MAX_CHARS;
        var messages = Array.isArray(reply.body.messages) ? reply.body.messages : [];
        messages.forEach(function (message) {
          if (message.from === "user") { self.addBubble("user", String(message.text || "")); }
          else { self.renderBot(message, false); }
        });
        if (!messages.length) { self.showEmpty(); }
      })
      .catch(function () {
        self.showEmpty();
        self.showAlert(TEXT.unreachable);
      })
      .finally(function () { self.log.setAttribute("aria-live", "polite"); });
  };

  Widget.prototype.submitTyped = function () {
    if (this.busy) { return; }
    var text = this.input.value;
    if (!text.trim()) { this.input.focus(); return; }
    if (this.demo) { this.showAlert(TEXT.demoPlaying); return; }
    var self = this;
    this.input.value = "";
    this.send(text, text).then(function (sent) {
      if (!sent && !self.input.value) { self.input.value = text; } // nothing typed is ever lost
    });
  };

  // Send one message; resolves true when the bot answered it.
  Widget.prototype.send = function (message, shown, fromDemo) {
    var self = this;
    if (this.busy) { return Promise.resolve(false); }
    if (this.demo && !fromDemo) { this.showAlert(TEXT.demoPlaying); return Promise.resolve(false); }
    this.clearAlert();
    var length = characters(message);
    if (length > this.maxChars) {
      this.showAlert(TEXT.tooLong(this.maxChars, length));
      return Promise.resolve(false);
    }
    var focusInForm = !document.activeElement || document.activeElement === document.body ||
      this.root.contains(document.activeElement);
    this.clearEmpty();
    var bubble = this.addBubble("user", shown);
    this.setBusy(true);
    return this.request("webhook", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ sender: this.sender, message: message })
    }).then(function (reply) {
      var messages = Array.isArray(reply.body) ? reply.body : [];
      if (reply.status === 200) {
        self.clearChoices();
        messages.forEach(function (m) { self.renderBot(m, true); });
        return true;
      }
      bubble.remove();
      if (reply.status === 429 && messages.length) {
        self.showAlert(messages.map(function (m) { return m.text || ""; }).join(" "));
      } else if (reply.status === 413) {
        self.showAlert(TEXT.tooLong(self.maxChars, length));
      } else if (reply.status >= 400 && reply.status < 500) {
        self.showAlert((reply.body && reply.body.message) || TEXT.refused);
      } else {
        self.showAlert(TEXT.unreachable);
      }
      return false;
    }, function () {
      bubble.remove();
      self.showAlert(TEXT.unreachable);
      return false;
    }).then(function (sent) {
      self.setBusy(false);
      if (focusInForm && (!self.root.contains(document.activeElement) || document.activeElement === document.body)) {
        self.input.focus();
      }
      if (self.pendingDemo) {
        var demo = self.pendingDemo;
        self.pendingDemo = null;
        setTimeout(function () { self.playDemo(demo); }, 0);
      }
      return sent;
    });
  };

  Widget.prototype.playDemo = function (demo) {
    var self = this;
    var turns = Array.isArray(demo.turns) ? demo.turns : [];
    var run = { stopped: false, wake: null };
    this.demo = run;
    this.demoTitle.textContent = TEXT.demoLabel + ": " + String(demo.title || "");
    this.demoContext.textContent = String(demo.context || "");
    this.demoStatus.textContent = TEXT.demoStep(0, turns.length);
    this.demoPanel.hidden = false;
    this.addBubble("note", TEXT.demoStarted(String(demo.title || "")));

    var step = function (index) {
      if (run.stopped) { return Promise.resolve(false); }
      if (index >= turns.length) { return Promise.resolve(true); }
      var turn = turns[index] || {};
      if (turn.narrate) { self.addBubble("note", String(turn.narrate)); }
      return sleep(DEMO_STEP_DELAY_MS, run).then(function () {
        if (run.stopped) { return false; }
        self.demoStatus.textContent = TEXT.demoStep(index + 1, turns.length);
        var say = String(turn.say || "");
        return self.send(say, self.titleFor(say), true).then(function (sent) {
          if (!sent) { return false; }
          return step(index + 1);
        });
      });
    };

    return step(0).then(function (finished) {
      if (finished) {
        self.addBubble("note", TEXT.demoFinished);
        var points = el("ul", { "class": "pause-chat__points" });
        (Array.isArray(demo.learning_points) ? demo.learning_points : []).forEach(function (point) {
          points.appendChild(el("li", {}, String(point)));
        });
        self.log.lastElementChild.appendChild(points);
        self.scrollToEnd(points);
      }
      self.stopDemo(!finished);
    });
  };

  Widget.prototype.stopDemo = function (announce) {
    var run = this.demo;
    if (!run) { return; }
    var hadFocus = this.demoPanel.contains(document.activeElement);
    run.stopped = true;
    if (run.wake) { run.wake(); }
    this.demo = null;
    this.demoPanel.hidden = true;
    if (announce) { this.addBubble("note", TEXT.demoStopped); }
    if (hadFocus) { this.input.focus(); }
  };

  Widget.prototype.restart = function () {
    this.stopDemo(false);
    this.sender = storedSender(true);
    this.log.textContent = "";
    this.clearAlert();
    this.showEmpty();
    this.input.focus();
  };

  function start() {
    var roots = document.querySelectorAll("[data-pause-chat]");
    if (!roots.length) {
      var root = el("div", { "data-pause-chat": "" });
      document.body.appendChild(root);
      roots = [root];
    }
    if (!document.querySelector('link[data-pause-style], link[href$="widget.css"]')) {
      document.head.appendChild(el("link", { rel: "stylesheet", href: BASE + "widget.css", "data-pause-style": "" }));
    }
    Array.prototype.forEach.call(roots, function (root) {
      if (!root.pauseWidget) { root.pauseWidget = new Widget(root); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
