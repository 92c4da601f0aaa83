# One command surface for developers, the README and CI.
#   make serve   install everything, build the store and serve it on http://127.0.0.1:8000/
#   make test    install everything and run lint, format check, type check and every test, then
#                the tests of the endpoint, views, pages, linked data and OAI-PMH (ENGINE_TESTS)
#                again on an Oxigraph server and on Virtuoso loaded from the build
#   make bench   measure the endpoint against rdflib-endpoint (benchmarks/RESULTS.md) and every
#                route and the build (their own sections of benchmarks/RESULTS.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
VENDOR := belong_graph/web/static/vendor
ASSETS := $(VENDOR)/.installed

.PHONY: install serve build test lint browser virtuoso redis haproxy varnish bench bench-routes bench-build screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end libraries come from the npm registry, pinned in package-lock.json.
$(ASSETS): package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	mkdir -p $(VENDOR)/yasgui
	cp node_modules/@zazuko/yasgui/build/yasgui.min.js node_modules/@zazuko/yasgui/build/yasgui.min.css $(VENDOR)/yasgui/
	mkdir -p $(VENDOR)/chartjs
	cp node_modules/chart.js/dist/chart.umd.min.js $(VENDOR)/chartjs/
	mkdir -p $(VENDOR)/cytoscape
	cp node_modules/cytoscape/dist/cytoscape.min.js node_modules/layout-base/layout-base.js \
	   node_modules/cose-base/cose-base.js node_modules/cytoscape-fcose/cytoscape-fcose.js \
	   $(VENDOR)/cytoscape/
	mkdir -p $(VENDOR)/mermaid/chunks/mermaid.esm.min
	cp node_modules/mermaid/dist/mermaid.esm.min.mjs $(VENDOR)/mermaid/
	cp node_modules/mermaid/dist/chunks/mermaid.esm.min/*.mjs $(VENDOR)/mermaid/chunks/mermaid.esm.min/
	touch $(ASSETS)

install: $(STAMP) $(ASSETS)

# Browser tests drive Debian's Chromium with Playwright (no browser download); the dump tests
# parse every dump with Raptor's rapper as well as rdflib.
browser:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	command -v rapper >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq raptor2-utils)

# The Virtuoso tests load a build into Debian's Virtuoso Open Source (the server binary only; the
# tests start it on free loopback ports and stop it by its process id).
virtuoso:
	command -v virtuoso-t >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends virtuoso-opensource)

# The shared budget's tests keep the accounts in Debian's Redis (the tests start it on a free
# loopback port and stop it by its process id).
redis:
	command -v redis-server >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server)

# The replica test (tests/test_replicas.py) runs Debian's HAProxy in front of two application
# processes and two Oxigraph read-only servers, all on loopback.
haproxy:
	command -v haproxy >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends haproxy)

# The HTTP cache's test (tests/test_http_cache.py) runs Debian's Varnish in front of that HAProxy
# (deploy/varnish.vcl.in), on loopback.
varnish:
	command -v varnishd >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends varnish)

build: install
	$(BIN)/belong-graph build

serve: build
	$(BIN)/belong-graph serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/belong-graph namespace --check
	$(BIN)/belong-graph changes --check

# The tests run again with every query on an engine loaded from the session's build
# (pytest --engine, tests/conftest.py): each run takes 5 to 7 minutes on 2 shared cores.
ENGINE_TESTS := tests/test_endpoint.py tests/test_api.py tests/test_linked_data.py \
	tests/test_linked_pages.py tests/test_entity_pages.py tests/test_pages.py tests/test_site_frame.py \
	tests/test_home.py tests/test_query_page.py tests/test_query_links.py tests/test_explore_page.py \
	tests/test_network.py tests/test_dataset.py tests/test_oai.py tests/test_search.py \
	tests/test_lists.py tests/test_citations.py tests/test_completions.py tests/test_identifiers.py \
	tests/test_crawl.py tests/test_server.py tests/test_caching.py tests/test_model_page.py \
	tests/test_task_cite.py tests/test_task_connection.py tests/test_task_query.py \
	tests/test_signposting.py tests/test_reconcile.py tests/test_network_tools.py

test: lint browser virtuoso redis haproxy varnish
	$(BIN)/pytest
	$(BIN)/pytest --engine oxigraph $(ENGINE_TESTS)
	$(BIN)/pytest --engine virtuoso $(ENGINE_TESTS)

# Side-by-side benchmark against rdflib-endpoint; writes benchmarks/RESULTS.md (takes ~15 min),
# then every route (bench-routes) and the build (bench-build).
bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	nice -n -10 $(BIN)/python benchmarks/run.py
	$(MAKE) bench-routes
	$(MAKE) bench-build

# A build from scratch at 3,000 and 30,000 resources, phase by phase, beside `oxigraph load` of
# the same library; writes its section of benchmarks/RESULTS.md (takes ~3 min).
bench-build: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	nice -n -10 $(BIN)/python benchmarks/build.py

# Every page, dereference, view, OAI-PMH page and the explorer, first request and warm, at 3,000
# and 30,000 resources, each against its goals; writes its section of benchmarks/RESULTS.md.
bench-routes: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	nice -n -10 $(BIN)/python benchmarks/routes.py

# The README's screenshots (docs/screenshots), taken by their test of the real library.
screenshots: install browser
	BELONG_SCREENSHOTS=docs/screenshots $(BIN)/pytest tests/test_screenshots.py tests/test_sheets_screenshot.py -q

clean:
	rm -rf $(VENV) var node_modules $(VENDOR) .pytest_cache .mypy_cache .ruff_cache
