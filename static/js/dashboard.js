/* Dashboards: draw each server-built Plotly figure, drill down on click,
   copy the narrative, print, and submit the year selector on change.
   Figures come from <script type="application/json"> blocks (json_script);
   no inline script anywhere, so a strict Content-Security-Policy holds. */
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true, displaylogo: false };

  // Phones: fewer month ticks, smaller text, name margins that leave room for
  // the bars. Applied when a chart is drawn and again when its width class changes.
  function widthClass(el) {
    var w = el.clientWidth || window.innerWidth;
    return w < 440 ? "phone" : (w < 720 ? "narrow" : "wide");
  }

  function screenAdjust(el, figure) {
    var cls = widthClass(el);
    var layout = figure.layout;
    var step = cls === "phone" ? 3 : (cls === "narrow" ? 2 : 1);
    var update = {};
    var font = (el._rjBase && el._rjBase.font) || (layout.font && layout.font.size) || 13;
    update["font.size"] = cls === "phone" ? Math.min(font, 11) : font;
    // Plotly keeps (and relayout changes) the layout object it was given:
    // compare with the copy taken before the first draw.
    var base = el._rjBase.months;
    if (base && base.vals.length === 12) {
      update["xaxis.tickvals"] = base.vals.filter(function (v, i) { return i % step === 0; });
      update["xaxis.ticktext"] = base.text.filter(function (v, i) { return i % step === 0; });
      update["xaxis.tickangle"] = 0;
    }
    var margin = el._rjBase.margin;
    if (margin && cls === "phone") {
      var room = Math.round(el.clientWidth * 0.38);
      update["margin.r"] = Math.min(margin.r || 0, room);
      update["margin.l"] = Math.min(margin.l || 0, 16);
    } else if (margin) {
      update["margin.r"] = margin.r;
      update["margin.l"] = margin.l;
    }
    var aspect = layout.meta && layout.meta.aspect;
    if (aspect) {
      var m = layout.margin || {};
      update.height = Math.round(Math.min(el._rjBase.height,
        el.clientWidth * aspect + (m.t || 0) + (m.b || 0)));
    }
    el._rjClass = cls;
    return update;
  }

  function textSizes(el, figure) {
    // Text-only traces (the map's tile labels) shrink with the chart.
    var scale = Math.max(0.6, Math.min(1, (el.clientWidth || 600) / 620));
    var sizes = [], idx = [];
    figure.data.forEach(function (trace, i) {
      if (trace.mode === "text" && trace.textfont && trace.textfont.size) {
        idx.push(i);
        sizes.push(Math.round(el._rjBase.text[i] * scale));
      }
    });
    return { idx: idx, sizes: sizes };
  }

  function remember(el, figure) {
    var layout = figure.layout;
    var axis = layout.xaxis || {};
    var months = axis.type === "category" && axis.tickvals && axis.ticktext;
    var text = {};
    figure.data.forEach(function (trace, i) {
      if (trace.mode === "text" && trace.textfont && trace.textfont.size) { text[i] = trace.textfont.size; }
    });
    el._rjBase = {
      font: layout.font && layout.font.size,
      height: layout.height,
      margin: layout.margin ? { l: layout.margin.l, r: layout.margin.r, t: layout.margin.t, b: layout.margin.b } : null,
      months: months ? { vals: axis.tickvals.slice(), text: axis.ticktext.slice() } : null,
      text: text
    };
  }

  function applyScreen(el, figure) {
    var update = screenAdjust(el, figure);
    var sizes = textSizes(el, figure);
    var work = Plotly.relayout(el, update);
    if (sizes.idx.length) {
      work = work.then(function () { return Plotly.restyle(el, { "textfont.size": sizes.sizes }, sizes.idx); });
    }
    return work;
  }

  function drawCharts() {
    var plots = document.querySelectorAll(".chart-plot[data-figure]");
    Array.prototype.forEach.call(plots, function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source || typeof Plotly === "undefined") { return; }
      var figure = JSON.parse(source.textContent);
      el._rjFigure = figure;
      remember(el, figure);
      Plotly.newPlot(el, figure.data, figure.layout, CONFIG).then(function () {
        el.on("plotly_click", function (event) {
          var point = event && event.points && event.points[0];
          var url = point && point.customdata;
          if (typeof url === "string" && url.charAt(0) === "/") { window.location.href = url; }
        });
        if (widthClass(el) !== "wide" || (figure.layout.meta && figure.layout.meta.aspect)) {
          return applyScreen(el, figure);
        }
        el._rjClass = "wide";
      });
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    if (printing) { return; }
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      eachPlot(function (el) {
        if (el._rjFigure && (el._rjClass !== widthClass(el) || (el._rjFigure.layout.meta && el._rjFigure.layout.meta.aspect))) {
          applyScreen(el, el._rjFigure);
        }
      });
    }, 200);
  });

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
  // 96 dpi, about 1047 px) a wider chart would be cut off on the left, since the
  // page is right to left. While printing, draw each chart at the width of its
  // print column (data-print-cols on a container, 2 inside .grid-2 or
  // .print-pair, else 1) and a height that keeps a dashboard to two pages.
  var PRINT_WIDTH = 1030, PRINT_GAP = 12;
  var printing = false;
  function eachPlot(fn) {
    if (typeof Plotly === "undefined") { return; }
    Array.prototype.forEach.call(document.querySelectorAll(".js-plotly-plot"), fn);
  }
  function printColumns(el) {
    var holder = el.closest("[data-print-cols]");
    if (holder) { return parseInt(holder.getAttribute("data-print-cols"), 10) || 1; }
    return el.closest(".grid-2, .print-pair") ? 2 : 1;
  }
  function printSize(el) {
    var figure = el._rjFigure || { data: [], layout: {} };
    var cols = printColumns(el);
    var width = Math.floor((PRINT_WIDTH - (cols - 1) * PRINT_GAP) / cols);
    var own = parseInt((el.closest("[data-print-height]") || el).getAttribute("data-print-height"), 10);
    var bars = 0;
    figure.data.forEach(function (t) {
      if (t.type === "bar" && t.orientation === "h" && t.y) { bars = Math.max(bars, t.y.length); }
    });
    var height = cols === 1 ? 210 : (cols === 2 ? 260 : 200);
    if (bars) { height = Math.max(cols === 3 ? 170 : 190, Math.min(400, 60 + 11 * bars)); }
    var aspect = figure.layout.meta && figure.layout.meta.aspect;
    if (aspect) {
      var m = figure.layout.margin || {};
      height = Math.min(400, Math.round(width * aspect + (m.t || 0) + (m.b || 0)));
    }
    if (own) { height = own; }
    return { width: width, height: height, cols: cols };
  }
  function toPrint() {
    if (printing) { return; }
    printing = true;
    eachPlot(function (el) {
      var size = printSize(el);
      var base = el._rjBase || {};
      var update = { width: size.width, height: size.height, autosize: false, "font.size": 9 };
      if (base.margin) {
        update["margin.r"] = Math.round((base.margin.r || 0) * 0.7);
        update["margin.t"] = Math.min(base.margin.t || 0, 30);
        update["margin.b"] = Math.min(base.margin.b || 0, 36);
      }
      if (base.months) {
        var step = size.cols > 1 ? 2 : 1;
        update["xaxis.tickvals"] = base.months.vals.filter(function (v, i) { return i % step === 0; });
        update["xaxis.ticktext"] = base.months.text.filter(function (v, i) { return i % step === 0; });
        update["xaxis.tickangle"] = 0;
      }
      Plotly.relayout(el, update);
    });
  }
  function toScreen() {
    if (!printing) { return; }
    printing = false;
    eachPlot(function (el) {
      var base = el._rjBase || {};
      var update = { width: null, autosize: true, height: base.height, "font.size": base.font };
      if (base.margin) {
        update["margin.r"] = base.margin.r;
        update["margin.t"] = base.margin.t;
        update["margin.b"] = base.margin.b;
      }
      Plotly.relayout(el, update).then(function () {
        Plotly.Plots.resize(el);
        if (el._rjFigure) { return applyScreen(el, el._rjFigure); }
      });
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
