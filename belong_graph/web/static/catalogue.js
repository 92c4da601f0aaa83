// The catalogue on a phone: its filters start folded, so that the results come first on the
// screen; "Filter the list" opens them. Without this script they stay open, as on a desk.
const filters = document.querySelector("details.filters");
if (filters && window.matchMedia("(max-width: 50rem)").matches) {
  filters.open = false;
}
