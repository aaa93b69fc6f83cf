// Month form: Persian/Arabic digits accepted and shown back formatted, live
// totals, Enter moves to the next field instead of submitting, and Tab walks
// down each column of a grid before moving to the next column.
(function () {
  "use strict";
  var form = document.getElementById("month-form");
  if (!form) return;
  var persian = (document.documentElement.lang || "fa").indexOf("fa") === 0;
  var FA = "۰۱۲۳۴۵۶۷۸۹", AR = "٠١٢٣٤٥٦٧٨٩";

  function toLatin(text) {
    return String(text).replace(/[۰-۹]/g, function (d) { return FA.indexOf(d); })
      .replace(/[٠-٩]/g, function (d) { return AR.indexOf(d); });
  }
  function parse(text) {
    var clean = toLatin(text).replace(/[,\u066c\u060c'\u2019\s\u00a0\u202f\u2009_]/g, "");
    if (clean === "") return 0;
    if (!/^\d+$/.test(clean)) return NaN;
    return Number(clean);
  }
  function show(value) {
    if (isNaN(value)) return "؟";
    var text = Math.round(value).toString().replace(/\B(?=(\d{3})+(?!\d))/g, persian ? "٬" : ",");
    return persian ? text.replace(/\d/g, function (d) { return FA[d]; }) : text;
  }

  var inputs = Array.prototype.slice.call(form.querySelectorAll("input.num"));

  function recompute() {
    var sums = {};
    inputs.forEach(function (input) {
      var value = parse(input.value);
      input.classList.toggle("invalid", isNaN(value));
      (input.dataset.sum || "").split(" ").forEach(function (group) {
        if (!group) return;
        sums[group] = (sums[group] || 0) + value;
      });
    });
    form.querySelectorAll("output[data-total]").forEach(function (out) {
      out.textContent = show(sums[out.dataset.total] || 0);
    });
  }

  inputs.forEach(function (input) {
    input.addEventListener("input", recompute);
    input.addEventListener("blur", function () {
      var value = parse(input.value);
      if (input.value.trim() !== "" && !isNaN(value)) input.value = show(value);
    });
  });

  // Column-major order of the inputs in each grid table: "down the grid".
  function columnOrder(table) {
    var cells = Array.prototype.slice.call(table.querySelectorAll("input.num:not([disabled])"));
    return cells.map(function (input, i) {
      var td = input.closest("td");
      return { input: input, col: Array.prototype.indexOf.call(td.parentNode.children, td), i: i };
    }).sort(function (a, b) { return a.col - b.col || a.i - b.i; }).map(function (x) { return x.input; });
  }
  form.querySelectorAll("table.grid").forEach(function (table) {
    var order = columnOrder(table);
    order.forEach(function (input, index) {
      input.addEventListener("keydown", function (event) {
        var step = 0;
        if (event.key === "Enter") step = event.shiftKey ? -1 : 1;
        else if (event.key === "Tab" && order.length > 1) step = event.shiftKey ? -1 : 1;
        if (!step) return;
        var next = order[index + step];
        if (next) {
          event.preventDefault();
          next.focus();
          next.select();
        } else if (event.key === "Enter") {
          event.preventDefault(); // never submit by accident
        }
      });
    });
  });
  // Enter in any other field of the form (the reason) never submits either.
  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "INPUT" && target.type !== "submit") {
      event.preventDefault();
    }
  });
  recompute();
})();
