// dmkg dosing-by-weight chart: Chart.js (vendored, window.Chart) draws one floating bar per
// regimen over its population's weight band, from the JSON in #dosing-chart-data
// ({bars: [{label, low, high, open_low, open_high, status, claim_href}], axis_max}).
// A bar opens its claim. The chart is kept in window.dmkgChart (people at the console, tests).
"use strict";
(function () {
  const data = document.getElementById("dosing-chart-data");
  const canvas = document.querySelector("#dosing-chart canvas");
  if (!window.Chart || !data || !canvas) return;
  const chart = JSON.parse(data.textContent);
  const STATUS = { "stated use": "#2e7d32", labelled: "#2e7d32", reimbursed: "#2e7d32",
    "not reimbursed": "#ef6c00", studied: "#1565c0", observed: "#7b1fa2" };
  const bars = chart.bars;
  window.dmkgChart = new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: bars.map((b) => b.label),
      datasets: [{
        label: "body weight band (kg)",
        data: bars.map((b) => [b.low, b.high]),
        backgroundColor: bars.map((b) => STATUS[b.status] || "#5b6570"),
        borderSkipped: false,
        barThickness: 18,
      }],
    },
    options: {
      indexAxis: "y",
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: {
        x: { min: 0, max: chart.axis_max, title: { display: true, text: "body weight (kg)" } },
        y: { ticks: { autoSkip: false } },
      },
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: function (ctx) {
              const b = bars[ctx.dataIndex];
              const low = b.open_low ? "" : b.low + " kg";
              const high = b.open_high ? "" : b.high + " kg";
              const band = b.open_low ? "under " + high : b.open_high ? "over " + low : low + "–" + high;
              return band + (b.status ? " · " + b.status : "");
            },
          },
        },
      },
      onClick: function (event, elements) {
        if (elements.length) window.location.href = bars[elements[0].index].claim_href;
      },
    },
  });
})();
