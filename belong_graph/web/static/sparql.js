// The query page: YASGUI on this endpoint, with our prefixes, the canned queries as examples,
// the query kept in the page's URL, downloads in every format, and plain messages for answers
// that were cut at the row limit or stopped at the time limit.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const notice = document.getElementById("notice");

  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "GET" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    persistenceId: null,
    yasqe: { value: config.query || config.examples[0].sparql },
  });
  window.belongYasgui = yasgui;

  function tab() { return yasgui.getTab(); }

  function show(message) {
    notice.textContent = message;
    notice.hidden = !message;
  }

  tab().getYasqe().addPrefixes(config.prefixes);

  // YASGUI's own fields have no names for screen readers: the editor's and the endpoint's.
  document.querySelector("#yasgui .CodeMirror textarea").setAttribute("aria-label", "SPARQL query");
  document.querySelectorAll("#yasgui input.autocomplete").forEach(function (input) {
    input.setAttribute("aria-label", "Endpoint");
  });

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      const example = config.examples.find((e) => e.name === button.dataset.name);
      tab().setQuery(example.sparql);
      tab().query();
    });
  });

  yasgui.on("query", function (instance, current) {
    show("");
    const url = new URL(window.location.href);
    url.searchParams.set("query", current.getQuery());
    window.history.replaceState(null, "", url);
  });

  // YASGUI announces the response before YASR has read it: look once YASR is done.
  yasgui.on("queryResponse", function (instance, current) {
    window.setTimeout(function () { explain(current.getYasr().results); }, 0);
  });

  function explain(results) {
    if (!results) return;
    const error = results.getError();
    if (error) {
      show(error.text || error.statusText || "The query failed.");
      return;
    }
    const json = results.getAsJson && results.getAsJson();
    if (json && json.truncated) {
      show("Only the first " + config.resultLimit.toLocaleString() + " rows are shown: " +
           "the answer was cut at this endpoint's limit. Add LIMIT and OFFSET to page through it.");
    }
  }

  document.querySelectorAll("#downloads a").forEach(function (link) {
    link.addEventListener("click", function (event) {
      const url = new URL(config.endpoint, window.location.href);
      url.searchParams.set("query", tab().getQuery());
      url.searchParams.set("format", link.dataset.format);
      link.href = url.toString();
      link.setAttribute("download", "answer." + link.dataset.format);
    });
  });
})();
