/* Explorer side panel: for a selected node, actions (expand, collapse, hide, pin) and its
 * properties; for the selected relationship, the sources cited for it (title, publisher,
 * date, link, Admiralty grade); for a selected actor, the roles assessments give it and their
 * sources (from /api/v1/actors/{id}); for a victim group, the threats and their sources (from
 * /api/v1/victim-groups/{id}/threats); for an event cluster, the datasets behind it.
 * Data text is always set as text. */
(function () {
  "use strict";
  var AKG = window.AKG, el = AKG.el;
  var title = document.getElementById("panel-title"), body = document.getElementById("panel-body");
  var prov = JSON.parse(document.getElementById("explorer-prov").textContent || "{}");
  var network = window.akgNetwork, explorer = window.akgExplorer;
  if (!network || !explorer || !body) return;

  function grade(s) {
    if (!s.reliability && (s.credibility === null || s.credibility === undefined)) return "ungraded";
    return (s.reliability || "?") + (s.credibility === null || s.credibility === undefined ? "?" : s.credibility);
  }
  function sourceItem(s) {
    var li = el("li", { "class": "panel-source" });
    li.appendChild(el("span", { "class": "grade", title: "Admiralty grade: reliability A–F, credibility 1–6" }, s.grade || grade(s)));
    li.appendChild(document.createTextNode(" "));
    li.appendChild(el("cite", {}, s.title || s.id));
    var rest = [s.publisher, s.date].filter(function (x) { return x; }).join(", ");
    if (rest) li.appendChild(document.createTextNode(", " + rest + "."));
    if (s.url && /^https?:\/\//.test(s.url)) {
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("a", { href: s.url, rel: "external noopener noreferrer", "class": "source-link" }, "link"));
    }
    return li;
  }
  function sourceList(sources) {
    if (!sources || !sources.length) return el("p", { "class": "empty no-sources" }, "No source is cited for this.");
    var ul = el("ul", { "class": "panel-sources" });
    sources.forEach(function (s) { ul.appendChild(sourceItem(s)); });
    return ul;
  }
  function show(heading, parts, loading) {
    title.textContent = heading;
    body.textContent = "";
    parts.forEach(function (p) { body.appendChild(p); });
    body.setAttribute("data-ready", loading ? "false" : "true");
  }
  function fetchJson(url) {
    return fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("the API answered " + r.status); return r.json(); });
  }
  function local(id) { return encodeURIComponent(id.split("/").slice(1).join("/")); }

  function showEdge(id) {
    current = null; asked = null;
    var e = explorer.edges.get(id);
    if (!e) return;
    var from = (explorer.nodes.get(e.from) || {}).name || e.from, to = (explorer.nodes.get(e.to) || {}).name || e.to;
    var parts = [el("p", {}, from + " — " + e.rtype + " → " + to + (e.confidence ? " (confidence: " + e.confidence + ")" : ""))];
    if (e.events) {
      parts.push(el("p", {}, e.events + " events from " + ((prov.datasets || []).join(", ") || "datasets")));
      if (prov.illustrative) parts.push(el("p", { "class": "badge unverified" }, "Illustrative data"));
    } else {
      parts.push(sourceList(e.sources));
    }
    parts.push(properties(e));
    show("Relationship", parts);
  }
  /* Expand / collapse / hide / pin for the selected node, and its properties (the tooltip's lines). */
  function actions(id) {
    var bar = el("p", { "class": "panel-actions" });
    function button(label, act, fn) {
      var b = el("button", { type: "button", "data-action": act }, label);
      b.addEventListener("click", function () { fn(); showNode(id, true); });
      bar.appendChild(b); bar.appendChild(document.createTextNode(" "));
    }
    if (id.split("/")[0] === "actor" && !explorer.isExpanded(id)) button("Expand", "expand", function () { explorer.expand(id); });
    if (explorer.isExpanded(id)) button("Collapse", "collapse", function () { explorer.collapse(id); });
    button("Hide", "hide", function () { explorer.hide(id); });
    button(explorer.isPinned(id) ? "Unpin" : "Pin", "pin", function () { explorer.pin(id); });
    return bar;
  }
  function properties(n) {
    var lines = String(n.title || "").split("\n").slice(1).filter(function (l) { return l.trim(); });
    var d = el("details", { "class": "panel-props" });
    d.appendChild(el("summary", {}, "Properties"));
    var ul = el("ul", {});
    lines.forEach(function (l) { ul.appendChild(el("li", {}, l)); });
    d.appendChild(ul);
    return d;
  }
  function withNode(id, parts) {
    var n = explorer.nodes.get(id);
    return n ? [actions(id), properties(n)].concat(parts) : parts;
  }

  // current: the node shown; asked: the last node request, whose answer alone is drawn (an
  // earlier one answering late would replace the panel of what was chosen since)
  var current = null, asked = null;
  document.getElementById("explorer-net").addEventListener("akg-expanded", function (ev) {
    if (current === ev.detail) showNode(ev.detail);  // its actions change: collapse instead of expand
  });

  function showNode(id) {
    current = id;
    var ticket = asked = {};
    function latest(draw) { return function (x) { if (asked === ticket) draw(x); }; }
    var n = explorer.nodes.get(id) || {};
    var name = n.name || id, kind = id.split("/")[0];
    if (!explorer.nodes.get(id)) { show(name, [el("p", { "class": "muted" }, "No longer shown (collapsed).")]); return; }
    if (kind === "actor") {
      show(name, withNode(id, [el("p", { "class": "muted" }, "Loading the roles assessments give it…")]), true);
      fetchJson("/api/v1/actors/" + local(id)).then(latest(function (a) {
        var parts = [];
        (a.role_claims || []).forEach(function (c) {
          parts.push(el("p", {}, (c.role || "named") + " — " + c.assessment.split("/").pop() + " (" + (c.status || "") + ", " + (c.date || "") + ")"));
          parts.push(sourceList(c.sources));
        });
        if (!parts.length) parts.push(el("p", { "class": "empty" }, "No assessment gives this actor a role."));
        show(name, withNode(id, parts));
      })).catch(latest(function (err) { show(name, [el("p", {}, "Could not load its sources: " + err.message)]); }));
    } else if (kind === "group") {
      show(name, withNode(id, [el("p", { "class": "muted" }, "Loading the threats against it…")]), true);
      fetchJson("/api/v1/victim-groups/" + local(id) + "/threats").then(latest(function (g) {
        var parts = [];
        (g.items || []).forEach(function (t) {
          parts.push(el("p", {}, "Threatened by " + (t.name || t.actor) + (t.confidence ? " (confidence: " + t.confidence + ")" : "")));
          parts.push(sourceList(t.sources));
        });
        if (!parts.length) parts.push(el("p", { "class": "empty" }, "No recorded threat."));
        show(name, withNode(id, parts));
      })).catch(latest(function (err) { show(name, [el("p", {}, "Could not load its sources: " + err.message)]); }));
    } else {
      var parts = [el("p", {}, name)];
      if ((prov.attribution || []).length) {
        var ul = el("ul", {});
        prov.attribution.forEach(function (line) { ul.appendChild(el("li", {}, line)); });
        parts.push(el("p", {}, "From: " + (prov.datasets || []).join(", ")));
        parts.push(ul);
      }
      if (prov.illustrative) parts.push(el("p", { "class": "badge unverified" }, "Illustrative data"));
      show(name, withNode(id, parts));
    }
  }
  network.on("click", function (p) {
    AKG.hideTooltip(document.getElementById("explorer-net"));
    if (p.nodes.length === 1 && network.isCluster(p.nodes[0])) return;  // it opens; nothing to show yet
    if (p.nodes.length === 1) showNode(p.nodes[0]);
    else if (p.edges.length === 1) showEdge(p.edges[0]);
  });
  window.akgPanel = { showNode: showNode, showEdge: showEdge };
})();
