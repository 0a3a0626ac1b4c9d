/* atrocity-kg network drawing: vis-network with a legend, text tooltips and bounded physics.
 * Shared by the self-contained network views (inlined) and the pages (served locally).
 * Everything that comes from the data is set with textContent or as vis-network text titles,
 * never as HTML. No network requests are made here. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var AKG = (window.AKG = window.AKG || {});

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  AKG.el = el;

  function svg(tag, attrs) {
    var e = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    return e;
  }

  function polygon(points) { return points.map(function (p) { return p.join(","); }).join(" "); }

  /* A small SVG picture of a node shape or an edge style. */
  AKG.swatch = function (entry, kind) {
    var s = svg("svg", { width: 28, height: 16, viewBox: "0 0 28 16", "aria-hidden": "true" });
    var c = entry.colour, stroke = { fill: c, stroke: "#222", "stroke-width": 1 };
    if (kind === "edge") {
      var line = svg("line", { x1: 2, y1: 8, x2: 26, y2: 8, stroke: c, "stroke-width": entry.width || 2.5 });
      if (entry.dashes && entry.dashes.length) line.setAttribute("stroke-dasharray", entry.dashes.join(" "));
      s.appendChild(line);
      s.appendChild(svg("polygon", { points: polygon([[26, 8], [20, 4.5], [20, 11.5]]), fill: c }));
      return s;
    }
    var shape = entry.shape, shapeEl;
    if (shape === "square") shapeEl = svg("rect", Object.assign({ x: 8, y: 2, width: 12, height: 12 }, stroke));
    else if (shape === "box") shapeEl = svg("rect", Object.assign({ x: 3, y: 3, width: 22, height: 10, rx: 3 }, stroke));
    else if (shape === "diamond") shapeEl = svg("polygon", Object.assign({ points: polygon([[14, 1], [21, 8], [14, 15], [7, 8]]) }, stroke));
    else if (shape === "triangle") shapeEl = svg("polygon", Object.assign({ points: polygon([[14, 1], [21, 14], [7, 14]]) }, stroke));
    else if (shape === "triangleDown") shapeEl = svg("polygon", Object.assign({ points: polygon([[7, 2], [21, 2], [14, 15]]) }, stroke));
    else if (shape === "hexagon") shapeEl = svg("polygon", Object.assign({ points: polygon([[10, 2], [18, 2], [22, 8], [18, 14], [10, 14], [6, 8]]) }, stroke));
    else if (shape === "star") shapeEl = svg("polygon", Object.assign({ points: polygon([[14, 1], [16, 6], [21, 6], [17, 9.5], [18.5, 15], [14, 11.5], [9.5, 15], [11, 9.5], [7, 6], [12, 6]]) }, stroke));
    else shapeEl = svg("circle", Object.assign({ cx: 14, cy: 8, r: 6 }, stroke));
    s.appendChild(shapeEl);
    return s;
  };

  /* The legend: node classes and roles, relationship types, confidence. */
  AKG.renderLegend = function (container, legend) {
    container.textContent = "";
    var sections = [["Nodes", legend.nodes || [], "node"], ["Relationships", legend.edges || [], "edge"],
                    ["Confidence", legend.confidence || [], "edge"]];
    sections.forEach(function (sec) {
      if (!sec[1].length) return;
      container.appendChild(el("h3", {}, sec[0]));
      var ul = el("ul", { "class": "akg-legend-list" });
      sec[1].forEach(function (entry) {
        var li = el("li", {});
        if (entry.definition) li.title = entry.definition;
        li.appendChild(AKG.swatch(entry, sec[2]));
        li.appendChild(el("span", {}, entry.label));
        ul.appendChild(li);
      });
      container.appendChild(ul);
    });
  };

  /* Legibility. Labels are whole names in canvas units; after layout, label boxes (as vis-network
   * draws them: getBoundingBox) are pushed apart until none overlaps, then the view is fitted; if
   * the fitted zoom draws labels under MIN_LABEL_PX, the labels are enlarged and the pass repeats. */
  var MIN_LABEL_PX = 11, PAD = 3, DECLUTTER_MAX = 450, MAX_FONT = 42;
  AKG.MIN_LABEL_PX = MIN_LABEL_PX;

  function shownIds(network) {
    return network.body.nodeIndices.filter(function (id) {
      var n = network.body.nodes[id]; return n && !n.options.hidden;
    });
  }
  AKG.shownIds = shownIds;

  /* Label+shape boxes of the shown nodes in canvas units: {id: [left, top, right, bottom]} */
  AKG.labelBoxes = function (network, ids) {
    ids = ids || shownIds(network);
    var out = {};
    ids.forEach(function (id) {
      var b = network.getBoundingBox(id);
      if (b) out[id] = [b.left, b.top, b.right, b.bottom];
    });
    return out;
  };

  /* Pairs of shown nodes whose boxes overlap (sweep over x). */
  AKG.overlaps = function (boxes) {
    var ids = Object.keys(boxes).sort(function (a, b) { return boxes[a][0] - boxes[b][0]; }), pairs = [];
    for (var i = 0; i < ids.length; i++) {
      var a = boxes[ids[i]];
      for (var j = i + 1; j < ids.length; j++) {
        var b = boxes[ids[j]];
        if (b[0] >= a[2]) break;
        if (b[1] < a[3] && a[1] < b[3]) pairs.push([ids[i], ids[j]]);
      }
    }
    return pairs;
  };

  /* Set a node's position without a redraw (moveNode redraws the network for each node). */
  function place(network, id, x, y) { var n = network.body.nodes[id]; if (n) { n.x = x; n.y = y; } }

  function median(xs) { xs = xs.slice().sort(function (a, b) { return a - b; }); return xs.length ? xs[xs.length >> 1] : 0; }

  /* Move shown nodes so that no two boxes overlap; positions scaled first so that nodes sit about
   * one label apart (a sparse layout is drawn closer, a dense one spread). */
  function spread(network, ids, passes) {
    if (ids.length < 2 || ids.length > DECLUTTER_MAX) return;
    var pos = network.getPositions(ids), off = {}, xy = {};
    ids.forEach(function (id) {
      var b = network.getBoundingBox(id), p = pos[id];
      off[id] = [b.left - p.x - PAD, b.top - p.y - PAD, b.right - p.x + PAD, b.bottom - p.y + PAD];
      xy[id] = [p.x, p.y];
    });
    var cx = 0, cy = 0;
    ids.forEach(function (id) { cx += xy[id][0]; cy += xy[id][1]; });
    cx /= ids.length; cy /= ids.length;
    var nn = ids.map(function (a) {
      var best = Infinity;
      ids.forEach(function (b) { if (a !== b) best = Math.min(best, Math.hypot(xy[a][0] - xy[b][0], xy[a][1] - xy[b][1])); });
      return best;
    });
    var size = median(ids.map(function (id) { return 0.5 * ((off[id][2] - off[id][0]) + (off[id][3] - off[id][1])); }));
    var k = median(nn) > 0 ? Math.max(0.2, Math.min(3, 1.1 * size / median(nn))) : 1;
    /* stretch to the box's shape, so that the network fills it */
    var xs = ids.map(function (id) { return xy[id][0]; }), ys = ids.map(function (id) { return xy[id][1]; });
    var spanX = Math.max.apply(null, xs) - Math.min.apply(null, xs) + size;
    var spanY = Math.max.apply(null, ys) - Math.min.apply(null, ys) + size;
    var box = network.body.container, want = box.clientWidth / Math.max(box.clientHeight, 1);
    var kx = Math.max(0.5, Math.min(2.5, want / (spanX / spanY)));
    ids.forEach(function (id) { xy[id] = [cx + k * kx * (xy[id][0] - cx), cy + k * (xy[id][1] - cy)]; });
    var started = Date.now();
    function resolve(limit) {  // push overlapping pairs apart; true when none overlaps
      for (var pass = 0; pass < limit && Date.now() - started < 1000; pass++) {
        var boxes = {};
        ids.forEach(function (id) {
          var o = off[id], p = xy[id]; boxes[id] = [p[0] + o[0], p[1] + o[1], p[0] + o[2], p[1] + o[3]];
        });
        var pairs = AKG.overlaps(boxes);
        if (!pairs.length) return true;
        pairs.forEach(function (pr) {
          var a = boxes[pr[0]], b = boxes[pr[1]], pa = xy[pr[0]], pb = xy[pr[1]];
          var ox = Math.min(a[2] - b[0], b[2] - a[0]), oy = Math.min(a[3] - b[1], b[3] - a[1]);
          var dx = (a[0] + a[2]) / 2 - (b[0] + b[2]) / 2;
          var dy = (a[1] + a[3]) / 2 - (b[1] + b[3]) / 2;
          if (oy <= ox) {
            var sy = (dy > 0 || (dy === 0 && pr[0] < pr[1]) ? 1 : -1) * (oy / 2 + 0.5);
            pa[1] += sy; pb[1] -= sy;
          } else {
            var sx = (dx > 0 || (dx === 0 && pr[0] < pr[1]) ? 1 : -1) * (ox / 2 + 0.5);
            pa[0] += sx; pb[0] -= sx;
          }
        });
      }
      return false;
    }
    function extent() {
      var l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
      ids.forEach(function (id) {
        var o = off[id], p = xy[id];
        l = Math.min(l, p[0] + o[0]); t = Math.min(t, p[1] + o[1]); r = Math.max(r, p[0] + o[2]); b = Math.max(b, p[1] + o[3]);
      });
      return Math.max((r - l) / want, b - t);  // what fitting into the box's shape has to show
    }
    function copy() { var c = {}; ids.forEach(function (id) { c[id] = xy[id].slice(); }); return c; }
    var pass = resolve(passes || 400) ? 1 : 0;
    /* compact: draw the network closer and push apart again, while that makes it smaller */
    for (var round = 0; pass && round < (passes ? 0 : 10); round++) {
      var before = copy(), size0 = extent(), mx = 0, my = 0;
      ids.forEach(function (id) { mx += xy[id][0]; my += xy[id][1]; });
      mx /= ids.length; my /= ids.length;
      ids.forEach(function (id) { xy[id] = [mx + 0.85 * (xy[id][0] - mx), my + 0.85 * (xy[id][1] - my)]; });
      if (!resolve(200) || extent() >= size0 * 0.98) { xy = before; break; }
    }
    ids.forEach(function (id) { place(network, id, xy[id][0], xy[id][1]); });
    AKG.lastSpread = { resolved: pass, ms: Date.now() - started, k: k, kx: kx };
  }

  AKG.spread = spread;

  function fontOf(network, id) {
    var n = network.body.nodes[id]; return (n && n.options.font && n.options.font.size) || 14;
  }

  function afterDraw(network, fn) { network.once("afterDrawing", fn); network.redraw(); }

  /* Spread the labels, fit, and enlarge the labels until they are legible; then call done.
   * (vis-network updates node boxes when it draws, so each move is drawn before it is fitted.) */
  AKG.legible = function (network, done, round, focus) {
    round = round || 0;
    var ids = shownIds(network);
    // vis-network updates the box of a node it draws: fit first, so that every node is drawn
    network.fit({ animation: false, maxZoomLevel: 1.6 });
    afterDraw(network, function () { spread(network, ids); afterDraw(network, fitted); });
    function fitted() {
      if (focus) {  // an opened cluster: zoom on its members (labels keep their size)
        network.fit({ nodes: focus, animation: false, maxZoomLevel: 1.6 });
        done();
        return;
      }
      network.fit({ animation: false, maxZoomLevel: 1.6 });
      var scale = network.getScale();
      var smallest = Math.min.apply(null, ids.map(function (id) { return fontOf(network, id); }).concat([99]));
      if (round >= 6 || ids.length > DECLUTTER_MAX) { done(); return; }
      var readable = smallest * scale >= MIN_LABEL_PX || smallest >= MAX_FONT;
      if (readable) {
        // boxes measured before a node was first drawn can be off: check with the drawn ones
        if (AKG.overlaps(AKG.labelBoxes(network, ids)).length) AKG.legible(network, done, round + 1);
        else done();
        return;
      }
      var grow = (MIN_LABEL_PX + 1.5) / (smallest * scale);
      var update = [];
      ids.forEach(function (id) {
        var size = Math.min(MAX_FONT, Math.ceil(fontOf(network, id) * grow));
        if (network.isCluster(id)) network.clustering.updateClusteredNode(id, { font: { size: size } });
        else update.push({ id: id, font: { size: size, strokeWidth: 3, strokeColor: "#FFFFFF" } });
      });
      if (update.length) network.body.data.nodes.update(update);
      afterDraw(network, function () { AKG.legible(network, done, round + 1); });
    }
  };

  /* Large views open clustered: one node per community (meta.clusters), labelled with its best
   * connected member and its size; a click on a cluster opens it. */
  function clusterAll(network, data, pos) {
    var sum = {};
    network.body.data.nodes.forEach(function (n) {
      var p = pos[n.id], s = sum[n.cgroup] = sum[n.cgroup] || [0, 0, 0];
      if (p) { s[0] += p.x; s[1] += p.y; s[2] += 1; }
    });
    (data.meta.clusters || []).forEach(function (c) {
      var s = sum[c.group] || [0, 0, 1];
      c.x = s[0] / Math.max(s[2], 1); c.y = s[1] / Math.max(s[2], 1);
      network.cluster({
        joinCondition: function (n) { return n.cgroup === c.group; },
        clusterNodeProperties: {
          id: c.id, label: c.label, shape: "box", x: c.x, y: c.y, cgroup: c.group, name: c.name, title: c.title,
          font: { size: 14, multi: false }, borderWidth: 1.5, margin: 6,
          color: { background: c.colour, border: "#333333", highlight: { background: c.colour, border: "#000000" } }
        },
        // relationships between clusters: thin, light, undirected (one per relationship they stand for)
        clusterEdgeProperties: { color: { color: "#8a8f96", opacity: 0.25 }, width: 0.6, dashes: false,
                                 arrows: { to: { enabled: false } } }
      });
    });
  }

  /* Hide the hover tooltip (a click selects; the panel shows the details). */
  AKG.hideTooltip = function (container) {
    container.querySelectorAll("div.vis-tooltip").forEach(function (t) { t.style.visibility = "hidden"; });
  };

  /* Draw a view's data into a container; returns {network, nodes, edges}. */
  AKG.draw = function (container, data, opts) {
    opts = opts || {};
    var status = opts.status || null;
    data.meta = data.meta || {};
    var nodes = new vis.DataSet(data.nodes || []);
    var edges = new vis.DataSet(data.edges || []);
    var options = JSON.parse(JSON.stringify(data.options || {}));
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    var settled = false;
    var clustered = (data.meta.clusters || []).length > 0;
    var finish = function () {
      if (status) status.textContent = (data.nodes || []).length + " nodes, " + (data.edges || []).length +
        " relationships" + (clustered ? " in " + data.meta.clusters.length + " clusters (click a cluster to open it)" : "") +
        ". Drag to move, scroll to zoom, hover for details, click for the side panel.";
      container.setAttribute("data-ready", "true");
      window.akgReady = true;
      if (opts.onReady) opts.onReady();
    };
    var done = function () {
      if (settled) return;
      settled = true;
      network.setOptions({ physics: { enabled: false } });
      if (clustered) clusterAll(network, data, network.getPositions());
      afterDraw(network, function () { AKG.legible(network, finish); });
    };
    network.on("click", function (p) {
      AKG.hideTooltip(container);
      if (p.nodes.length === 1 && network.isCluster(p.nodes[0])) {
        var at = network.getPositions([p.nodes[0]])[p.nodes[0]];
        var members = network.getNodesInCluster(p.nodes[0]);
        network.openCluster(p.nodes[0]);
        AKG.openedAround(network, members, at, container);
      }
    });
    network.on("dragStart", function () { AKG.hideTooltip(container); });
    if (options.physics && options.physics.enabled && (data.nodes || []).length) {
      if (status) status.textContent = "Laying out the network…";
      network.on("stabilizationProgress", function (p) {
        if (status && !settled) status.textContent = "Laying out the network… " + Math.round(100 * p.iterations / p.total) + "%";
      });
      network.once("stabilizationIterationsDone", done);
    } else {
      setTimeout(done, 0);
    }
    window.akgNetwork = network;
    return { network: network, nodes: nodes, edges: edges };
  };

  /* An opened cluster's members, drawn as a small sunflower where the cluster was, then legible. */
  AKG.openedAround = function (network, members, at, box) {
    var golden = Math.PI * (3 - Math.sqrt(5));
    members.forEach(function (id, k) {
      var r = 40 * Math.sqrt(k);
      place(network, id, at.x + r * Math.cos(k * golden), at.y + r * Math.sin(k * golden));
    });
    afterDraw(network, function () {
      AKG.legible(network, function () {
        box.setAttribute("data-opened", String(Number(box.getAttribute("data-opened") || 0) + 1));
      }, 0, members);
    });
  };

  /* ---------------------------------------------------------------- exports */
  function xml(v) {
    return String(v === undefined || v === null ? "" : v).replace(/[<>&"']/g, function (c) {
      return { "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" }[c];
    });
  }
  AKG.xml = xml;
  function colourOf(c, key) { return typeof c === "string" ? c : (c && c[key]) || "#888888"; }
  function shapePath(shape, x, y, r) {
    function poly(pts) { return pts.map(function (p) { return (x + p[0] * r).toFixed(1) + "," + (y + p[1] * r).toFixed(1); }).join(" "); }
    if (shape === "square") return ["rect", { x: x - r, y: y - r, width: 2 * r, height: 2 * r }];
    if (shape === "diamond") return ["polygon", { points: poly([[0, -1], [1, 0], [0, 1], [-1, 0]]) }];
    if (shape === "triangle") return ["polygon", { points: poly([[0, -1], [0.95, 0.8], [-0.95, 0.8]]) }];
    if (shape === "triangleDown") return ["polygon", { points: poly([[-0.95, -0.8], [0.95, -0.8], [0, 1]]) }];
    if (shape === "hexagon") return ["polygon", { points: poly([[-0.5, -0.87], [0.5, -0.87], [1, 0], [0.5, 0.87], [-0.5, 0.87], [-1, 0]]) }];
    if (shape === "star") return ["polygon", { points: poly([[0, -1], [0.24, -0.33], [0.95, -0.31], [0.38, 0.12], [0.59, 0.81], [0, 0.4], [-0.59, 0.81], [-0.38, 0.12], [-0.95, -0.31], [-0.24, -0.33]]) }];
    return ["circle", { cx: x, cy: y, r: r }];
  }
  function tag(name, attrs, body) {
    var a = Object.keys(attrs).map(function (k) { return " " + k + '="' + xml(attrs[k]) + '"'; }).join("");
    return "<" + name + a + (body === undefined ? "/>" : ">" + body + "</" + name + ">");
  }

  /* The drawn network (shown nodes and edges, clusters included) as SVG, from vis-network's positions. */
  AKG.svg = function (network) {
    var ids = shownIds(network), pos = network.getPositions(ids), boxes = AKG.labelBoxes(network, ids);
    var l = Infinity, t = Infinity, r = -Infinity, b = -Infinity;
    ids.forEach(function (id) { var x = boxes[id]; if (!x) return; l = Math.min(l, x[0]); t = Math.min(t, x[1]); r = Math.max(r, x[2]); b = Math.max(b, x[3]); });
    if (!isFinite(l)) { l = t = 0; r = b = 100; }
    var m = 10, out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="' + [l - m, t - m, r - l + 2 * m, b - t + 2 * m].map(function (v) { return v.toFixed(1); }).join(" ") +
      '" width="' + Math.round(r - l + 2 * m) + '" height="' + Math.round(b - t + 2 * m) + '" font-family="system-ui, sans-serif">',
      tag("rect", { x: l - m, y: t - m, width: r - l + 2 * m, height: b - t + 2 * m, fill: "#ffffff" })];
    var shown = {}; ids.forEach(function (id) { shown[id] = true; });
    network.body.edgeIndices.forEach(function (eid) {
      var e = network.body.edges[eid];
      if (!e || e.options.hidden || !shown[e.fromId] || !shown[e.toId]) return;
      var a = pos[e.fromId], z = pos[e.toId], o = e.options;
      var attrs = { x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: z.x.toFixed(1), y2: z.y.toFixed(1),
                    stroke: colourOf(o.color, "color"), "stroke-width": o.width || 1, "stroke-opacity": 0.85 };
      if (o.dashes && o.dashes.length) attrs["stroke-dasharray"] = o.dashes.join(" ");
      out.push(tag("line", attrs));
    });
    ids.forEach(function (id) {
      var n = network.body.nodes[id], o = n.options, p = pos[id], size = o.size || 12;
      var fill = colourOf(o.color, "background"), border = colourOf(o.color, "border");
      var label = String(o.label || ""), font = (o.font && o.font.size) || 14, lines = label.split("\n");
      if (o.shape === "box") {
        var w = (boxes[id][2] - boxes[id][0]), h = (boxes[id][3] - boxes[id][1]);
        out.push(tag("rect", { x: (p.x - w / 2).toFixed(1), y: (p.y - h / 2).toFixed(1), width: w.toFixed(1), height: h.toFixed(1), rx: 4, fill: fill, stroke: border }));
        var y0 = p.y - (lines.length - 1) * font * 0.6;
        lines.forEach(function (line, i) {
          out.push(tag("text", { x: p.x.toFixed(1), y: (y0 + i * font * 1.2 + font * 0.35).toFixed(1), "font-size": font, "text-anchor": "middle", fill: "#111111" }, xml(line)));
        });
        return;
      }
      var sh = shapePath(o.shape, p.x, p.y, size);
      out.push(tag(sh[0], Object.assign(sh[1], { fill: fill, stroke: border, "stroke-width": o.borderWidth || 1 })));
      lines.forEach(function (line, i) {
        out.push(tag("text", { x: p.x.toFixed(1), y: (p.y + size + font * (1 + 1.15 * i)).toFixed(1), "font-size": font, "text-anchor": "middle",
                               fill: "#222222", stroke: "#ffffff", "stroke-width": 3, "paint-order": "stroke" }, xml(line)));
      });
    });
    out.push("</svg>");
    return out.join("\n");
  };

  function dataNodes(network) { return network.body.data.nodes.get(); }
  function dataEdges(network) { return network.body.data.edges.get().filter(function (e) { return !e.hidden; }); }

  /* GraphML and GEXF of the network's data (hidden relationships left out). */
  AKG.graphmlOf = function (network) {
    var out = ['<?xml version="1.0" encoding="UTF-8"?>', '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
      '<key id="name" for="node" attr.name="name" attr.type="string"/>', '<key id="class" for="node" attr.name="class" attr.type="string"/>',
      '<key id="role" for="node" attr.name="role" attr.type="string"/>', '<key id="type" for="edge" attr.name="type" attr.type="string"/>',
      '<key id="confidence" for="edge" attr.name="confidence" attr.type="string"/>', '<graph id="G" edgedefault="directed">'];
    var keep = {};
    dataNodes(network).filter(function (n) { return !n.hidden; }).forEach(function (n) {
      keep[n.id] = true;
      out.push(tag("node", { id: n.id }, tag("data", { key: "name" }, xml(n.name || n.id)) + tag("data", { key: "class" }, xml(n.cls)) + tag("data", { key: "role" }, xml(n.role))));
    });
    dataEdges(network).filter(function (e) { return keep[e.from] && keep[e.to]; }).forEach(function (e) {
      out.push(tag("edge", { id: e.id, source: e.from, target: e.to }, tag("data", { key: "type" }, xml(e.rtype)) + tag("data", { key: "confidence" }, xml(e.confidence))));
    });
    out.push("</graph>", "</graphml>");
    return out.join("\n");
  };
  AKG.gexfOf = function (network) {
    var pos = network.getPositions();
    var out = ['<?xml version="1.0" encoding="UTF-8"?>',
      '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3/viz" version="1.3">',
      '<graph defaultedgetype="directed" mode="static">',
      '<attributes class="node"><attribute id="class" title="class" type="string"/><attribute id="role" title="role" type="string"/></attributes>',
      '<attributes class="edge"><attribute id="confidence" title="confidence" type="string"/></attributes>', "<nodes>"];
    var keep = {};
    dataNodes(network).filter(function (n) { return !n.hidden; }).forEach(function (n) {
      keep[n.id] = true;
      var p = pos[n.id] || { x: 0, y: 0 };
      out.push(tag("node", { id: n.id, label: n.name || n.id }, "<attvalues>" + tag("attvalue", { "for": "class", value: n.cls || "" }) +
        tag("attvalue", { "for": "role", value: n.role || "" }) + "</attvalues>" + tag("viz:position", { x: p.x.toFixed(1), y: (-p.y).toFixed(1), z: "0.0" })));
    });
    out.push("</nodes>", "<edges>");
    dataEdges(network).filter(function (e) { return keep[e.from] && keep[e.to]; }).forEach(function (e, i) {
      out.push(tag("edge", { id: String(i), source: e.from, target: e.to, label: e.rtype || "" },
        "<attvalues>" + tag("attvalue", { "for": "confidence", value: e.confidence || "" }) + "</attvalues>"));
    });
    out.push("</edges>", "</graph>", "</gexf>");
    return out.join("\n");
  };

  AKG.download = function (name, text, type) {
    var href = type === "png" ? text : URL.createObjectURL(new Blob([text], { type: type }));
    var a = el("a", { href: href, download: name });
    document.body.appendChild(a); a.click(); a.remove();
  };
  /* Export buttons for a drawn network: PNG (the canvas), SVG, GraphML, GEXF. */
  AKG.exportBar = function (container, network, base) {
    var bar = el("p", { "class": "akg-export" });
    bar.appendChild(el("span", { "class": "muted" }, "Export: "));
    [["PNG", function () { AKG.download(base + ".png", container.querySelector("canvas").toDataURL("image/png"), "png"); }],
     ["SVG", function () { AKG.download(base + ".svg", AKG.svg(network), "image/svg+xml"); }],
     ["GraphML", function () { AKG.download(base + ".graphml", AKG.graphmlOf(network), "application/xml"); }],
     ["GEXF", function () { AKG.download(base + ".gexf", AKG.gexfOf(network), "application/xml"); }]].forEach(function (b) {
      var button = el("button", { type: "button", "data-export": b[0].toLowerCase() }, b[0]);
      button.addEventListener("click", b[1]);
      bar.appendChild(button); bar.appendChild(document.createTextNode(" "));
    });
    return bar;
  };

  /* A side panel for the views without the explorer's: the selected node's or relationship's whole
   * name, properties and cited sources (grade, title, publisher, date, link). */
  AKG.sidePanel = function (aside, network) {
    var panel = el("section", { "class": "akg-panel", "aria-live": "polite", "aria-label": "Selected node or relationship" });
    var head = el("h3", {}, "Selection"), body = el("div", { "class": "akg-panel-body" });
    body.appendChild(el("p", { "class": "muted" }, "Click a node or a relationship for its details and sources."));
    panel.appendChild(head); panel.appendChild(body);
    aside.insertBefore(panel, aside.firstChild);
    function lines(title) { return String(title || "").split("\n").filter(function (l) { return l.trim(); }); }
    network.on("click", function (p) {
      var item = null, heading = "";
      if (p.nodes.length === 1 && !network.isCluster(p.nodes[0])) {
        item = network.body.data.nodes.get(p.nodes[0]); heading = item ? (item.name || item.id) : "";
      } else if (!p.nodes.length && p.edges.length === 1) {
        item = network.body.data.edges.get(p.edges[0]); heading = "Relationship";
      }
      if (!item) return;
      head.textContent = heading;
      body.textContent = "";
      var ul = el("ul", { "class": "akg-panel-props" });
      lines(item.title).slice(heading === "Relationship" ? 0 : 1).forEach(function (l) { ul.appendChild(el("li", {}, l)); });
      body.appendChild(ul);
      if (item.sources && item.sources.length) {
        body.appendChild(el("h4", {}, "Sources"));
        var src = el("ul", { "class": "panel-sources" });
        item.sources.forEach(function (s) {
          var li = el("li", { "class": "panel-source" });
          li.appendChild(el("span", { "class": "grade", title: "Admiralty grade: reliability A–F, credibility 1–6" }, s.grade || "ungraded"));
          li.appendChild(document.createTextNode(" " + (s.title || s.id) + ([s.publisher, s.date].filter(Boolean).length ? ", " + [s.publisher, s.date].filter(Boolean).join(", ") : "") + "."));
          if (s.url && /^https?:\/\//.test(s.url)) {
            li.appendChild(document.createTextNode(" "));
            li.appendChild(el("a", { href: s.url, rel: "external noopener noreferrer", "class": "source-link" }, "link"));
          }
          src.appendChild(li);
        });
        body.appendChild(src);
      }
      panel.setAttribute("data-selected", item.id);
    });
  };

  /* Pages: draw every <div data-akg-network> from the JSON in the <script> it names. */
  AKG.drawAll = function () {
    document.querySelectorAll("[data-akg-network]").forEach(function (box) {
      var data = JSON.parse(document.getElementById(box.getAttribute("data-akg-network")).textContent);
      var legendBox = document.getElementById(box.getAttribute("data-akg-legend") || "");
      var status = document.getElementById(box.getAttribute("data-akg-status") || "");
      if (legendBox) AKG.renderLegend(legendBox, data.legend || {});
      if (!(data.nodes || []).length || !(data.edges || []).length) {
        box.classList.add("akg-empty");
        if (status) status.textContent = "";
        box.textContent = data.empty_message || "Nothing to show.";
        box.setAttribute("data-ready", "true");
        window.akgReady = true;
        return;
      }
      var wrap = box.closest(".net"), many = (data.nodes || []).length;
      if (wrap && many > 30 && !(data.meta && data.meta.clusters)) wrap.style.height = Math.min(960, 520 + 12 * (many - 30)) + "px";
      var drawn = AKG.draw(box, data, { status: status });
      if (legendBox && legendBox.parentNode) AKG.sidePanel(legendBox.parentNode, drawn.network);
      var after = status || box;
      after.parentNode.insertBefore(AKG.exportBar(box, drawn.network, box.id || "network"), after.nextSibling);
    });
  };
})();
