// Draws each <figure class="chart"> from the data table printed inside it, which stays beside
// the chart for screen readers and for readers without JavaScript.
(function () {
  "use strict";
  for (const figure of document.querySelectorAll("figure.chart")) {
    const rows = Array.from(figure.querySelectorAll("tbody tr"));
    if (!rows.length || typeof Chart === "undefined") continue;
    const labels = rows.map((row) => row.querySelector("th").textContent.trim());
    const counts = rows.map((row) => Number(row.querySelector("td").textContent));
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", figure.querySelector("figcaption").textContent + ": chart of the table below");
    figure.insertBefore(canvas, figure.querySelector("table"));
    new Chart(canvas, {
      type: figure.dataset.kind === "line" ? "line" : "bar",
      data: { labels: labels, datasets: [{ label: "Resources", data: counts, backgroundColor: "#2b5c8a", borderColor: "#2b5c8a" }] },
      options: {
        indexAxis: figure.dataset.kind === "bar" ? "y" : "x",
        animation: false,
        plugins: { legend: { display: false } },
        scales: { [figure.dataset.kind === "bar" ? "x" : "y"]: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }
})();
