/* Network explorer: click an actor to expand its neighbours through the API; collapse, hide, pin
 * and back (undo the last expansion); filter by relationship type and confidence (nodes left
 * without a shown relationship are hidden too); show a path; export PNG, SVG, GraphML and GEXF.
 * The time slider reloads the page with ?as_of= (relationships valid that day, events in the year up to it).
 * Requests go to this server only (/api/v1 and /viz/data). Data text is set as text. */
(function () {
  "use strict";
  var AKG = window.AKG, el = AKG.el;
  var data = JSON.parse(document.getElementById("explorer-data").textContent);
  var styles = JSON.parse(document.getElementById("explorer-styles").textContent);
  var box = document.getElementById("explorer-net");
  var status = document.getElementById("explorer-status");
  var legendBox = document.getElementById("explorer-legend");
  AKG.renderLegend(legendBox, data.legend || {});
  if (!(data.nodes || []).length) { box.textContent = data.empty_message; window.akgReady = true; return; }
  var drawn = AKG.draw(box, data, { status: status, onReady: refreshControls });
  var nodes = drawn.nodes, edges = drawn.edges, network = drawn.network;
  // loading[id]: the expansion of id whose neighbours are on their way (a token; collapsing or
  // removing id drops it, and an answer whose token is gone is ignored)
  var expanded = {}, loading = {}, history = [], userHidden = {}, pinned = {};
  var backButton = document.getElementById("history-back"), showHidden = document.getElementById("show-hidden");
  var centre = data.nodes.filter(function (n) { return n.borderWidth === 4; }).map(function (n) { return n.id; })[0];
  expanded[centre] = true;
  var confRank = {}; styles.confidence.forEach(function (c, i) { confRank[c] = i; });

  function classOf(id) { return styles.prefixes[id.split("/")[0]] || ""; }
  function say(text) { status.textContent = text; }

  function edgeFor(r) {
    var st = styles.relationships[r.type] || { colour: "#888", label: r.type };
    var cs = (styles.confidence_styles || {})[r.confidence];  // from viz/style.py, like the first drawing
    var dashes = cs ? cs.dashes : false, width = cs ? cs.width : 1.6;
    var title = (r.source_name || r.source) + " — " + st.label + " → " + (r.target_name || r.target);
    if (r.confidence) title += "\nconfidence: " + r.confidence;
    if (r.lever) title += "\nlever: " + r.lever;
    var cited = (r.sources || []).filter(function (x) { return x && typeof x === "object"; });
    if (cited.length) title += "\nsources: " + cited.map(function (x) {
      var grade = x.grade || (x.reliability || x.credibility !== undefined && x.credibility !== null
        ? (x.reliability || "?") + (x.credibility === undefined || x.credibility === null ? "?" : x.credibility) : "ungraded");
      return (x.title || x.id) + " (" + grade + ")";
    }).join("; ");
    return { id: r.source + "|" + r.type + "|" + r.target, from: r.source, to: r.target, rtype: r.type,
             confidence: r.confidence || "", title: title, arrows: "to", dashes: dashes, width: width,
             sources: r.sources || [],
             color: { color: st.colour, highlight: st.colour, hover: st.colour, opacity: 0.9 } };
  }
  function plainNode(n) {
    var cls = classOf(n.id), st = styles.classes[cls] || { colour: "#999", shape: "dot", label: cls };
    return { id: n.id, label: n.name || n.id, name: n.name || n.id, cls: cls, role: "", shape: st.shape,
             title: (n.name || n.id) + "\n" + st.label + "\nid: " + n.id, size: 14,
             color: { background: st.colour, border: "#fff", hover: { background: st.colour, border: "#000" },
                      highlight: { background: st.colour, border: "#000" } } };
  }

  function expand(id) {
    if (classOf(id) !== "Actor") { say("Only actors can be expanded; " + id + " is a " + (classOf(id) || "node") + "."); return; }
    if (expanded[id]) { say("Already expanded: " + (nodes.get(id) || {}).name); return; }
    if (loading[id]) { say("Still loading the neighbours of " + ((nodes.get(id) || {}).name || id) + "…"); return; }
    var ticket = loading[id] = {};
    say("Loading neighbours…");
    fetch("/api/v1/actors/" + encodeURIComponent(id.split("/").slice(1).join("/")) + "/network?depth=1",
          { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error("the API answered " + r.status); return r.json(); })
      .then(function (net) {
        if (loading[id] !== ticket) return;  // collapsed or removed while its neighbours were on their way
        delete loading[id];
        expanded[id] = true;
        var before = nodes.length;
        var names = {}; (net.nodes || []).forEach(function (n) { names[n.id] = n.name; });
        var fresh = (net.nodes || []).filter(function (n) { return !nodes.get(n.id); });
        var at = network.getPositions([id])[id] || { x: 0, y: 0 };
        nodes.add(fresh.map(function (n, i) {
          var node = plainNode(n), angle = 2 * Math.PI * i / Math.max(fresh.length, 1);
          node.x = at.x + 170 * Math.cos(angle); node.y = at.y + 170 * Math.sin(angle);
          return node;
        }));
        var newEdges = [];
        (net.relationships || []).forEach(function (r) {
          r.source_name = names[r.source]; r.target_name = names[r.target];
          var e = edgeFor(r); if (!edges.get(e.id)) { edges.add(e); newEdges.push(e.id); }
        });
        var added = nodes.length - before;
        history.push({ id: id, nodes: fresh.map(function (n) { return n.id; }), edges: newEdges });
        backButton.disabled = false;
        box.dispatchEvent(new CustomEvent("akg-expanded", { detail: id }));
        say("Added " + added + " node(s) around " + (names[id] || id) + ". " + nodes.length + " nodes, " + edges.length + " relationships.");
        box.setAttribute("data-nodes", String(nodes.length));
        refreshControls();
        if (!fresh.length) return;
        function layout() {  // restyled first (whole names wrapped), then laid out and made legible
          network.setOptions({ physics: { enabled: true } });
          network.stabilize(80);
          network.once("stabilized", function () {
            network.setOptions({ physics: { enabled: false } });
            AKG.legible(network, function () { box.setAttribute("data-laid-out", String(nodes.length)); });
          });
        }
        var q = "ids=" + fresh.map(function (n) { return encodeURIComponent(n.id); }).join(",");
        return fetch("/viz/data/nodes?" + q).then(function (r) { return r.ok ? r.json() : []; })
          .catch(function () { return []; }).then(function (styled) {
            // DataSet.update adds the ids it does not hold: restyle only the nodes still shown (a
            // collapse or back may have removed them while their styles were on their way)
            styled = styled.filter(function (n) { return nodes.get(n.id); });
            if (!styled.length) return;
            nodes.update(styled.map(function (n) {
              var known = nodes.get(n.id);
              delete n.x; delete n.y; delete n.size; delete n.font;  // the layout sizes the labels
              if (known && n.name === n.id) { n.name = known.name; n.label = known.label; }
              return n;
            }));
            refreshLegend();
            layout();
          });
      })
      .catch(function (err) { if (loading[id] === ticket) delete loading[id]; say("Could not expand: " + err.message); });
  }
  network.on("click", function (p) {  // a cluster opens (drawing script); an actor expands
    if (p.nodes.length === 1 && !network.isCluster(p.nodes[0])) expand(p.nodes[0]);
  });
  network.on("doubleClick", function (p) {
    if (p.nodes.length === 1 && classOf(p.nodes[0]) === "Actor")
      window.location.href = "/explorer?actor=" + encodeURIComponent(p.nodes[0]);
  });

  function refreshLegend() {
    var leg = JSON.parse(JSON.stringify(data.legend || {}));
    var seenN = {}, seenE = {};
    (leg.nodes || []).forEach(function (n) { seenN[n.label] = 1; });
    (leg.edges || []).forEach(function (e) { seenE[e.label] = 1; });
    nodes.forEach(function (n) {
      var st = n.role ? styles.roles[n.role] : styles.classes[n.cls];
      if (st && !seenN[st.label]) { seenN[st.label] = 1; leg.nodes.push({ label: st.label, colour: st.colour, shape: st.shape }); }
    });
    edges.forEach(function (e) {
      var st = styles.relationships[e.rtype];
      if (st && !seenE[st.label]) { seenE[st.label] = 1; leg.edges.push({ label: st.label, colour: st.colour }); }
    });
    AKG.renderLegend(legendBox, leg);
  }

  /* Analytics: colour by community, highlight brokers (computed by the server for the first drawing) */
  var meta = data.meta || {}, communityOf = meta.communities || {}, brokerScore = meta.brokers || {};
  var palette = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"];
  var original = {};
  nodes.forEach(function (n) { original[n.id] = { color: n.color, borderWidth: n.borderWidth, size: n.size }; });
  var byCommunity = document.getElementById("by-community");
  var showBrokers = document.getElementById("show-brokers");
  function applyAnalytics() {
    nodes.update(nodes.get().map(function (n) {
      var o = original[n.id] || { color: n.color, borderWidth: n.borderWidth, size: n.size };
      var out = { id: n.id, color: o.color, borderWidth: o.borderWidth, size: o.size };
      if (byCommunity.checked) {
        var c = communityOf[n.id];
        var colour = c === undefined ? "#dddddd" : palette[c % palette.length];
        out.color = { background: colour, border: "#333", highlight: { background: colour, border: "#000" },
                      hover: { background: colour, border: "#000" } };
        out.group = undefined;
      }
      if (showBrokers.checked && brokerScore[n.id] !== undefined) {
        out.borderWidth = 6; out.size = (o.size || 16) * 1.6;
        out.color = Object.assign({}, typeof out.color === "object" ? out.color : {}, { border: "#000" });
      }
      return out;
    }));
    var groups = {}; Object.keys(communityOf).forEach(function (k) { groups[communityOf[k]] = 1; });
    var brokers = Object.keys(brokerScore).map(function (k) { return (nodes.get(k) || {}).name || k; });
    say((byCommunity.checked ? Object.keys(groups).length + " communities. " : "") +
        (showBrokers.checked ? (brokers.length ? "Brokers: " + brokers.join(", ") + "." : "No broker: no node lies between others.") : ""));
    box.setAttribute("data-communities", byCommunity.checked ? String(Object.keys(groups).length) : "");
    box.setAttribute("data-brokers", showBrokers.checked ? String(brokers.length) : "");
  }
  byCommunity.addEventListener("change", applyAnalytics);
  showBrokers.addEventListener("change", applyAnalytics);

  /* Filters */
  var typeBox = document.getElementById("type-filters");
  var minConf = document.getElementById("min-conf");
  function refreshControls() {
    var types = {};
    edges.forEach(function (e) { types[e.rtype] = 1; });
    Object.keys(types).sort().forEach(function (t) {
      if (typeBox.querySelector('input[value="' + CSS.escape(t) + '"]')) return;
      var id = "t-" + t, label = el("label", { "for": id });
      var cb = el("input", { type: "checkbox", id: id, value: t }); cb.checked = true;
      cb.addEventListener("change", applyFilters);
      label.appendChild(cb);
      label.appendChild(document.createTextNode(" " + ((styles.relationships[t] || {}).label || t)));
      typeBox.appendChild(label);
    });
    ["path-a", "path-b"].forEach(function (sid) {
      var sel = document.getElementById(sid), keep = sel.value;
      sel.textContent = "";
      nodes.get({ order: "name" }).forEach(function (n) { sel.appendChild(el("option", { value: n.id }, n.name || n.id)); });
      if (keep) sel.value = keep;
      else if (sid === "path-a" && centre) sel.value = centre;
      else if (sid === "path-b") {
        var groups = nodes.get({ filter: function (n) { return n.cls && n.cls !== "Actor" && n.cls.indexOf("cluster") < 0 && n.id !== centre; } });
        if (groups.length) sel.value = groups[0].id;
      }
    });
    applyFilters();
  }
  function visible(e) {
    var cb = typeBox.querySelector('input[value="' + CSS.escape(e.rtype) + '"]');
    if (cb && !cb.checked) return false;
    if (minConf.value && (confRank[e.confidence] === undefined || confRank[e.confidence] > confRank[minConf.value])) return false;
    return true;
  }
  /* Relationships hidden by the filters, or touching a hidden node, are hidden; so is every node
   * left without a shown relationship (except the actor at the centre). */
  function applyFilters() {
    var touched = {};
    edges.update(edges.get().map(function (e) {
      var shown = visible(e) && !userHidden[e.from] && !userHidden[e.to];
      if (shown) { touched[e.from] = true; touched[e.to] = true; }
      return { id: e.id, hidden: !shown };
    }));
    var orphans = 0;
    nodes.update(nodes.get().map(function (n) {
      var orphan = !touched[n.id] && n.id !== centre && !userHidden[n.id];
      if (orphan) orphans += 1;
      return { id: n.id, hidden: !!userHidden[n.id] || orphan };
    }));
    var hiddenCount = Object.keys(userHidden).length;
    box.setAttribute("data-orphans", String(orphans));
    box.setAttribute("data-hidden", String(hiddenCount));
    showHidden.disabled = !hiddenCount;
    showHidden.textContent = "Show hidden" + (hiddenCount ? " (" + hiddenCount + ")" : "");
  }

  /* Actions of the side panel, and back (undo the last expansion). */
  function collapse(id) {
    var mine = history.filter(function (h) { return h.id === id; });
    if (!mine.length && loading[id]) {
      delete loading[id];
      say("Stopped loading the neighbours of " + ((nodes.get(id) || {}).name || id) + ".");
      return true;
    }
    if (!mine.length) { say("Nothing to collapse: " + ((nodes.get(id) || {}).name || id) + " was not expanded here."); return false; }
    mine.forEach(function (h) {
      h.nodes.forEach(function (n) { if (expanded[n]) collapse(n); });
      edges.remove(h.edges.filter(function (e) { return edges.get(e); }));
      var gone = h.nodes.filter(function (n) { return n !== centre && nodes.get(n); });
      gone.forEach(function (n) { delete loading[n]; });
      edges.remove(edges.get({ filter: function (e) { return gone.indexOf(e.from) >= 0 || gone.indexOf(e.to) >= 0; } }).map(function (e) { return e.id; }));
      nodes.remove(gone);
    });
    history = history.filter(function (h) { return h.id !== id; });
    delete expanded[id];
    backButton.disabled = !history.length;
    box.setAttribute("data-nodes", String(nodes.length));
    say("Collapsed " + ((nodes.get(id) || {}).name || id) + ". " + nodes.length + " nodes, " + edges.length + " relationships.");
    refreshControls();
    return true;
  }
  function back() { if (history.length) collapse(history[history.length - 1].id); }
  function hide(id) {
    if (id === centre) { say("The actor at the centre stays shown."); return; }
    userHidden[id] = true; applyFilters();
    say("Hid " + ((nodes.get(id) || {}).name || id) + ". “Show hidden” brings it back.");
  }
  function pin(id) {
    if (!nodes.get(id)) return false;  // collapsed meanwhile: update would add it back, alone
    pinned[id] = !pinned[id];
    nodes.update({ id: id, fixed: pinned[id], shapeProperties: { borderDashes: pinned[id] ? [4, 3] : false } });
    say((pinned[id] ? "Pinned " : "Unpinned ") + ((nodes.get(id) || {}).name || id) + (pinned[id] ? ": it stays where it is." : "."));
    return pinned[id];
  }
  backButton.addEventListener("click", back);
  showHidden.addEventListener("click", function () { userHidden = {}; applyFilters(); });
  minConf.addEventListener("change", applyFilters);

  /* Path: breadth-first over visible relationships, either direction */
  document.getElementById("path-go").addEventListener("click", function () {
    var a = document.getElementById("path-a").value, b = document.getElementById("path-b").value;
    var adj = {};
    edges.get().filter(function (e) { return !e.hidden; }).forEach(function (e) {
      (adj[e.from] = adj[e.from] || []).push([e.to, e.id]);
      (adj[e.to] = adj[e.to] || []).push([e.from, e.id]);
    });
    var prev = {}; prev[a] = null; var queue = [a];
    while (queue.length) {
      var n = queue.shift(); if (n === b) break;
      (adj[n] || []).forEach(function (x) { if (!(x[0] in prev)) { prev[x[0]] = [n, x[1]]; queue.push(x[0]); } });
    }
    if (!(b in prev) || a === b) { say("No path between them among the relationships shown."); network.unselectAll(); return; }
    var pathNodes = [b], pathEdges = [], cur = b;
    while (prev[cur]) { pathEdges.push(prev[cur][1]); cur = prev[cur][0]; pathNodes.push(cur); }
    network.setSelection({ nodes: pathNodes, edges: pathEdges }, { highlightEdges: false });
    network.fit({ nodes: pathNodes, animation: false });
    say("Path of " + pathEdges.length + " step(s): " + pathNodes.reverse().map(function (id) { return (nodes.get(id) || {}).name || id; }).join(" → "));
  });

  /* Export: the shared exporters of the drawing script */
  [["export-png", function () { AKG.download("network.png", box.querySelector("canvas").toDataURL("image/png"), "png"); }],
   ["export-svg", function () { AKG.download("network.svg", AKG.svg(network), "image/svg+xml"); }],
   ["export-graphml", function () { AKG.download("network.graphml", AKG.graphmlOf(network), "application/xml"); }],
   ["export-gexf", function () { AKG.download("network.gexf", AKG.gexfOf(network), "application/xml"); }]].forEach(function (b) {
    document.getElementById(b[0]).addEventListener("click", b[1]);
  });
  AKG.graphml = function () { return AKG.graphmlOf(network); };
  window.akgExplorer = { nodes: nodes, edges: edges, expand: expand, collapse: collapse, back: back, hide: hide,
                         pin: pin, isExpanded: function (id) { return !!expanded[id]; },
                         isLoading: function (id) { return !!loading[id]; },
                         isPinned: function (id) { return !!pinned[id]; }, history: function () { return history.slice(); } };
})();
