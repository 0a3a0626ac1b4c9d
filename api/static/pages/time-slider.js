/* Time slider of the network views: a range over the days between data-start and data-end, kept
 * in step with the date field; letting go of the slider (or Show) reloads the page with ?as_of=. */
(function () {
  "use strict";
  var DAY = 86400000;
  function parse(s) { var t = Date.parse(s + "T00:00:00Z"); return isNaN(t) ? null : t; }
  function iso(t) { return new Date(t).toISOString().slice(0, 10); }
  document.querySelectorAll("form[data-time-slider]").forEach(function (form) {
    var range = form.querySelector("input[type=range]"), date = form.querySelector("input[type=date]");
    var start = parse(range.getAttribute("data-start")), end = parse(range.getAttribute("data-end"));
    if (start === null || end === null || end < start) return;
    range.max = String(Math.round((end - start) / DAY));
    function fromDate() {
      var t = parse(date.value);
      if (t !== null) range.value = String(Math.round((Math.min(Math.max(t, start), end) - start) / DAY));
    }
    fromDate();
    range.addEventListener("input", function () { date.value = iso(start + Number(range.value) * DAY); });
    range.addEventListener("change", function () { date.value = iso(start + Number(range.value) * DAY); form.submit(); });
    date.addEventListener("change", fromDate);
  });
})();
