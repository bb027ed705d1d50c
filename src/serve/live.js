// briefing serve's live reload: put into served pages only, never into public/.
// It listens to the server's event stream; when the site was rebuilt it reloads
// the page, and when a rebuild failed it shows the located errors over the last
// good version of the page until the next successful rebuild.
(function () {
  "use strict";
  var script = document.currentScript;
  var shown = script ? script.getAttribute("data-build") || "" : "";
  var source = null;
  var overlay = null;
  var dismissed = null;

  function connect() {
    if (source || document.hidden) return;
    source = new EventSource("/__briefing/events");
    source.addEventListener("state", function (event) {
      var state;
      try {
        state = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (state.build && state.build !== shown) {
        location.reload();
      } else if (state.ok) {
        hide();
      } else {
        show(state);
      }
    });
  }

  // A hidden tab lets go of its connection (browsers allow few per server) and
  // catches up when it is shown again: the first event says whether to reload.
  function disconnect() {
    if (source) {
      source.close();
      source = null;
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) disconnect();
    else connect();
  });

  function hide() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function element(tag, style, text) {
    var e = document.createElement(tag);
    Object.keys(style).forEach(function (k) {
      e.style[k] = style[k];
    });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function show(state) {
    if (dismissed === state.generation) return;
    hide();
    overlay = element("div", {
      position: "fixed", inset: "0", zIndex: "2147483647", overflow: "auto",
      background: "rgba(20, 20, 24, 0.88)", padding: "4vh 4vw", boxSizing: "border-box"
    });
    overlay.id = "briefing-overlay";
    overlay.setAttribute("role", "alert");
    var panel = element("div", {
      maxWidth: "60rem", margin: "0 auto", background: "#1e1e24", color: "#f2f2f2",
      border: "2px solid #e5484d", borderRadius: "6px", padding: "1.25rem 1.5rem",
      font: "15px/1.45 system-ui, sans-serif", boxShadow: "0 8px 32px rgba(0,0,0,.5)"
    });
    var title = element("h2", { margin: "0 0 .25rem", font: "600 1.25rem system-ui, sans-serif", color: "#ff8589" },
      "Rebuild failed: " + state.errors + (state.errors === 1 ? " error" : " errors"));
    var note = element("p", { margin: "0 0 1rem", color: "#c8c8d0" },
      shown ? "This is the last good version of the page. Fix the file and save: the page reloads by itself."
            : "The site could not be built yet. Fix the file and save: the page reloads by itself.");
    var errors = element("pre", {
      margin: "0", padding: "1rem", background: "#111114", borderRadius: "4px", overflow: "auto",
      font: "13px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", whiteSpace: "pre-wrap", overflowWrap: "anywhere", color: "#f2f2f2"
    }, state.text);
    var close = element("button", {
      float: "right", font: "inherit", background: "transparent", color: "#f2f2f2",
      border: "1px solid #666", borderRadius: "4px", padding: ".2rem .6rem", cursor: "pointer"
    }, "Dismiss");
    close.type = "button";
    close.addEventListener("click", function () {
      dismissed = state.generation;
      hide();
    });
    panel.appendChild(close);
    panel.appendChild(title);
    panel.appendChild(note);
    panel.appendChild(errors);
    overlay.appendChild(panel);
    document.body.appendChild(overlay);
  }

  connect();
})();
