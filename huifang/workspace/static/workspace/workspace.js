// Keyboard for the agent workspace: an agent making 80 calls a day keeps both hands on
// the keyboard. Letters act only when the cursor is not in a text field (Esc leaves one).
(function () {
  "use strict";

  function typing(event) {
    var el = event.target;
    var tag = el && el.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag === "INPUT") {
      var type = (el.getAttribute("type") || "text").toLowerCase();
      return ["radio", "checkbox", "button", "submit", "hidden"].indexOf(type) < 0;
    }
    return !!(el && el.isContentEditable);
  }

  function plain(event) {
    return !event.ctrlKey && !event.metaKey && !event.altKey;
  }

  function submit(form) {
    if (!form) return;
    if (form.requestSubmit) form.requestSubmit(); else form.submit();
  }

  // ---- the queue: j/k or arrows move, Enter opens, n takes the next one ----------------
  function queuePage(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr.queue-row"));
    var current = 0;
    function select(index) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(rows.length - 1, index));
      rows.forEach(function (row, i) { row.classList.toggle("table-active", i === current); });
      rows[current].focus();
    }
    rows.forEach(function (row, i) {
      row.addEventListener("focus", function () { current = i; select(i); });
      row.addEventListener("dblclick", function () { row.querySelector("button").click(); });
    });
    document.addEventListener("keydown", function (event) {
      if (typing(event) || !plain(event)) return;
      if (event.key === "j" || event.key === "ArrowDown") { select(current + 1); event.preventDefault(); }
      else if (event.key === "k" || event.key === "ArrowUp") { select(current - 1); event.preventDefault(); }
      else if (event.key === "Enter" && rows.length && event.target.tagName !== "BUTTON") {
        rows[current].querySelector("button").click(); event.preventDefault();
      }
      else if (event.key === "n") { submit(document.getElementById("claim-next")); event.preventDefault(); }
    });
    select(0);
  }

  // ---- one follow-up: digits pick a score or an option, y/n answer yes/no --------------
  function workPage(form) {
    var buffer = "";
    var bufferTimer = null;
    var current = null;

    function questions() {
      return Array.prototype.slice.call(form.querySelectorAll("fieldset.question"))
        .filter(function (f) { return !f.hidden; });
    }
    function answered(fieldset) {
      return !!fieldset.querySelector("input:checked") ||
        Array.prototype.some.call(fieldset.querySelectorAll("textarea"), function (t) { return t.value.trim() !== ""; });
    }
    function setCurrent(fieldset) {
      form.querySelectorAll("fieldset.question.current").forEach(function (f) { f.classList.remove("current"); });
      current = fieldset || null;
      if (current) {
        current.classList.add("current");
        current.scrollIntoView({ block: "nearest" });
        var text = current.querySelector("textarea");
        if (text) text.focus();
      }
    }
    function move(step) {
      var list = questions();
      var index = list.indexOf(current);
      setCurrent(list[Math.max(0, Math.min(list.length - 1, index + step))] || list[0]);
    }
    function firstOpen() {
      var list = questions();
      return list.filter(function (f) { return !answered(f); })[0] || list[0];
    }
    function pick(fieldset, value) {
      var input = fieldset.querySelector('input[value="' + value + '"]');
      if (!input) return false;
      if (input.type === "checkbox") input.checked = !input.checked; else input.checked = true;
      input.dispatchEvent(new Event("change", { bubbles: true }));
      return true;
    }
    function optionByNumber(fieldset, number) {
      var inputs = fieldset.querySelectorAll("input.btn-check");
      var input = inputs[number - 1];
      return input ? input.value : null;
    }
    function afterAnswer() {
      window.setTimeout(function () {
        if (current && current.dataset.kind !== "multiple") {
          var list = questions();
          var next = list[list.indexOf(current) + 1];
          if (next) setCurrent(next);
        }
      }, 0);
    }
    function digit(d) {
      if (!current) setCurrent(firstOpen());
      if (!current) return;
      var kind = current.dataset.kind;
      if (kind === "csat" || kind === "rating10" || kind === "nps") {
        var candidate = buffer + d;
        window.clearTimeout(bufferTimer);
        buffer = "";
        var longer = current.querySelector('input[value^="' + candidate + '"]:not([value="' + candidate + '"])');
        if (pick(current, candidate)) {
          if (longer) {
            // "1" may be the start of "10": wait a moment for a second digit.
            buffer = candidate;
            bufferTimer = window.setTimeout(function () { buffer = ""; afterAnswer(); }, 700);
          } else {
            afterAnswer();
          }
        }
      } else if (kind === "single" || kind === "multiple") {
        var value = optionByNumber(current, parseInt(d, 10));
        if (value !== null && pick(current, value)) afterAnswer();
      }
    }

    form.addEventListener("focusin", function (event) {
      var fieldset = event.target.closest && event.target.closest("fieldset.question");
      if (fieldset && fieldset !== current) {
        form.querySelectorAll("fieldset.question.current").forEach(function (f) { f.classList.remove("current"); });
        current = fieldset;
        current.classList.add("current");
      }
    });

    var suggestion = document.getElementById("use-suggestion");
    if (suggestion) {
      suggestion.addEventListener("click", function () {
        var input = document.querySelector("#busy-form input[type=datetime-local]");
        input.value = suggestion.dataset.value;
        input.focus();
      });
    }

    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { if (document.activeElement) document.activeElement.blur(); return; }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && form.contains(event.target)) {
        submit(form); event.preventDefault(); return;
      }
      if (typing(event) || !plain(event)) return;
      var key = event.key;
      if (/^[0-9]$/.test(key)) { digit(key); event.preventDefault(); return; }
      if ((key === "y" || key === "n") && current && current.dataset.kind === "yesno") {
        if (pick(current, key === "y" ? "yes" : "no")) afterAnswer();
        event.preventDefault(); return;
      }
      var actions = {
        j: function () { move(1); },
        ArrowDown: function () { move(1); },
        k: function () { move(-1); },
        ArrowUp: function () { move(-1); },
        c: function () { submit(form); },
        b: function () { var i = document.querySelector("#busy-form input[type=datetime-local]"); if (i) i.focus(); },
        u: function () { submit(document.getElementById("unreachable-form")); },
        r: function () { var r = document.querySelector("#refused-form input[type=radio]"); if (r) r.focus(); },
        p: function () { var t = document.querySelector("#problem-form textarea"); if (t) t.focus(); }
      };
      if (actions[key]) { actions[key](); event.preventDefault(); }
    });

    setCurrent(firstOpen());
    // A text question focused on load would swallow the shortcut keys: start outside it.
    if (document.activeElement && document.activeElement.tagName === "TEXTAREA") document.activeElement.blur();
  }

  var table = document.querySelector('[data-keyboard="queue"]');
  if (table) queuePage(table);
  var form = document.querySelector('form[data-keyboard="work"]');
  if (form && form.querySelector('#complete-button')) workPage(form);
})();
