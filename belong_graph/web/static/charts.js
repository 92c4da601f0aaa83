// Draws each <figure class="chart"> from the data table printed inside it, which stays beside
// the chart for screen readers and for readers without JavaScript. Every bar and point is
// labelled (long labels wrap onto lines, never cut off), a horizontal bar chart grows with its
// bars, and a timeline of one year is drawn as one bar, not as a lone dot.
(function () {
  "use strict";
  const LINE = 22; // characters on a label's line before it wraps
  const BAR = 30; // pixels a horizontal bar and its label take

  function wrapped(label) {
    const lines = [];
    for (const word of label.split(/\s+/)) {
      const last = lines.length - 1;
      if (last >= 0 && (lines[last] + " " + word).length <= LINE) lines[last] += " " + word;
      else lines.push(word);
    }
    return lines.length > 1 ? lines : label;
  }

  for (const figure of document.querySelectorAll("figure.chart")) {
    const rows = Array.from(figure.querySelectorAll("tbody tr"));
    if (!rows.length || typeof Chart === "undefined") continue;
    const labels = rows.map((row) => row.querySelector("th").textContent.trim());
    const counts = rows.map((row) => Number(row.querySelector("td").textContent));
    const line = figure.dataset.kind === "line" && rows.length > 1;
    const horizontal = figure.dataset.kind === "bar";
    const frame = document.createElement("div");
    frame.className = "chart-frame";
    frame.style.height = (horizontal ? Math.max(160, rows.length * BAR + 60) : 260) + "px";
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", figure.querySelector("figcaption").textContent + ": chart of the table below");
    frame.appendChild(canvas);
    figure.insertBefore(frame, figure.querySelector("table"));
    const category = { ticks: { autoSkip: false, maxRotation: 0, color: "#222" } };
    const value = { beginAtZero: true, ticks: { precision: 0, color: "#222" } };
    new Chart(canvas, {
      type: line ? "line" : "bar",
      data: {
        labels: labels.map(wrapped),
        datasets: [{ label: "Resources", data: counts, backgroundColor: "#2b5c8a", borderColor: "#2b5c8a", maxBarThickness: 48 }],
      },
      options: {
        indexAxis: horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: horizontal ? { y: category, x: value } : { x: category, y: value },
      },
    });
  }
})();
