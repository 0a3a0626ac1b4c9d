/* Pages: draw the embedded network views; small form helpers. Served locally, no requests. */
(function () {
  "use strict";
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  if (window.AKG && document.querySelector("[data-akg-network]")) window.AKG.drawAll();
  else if (!document.getElementById("explorer-data")) window.akgReady = true;
})();
