// The data model page: Mermaid (from npm, loaded only here) draws the diagram from the text the
// server wrote; the table beside it says the same without the drawing. The drawing keeps its
// size and scrolls inside its box rather than shrink its words on a phone.
import mermaid from "./vendor/mermaid/mermaid.esm.min.mjs";

mermaid.initialize({
  startOnLoad: false,
  securityLevel: "strict",
  theme: "neutral",
  flowchart: { useMaxWidth: false },
});
const box = document.getElementById("model-diagram");
const { svg } = await mermaid.render("model-svg", JSON.parse(document.getElementById("model-source").textContent));
box.innerHTML = svg;
box.dataset.state = "ready";
