/* Charts of the supervision pages, drawn with the vendored ECharts from data the page embeds (json_script). */
(function () {
  "use strict";
  var COLORS = { not_started: "#757575", done: "#1565c0", green: "#2e7d32", amber: "#e69500", red: "#c62828" };

  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function chart(id, option) {
    var node = document.getElementById(id);
    if (!node || typeof echarts === "undefined") { return; }
    var instance = echarts.init(node, null, { renderer: "svg" });
    instance.setOption(option);
    window.addEventListener("resize", function () { instance.resize(); });
    node.setAttribute("data-rendered", "1");
  }

  var trend = data("trend-data");
  if (trend) {
    chart("trend-chart", {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, itemWidth: 12, textStyle: { fontSize: 11 } },
      grid: { left: 36, right: 8, top: 10, bottom: 50 },
      xAxis: { type: "category", data: trend.months, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", minInterval: 1 },
      series: trend.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "lights", data: s.data, itemStyle: { color: COLORS[s.light] } };
      })
    });
  }

  var progress = data("progress-data");
  if (progress) {
    var labels = progress.labels;
    chart("progress-chart", {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, itemWidth: 14, textStyle: { fontSize: 11 } },
      grid: { left: 48, right: 12, top: 16, bottom: 80 },
      xAxis: { type: "time" },
      yAxis: { type: "value", scale: true },
      series: [
        { name: labels.expected, type: "line", data: progress.expected, showSymbol: false,
          lineStyle: { type: "dashed", color: "#757575" }, itemStyle: { color: "#757575" } },
        { name: labels.reported, type: "line", data: progress.reported, itemStyle: { color: "#b71c1c" } },
        { name: labels.milestones, type: "scatter", data: progress.milestones, symbolSize: 10,
          itemStyle: { color: "#1565c0" } },
        { name: labels.projection, type: "line", data: progress.projection, showSymbol: false,
          lineStyle: { type: "dotted", color: "#e69500" }, itemStyle: { color: "#e69500" } }
      ]
    });
  }
})();
