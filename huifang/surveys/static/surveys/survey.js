// Show a question only after the answer it depends on (data-show-if / data-show-values).
// The server applies the same rule when answers are submitted; this only keeps the page
// in step while someone answers.
(function () {
  "use strict";

  function answersOf(form) {
    var answers = {};
    form.querySelectorAll("input:checked, textarea").forEach(function (input) {
      if (!input.name || input.name.endsWith("__present")) return;
      var value = input.value.trim();
      if (value === "") return;
      (answers[input.name] = answers[input.name] || []).push(value);
    });
    return answers;
  }

  function refresh(form) {
    var answers = answersOf(form);
    var shown = {};
    form.querySelectorAll("fieldset.question").forEach(function (fieldset) {
      var parent = fieldset.dataset.showIf;
      var visible = true;
      if (parent) {
        var wanted = (fieldset.dataset.showValues || "").split("|");
        var given = answers[parent] || [];
        visible = !!shown[parent] && given.some(function (v) { return wanted.indexOf(v) >= 0; });
      }
      fieldset.hidden = !visible;
      shown[fieldset.dataset.key] = visible;
    });
  }

  document.querySelectorAll("form.survey").forEach(function (form) {
    form.addEventListener("change", function () { refresh(form); });
    form.addEventListener("input", function () { refresh(form); });
    refresh(form);
  });
})();
