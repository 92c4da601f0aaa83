// The query page: YASGUI on this endpoint, with our prefixes, the canned queries as examples,
// the query kept in the page's URL, downloads in every format, and plain messages for errors,
// for answers that were cut at the row limit and for queries stopped at the time limit.
// Nothing runs until the reader presses Run: not a query opened from a link, not an example.
// The editor's autocompleters ask this server's index, never an outside service.
(function () {
  "use strict";
  const config = JSON.parse(document.getElementById("config").textContent);
  const notice = document.getElementById("notice");
  // On a phone the examples start folded, so that the editor comes first on the screen; without
  // this script they stay open, as on a desk.
  const examples = document.querySelector("details.examples");
  if (examples && window.matchMedia("(max-width: 50rem)").matches) examples.open = false;

  ourAutocompleters(Yasgui.Yasqe, config);

  // The query comes from the server, which read the page's URL whole. YASGUI's own reading of
  // the URL (populateFromUrl) splits the query at every ";" and runs it at once.
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: config.endpoint, method: "GET" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: config.endpoint }] },
    persistenceId: null,
    populateFromUrl: false,
    // CodeMirror's editable text sits inside its scroller, so the scroller holds what the
    // keyboard reaches (axe-core's scrollable-region-focusable); a hidden textarea would not.
    yasqe: { value: config.query || config.examples[0].sparql, inputStyle: "contenteditable" },
  });
  window.belongYasgui = yasgui;

  function tab() { return yasgui.getTab(); }

  // A message; its lines after the first (a parse error's line and caret) as they are.
  function show(message) {
    const [first, ...rest] = message.split("\n");
    const text = document.createElement("p");
    text.textContent = first;
    notice.replaceChildren(text);
    if (rest.length) {
      const code = document.createElement("pre");
      code.textContent = rest.join("\n");
      notice.appendChild(code);
    }
    notice.hidden = !message;
  }

  function pageUrl(query) {
    const url = new URL(window.location.href);
    url.hash = "";
    url.searchParams.set("query", query);
    return url.toString();
  }

  // The page's URL holds the editor's query, so that it can be shared (or bookmarked) as it is.
  let pending = null;
  function putInUrl() {
    window.clearTimeout(pending);
    window.history.replaceState(null, "", pageUrl(tab().getQuery()));
  }
  function keepInUrl() {  // while typing: once the keys rest
    window.clearTimeout(pending);
    pending = window.setTimeout(putInUrl, 300);
  }

  const yasqe = tab().getYasqe();
  if (!config.query) yasqe.addPrefixes(config.prefixes);  // a query opened stays as it was sent
  yasqe.config.createShareableLink = () => pageUrl(tab().getQuery());
  yasqe.on("change", keepInUrl);

  // YASGUI's own fields have no names for screen readers: the editor's, the endpoint's and
  // the results' page size.
  const editable = document.querySelector("#yasgui .CodeMirror-code");
  editable.setAttribute("role", "textbox");
  editable.setAttribute("aria-multiline", "true");
  editable.setAttribute("aria-label", "SPARQL query");
  document.querySelectorAll("#yasgui input.autocomplete").forEach(function (input) {
    input.setAttribute("aria-label", "Endpoint");
  });

  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () {
      const example = config.examples.find((e) => e.name === button.dataset.name);
      tab().setQuery(example.sparql);
      const filled = Object.entries(example.filled).map(([name, value]) => name + " = " + value);
      show("“" + example.title + "” is in the editor" +
           (filled.length ? ", with its documented example: " + filled.join(", ") : "") +
           ". Press Run (the triangle, or Ctrl+Enter) to run it.");
    });
  });

  yasgui.on("query", function () {
    show("");
    putInUrl();
  });

  // YASGUI announces the response before YASR has read it: look once YASR is done.
  yasgui.on("queryResponse", function (instance, current) {
    window.setTimeout(function () { explain(current.getYasr().results); }, 0);
  });

  function explain(results) {
    document.querySelectorAll("#yasgui select.tableSizer").forEach(function (select) {
      select.setAttribute("aria-label", "Rows per page");
    });
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
    link.addEventListener("click", function () {
      const url = new URL(config.endpoint, window.location.href);
      url.searchParams.set("query", tab().getQuery());
      url.searchParams.set("format", link.dataset.format);
      link.href = url.toString();
      link.setAttribute("download", "answer." + link.dataset.format);
    });
  });

  // Classes, properties and entities from GET /sparql/completions (the build's index of the
  // library), prefixes from ours; YASQE's own would ask Linked Open Vocabularies and prefix.cc.
  // Each suggestion is a CURIE where our prefixes give one, shown with its label.
  function ourAutocompleters(Yasqe, config) {
    const labels = new Map();
    function fromIndex(kind) {
      return function (_yasqe, token) {
        const url = new URL(config.completions, window.location.href);
        url.searchParams.set("kind", kind);
        url.searchParams.set("q", token ? token.autocompletionString || token.string : "");
        return fetch(url)
          .then((response) => (response.ok ? response.json() : { completions: [] }))
          .then((answer) => answer.completions.map(function (found) {
            const text = found.curie || "<" + found.iri + ">";
            if (found.label) labels.set(text, found.label);
            return text;
          }));
      };
    }
    // A chosen CURIE whose prefix the query lacks gets its PREFIX line.
    function insert(editor, data, hint) {
      editor.replaceRange(hint.text, hint.from || data.from, hint.to || data.to, "complete");
      const prefix = hint.text.startsWith("<") ? null : hint.text.split(":")[0];
      if (prefix in config.prefixes && !(prefix in editor.getPrefixesFromQuery())) {
        editor.addPrefixes({ [prefix]: config.prefixes[prefix] });
      }
    }
    function labelled(_yasqe, hints) {
      return hints.map(function (hint) {
        const label = labels.get(hint.text);
        return Object.assign(hint, {
          displayText: label ? hint.text + " · " + label : hint.text,
          hint: insert,
        });
      });
    }
    const ours = { postProcessSuggestion: (_y, _t, text) => text, postprocessHints: labelled,
                   autoShow: true };
    for (const kind of ["property", "class"]) {
      Yasqe.Autocompleters[kind] = Object.assign({}, Yasqe.Autocompleters[kind], ours,
                                                 { get: fromIndex(kind) });
    }
    const declarations = Object.entries(config.prefixes).map(([p, iri]) => p + ": <" + iri + ">");
    Yasqe.Autocompleters.prefixes = Object.assign({}, Yasqe.Autocompleters.prefixes, {
      bulk: false,  // nothing kept in the browser's storage
      persistenceId: null,
      get: (_yasqe, token) => declarations.filter(
        (line) => line.startsWith(token.autocompletionString || token.string)),
    });
    // An entity: an IRI being typed (from "<") where a subject or an object goes, found by the
    // words of its label: "<spirit" offers Spirit of 2012.
    Yasqe.forkAutocompleter("class", Object.assign({}, ours, {
      name: "entity",
      get: fromIndex("entity"),
      isValidCompletionPosition: function (yasqe) {
        const token = yasqe.getCompleteToken();
        if (!token.string.startsWith("<") || token.string.length < 2) return false;
        const previous = yasqe.getPreviousNonWsToken(yasqe.getDoc().getCursor().line, token);
        return !(previous && /^(PREFIX|BASE)$/i.test(previous.string)) &&
          !(previous && previous.string.endsWith(":") && previous.type === "string-2");
      },
    }), true);
  }
})();
