// The web chat page (/chat): sends what the person types or taps to the JSON API and draws the replies as bubbles.
// Plain ES2017 (WeChat's built-in browser included), no framework. The page's texts come from #chat-config.
// - Each message has a client id: a resend after a network failure (automatic, then the Retry button) carries the
//   same id, and the server answers it once (the same replies again).
// - Replies are appended at the end of the scrolling log: nothing above them moves. The first new reply is scrolled
//   into view (the urgent stop-now steps come first), the rest follow below it.
// - Only the newest quick replies can be tapped; older ones stay visible, disabled, the chosen one marked.
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("chat-config").textContent);
  var tx = config.texts;
  var log = $("log");
  var list = $("messages");
  var typing = $("typing");
  var input = $("text");
  var sendButton = $("send");
  var notice = $("notice");
  var retryButton = $("retry");
  var OPTION = /^[A-H][.．、)]\s*/;
  var URL = /https?:\/\/[^\s<>"“”（）()，。；]+/g;
  var pending = null; // the message being answered: {id, text, payload, node, disabled, tries, byKeyboard}

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function langAttr(lang) { return lang === "zh" ? "zh-CN" : "en"; }
  function guessLang(text) { return /[\u3400-\u9fff]/.test(text) ? "zh" : "en"; }
  function length(text) { return Array.from(text).length; } // characters as the server counts them

  function newId() {
    var bytes = new Uint8Array(16);
    var cryptoApi = window.crypto || window.msCrypto;
    if (cryptoApi && cryptoApi.getRandomValues) cryptoApi.getRandomValues(bytes);
    else for (var i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }

  // One message as a list item: who said it (for screen readers), the bubble, and its quick replies.
  function bubble(message, active) {
    var item = el("li", "msg " + (message.role === "user" ? "user" : "bot") + (message.urgent ? " urgent" : ""));
    item.lang = langAttr(message.lang || guessLang(message.text || ""));
    var who = el("span", "sr-only", (message.role === "user" ? tx.you : tx.assistant) + ": ");
    who.lang = langAttr(config.lang);
    item.appendChild(who);
    var box = el("div", "bubble");
    if (message.urgent) {
      var tag = el("span", "tag", tx.urgent);
      tag.lang = langAttr(config.lang);
      box.appendChild(tag);
      box.appendChild(document.createElement("br"));
    }
    box.appendChild(message.role === "user" ? el("span", "text", message.text || "") : linked(message.text || ""));
    item.appendChild(box);
    var buttons = message.buttons || [];
    if (buttons.length) {
      var options = buttons.some(function (b) { return OPTION.test(b.title) || length(b.title) > 18; });
      var group = el("div", "choices" + (options ? " options" : ""));
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", tx.choices);
      buttons.forEach(function (b) {
        var button = el("button", "choice", b.title);
        button.type = "button";
        button.setAttribute("data-payload", b.payload);
        button.disabled = !active;
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    return item;
  }

  // The assistant's text with its web addresses as links (never a person's: a pasted scam link stays plain text).
  function linked(text) {
    var span = el("span", "text");
    var at = 0;
    text.replace(URL, function (found, offset) {
      var address = found.replace(/[.,;:!?)\]）。，；：！？]+$/, "");
      span.appendChild(document.createTextNode(text.slice(at, offset)));
      var link = el("a", "", address);
      link.href = address;
      link.rel = "noopener noreferrer";
      link.target = "_blank";
      span.appendChild(link);
      at = offset + address.length;
      return found;
    });
    span.appendChild(document.createTextNode(text.slice(at)));
    return span;
  }

  // The quick replies of earlier messages can no longer be tapped (the starters at the top always can).
  function deactivate(chosen) {
    var buttons = list.querySelectorAll(".msg:not(.intro) .choice:not([disabled])");
    var turnedOff = [];
    Array.prototype.forEach.call(buttons, function (b) {
      b.disabled = true;
      turnedOff.push(b);
    });
    if (chosen) chosen.classList.add("chosen");
    return turnedOff;
  }

  function atBottom() { log.scrollTop = log.scrollHeight; }

  function reveal(first) {
    if (!first) return atBottom();
    var below = log.scrollHeight - first.offsetTop;
    if (below > log.clientHeight) log.scrollTop = Math.max(0, first.offsetTop - 8);
    else atBottom();
  }

  function showNotice(text, canRetry) {
    $("notice-text").textContent = text;
    retryButton.hidden = !canRetry;
    notice.hidden = false;
  }
  function hideNotice() { notice.hidden = true; }

  function setBusy(on) {
    sendButton.setAttribute("aria-disabled", on ? "true" : "false");
    typing.hidden = !on;
    if (on) atBottom();
  }

  function submit(text, payload, chosen, byKeyboard) {
    if (pending) return showNotice(tx.busy, false);
    text = text.trim();
    if (!text) return showNotice(tx.empty, false);
    if (length(text) > config.max_chars) return showNotice(tx.too_long, false);
    hideNotice();
    var node = bubble({ role: "user", text: text });
    node.classList.add("pending");
    list.appendChild(node);
    pending = {
      id: newId(), text: text, payload: payload || null, node: node, typed: !payload, tries: 0,
      disabled: deactivate(chosen), byKeyboard: byKeyboard,
    };
    deliver();
  }

  function deliver() {
    var message = pending;
    setBusy(true);
    hideNotice();
    var body = { id: message.id, text: message.text, lang: config.lang };
    if (message.payload) body.payload = message.payload;
    fetch(config.send_url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" }, body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(
        function (data) { return { status: response.status, data: data }; },
        function () { return { status: response.status, data: {} }; }
      );
    }).then(function (answer) {
      if (answer.status === 200) return answered(answer.data.replies || []);
      if (answer.status === 409) return later(message, 700); // the same id is still being answered
      if (answer.status >= 500) return failed(answer.data.error || tx.unavailable);
      refused(answer.data.error || tx.bad_request);
    }, function () {
      message.tries += 1;
      if (message.tries < 3) return later(message, 600 * message.tries);
      failed(tx.offline);
    });
  }

  function later(message, ms) { setTimeout(function () { if (pending === message) deliver(); }, ms); }

  function answered(replies) {
    var message = pending;
    pending = null;
    setBusy(false);
    message.node.classList.remove("pending");
    var first = null;
    replies.forEach(function (reply) {
      var node = bubble({ role: "bot", text: reply.text, buttons: reply.buttons, urgent: reply.urgent, lang: reply.lang }, true);
      list.appendChild(node);
      if (!first) first = node;
    });
    reveal(first);
    if (message.byKeyboard || document.activeElement === document.body || !document.activeElement) {
      var next = first && list.querySelector(".msg:last-child .choice:not([disabled])");
      (next || input).focus();
    }
  }

  // Not sent (empty, too long, too many, bad): the message goes back into the box, its bubble away.
  function refused(text) {
    var message = pending;
    pending = null;
    setBusy(false);
    message.node.parentNode.removeChild(message.node);
    message.disabled.forEach(function (b) { b.disabled = false; b.classList.remove("chosen"); });
    if (message.typed && !input.value) input.value = message.text;
    showNotice(text, false);
  }

  // The server or the network failed: the message stays, the Retry button sends it again with the same id.
  function failed(text) {
    setBusy(false);
    showNotice(text, true);
  }

  retryButton.addEventListener("click", function () {
    if (pending) { pending.tries = 0; deliver(); }
    input.focus();
  });

  $("composer").addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = input.value;
    if (!pending && typed.trim() && length(typed.trim()) <= config.max_chars) input.value = "";
    submit(typed, null, null, false);
  });

  input.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter is a new line; an input method composing Chinese uses Enter itself.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      $("composer").dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  list.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.choice") : null;
    if (!button || button.disabled) return;
    submit(button.textContent, button.getAttribute("data-payload"), button, event.detail === 0);
  });

  // The conversation so far (a reload keeps it): the newest quick replies stay active.
  function history() {
    fetch(config.history_url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { messages: [] }; })
      .then(function (data) {
        var messages = data.messages || [];
        var lastUser = -1;
        messages.forEach(function (m, i) { if (m.role === "user") lastUser = i; });
        messages.forEach(function (m, i) { list.appendChild(bubble(m, i > lastUser)); });
      }, function () { /* an empty log: the intro is there */ })
      .then(function () {
        log.setAttribute("aria-busy", "false");
        atBottom();
      });
  }

  history();
})();
