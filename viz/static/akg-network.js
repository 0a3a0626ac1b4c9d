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

  /* Draw a view's data into a container; returns {network, nodes, edges}. */
  AKG.draw = function (container, data, opts) {
    opts = opts || {};
    var status = opts.status || null;
    var nodes = new vis.DataSet(data.nodes || []);
    var edges = new vis.DataSet(data.edges || []);
    var options = JSON.parse(JSON.stringify(data.options || {}));
    var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    var settled = false;
    var done = function () {
      if (settled) return;
      settled = true;
      network.setOptions({ physics: { enabled: false } });
      if (status) status.textContent = (data.nodes || []).length + " nodes, " + (data.edges || []).length +
        " relationships. Drag to move, scroll to zoom, hover for details.";
      container.setAttribute("data-ready", "true");
      window.akgReady = true;
      if (opts.onReady) opts.onReady();
    };
    if (options.physics && options.physics.enabled && (data.nodes || []).length) {
      if (status) status.textContent = "Laying out the network…";
      network.on("stabilizationProgress", function (p) {
        if (status && !settled) status.textContent = "Laying out the network… " + Math.round(100 * p.iterations / p.total) + "%";
      });
      network.once("stabilizationIterationsDone", function () { network.fit(); done(); });
    } else {
      setTimeout(function () { network.fit(); done(); }, 0);
    }
    window.akgNetwork = network;
    return { network: network, nodes: nodes, edges: edges };
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
      AKG.draw(box, data, { status: status });
    });
  };
})();
