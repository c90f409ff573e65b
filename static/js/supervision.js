/* Charts of the supervision pages, drawn with the vendored ECharts from data the page embeds (json_script).
   Each chart's options are built for the width it has: on a phone (under NARROW px) the axis reads short
   month names, labels never overlap or leave the chart (containLabel, hideOverlap), symbols shrink and the
   legend takes less room. A resize across that width rebuilds the options. */
(function () {
  "use strict";
  var COLORS = { not_started: "#757575", done: "#1565c0", green: "#2e7d32", amber: "#e69500", red: "#c62828" };
  var NARROW = 480;
  var LANG = (document.documentElement.lang || "").toLowerCase();
  var CHINESE = LANG.indexOf("zh") === 0;

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // 12,345 / 1.2万 / 3.4亿 in Chinese, 12,345 / 1.2M elsewhere: an axis of large amounts stays narrow.
  function compact(value) {
    var n = Number(value), abs = Math.abs(n);
    if (CHINESE && abs >= 1e8) { return trim(n / 1e8) + "亿"; }
    if (CHINESE && abs >= 1e4) { return trim(n / 1e4) + "万"; }
    if (!CHINESE && abs >= 1e6) { return trim(n / 1e6) + "M"; }
    if (!CHINESE && abs >= 1e4) { return trim(n / 1e3) + "k"; }
    return grouped(n);
  }

  function trim(n) { return String(Math.round(n * 100) / 100); }

  function grouped(n) {
    return Number(n).toLocaleString(CHINESE ? "zh-CN" : "en", { maximumFractionDigits: 2 });
  }

  function chart(id, build) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return; }
    var instance = echarts.init(node, null, { renderer: "svg" });
    var narrow = node.clientWidth < NARROW;
    instance.setOption(build(narrow));
    window.addEventListener("resize", function () {
      var now = node.clientWidth < NARROW;
      if (now !== narrow) {
        narrow = now;
        instance.setOption(build(narrow), true);
      }
      instance.resize();
    });
    node.setAttribute("data-rendered", "1");
    node.setAttribute("data-layout", narrow ? "narrow" : "wide");
  }

  function legend(narrow) {
    return {
      bottom: 0, left: "center", itemWidth: narrow ? 10 : 12, itemHeight: narrow ? 8 : 10,
      itemGap: narrow ? 8 : 12, textStyle: { fontSize: narrow ? 10 : 11 }
    };
  }

  var trend = data("trend-data");
  if (trend) {
    chart("trend-chart", function (narrow) {
      return {
        tooltip: { trigger: "axis", confine: true },
        legend: legend(narrow),
        grid: { left: 4, right: 8, top: 10, bottom: narrow ? 30 : 36, containLabel: true },
        xAxis: {
          type: "category",
          data: narrow ? trend.short_months : trend.months,
          axisTick: { alignWithLabel: true },
          axisLabel: { fontSize: 10, lineHeight: 14, hideOverlap: true, interval: narrow ? "auto" : 0 }
        },
        yAxis: { type: "value", minInterval: 1, axisLabel: { fontSize: 10 } },
        series: trend.series.map(function (s) {
          return { name: s.name, type: "bar", stack: "lights", data: s.data, barMaxWidth: 36,
                   itemStyle: { color: COLORS[s.light] } };
        })
      };
    });
  }

  // An amount kept in 万元 or 亿斤 is read on the axis in its base unit: 600000 万元 is 60亿 (元).
  function scaled(unit) {
    var prefix = (unit || "").charAt(0), rest = (unit || "").slice(1);
    if (rest && prefix === "万") { return { factor: 1e4, unit: rest }; }
    if (rest && prefix === "亿") { return { factor: 1e8, unit: rest }; }
    return { factor: 1, unit: unit || "" };
  }

  var progress = data("progress-data");
  if (progress) {
    var labels = progress.labels;
    var axisUnit = scaled(progress.unit);
    chart("progress-chart", function (narrow) {
      return {
        tooltip: { trigger: "axis", confine: true,
                   valueFormatter: function (v) { return v == null ? "—" : grouped(v) + " " + (progress.unit || ""); } },
        legend: legend(narrow),
        // The time axis centres its last label on the last tick: the right margin keeps it inside the chart.
        grid: { left: 4, right: 24, top: 28, bottom: narrow ? 50 : 40, containLabel: true },
        xAxis: { type: "time", splitNumber: narrow ? 3 : 6,
                 axisLabel: { fontSize: 10, hideOverlap: true,
                              formatter: { year: "{yyyy}", month: CHINESE ? "{M}月" : "{MMM}", day: "{d}" },
                              rich: {} } },
        yAxis: { type: "value", scale: true, splitNumber: narrow ? 4 : 5, name: axisUnit.unit,
                 nameTextStyle: { fontSize: 10, align: "left" }, nameGap: 8,
                 axisLabel: { fontSize: 10, formatter: function (v) { return compact(v * axisUnit.factor); } } },
        series: [
          { name: labels.expected, type: "line", data: progress.expected, showSymbol: false,
            lineStyle: { type: "dashed", color: "#757575" }, itemStyle: { color: "#757575" } },
          // On a phone one point a month is a bead chain: the line alone, a point shown on hover.
          { name: labels.reported, type: "line", data: progress.reported, showSymbol: !narrow,
            symbolSize: narrow ? 4 : 6, lineStyle: { width: 2 }, itemStyle: { color: "#b71c1c" } },
          { name: labels.milestones, type: "scatter", data: progress.milestones, symbolSize: narrow ? 8 : 10,
            itemStyle: { color: "#1565c0" } },
          { name: labels.projection, type: "line", data: progress.projection, showSymbol: false,
            lineStyle: { type: "dotted", color: "#e69500" }, itemStyle: { color: "#e69500" } }
        ]
      };
    });
  }
})();
