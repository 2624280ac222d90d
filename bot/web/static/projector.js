// The projector page: renders the session's view (JSON) and follows the live stream (server-sent events).
// The server sends the whole view on every change; this file only draws it. Texts come from the page (#texts).
(function () {
  "use strict";
  var LETTERS = "ABCDEFGH";
  var tx = JSON.parse(document.getElementById("texts").textContent);
  var state = JSON.parse(document.getElementById("state").textContent);
  var offset = 0; // server clock minus this browser's clock, in ms
  var ticker = null;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function show(id, on) { $(id).hidden = !on; }

  function score(row) {
    return state.mode === "accuracy" ? row.right + " " + tx.right_count : row.points + " " + tx.points;
  }

  function board(list, rows) {
    clear(list);
    rows.forEach(function (row) {
      var item = el("li", "row");
      item.appendChild(el("span", "rank", row.rank));
      item.appendChild(el("span", "name", row.name));
      item.appendChild(el("span", "pts", score(row)));
      list.appendChild(item);
    });
  }

  function lobby() {
    var names = clear($("members"));
    state.members.forEach(function (name) { names.appendChild(el("li", "", name)); });
    $("member-count").textContent = state.members.length;
  }

  function number(position) { return tx.question + " " + (position + 1) + " / " + state.size; }

  function question() {
    $("q-number").textContent = number(state.position);
    $("prompt").textContent = state.prompt || "";
    var list = clear($("options"));
    state.options.forEach(function (text, i) {
      var item = el("li", "option o" + i);
      item.appendChild(el("span", "letter", LETTERS[i]));
      item.appendChild(el("span", "text", text));
      list.appendChild(item);
    });
    $("answered-count").textContent = state.answered;
    $("answered-of").textContent = state.members.length;
    countdown();
  }

  function countdown() {
    var left = null;
    if (state.phase === "paused" && state.remaining_ms !== null) left = state.remaining_ms;
    else if (state.phase === "question" && state.closes_at_ms !== null) left = state.closes_at_ms - (Date.now() + offset);
    var node = $("countdown");
    if (left === null) { node.textContent = ""; return; }
    var seconds = Math.max(0, Math.ceil(left / 1000));
    node.textContent = seconds;
    node.classList.toggle("low", seconds <= 5);
  }

  function reveal() {
    var r = state.reveal;
    $("r-number").textContent = number(r.position);
    $("r-prompt").textContent = r.prompt || state.prompt || "";
    $("r-answered").textContent = r.answered;
    $("r-members").textContent = r.members;
    var most = Math.max.apply(null, r.counts.concat([1]));
    var list = clear($("bars"));
    r.options.forEach(function (text, i) {
      var right = r.right.indexOf(i) >= 0;
      var item = el("li", "bar o" + i + (right ? " right" : " wrong") + (r.misconception === i ? " misconception" : ""));
      item.appendChild(el("span", "letter", right ? "\u2713" : LETTERS[i]));
      item.appendChild(el("span", "text", text));
      var fill = el("span", "fill");
      fill.style.width = Math.round((100 * r.counts[i]) / most) + "%";
      var track = el("span", "track");
      track.appendChild(fill);
      item.appendChild(track);
      item.appendChild(el("span", "n", r.counts[i]));
      list.appendChild(item);
    });
    $("teaching").textContent = r.explanation;
    show("top-box", state.show_leaderboard && r.top.length > 0);
    board($("top"), r.top);
  }

  function podium() {
    var steps = clear($("podium-steps"));
    // Only those who scored stand on the podium (a 0 in third place would read as a prize for nothing).
    var rows = state.podium.filter(function (row) { return row.points > 0; });
    [1, 0, 2].forEach(function (i) {
      var row = rows[i];
      if (!row) return;
      var step = el("div", "step place" + (i + 1));
      step.appendChild(el("div", "name", row.name));
      step.appendChild(el("div", "pts", score(row)));
      step.appendChild(el("div", "block", row.rank));
      steps.appendChild(step);
    });
    board($("rest"), state.top.filter(function (row) { return row.rank > 3; }).slice(0, 7));
    show("no-scores", rows.length === 0);
    show("podium-steps", state.show_leaderboard && rows.length > 0);
  }

  function render() {
    var phase = state.phase;
    var inQuestion = phase === "question" || (phase === "paused" && !state.reveal && state.prompt !== null);
    var inReveal = phase === "reveal" || (phase === "paused" && !!state.reveal);
    document.body.className = "projector phase-" + phase;
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    show("lobby", phase === "lobby" || (phase === "paused" && !inQuestion && !inReveal));
    show("question", inQuestion);
    show("reveal", inReveal);
    show("podium", phase === "ended");
    show("paused-banner", phase === "paused");
    $("class-name").textContent = state.class_name;
    lobby();
    if (inQuestion) question();
    if (inReveal) reveal();
    if (phase === "ended") podium();
  }

  function receive(next) {
    state = next;
    offset = next.server_ms - Date.now();
    render();
  }

  receive(state);
  ticker = setInterval(countdown, 200);

  var src = $("events").getAttribute("data-src") + window.location.search;
  if (state.phase !== "ended" && window.EventSource) {
    var stream = new EventSource(src);
    stream.addEventListener("view", function (event) {
      show("status", false);
      receive(JSON.parse(event.data));
      if (state.phase === "ended") { stream.close(); clearInterval(ticker); }
    });
    stream.addEventListener("open", function () { show("status", false); });
    stream.addEventListener("error", function () { if (state.phase !== "ended") show("status", true); });
  }
})();
