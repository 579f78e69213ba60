// Light enhancements: charts drawn with uPlot from the figures already in the page (each chart
// has the same figures in a table or list beside it), and CSV files read into the upload form.
(function () {
  "use strict";
  function draw(el) {
    var script = el.parentNode.querySelector("script.chart-data");
    if (!script || typeof uPlot === "undefined") return;
    var data = JSON.parse(script.textContent);
    var labels = data.labels || [];
    var xs = labels.map(function (_, i) { return i; });
    var width = Math.max(280, el.clientWidth || 600);
    var narrow = width < 600;  // a phone: labels turned so that they do not overlap
    var axisX = { values: function (u, ticks) { return ticks.map(function (t) { return labels[t] || ""; }); },
                  splits: function () { return xs; }, rotate: narrow ? -60 : 0, size: narrow ? 150 : 50 };
    var opts, series;
    if (el.dataset.chart === "bars") {
      opts = { width: width, height: 280,
               scales: { x: { time: false, range: [-0.5, xs.length - 0.5] },
                         y: { range: function (u, min, max) { return [0, max * 1.1]; } } },
               axes: [axisX, { size: 100 }],
               series: [{ label: el.dataset.seriesX, value: function (u, v) { return v == null ? "" : labels[v]; } },
                        { label: el.dataset.seriesBefore, stroke: "#5b6472", fill: "#5b6472",
                          paths: uPlot.paths.bars({ size: [0.3, 60], align: -1 }), points: { show: false } },
                        { label: el.dataset.seriesAfter, stroke: "#0b5cad", fill: "#0b5cad",
                          paths: uPlot.paths.bars({ size: [0.3, 60], align: 1 }), points: { show: false } }] };
      series = [xs, (data.before || []).map(Number), (data.after || []).map(Number)];
    } else {
      opts = { width: width, height: 280,
               scales: { x: { time: false }, y: { range: function (u, min, max) { return [0, max * 1.15]; } } },
               axes: [axisX, { size: 80 }],
               series: [{ label: el.dataset.seriesX, value: function (u, v) { return v == null ? "" : labels[v]; } },
                        { label: el.dataset.series, stroke: "#0b5cad", width: 2, points: { size: 8 } }] };
      series = [xs, (data.prices || []).map(Number)];
    }
    new uPlot(opts, series, el);
    el.dataset.drawn = "true";
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
  // A chosen file goes into its form: CSV as text in the form's text box, an XLSX workbook as
  // base64; the file's own name goes with it, for the server's errors to name it.
  document.querySelectorAll("input[type=file][data-csv-target]").forEach(function (input) {
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      if (!file) return;
      var form = input.form, text = document.getElementById(input.dataset.csvTarget);
      var name = form.querySelector("input[name=fileName]"), book = form.querySelector("input[name=xlsx]");
      var reader = new FileReader();
      var workbook = /\.xlsx$/i.test(file.name);
      if (name) name.value = file.name;
      reader.onload = function () {
        if (workbook) {
          book.value = String(reader.result).replace(/^data:[^,]*,/, "");
          text.value = "";
        } else {
          if (book) book.value = "";
          text.value = reader.result;
        }
        input.dataset.read = "true";
      };
      if (workbook && book) reader.readAsDataURL(file); else reader.readAsText(file);
    });
  });
  // Typing into the text box makes it the table sent: no longer the chosen file.
  document.querySelectorAll("[data-csv-upload] textarea[name=csv]").forEach(function (text) {
    text.addEventListener("input", function () {
      var form = text.form;
      ["fileName", "xlsx"].forEach(function (n) { var f = form.querySelector("input[name=" + n + "]"); if (f) f.value = ""; });
    });
  });
  // Times in the visitor's time zone; the UTC time the page was written with stays in the title.
  var fmt = new Intl.DateTimeFormat(document.documentElement.lang || undefined,
      { year: "numeric", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
        timeZoneName: "short" });
  document.querySelectorAll("time[datetime*='T']").forEach(function (el) {
    var at = new Date(el.getAttribute("datetime"));
    if (isNaN(at)) return;
    el.title = el.textContent.trim();
    el.textContent = fmt.format(at);
    el.dataset.local = "true";
  });
  // The countdown to a deadline, on the server's clock (the page says when it was written).
  function pad(n) { return n < 10 ? "0" + n : "" + n; }
  document.querySelectorAll("[data-countdown]").forEach(function (el) {
    var deadline = Date.parse(el.dataset.deadline), skew = Date.parse(el.dataset.now) - Date.now();
    function tick() {
      var left = Math.floor((deadline - (Date.now() + skew)) / 1000);
      if (left <= 0) { el.textContent = el.dataset.labelClosed; return; }
      var days = Math.floor(left / 86400), rest = left % 86400;
      el.textContent = el.dataset.labelDays.replace("{days}", days) + " " + pad(Math.floor(rest / 3600)) +
        ":" + pad(Math.floor(rest % 3600 / 60)) + ":" + pad(rest % 60);
      el.dataset.left = left;
      setTimeout(tick, 1000);
    }
    tick();
  });
})();
