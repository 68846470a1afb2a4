// Keyboard shortcuts: j/k next/previous, c confirm, x not a goal / false item, e edit, a add from selection,
// Ctrl+Enter save, Esc leaves a field. Plain script, no build step; the pages work without it.
(function () {
  "use strict";
  function typing(el) { return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT"); }
  function go(id) { var a = document.getElementById(id); if (a) { window.location.href = a.href; } }
  function submit(id) { var f = document.getElementById(id); if (f) { f.requestSubmit ? f.requestSubmit() : f.submit(); } }
  // scroll the source panel so the marked lines are in view, a little below its top
  var img = document.getElementById("page-img");
  function toMark() {
    var share = parseFloat(img.dataset.markTop), panel = img.closest(".source");
    if (!isNaN(share) && panel) { panel.scrollTop = Math.max(0, img.offsetTop + share * img.clientHeight - 140); }
  }
  if (img) { if (img.complete) { toMark(); } else { img.addEventListener("load", toMark); } }
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tr.row"));
  var sel = -1;
  function select(i) {
    if (!rows.length) { return; }
    if (sel >= 0) { rows[sel].classList.remove("sel"); }
    sel = Math.max(0, Math.min(rows.length - 1, i));
    rows[sel].classList.add("sel");
    rows[sel].scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (r) {
    r.addEventListener("click", function (e) { if (e.target.tagName !== "A") { window.location.href = r.dataset.href; } });
  });
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && t.form && t.form.id === "edit-form") { e.preventDefault(); submit("edit-form"); return; }
    if (e.key === "Escape" && typing(t)) { t.blur(); return; }
    if (typing(t) || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (rows.length) {
      // past the page's last (first) row: the next (previous) page of the queue
      if (e.key === "j") { if (sel === rows.length - 1 && document.getElementById("next-page")) { go("next-page"); } else { select(sel + 1); } }
      else if (e.key === "k") { if (sel === 0 && document.getElementById("prev-page")) { go("prev-page"); } else { select(sel - 1); } }
      else if (e.key === "Enter" && sel >= 0) { window.location.href = rows[sel].dataset.href; }
      return;
    }
    if (e.key === "j" || e.key === "n") { go("next"); }
    else if (e.key === "k" || e.key === "p") { go("prev"); }
    else if (e.key === "c") { submit("confirm-form"); }
    else if (e.key === "x") { submit("notgoal-form"); }
    else if (e.key === "e") { e.preventDefault(); var f = document.getElementById("f-text"); if (f) { f.focus(); } }
    else if (e.key === "a") {
      var d = document.getElementById("add-goal"); if (!d) { return; }
      e.preventDefault(); d.open = true;
      var s = String(window.getSelection() || "").trim(), box = document.getElementById("add-text");
      if (s) { box.value = s; } box.focus();
    }
  });
})();
