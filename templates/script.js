// Notes and glossary terms open next to the text. Without this script every
// marker is a plain link to its endnote or glossary entry, and that still works.
(function () {
  "use strict";
  var open = null;

  function close(restoreFocus) {
    if (!open) return;
    var o = open;
    open = null;
    o.box.remove();
    o.trigger.setAttribute("aria-expanded", "false");
    document.querySelectorAll("mark.is-active").forEach(function (m) { m.classList.remove("is-active"); });
    if (restoreFocus) o.trigger.focus();
  }

  function contentFor(target) {
    var clone = target.cloneNode(true);
    clone.removeAttribute("id");
    clone.querySelectorAll("[id]").forEach(function (e) { e.removeAttribute("id"); });
    clone.querySelectorAll(".backlinks").forEach(function (e) { e.remove(); });
    return clone;
  }

  function show(trigger, source, label, noteId) {
    var wasOpen = open && open.trigger === trigger;
    close(false);
    if (wasOpen) return;
    var box = document.createElement("div");
    box.className = "popover";
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", label);
    box.tabIndex = -1;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "popover-close";
    button.setAttribute("aria-label", "Close");
    button.textContent = "×";
    button.addEventListener("click", function () { close(true); });
    box.appendChild(button);
    Array.prototype.forEach.call(source, function (node) { box.appendChild(contentFor(node)); });
    document.body.appendChild(box);
    var r = trigger.getBoundingClientRect();
    var width = box.offsetWidth;
    var left = Math.max(8, Math.min(r.left + window.scrollX - width / 2, document.documentElement.clientWidth - width - 8 + window.scrollX));
    box.style.left = left + "px";
    box.style.top = (r.bottom + window.scrollY + 6) + "px";
    trigger.setAttribute("aria-expanded", "true");
    if (noteId) {
      document.querySelectorAll('mark[data-note="' + noteId + '"]').forEach(function (m) { m.classList.add("is-active"); });
    }
    open = { box: box, trigger: trigger };
    box.focus();
  }

  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest('a[role="doc-noteref"], a[role="doc-glossref"]');
    if (a) {
      var id = a.getAttribute("href").slice(1);
      var target = document.getElementById(id);
      if (!target) return;
      event.preventDefault();
      if (a.getAttribute("role") === "doc-noteref") {
        show(a, [target], "Note " + a.textContent, a.dataset.note);
      } else {
        var dt = target.closest("dt");
        var dd = dt && dt.nextElementSibling;
        show(a, dd ? [dd] : [target], "Glossary: " + target.textContent, null);
      }
      return;
    }
    if (open && !open.box.contains(event.target)) close(false);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && open) {
      event.preventDefault();
      close(true);
    }
  });

  document.querySelectorAll('a[role="doc-noteref"], a[role="doc-glossref"]').forEach(function (a) {
    a.setAttribute("aria-haspopup", "dialog");
    a.setAttribute("aria-expanded", "false");
  });
})();
