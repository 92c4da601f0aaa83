// The partnership explorer: draws the network the page's API link answers with Cytoscape.js,
// and keeps the server-rendered forms and tables working as they do without JavaScript.
(function () {
  "use strict";
  const box = document.getElementById("network");
  if (!box || typeof cytoscape === "undefined") return;
  if (typeof cytoscapeFcose !== "undefined") cytoscape.use(cytoscapeFcose);

  const STYLES = JSON.parse(box.dataset.styles); // explore_view.styles(): the legend's own
  const AGENTS = ["organisation", "unit", "funder"];
  const LABEL_PIXELS = 14; // a name's size on screen, whatever the zoom
  const MAJOR = 40; // names always labelled; the others when zoomed in, pointed at or selected
  const details = document.getElementById("details");
  const explanation = document.getElementById("path-explanation");
  const filters = box.dataset.filters;
  const EXPAND = "100"; // most neighbours drawn when a node is expanded
  let labelSize = LABEL_PIXELS;

  const edgeStyle = (edge, key, fallback) => (STYLES.edges[edge.data("role")] || {})[key] || fallback;
  const cy = cytoscape({
    container: box,
    minZoom: 0.05,
    maxZoom: 4,
    style: [
      { selector: "node", style: {
        "background-color": (n) => colour(n),
        "shape": (n) => (STYLES.nodes[n.data("type")] || STYLES.nodes.other).shape,
        "label": "data(label)", "font-size": () => labelSize, "color": "#1d1d1f",
        "text-valign": "bottom", "text-margin-y": 3, "text-wrap": "ellipsis",
        "text-max-width": () => 12 * labelSize, "text-outline-color": "#ffffff",
        "text-outline-width": () => labelSize / 7,
        "width": (n) => size(n), "height": (n) => size(n),
        "border-width": 1, "border-color": "#ffffff",
      } },
      { selector: "node.minor", style: { "label": "" } },
      { selector: "node.hovered, node:selected, node.on-path", style: {
        "label": "data(name)", "text-wrap": "wrap", "z-index": 10, "font-weight": "bold",
      } },
      { selector: "edge", style: {
        "width": 1.5, "line-color": (e) => edgeStyle(e, "colour", "#86868b"), "curve-style": "bezier",
        "line-style": (e) => edgeStyle(e, "line", "solid"),
        "target-arrow-shape": "triangle", "target-arrow-color": (e) => edgeStyle(e, "colour", "#86868b"),
        "arrow-scale": 0.8,
      } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#ffbf00" } },
      { selector: ".faded", style: { "opacity": 0.15 } },
      { selector: "node.on-path", style: { "border-width": 4, "border-color": STYLES.path, "opacity": 1 } },
      { selector: "edge.on-path", style: {
        "width": 4, "line-color": STYLES.path, "target-arrow-color": STYLES.path, "opacity": 1,
        "label": "data(roleName)", "font-size": () => labelSize * 0.85, "text-background-color": "#ffffff",
        "text-background-opacity": 1,
      } },
      { selector: "edge.labelled", style: { "label": "data(roleName)", "font-size": () => labelSize * 0.85 } },
    ],
  });
  const explorer = { cy: cy, ready: false, focus: focus, showPaths: showPaths };
  window.belongExplorer = explorer;

  function size(node) {
    return Math.min(12 + 5 * Math.sqrt(node.data("degree") || 0), 56);
  }

  function colour(node) {
    const community = node.data("community");
    if (document.getElementById("by-community").checked && community != null) {
      const colours = STYLES.communities;
      return colours[Math.min(community, colours.length - 1)];
    }
    return (STYLES.nodes[node.data("type")] || STYLES.nodes.other).colour;
  }

  // Names keep LABEL_PIXELS on screen at any zoom. The best-connected are named first, and a name
  // that would cover one already named is left out, so that names never cover each other (on a
  // phone above all); zoomed out, at most MAJOR are named. Zooming in makes room for more; a name
  // left out shows when its node is pointed at or selected, and every name is in the tables.
  function fitLabels() {
    const zoom = cy.zoom();
    labelSize = LABEL_PIXELS / zoom;
    const ranked = cy.nodes().sort((a, b) => (b.data("degree") || 0) - (a.data("degree") || 0));
    const named = [];
    const crowded = ranked.filter((node) => {
      const box = nameBox(node, zoom);
      const left = (zoom < 0.9 && named.length >= MAJOR) || named.some((other) => overlap(box, other));
      if (!left) named.push(box);
      return left;
    });
    cy.batch(() => {
      cy.nodes().removeClass("minor");
      crowded.addClass("minor");
    });
    cy.style().update();
  }

  // Where a node's name is drawn on screen, a little larger than Cytoscape draws it (its outline
  // included); measured here, as Cytoscape measures a name only when it next draws it.
  const measure = document.createElement("canvas").getContext("2d");
  function nameBox(node, zoom) {
    measure.font = `${LABEL_PIXELS}px ${node.style("font-family")}`;
    const width = Math.min(measure.measureText(node.data("label")).width, 12 * LABEL_PIXELS) + 8;
    const at = node.renderedPosition();
    const top = at.y + node.renderedHeight() / 2 + 3 * zoom - 4;
    return { x1: at.x - width / 2, x2: at.x + width / 2, y1: top, y2: top + 1.6 * LABEL_PIXELS };
  }

  function overlap(a, b) {
    return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  }

  function add(doc) {
    const fresh = [];
    for (const n of doc.nodes) {
      if (cy.getElementById(n.id).empty()) {
        fresh.push({ group: "nodes", data: {
          id: n.id, label: n.short, name: n.label, type: n.type, kinds: n.kinds, year: n.year,
          degree: n.degree, betweenness: n.betweenness, community: n.community, page: n.page,
        } });
      }
    }
    for (const e of doc.edges) {
      if (cy.getElementById(e.id).empty()) {
        fresh.push({ group: "edges", data: {
          id: e.id, source: e.source, target: e.target, role: e.role, roleName: e.roleName,
          sentence: e.sentence, start: e.start, end: e.end, note: e.note, relation: e.relation,
          recordPage: e.recordPage, documentPage: e.documentPage, documentLabel: e.documentLabel,
        } });
      }
    }
    cy.add(fresh);
    return fresh.length;
  }

  function layout() {
    const options = cy.nodes().length > 1 && typeof cytoscapeFcose !== "undefined"
      ? { name: "fcose", quality: "default", animate: false, randomize: true,
          nodeRepulsion: 60000, idealEdgeLength: 160, nodeSeparation: 140, packComponents: true }
      : { name: "grid", animate: false };
    return new Promise((resolve) => {
      const run = cy.layout(options);
      run.one("layoutstop", resolve);
      run.run();
    });
  }

  // The drawing grew (a node's neighbours, a name found, a connection): lay it out again and
  // list what it now holds in the tables below it, the drawing's text alternative.
  async function grown() {
    await layout();
    fitLabels();
    listNames();
    listLinks();
  }

  function cellWith(...children) {
    const cell = text("td");
    cell.append(...children);
    return cell;
  }

  function pageLink(node) {
    return text("a", node.data("name"), { href: node.data("page") });
  }

  function kindWords(type) {
    return document.getElementById("legend-" + type)?.textContent || type;
  }

  function listNames() {
    const table = document.getElementById("names");
    const nodes = cy.nodes().sort((a, b) => (b.data("degree") || 0) - (a.data("degree") || 0)
      || a.data("name").localeCompare(b.data("name")));
    const rows = nodes.map((node) => {
      const row = text("tr");
      const choose = text("button", "Select " + node.data("name"), { type: "button", class: "link-like select-node" });
      choose.addEventListener("click", () => selectFromList(node.id()));
      row.append(cellWith(pageLink(node)), text("td", kindWords(node.data("type"))),
        text("td", String(node.degree(false))), text("td", String(node.data("degree") || 0)), cellWith(choose));
      return row;
    });
    table.tBodies[0].replaceChildren(...rows);
    table.caption.textContent = count(nodes.length, "name", "names") + " drawn, best connected first";
  }

  function period(edge) {
    const [start, end] = [edge.data("start"), edge.data("end")];
    if (start && end && start !== end) return start + "–" + end;
    return start ? String(start) : end ? "until " + end : "";
  }

  function listLinks() {
    const table = document.getElementById("relationships");
    const edges = cy.edges().sort((a, b) => a.source().data("name").localeCompare(b.source().data("name"))
      || a.data("id").localeCompare(b.data("id")));
    const rows = edges.map((edge) => {
      const row = text("tr");
      row.append(cellWith(pageLink(edge.source())), text("td", edge.data("roleName")),
        cellWith(pageLink(edge.target())), text("td", period(edge)), text("td", edge.data("sentence")),
        cellWith(evidence(edge)));
      return row;
    });
    table.tBodies[0].replaceChildren(...rows);
    table.caption.textContent = count(edges.length, "link", "links") + ", each with its evidence";
  }

  function selectFromList(id) {
    select(id);
    box.scrollIntoView({ block: "nearest" });
  }

  function ready() {
    explorer.ready = true;
    box.dataset.state = "ready";
  }

  async function fetchJson(url, signal) {
    const response = await fetch(url, { headers: { Accept: "application/json" }, signal: signal });
    if (!response.ok) throw new Error((await response.text()).trim());
    return response.json();
  }

  function withFilters(base, params) {
    const query = new URLSearchParams(filters);
    for (const [key, value] of Object.entries(params)) query.set(key, value);
    return base + "?" + query.toString();
  }

  function text(tag, content, attributes) {
    const element = document.createElement(tag);
    if (content) element.textContent = content;
    for (const [key, value] of Object.entries(attributes || {})) element.setAttribute(key, value);
    return element;
  }

  function count(number, one, many) {
    return number + " " + (number === 1 ? one : many);
  }

  // What a name does, in plain words, from its neighbourhood (two steps for an organisation or
  // a person: the initiatives it takes part in, and who else takes part in them).
  function plainWords(id, doc) {
    const types = Object.fromEntries(doc.nodes.map((n) => [n.id, n.type]));
    const out = doc.edges.filter((e) => e.source === id);
    const into = doc.edges.filter((e) => e.target === id);
    const kind = types[id];
    const words = [];
    if (AGENTS.includes(kind) || kind === "person") {
      const initiatives = new Set(out.filter((e) => types[e.target] === "initiative").map((e) => e.target));
      const partners = new Set(doc.edges.filter((e) => initiatives.has(e.target) && e.source !== id
        && AGENTS.includes(types[e.source])).map((e) => e.source));
      if (initiatives.size) {
        words.push(partners.size
          ? "Works with " + count(partners.size, "organisation", "organisations") + " on "
            + count(initiatives.size, "project or programme", "projects and programmes") + "."
          : "Takes part in " + count(initiatives.size, "project or programme", "projects and programmes") + ".");
      }
      const roles = {};
      out.filter((e) => types[e.target] === "initiative").forEach((e) => { roles[e.roleName] = (roles[e.roleName] || 0) + 1; });
      const named = Object.entries(roles).map(([role, n]) => role.toLowerCase() + " in " + n);
      if (named.length) words.push("Its roles: " + named.join(", ") + ".");
      const credits = new Set(out.filter((e) => types[e.target] === "resource").map((e) => e.target));
      if (credits.size) words.push("Credited on " + count(credits.size, "resource", "resources") + ".");
      const people = new Set(into.filter((e) => types[e.source] === "person").map((e) => e.source));
      if (people.size) words.push(count(people.size, "person is", "people are") + " affiliated with it.");
      const homes = out.filter((e) => e.role === "affiliation" || e.role === "unit-of" || e.role === "part-of");
      if (homes.length) words.push("Belongs to " + homes.map((e) => doc.nodes.find((n) => n.id === e.target).label).join(", ") + ".");
    } else {
      const agents = new Set(into.filter((e) => AGENTS.includes(types[e.source])).map((e) => e.source));
      const people = new Set(into.filter((e) => types[e.source] === "person").map((e) => e.source));
      if (agents.size || people.size) {
        words.push([agents.size ? count(agents.size, "organisation", "organisations") : "",
          people.size ? count(people.size, "person", "people") : ""].filter(Boolean).join(" and ")
          + (kind === "resource" ? " credited on it." : " take part in it."));
      }
      const work = new Set([...into, ...out].map((e) => (e.source === id ? e.target : e.source))
        .filter((n) => n !== id && (types[n] === "initiative" || types[n] === "resource")));
      if (work.size) words.push("Linked to " + count(work.size, "other project or resource", "other projects and resources") + ".");
    }
    if (!words.length) words.push("Linked to " + count(new Set([...out.map((e) => e.target), ...into.map((e) => e.source)]).size, "other name", "other names") + ".");
    if (doc.limited) words.push("(It has more links than can be counted here: these are at least.)");
    return words.join(" ");
  }

  // "Research and Resources says: “...” (the participation)": the source, its words, the record;
  // as the page's tables give it (templates/explore.html).
  function evidence(edge) {
    const item = text("span", null, { class: "evidence" });
    const note = edge.data("note");
    const record = edge.data("relation") === "partnership" ? "participation" : "credit";
    if (edge.data("documentPage")) {
      item.append(text("a", edge.data("documentLabel") || "Its source", { href: edge.data("documentPage") }), note ? " says: " : "");
    } else if (!edge.data("recordPage")) {
      item.append("As the pages of ", pageLink(edge.source()), " and ", pageLink(edge.target()), note ? " say: " : " say");
    }
    if (note) item.append(text("q", note));
    if (edge.data("recordPage")) {
      const said = edge.data("documentPage") || note;
      const link = text("a", (said ? "the " : "The ") + record, { href: edge.data("recordPage") });
      item.append(...(said ? [" (", link, ")"] : [link]));
    }
    return item;
  }

  function showDetails(node) {
    details.replaceChildren(text("h3", node.data("name"), { id: "details-heading" }));
    const kind = text("p", null, { class: "meta" });
    const kinds = (node.data("kinds") || []).join(", ");
    kind.append(document.getElementById("legend-" + node.data("type"))?.textContent || node.data("type"));
    if (kinds) kind.append(" (" + kinds + ")");
    if (node.data("year")) kind.append(", " + node.data("year"));
    details.append(kind);
    const summary = text("p", "Reading its links…", { class: "plain-words" });
    details.append(summary);
    const ask = AGENTS.includes(node.data("type")) || node.data("type") === "person" ? "2" : "1";
    fetchJson(withFilters(box.dataset.ego, { entity: node.id(), depth: ask, limit: "300" })).then(
      (doc) => { summary.textContent = plainWords(node.id(), doc); },
      () => { summary.textContent = "Linked to " + count(node.data("degree") || 0, "other name", "other names") + " in the whole library."; });
    const links = text("p");
    links.append(text("a", "Open its page", { href: node.data("page") }));
    details.append(links);
    const actions = text("p", null, { class: "explore-actions" });
    const expand = text("button", "Show its neighbours", { type: "button" });
    expand.addEventListener("click", () => expandNode(node.id()));
    const from = text("button", "Connection from here", { type: "button" });
    from.addEventListener("click", () => chooseEnd("from", node.id()));
    const to = text("button", "Connection to here", { type: "button" });
    to.addEventListener("click", () => chooseEnd("to", node.id()));
    actions.append(expand, from, to);
    details.append(actions);
    const edges = node.connectedEdges();
    if (edges.length) {
      details.append(text("h4", "Its links drawn, with their evidence"));
      const list = text("ul", null, { class: "explore-links" });
      edges.forEach((edge) => {
        const other = edge.source().id() === node.id() ? edge.target() : edge.source();
        const item = text("li");
        const go = text("button", edge.data("sentence"), { type: "button", class: "link-like" });
        go.addEventListener("click", () => select(other.id()));
        item.append(go, " ", evidence(edge));
        list.append(item);
      });
      details.append(list);
    }
    const measures = text("details");
    measures.append(text("summary", "Network measures"));
    const facts = text("dl");
    for (const [term, value] of [
      ["Degree (names it is linked to in the whole library)", node.data("degree")],
      ["Betweenness (share of the shortest connections that pass through it)", (node.data("betweenness") || 0).toFixed(3)],
      ["Group (community)", node.data("community") == null ? null : node.data("community") + 1]]) {
      if (value == null || value === "") continue;
      facts.append(text("dt", term), text("dd", String(value)));
    }
    measures.append(facts);
    details.append(measures);
  }

  function chooseEnd(which, id) {
    const field = document.getElementById(which);
    field.value = cy.getElementById(id).data("name");
    field.dataset.chosen = id;
    field.focus();
  }

  async function expandNode(id) {
    const doc = await fetchJson(withFilters(box.dataset.ego, { entity: id, depth: "1", limit: EXPAND }));
    if (add(doc)) await grown();
    select(id);
    if (doc.limited) {
      details.append(text("p", "It has more neighbours than can be drawn: showing the " + EXPAND
        + " best connected. The table on its focused page lists them all."));
    }
  }

  function find(query) {
    const wanted = query.trim().toLowerCase();
    if (!wanted) return cy.collection();
    const exact = cy.nodes().filter((n) => n.id() === query.trim()
      || n.data("name").toLowerCase() === wanted || n.data("label").toLowerCase() === wanted);
    if (exact.nonempty()) return exact[0];
    const partial = cy.nodes().filter((n) => n.data("name").toLowerCase().includes(wanted));
    return partial.nonempty() ? partial.sort((a, b) => b.data("degree") - a.data("degree"))[0] : cy.collection();
  }

  function focus(id) {
    const node = cy.getElementById(id);
    if (node.empty()) return false;
    const near = node.closedNeighborhood();
    cy.elements().unselect().removeClass("labelled on-path").addClass("faded");
    near.removeClass("faded");
    node.select();
    if (node.connectedEdges().length <= 15) node.connectedEdges().addClass("labelled");
    cy.fit(near, 60);
    if (cy.zoom() > 1.5) cy.zoom({ level: 1.5, position: node.position() });
    cy.center(node);
    explorer.focused = id;
    showDetails(node);
    return true;
  }

  // The view is in the page's URL, so that it can be shared: what is selected (focus) and the
  // connection asked about (from, to), beside the filters and the preset the server drew. Going
  // back or forward opens the view of that URL.
  function remember(changes) {
    const url = new URL(window.location.href);
    for (const [key, value] of Object.entries(changes)) {
      if (value) url.searchParams.set(key, value);
      else url.searchParams.delete(key);
    }
    if (url.href !== window.location.href) history.pushState(changes, "", url);
  }

  function shortName(id) {
    const at = id.indexOf("/id/");
    return at >= 0 ? id.slice(at + 4) : id;
  }

  function select(id) {
    if (focus(id)) remember({ focus: shortName(id) });
  }

  async function show(query) {
    let node = find(query);
    if (node.empty()) {
      try {
        const doc = await fetchJson(withFilters(box.dataset.ego, { entity: query, depth: "1", limit: EXPAND }));
        if (add(doc)) await grown();
        node = cy.getElementById(doc.entity);
      } catch (error) {
        details.replaceChildren(text("h3", "Not found", { id: "details-heading" }), text("p", error.message));
        return;
      }
    }
    select(node.id());
  }

  // The lookup: as the reader types, the names that begin with (or hold) the text, asked of the
  // server (the form's data-names) and offered in a list under the field: the ARIA combobox
  // pattern. Without JavaScript the field takes a typed name, which the server finds.
  const SHORTEST = 2; // characters before asking
  const WAIT = 200; // ms after the last key

  function lookup(field, name, chosen) {
    const listbox = text("ul", null, { id: field.id + "-options", role: "listbox", "aria-label": name, class: "explore-options" });
    const status = text("span", null, { id: field.id + "-status", class: "visually-hidden", "aria-live": "polite" });
    listbox.hidden = true;
    field.after(listbox, status);
    for (const [key, value] of Object.entries({ role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": listbox.id, "aria-describedby": status.id })) {
      field.setAttribute(key, value);
    }
    let waiting = null;
    let asking = null;
    let active = -1;

    function close() {
      listbox.hidden = true;
      listbox.replaceChildren();
      active = -1;
      field.setAttribute("aria-expanded", "false");
      field.removeAttribute("aria-activedescendant");
    }

    function mark(index) {
      const options = [...listbox.children];
      active = index;
      options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      field.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    }

    function choose(option) {
      field.value = option.dataset.label;
      field.dataset.chosen = option.dataset.id;
      close();
      chosen(option.dataset.id);
    }

    function offer(doc) {
      close();
      doc.names.forEach((found, i) => {
        const option = text("li", found.label, { id: field.id + "-option-" + i, role: "option", "aria-selected": "false" });
        option.dataset.id = found.id;
        option.dataset.label = found.label;
        option.append(text("span", " (" + found.type + ")", { class: "kind" }));
        option.addEventListener("mousedown", (event) => event.preventDefault()); // the field keeps focus
        option.addEventListener("click", () => choose(option));
        listbox.append(option);
      });
      const count = doc.names.length;
      status.textContent = count ? count + " name" + (count > 1 ? "s" : "") + " found: use the arrow keys to choose one"
        : "No name found";
      if (count) {
        listbox.hidden = false;
        field.setAttribute("aria-expanded", "true");
      }
    }

    function ask() {
      clearTimeout(waiting);
      delete field.dataset.chosen;
      if (asking) asking.abort();
      const typed = field.value.trim();
      if (typed.length < SHORTEST) {
        close();
        return;
      }
      waiting = setTimeout(async () => {
        asking = new AbortController();
        const url = field.form.dataset.names + (field.form.dataset.names.includes("?") ? "&" : "?")
          + new URLSearchParams({ text: typed });
        try {
          const doc = await fetchJson(url, asking.signal);
          if (field.value.trim() === typed) offer(doc);
        } catch (error) {
          if (error.name !== "AbortError") close();
        }
      }, WAIT);
    }

    field.addEventListener("input", ask);
    field.addEventListener("blur", close);
    field.addEventListener("keydown", (event) => {
      const options = [...listbox.children];
      if (event.key === "ArrowDown" && options.length) mark((active + 1) % options.length);
      else if (event.key === "ArrowUp" && options.length) mark((active + options.length - 1) % options.length);
      else if (event.key === "Enter" && active >= 0) choose(options[active]);
      else if (event.key === "Escape" && !listbox.hidden) close();
      else return;
      event.preventDefault();
    });
    return close;
  }

  // What a field names: the node chosen in its list, or what was typed.
  function named(field) {
    return field.dataset.chosen || field.value.trim();
  }

  // The connection in words, as the server writes it (explore.html), with each link's evidence.
  function renderPaths(doc) {
    explanation.replaceChildren();
    if (!doc.paths.length) {
      explanation.append(text("p", doc.from.label + " and " + doc.to.label
        + " are not connected within " + doc.max_hops + " steps in this network."));
      return;
    }
    const ways = doc.paths.length;
    explanation.append(text("p", doc.from.label + " and " + doc.to.label + " are connected in "
      + count(doc.hops, "step", "steps") + (ways > 1 ? ", in " + ways + " ways" : "") + ":"));
    for (const path of doc.paths) {
      const block = text("div", null, { class: "path" });
      block.append(text("p", path.sentence, { class: "path-sentence" }));
      const steps = text("ol", null, { class: "path-steps" });
      for (const step of path.steps) steps.append(text("li", step.sentence));
      block.append(steps);
      explanation.append(block);
    }
    const caption = "The evidence for each link on the way";
    const region = text("div", null, { class: "table-scroll", role: "region", "aria-label": caption, tabindex: "0" });
    const table = text("table", null, { id: "path-links" });
    const head = text("thead");
    const heads = text("tr");
    heads.append(text("th", "Link", { scope: "col" }), text("th", "Evidence", { scope: "col" }));
    head.append(heads);
    const body = text("tbody");
    for (const e of doc.edges) {
      const row = text("tr");
      const cell = text("td");
      cell.append(evidence(cy.getElementById(e.id)));
      row.append(text("td", e.sentence), cell);
      body.append(row);
    }
    table.append(text("caption", caption), head, body);
    region.append(table);
    explanation.append(region);
  }

  async function showPaths(from, to) {
    const doc = await fetchJson(withFilters(box.dataset.paths, { from: from, to: to }));
    if (add(doc)) await grown();
    cy.elements().removeClass("on-path").addClass("faded");
    const onPath = cy.collection();
    for (const n of doc.nodes) onPath.merge(cy.getElementById(n.id));
    for (const e of doc.edges) onPath.merge(cy.getElementById(e.id));
    onPath.removeClass("faded").addClass("on-path");
    if (onPath.nonempty()) cy.fit(onPath, 60);
    renderPaths(doc);
    explorer.path = doc;
    return doc;
  }

  function download(name, blob) {
    const link = text("a", null, { href: URL.createObjectURL(blob), download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  function escape(value) {
    return String(value).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }

  // SVG of what is drawn: lines for links, circles for nodes, with their names and sentences.
  function svg() {
    const shown = cy.elements(":visible");
    const box = shown.boundingBox({ includeLabels: true });
    const pad = 20;
    const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${Math.ceil(box.w + 2 * pad)}" height="${Math.ceil(box.h + 2 * pad)}" viewBox="${box.x1 - pad} ${box.y1 - pad} ${box.w + 2 * pad} ${box.h + 2 * pad}" font-family="sans-serif">`,
      `<rect x="${box.x1 - pad}" y="${box.y1 - pad}" width="${box.w + 2 * pad}" height="${box.h + 2 * pad}" fill="#ffffff"/>`];
    shown.edges().forEach((edge) => {
      const s = edge.source().position();
      const t = edge.target().position();
      parts.push(`<line x1="${s.x}" y1="${s.y}" x2="${t.x}" y2="${t.y}" stroke="${edge.style("line-color")}" stroke-width="${parseFloat(edge.style("width"))}" opacity="${edge.style("opacity")}"><title>${escape(edge.data("sentence"))}</title></line>`);
    });
    shown.nodes().forEach((node) => {
      const p = node.position();
      const r = node.width() / 2;
      parts.push(`<g opacity="${node.style("opacity")}"><circle cx="${p.x}" cy="${p.y}" r="${r}" fill="${node.style("background-color")}" stroke="#ffffff"><title>${escape(node.data("name"))}</title></circle>`
        + `<text x="${p.x}" y="${p.y + r + 11}" font-size="10" text-anchor="middle">${escape(node.data("label"))}</text></g>`);
    });
    parts.push("</svg>");
    return parts.join("\n");
  }
  explorer.svg = svg;

  function keys(event) {
    const step = 60;
    const moves = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
    const centre = { x: box.clientWidth / 2, y: box.clientHeight / 2 };
    if (moves[event.key]) cy.panBy({ x: moves[event.key][0], y: moves[event.key][1] });
    else if (event.key === "+" || event.key === "=") cy.zoom({ level: cy.zoom() * 1.25, renderedPosition: centre });
    else if (event.key === "-") cy.zoom({ level: cy.zoom() / 1.25, renderedPosition: centre });
    else if (event.key === "0") cy.fit(undefined, 30);
    else return;
    event.preventDefault();
  }

  cy.on("tap", "node", (event) => select(event.target.id()));
  cy.on("mouseover", "node", (event) => event.target.addClass("hovered"));
  cy.on("mouseout", "node", (event) => event.target.removeClass("hovered"));
  let fitting = 0;
  cy.on("zoom", () => {
    cancelAnimationFrame(fitting);
    fitting = requestAnimationFrame(fitLabels);
  });
  window.addEventListener("popstate", () => window.location.reload());
  document.querySelectorAll("button.select-node").forEach((button) => button.addEventListener("click",
    () => selectFromList(button.dataset.node)));
  cy.on("tap", (event) => {
    if (event.target === cy) cy.elements().removeClass("faded on-path labelled");
  });
  box.addEventListener("keydown", keys);
  const field = document.getElementById("focus");
  const closeFocus = lookup(field, "Names that match", show);
  document.getElementById("search").addEventListener("submit", (event) => {
    event.preventDefault();
    closeFocus();
    show(named(field));
  });
  const ends = ["from", "to"].map((which) => document.getElementById(which));
  const closeEnds = ends.map((end) => lookup(end, "Names that match, " + end.id, () => {}));
  document.getElementById("paths").addEventListener("submit", (event) => {
    const [from, to] = ends.map(named);
    if (!from || !to) return;
    event.preventDefault();
    closeEnds.forEach((close) => close());
    showPaths(from, to).then((doc) => remember({ from: shortName(doc.from.id), to: shortName(doc.to.id) }),
      (error) => explanation.replaceChildren(text("p", error.message)));
  });
  document.getElementById("fit").addEventListener("click", () => cy.fit(undefined, 30));
  document.getElementById("relayout").addEventListener("click", () => layout().then(fitLabels));
  document.getElementById("by-community").addEventListener("change", (event) => {
    document.getElementById("legend-communities").hidden = !event.target.checked;
    cy.style().update();
  });
  document.getElementById("download-png").addEventListener("click", () => {
    download("belong-network.png", cy.png({ output: "blob", full: true, scale: 2, bg: "#ffffff" }));
  });
  document.getElementById("download-svg").addEventListener("click", () => {
    download("belong-network.svg", new Blob([svg()], { type: "image/svg+xml" }));
  });

  fetchJson(box.dataset.api).then(async (doc) => {
    add(doc);
    await layout();
    cy.fit(undefined, 30);
    fitLabels();
    const params = new URLSearchParams(window.location.search);
    if (box.dataset.focus) focus(box.dataset.focus);
    if (params.get("from") && params.get("to")) await showPaths(params.get("from"), params.get("to"));
    fitLabels();
    ready();
  }, (error) => {
    box.dataset.state = "failed";
    details.replaceChildren(text("h3", "The network could not be loaded", { id: "details-heading" }), text("p", error.message));
  });
})();
