/* Dashboards: draw each server-built Plotly figure, drill down on click,
   copy the narrative, print, and submit the year selector on change.
   Figures come from <script type="application/json"> blocks (json_script);
   no inline script anywhere, so a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

  function drawCharts() {
    var plots = document.querySelectorAll(".chart-plot[data-figure]");
    Array.prototype.forEach.call(plots, function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source || typeof Plotly === "undefined") { return; }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(el, figure.data, figure.layout, CONFIG).then(function () {
        el.on("plotly_click", function (event) {
          var point = event && event.points && event.points[0];
          var url = point && point.customdata;
          if (typeof url === "string" && url.charAt(0) === "/") { window.location.href = url; }
        });
      });
    });
  }

  function copyText(button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    var text = target ? target.textContent.trim() : "";
    function done() { if (status) { status.textContent = button.getAttribute("data-done"); } }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallbackCopy(target); done(); });
    } else {
      fallbackCopy(target);
      done();
    }
  }

  function fallbackCopy(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected for Ctrl+C */ }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".js-copy");
    if (button) { copyText(button); }
    if (event.target.closest(".js-print")) { window.print(); }
  });

  document.addEventListener("change", function (event) {
    if (event.target.classList.contains("js-autosubmit")) { event.target.form.submit(); }
  });

  // Plotly draws at the screen's width; on A4 landscape (277 mm printable at
  // 96 dpi, about 1040 px) a wider chart would be cut off on the left, since the
  // page is right to left. Draw at the page width while printing, then restore.
  var PRINT_WIDTH = 1000;
  var printing = false;
  function eachPlot(fn) {
    if (typeof Plotly === "undefined") { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".js-plotly-plot"), fn);
  }
  function toPrint() {
    if (printing) { return; }
    printing = true;
    eachPlot(function (el) { Plotly.relayout(el, { width: PRINT_WIDTH, autosize: false }); });
  }
  function toScreen() {
    if (!printing) { return; }
    printing = false;
    eachPlot(function (el) {
      Plotly.relayout(el, { width: null, autosize: true }).then(function () { Plotly.Plots.resize(el); });
    });
  }
  window.addEventListener("beforeprint", toPrint);
  window.addEventListener("afterprint", toScreen);
  if (window.matchMedia) {
    var printQuery = window.matchMedia("print");
    var onChange = function (query) { if (query.matches) { toPrint(); } else { toScreen(); } };
    if (printQuery.addEventListener) { printQuery.addEventListener("change", onChange); }
    else if (printQuery.addListener) { printQuery.addListener(onChange); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawCharts);
  } else {
    drawCharts();
  }
})();
