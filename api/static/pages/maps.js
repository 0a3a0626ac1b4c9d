/* Maps of the watch-list and of a country's events, drawn as SVG with d3-geo from the vendored
   Natural Earth shapes (/vendor/world-atlas/countries-110m.json). Data comes from /api/v1/maps/…;
   every colour, size and text is decided by the server (viz/maps.py). Nothing leaves this host.

   A map element carries data-akg-map ("watchlist" or "country"), data-src (its data URL) and
   data-shapes (the TopoJSON URL); when drawn it gets data-ready="true" (or "error"). */
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  var shapes = null;

  function el(name, attrs, parent) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (parent) parent.appendChild(e);
    return e;
  }

  function html(tag, cls, text, parent) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  }

  function keyOf(f) { return f.id !== undefined && f.id !== null ? String(f.id) : "name:" + f.properties.name; }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) {
          var msg = body && body.error ? body.error.message : "the server answered " + r.status;
          throw new Error(msg);
        }
        return body;
      });
    });
  }

  function loadShapes(url) {
    if (!shapes) shapes = getJSON(url);
    return shapes;
  }

  /* a tooltip inside the map box, following the pointer (and keyboard focus) */
  function tooltip(box) {
    var tip = html("div", "map-tip", null, box);
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    function show(text, evt) {
      tip.textContent = text;
      tip.hidden = false;
      var r = box.getBoundingClientRect(), x, y;
      if (evt && evt.clientX !== undefined) { x = evt.clientX - r.left; y = evt.clientY - r.top; }
      else { var t = evt.target.getBoundingClientRect(); x = t.left - r.left + t.width / 2; y = t.top - r.top; }
      tip.style.left = Math.max(4, Math.min(x + 12, r.width - tip.offsetWidth - 4)) + "px";
      tip.style.top = Math.max(4, y - tip.offsetHeight - 10) + "px";
    }
    function hide() { tip.hidden = true; }
    return { attach: function (node, text) {
      node.addEventListener("mousemove", function (e) { show(text, e); });
      node.addEventListener("mouseover", function (e) { show(text, e); });
      node.addEventListener("focus", function (e) { show(text, e); });
      node.addEventListener("mouseleave", hide);
      node.addEventListener("blur", hide);
    }, hide: hide };
  }

  function size(box) {
    var w = Math.max(320, Math.round(box.clientWidth || 960));
    return [w, Math.round(Math.min(560, Math.max(300, w * 0.5)))];
  }

  function swatch(list, colour, label, shape) {
    var li = html("li", null, null, list);
    var s = html("span", "swatch" + (shape ? " " + shape : ""), null, li);
    s.style.background = colour;
    html("span", null, label, li);
    return li;
  }

  function done(box, status) {
    box.dataset.ready = status;
    document.dispatchEvent(new CustomEvent("akg-map-ready", { detail: box.id }));
  }

  /* ----------------------------------------------------------------- watch-list map */
  function drawWatchlist(box, topo, data) {
    var features = topojson.feature(topo, topo.objects.countries).features;
    var wh = size(box), w = wh[0], h = wh[1];
    var focus = features.filter(function (f) { var c = data.countries[keyOf(f)]; return c && c.focus; });
    var projection = d3.geoNaturalEarth1().fitExtent([[12, 12], [w - 12, h - 12]],
      { type: "FeatureCollection", features: focus.length ? focus : features });
    var path = d3.geoPath(projection);
    var svg = el("svg", { viewBox: "0 0 " + w + " " + h, width: w, height: h, class: "map-svg",
                          "aria-label": "Map of countries by risk level" }, null);
    el("rect", { x: 0, y: 0, width: w, height: h, class: "sea" }, svg);
    var tip = tooltip(box);
    var layer = el("g", { class: "countries" }, svg);
    var coloured = 0;
    features.forEach(function (f) {
      var key = keyOf(f), c = data.countries[key];
      var d = path(f);
      if (!d) return;
      if (!c) {
        var p = el("path", { d: d, class: "country nodata", "data-key": key }, layer);
        tip.attach(p, f.properties.name + ": not a country of the vocabulary");
        return;
      }
      var a = el("a", { href: c.href, class: "country-link", "aria-label": c.title }, layer);
      el("path", { d: d, class: "country" + (c.level === null ? " unassessed" : ""), fill: c.fill,
                   "data-key": key, "data-iso3": c.iso3, "data-level": c.level === null ? "" : c.level }, a);
      tip.attach(a, c.title);
      if (c.level !== null) coloured += 1;
    });
    var outlines = el("g", { class: "regions" }, svg);
    var geometries = topo.objects.countries.geometries;
    data.regions.forEach(function (r) {
      var keys = {};
      r.keys.forEach(function (k) { keys[k] = true; });
      var members = geometries.filter(function (g) { return keys[keyOf(g)]; });
      if (!members.length) return;
      var merged = topojson.merge(topo, members);
      el("path", { d: path(merged), class: "region-outline", "data-region": r.id }, outlines);
      var at = path.centroid(merged);
      if (isFinite(at[0]) && isFinite(at[1])) {
        var label = el("text", { x: at[0], y: at[1], class: "region-label", "data-region": r.id }, outlines);
        label.textContent = r.name;
      }
    });
    box.appendChild(svg);
    var legend = document.getElementById(box.id + "-legend");
    if (legend) {
      legend.textContent = "";
      html("h3", null, "Risk level", legend);
      var list = html("ul", "map-keys", null, legend);
      data.legend.forEach(function (l) { swatch(list, l.colour, l.label); });
      var li = html("li", null, null, list);
      html("span", "swatch outline", null, li);
      html("span", null, "monitored region", li);
      if (data.illustrative) html("p", "map-illustrative", "Illustrative data: the EWP scores are made up.", legend);
    }
    var status = document.getElementById(box.id + "-status");
    if (status) {
      status.textContent = coloured + " countries coloured by the level of their latest published assessment" +
        (data.as_of ? " (as of " + data.as_of + ")" : "") + "; the four monitored regions are outlined. " +
        "Hover a country for its level and EWP score, click it to open its page.";
    }
    box.dataset.countries = String(coloured);
  }

  /* ----------------------------------------------------------------- country map */
  function drawCountry(box, topo, data) {
    box.querySelectorAll("svg, .map-tip").forEach(function (n) { n.remove(); });
    var features = topojson.feature(topo, topo.objects.countries).features;
    var wh = size(box), w = wh[0], h = wh[1];
    var own = features.filter(function (f) { return keyOf(f) === data.shape_key; });
    var located = data.points.map(function (p) { return { type: "Point", coordinates: [p.lon, p.lat] }; });
    var frame = { type: "FeatureCollection", features: own.concat(located.map(function (g) {
      return { type: "Feature", geometry: g, properties: {} }; })) };
    var projection = d3.geoMercator();
    if (frame.features.length) projection.fitExtent([[24, 24], [w - 24, h - 24]], frame);
    var path = d3.geoPath(projection);
    var svg = el("svg", { viewBox: "0 0 " + w + " " + h, width: w, height: h, class: "map-svg",
                          "aria-label": "Map of the events of " + data.name }, null);
    el("rect", { x: 0, y: 0, width: w, height: h, class: "sea" }, svg);
    var land = el("g", { class: "countries" }, svg);
    features.forEach(function (f) {
      var d = path(f);
      if (d) el("path", { d: d, class: keyOf(f) === data.shape_key ? "country focus" : "country nodata",
                          "data-key": keyOf(f) }, land);
    });
    var tip = tooltip(box);
    var marks = el("g", { class: "events" }, svg);
    var drawn = 0;
    data.points.forEach(function (p) {
      var xy = projection([p.lon, p.lat]);
      if (!xy) return;
      var c = el("circle", { cx: xy[0].toFixed(1), cy: xy[1].toFixed(1), r: p.r, fill: p.colour,
                             class: "event-mark", "data-id": p.id, "data-category": p.category,
                             "data-fatalities": p.fatalities, tabindex: 0, "aria-label": p.title }, marks);
      tip.attach(c, p.title);
      drawn += 1;
    });
    var alerts = el("g", { class: "alerts" }, svg);
    var alertsDrawn = 0;
    data.alerts.forEach(function (a) {
      if (a.lat === null || a.lon === null) return;
      var xy = projection([a.lon, a.lat]);
      if (!xy) return;
      var x = xy[0], y = xy[1];
      var t = el("path", { d: "M" + x + "," + (y - 9) + "L" + (x + 8) + "," + (y + 6) + "L" + (x - 8) + "," + (y + 6) + "Z",
                           class: "alert-mark status-" + a.status, "data-id": a.id, tabindex: 0,
                           "aria-label": a.title }, alerts);
      tip.attach(t, a.title);
      alertsDrawn += 1;
    });
    box.appendChild(svg);
    box.dataset.points = String(drawn);
    box.dataset.alerts = String(alertsDrawn);
    box.dataset.mode = data.mode;

    var legend = document.getElementById(box.id + "-legend");
    if (legend) {
      legend.textContent = "";
      html("h3", null, "Event category", legend);
      var list = html("ul", "map-keys", null, legend);
      data.legend.forEach(function (l) { swatch(list, l.colour, l.label, "dot"); });
      if (!data.legend.length) html("li", "muted", "no events drawn", list);
      var largest = data.points.reduce(function (m, p) { return Math.max(m, p.fatalities); }, 0);
      html("p", "muted", "Size: area proportional to deaths" + (largest ? " (largest mark: " +
        largest.toLocaleString("en") + ")" : "") + "." + (data.mode === "grid" ? " Each mark is a grid cell of " +
        data.grid_degrees + "° holding several events, coloured by its most frequent category." : ""), legend);
      if (data.alert_count) {
        var al = html("ul", "map-keys", null, legend);
        swatch(al, "", "alert (" + alertsDrawn + " drawn at the mean place of their evidence events)", "triangle");
      }
    }
    var caption = document.getElementById(box.id + "-caption");
    if (caption) {
      caption.textContent = "";
      if (data.illustrative) {
        html("strong", "map-illustrative", "Illustrative data: ", caption);
        caption.appendChild(document.createTextNode("the " + data.datasets.join(", ") +
          " events on this map are made up for demonstration; they are not evidence. "));
      }
      if (data.attribution.length) caption.appendChild(document.createTextNode("Data: " + data.attribution.join("; ") + ". "));
      caption.appendChild(document.createTextNode("Shapes: Natural Earth 1:110m (public domain), via world-atlas; " +
        "at this scale borders are coarse, so an event near one may fall just outside the drawn outline."));
    }
    var status = document.getElementById(box.id + "-status");
    if (status) {
      status.textContent = data.text + " Period " + data.date_from + " to " + data.date_to + " (" +
        data.events.toLocaleString("en") + " events, " + data.fatalities.toLocaleString("en") + " deaths). " +
        (data.alert_count ? data.alert_count + " alert(s) in the period" + (data.alerts.length < data.alert_count ?
          " (the newest " + data.alerts.length + " listed)" : "") + ", " + alertsDrawn + " drawn as ▲." : "No alert in the period.");
    }
  }

  /* the filter's dates, checked as the server checks them (a bad one is named, nothing is fetched) */
  var EARLIEST = "1900-01-01";
  function isoDay(v) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return false;
    var d = new Date(v + "T00:00:00Z");
    return !isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
  }
  function countryURL(box) {
    var form = document.getElementById(box.id + "-filter");
    var q = [], days = {};
    if (form) {
      ["from", "to"].forEach(function (n) {
        var v = form.elements[n].value.trim();
        if (!v) return;
        if (!isoDay(v)) throw new Error(n + "=" + JSON.stringify(v) + " is not a date like 1994-04-06");
        if (v < EARLIEST) throw new Error(n + "=" + v + " is before " + EARLIEST);
        days[n] = v;
        q.push(n + "=" + encodeURIComponent(v));
      });
    }
    if (days.from && days.to && days.from > days.to) throw new Error("from=" + days.from + " is after to=" + days.to);
    return box.dataset.src + (q.length ? "?" + q.join("&") : "");
  }

  function showError(box, message) {
    var status = document.getElementById(box.id + "-status");
    var err = document.getElementById(box.id + "-error");
    box.querySelectorAll("svg, .map-tip").forEach(function (n) { n.remove(); });
    box.dataset.points = "0";
    if (err) { err.textContent = message; err.hidden = false; }
    if (status) status.textContent = err ? "No map drawn for these dates." : message;
  }

  function draw(box) {
    var kind = box.dataset.akgMap;
    delete box.dataset.ready;
    var err = document.getElementById(box.id + "-error");
    if (err) { err.hidden = true; err.textContent = ""; }
    var url;
    try { url = kind === "country" ? countryURL(box) : box.dataset.src; } catch (e) {
      showError(box, "The map was not drawn: " + e.message + ". Give dates like 1994-04-06, the first on or " +
        "before the last, or leave them empty.");
      done(box, "error");
      return Promise.resolve();
    }
    return Promise.all([loadShapes(box.dataset.shapes), getJSON(url)]).then(function (both) {
      if (kind === "country") drawCountry(box, both[0], both[1]); else drawWatchlist(box, both[0], both[1]);
      done(box, "true");
    }).catch(function (e) {
      showError(box, kind === "country" ? "The map could not be drawn: " + e.message +
        ". Give dates like 1994-04-06, the first on or before the last." : "The map could not be drawn: " + e.message);
      done(box, "error");
    });
  }

  function setup(box) {
    var form = document.getElementById(box.id + "-filter");
    if (form) {
      var params = new URLSearchParams(window.location.search);
      ["from", "to"].forEach(function (n) {
        var v = params.get("map_" + n);
        if (v !== null) form.elements[n].value = v;
      });
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var q = new URLSearchParams(window.location.search);
        ["from", "to"].forEach(function (n) {
          var v = form.elements[n].value.trim();
          if (v) q.set("map_" + n, v); else q.delete("map_" + n);
        });
        var s = q.toString();
        window.history.replaceState(null, "", window.location.pathname + (s ? "?" + s : "") + "#" + box.id);
        draw(box);
      });
      form.addEventListener("reset", function () {
        window.setTimeout(function () { form.dispatchEvent(new Event("submit", { cancelable: true })); }, 0);
      });
    }
    return draw(box);
  }

  window.AKGMaps = { draw: draw };
  var boxes = Array.prototype.slice.call(document.querySelectorAll("[data-akg-map]"));
  if (!window.d3 || !window.topojson) {
    boxes.forEach(function (b) { showError(b, "The map scripts did not load."); done(b, "error"); });
    return;
  }
  boxes.forEach(setup);
})();
