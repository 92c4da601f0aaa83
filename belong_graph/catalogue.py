"""The catalogue of canned query views: ``queries/*.rq`` files, each with a header of grlc-style
``#+`` lines, read as YAML, parsed once at start-up. A malformed file fails at once, with its
name and the reason.

A header looks like this::

    #+ title: Resources on a theme
    #+ description: Library resources, newest first.
    #+ tags: [resources, library]
    #+ pagination: 20
    #+ visualisation: table
    #+ parameters:
    #+   theme: {type: iri, scheme: scheme/themes, description: A theme, example: theme/belonging}
    #+   year: {type: year, required: true, default: "2020"}
    #+   sort: {type: string, values: [newest, title]}

An ``iri`` parameter with a ``scheme`` takes only the concepts of that SKOS concept scheme. A
``words`` parameter is bound to the stems of its words, as resources' search texts hold them
(:mod:`belong_graph.stems`).
Parameter values are converted to RDF terms by their declared type and bound by
:func:`belong_graph.sparql.bind.bind` at the view's ``# @values`` lines (first in its ``WHERE``
clause, and first in each branch of a ``UNION`` that uses them), never spliced into the query
text; a parameter left out stays unbound, so a view tests it with ``BOUND``.

A paged view is cut to its page by ``LIMIT`` and ``OFFSET``, appended at its end or written at its
``# @page`` line: the end of a sub-select that picks the page's rows, so that labels and the
rest are fetched for that page only. A list the build numbers (see :mod:`belong_graph.derive`)
is paged at its ``# @positions`` line instead, where the page's positions are bound to
``?position``: the page is then looked up, not sorted. A view whose rows come in groups of any
size (a node's links) is paged at its ``# @packed`` lines, where the page's number is bound to
``?page``: the build packed the groups into numbered pages of about ``pagination`` rows, and a
page holds its groups whole, so it has a next page while it has rows (the page after the last is
empty).

A paged view whose filters the build's catalogue index knows
(:mod:`belong_graph.publish.catalogue_index`) may mark ``# @matches`` lines, first in the
sub-select that finds the filtered resources and in each branch of it: there the server binds
``?resource`` to the first resources of the chosen order that pass every filter given, as many
as the page and the look-ahead row need. The sub-select still checks every filter, orders and
cuts the page, so its answer is the one it gives alone. A view counting the filtered resources
may mark ``# @counts`` on the line before the group that counts them (``{ SELECT ?counted
(COUNT(...) AS ?resources) ... }``): the server writes in place of that group the index's counts
as ``VALUES (?counted ?resources)``, and the rest of the view adds labels. Where the index cannot
answer (no filter, one it does not know, a build without the index) the lines stay comments,
and the view is plain SPARQL, as it is for anyone who runs it on the endpoint.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

from belong_graph.derive import position
from belong_graph.errors import CatalogueError, ParameterError
from belong_graph.namespaces import PREFIXES
from belong_graph.sparql import bind as binding
from belong_graph.stems import query_words

_HEADER = re.compile(r"^#\+ ?(.*)$")
_NAME = re.compile(r"^[a-z][A-Za-z0-9]*$")
_LOCAL_PATH = re.compile(r"^[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)+$")
XSD_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
TYPES = ("iri", "string", "integer", "year", "words")
VISUALISATIONS = ("table", "bar", "line", "network")
PAGE = "page"
PAGE_PLACE = re.compile(r"^([ \t]*)#[ \t]*@page\b.*$", re.MULTILINE)  # where LIMIT and OFFSET go
POSITIONS_PLACE = re.compile(r"^([ \t]*)#[ \t]*@positions\b.*$", re.MULTILINE)
PACKED_PLACE = re.compile(r"^([ \t]*)#[ \t]*@packed\b.*$", re.MULTILINE)
PAGE_PLACES = (PAGE_PLACE, POSITIONS_PLACE, PACKED_PLACE)
MATCHES_PLACE = re.compile(r"^([ \t]*)#[ \t]*@matches\b.*$", re.MULTILINE)  # the filters' first
COUNTS_PLACE = re.compile(r"^([ \t]*)#[ \t]*@counts\b.*$\n", re.MULTILINE)  # before the counting
_GROUP_PARTS = re.compile(  # what can hold a brace that is not one: comments, strings, IRIs
    r"""#[^\n]*|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\x00-\x20]*>|[{}]"""
)
COUNTED = ("counted", "resources")


@dataclass(frozen=True)
class Parameter:
    """One parameter of a view, bound to the query variable of the same name."""

    name: str
    type: str  # one of TYPES
    description: str = ""
    required: bool = False
    default: str | None = None
    example: str | None = None
    of_class: str | None = None  # for IRIs: the class of the entity it names (documentation)
    values: tuple[str, ...] = ()  # for strings: the only values allowed, if any
    scheme: str | None = None  # for IRIs: the concept scheme (below id/) its concepts are from

    def term(self, value: str, base_iri: str) -> ox.NamedNode | ox.Literal:
        """``value`` as an RDF term of this parameter's type, or a :class:`ParameterError`."""
        value = value.strip()
        if self.type == "iri":
            return self._entity(value, base_iri)
        if self.type == "integer":
            if not re.fullmatch(r"-?\d{1,12}", value):
                raise ParameterError(
                    f"Parameter '{self.name}': {value!r} is not a whole number.",
                    parameter=self.name,
                )
            return ox.Literal(str(int(value)), datatype=XSD_INTEGER)
        if self.type == "year":
            if not re.fullmatch(r"\d{4}", value):
                raise ParameterError(
                    f"Parameter '{self.name}': {value!r} is not a year (four digits, as 2020).",
                    parameter=self.name,
                )
            return ox.Literal(value, datatype=XSD_INTEGER)
        if self.values and value not in self.values:
            raise ParameterError(
                f"Parameter '{self.name}': {value!r} is not one of {', '.join(self.values)}.",
                parameter=self.name,
            )
        if len(value) > 200:
            raise ParameterError(
                f"Parameter '{self.name}': at most 200 characters.", parameter=self.name
            )
        if self.type == "words":  # its stems; none (only "the"): it matches nothing
            return ox.Literal(query_words(value))
        return ox.Literal(value)

    def _entity(self, value: str, base_iri: str) -> ox.NamedNode:
        """An entity of this library, given as its IRI or as its path below ``id/``."""
        entities = base_iri + "id/"
        path = value.removeprefix(entities)
        if not _LOCAL_PATH.fullmatch(path):
            raise ParameterError(
                f"Parameter '{self.name}' must name an entity of this library: an IRI starting "
                f"with {entities}, or the rest of it, such as {self.example or 'theme/belonging'}.",
                parameter=self.name,
            )
        return ox.NamedNode(entities + path)


@dataclass(frozen=True)
class CannedQuery:
    """One named, documented, parameterised query."""

    name: str
    title: str
    description: str
    tags: tuple[str, ...]
    sparql: str
    parameters: tuple[Parameter, ...] = ()
    pagination: int | None = None  # rows per page, if the view is paged
    visualisation: str = "table"

    def bind(
        self, values: Mapping[str, str], base_iri: str
    ) -> dict[str, ox.NamedNode | ox.Literal]:
        """The terms for the request's ``values``, with defaults; unknown names are refused."""
        known = {p.name for p in self.parameters} | ({PAGE} if self.pagination else set())
        unknown = sorted(set(values) - known)
        if unknown:
            offered = ", ".join(sorted(known)) or "none"
            raise ParameterError(
                f"The view '{self.name}' has no parameter '{unknown[0]}' (it has: {offered}).",
                parameter=unknown[0],
            )
        terms: dict[str, ox.NamedNode | ox.Literal] = {}
        for parameter in self.parameters:
            value = values.get(parameter.name) or parameter.default
            if value:
                terms[parameter.name] = parameter.term(value, base_iri)
            elif parameter.required:
                raise ParameterError(
                    f"The view '{self.name}' needs the parameter '{parameter.name}'.",
                    parameter=parameter.name,
                )
        return terms

    def example_values(self) -> dict[str, str]:
        """Documented examples to try the view with: every required parameter's or, where all
        are optional, the first one's (all of them at once may well find nothing)."""
        documented = [(p.name, p.example, p.required) for p in self.parameters if p.example]
        required = {name: example for name, example, needed in documented if needed}
        if required or not documented:
            return required
        name, example, _ = documented[0]
        return {name: example}

    def page_number(self, values: Mapping[str, str]) -> int:
        return page_number(values.get(PAGE, "1"))

    @property
    def packed(self) -> bool:
        """Whether the build packed its pages (``# @packed``): a page has all its rows."""
        return PACKED_PLACE.search(self.sparql) is not None

    @property
    def page_rows(self) -> int | None:
        """How many rows of a page's answer the page shows (None: all); the rest is the
        look-ahead that tells whether there is a next page."""
        return None if self.packed else self.pagination

    def has_next(self, rows: int) -> bool:
        """Whether a page whose answer has ``rows`` rows has a next page."""
        if not self.pagination:
            return False
        return rows > 0 if self.packed else rows > self.pagination

    @property
    def matches(self) -> bool:
        """Whether the view takes the index's first filtered resources (``# @matches``)."""
        return MATCHES_PLACE.search(self.sparql) is not None

    @property
    def counts(self) -> bool:
        """Whether the view takes the index's counts of the filtered resources (``# @counts``)."""
        return COUNTS_PLACE.search(self.sparql) is not None

    def query_for(self, terms: Mapping[str, ox.NamedNode | ox.Literal], page: int = 1) -> str:
        """The query with ``terms`` bound, cut to ``page`` (one row more, to tell if there is
        a next page, unless the page is packed)."""
        sparql = binding.bind(self.sparql, terms)
        if not self.pagination:
            return sparql
        first = (page - 1) * self.pagination
        cut = f"LIMIT {self.pagination + 1} OFFSET {first}"
        numbers = [position(n) for n in range(first + 1, first + self.pagination + 2)]
        positions = binding.values_block("position", numbers)
        packed = binding.values_block("page", position(page))
        if not any(place.search(sparql) for place in PAGE_PLACES):
            return f"{sparql}\n{cut}\n"
        sparql = PAGE_PLACE.sub(lambda place: place.group(1) + cut, sparql)
        sparql = PACKED_PLACE.sub(lambda place: place.group(1) + packed, sparql)
        return POSITIONS_PLACE.sub(lambda place: place.group(1) + positions, sparql)


def with_matches(query: str, resources: Collection[ox.NamedNode]) -> str:
    """``query`` with ``resources`` bound to ``?resource`` at its ``# @matches`` lines."""
    block = binding.values_block("resource", resources)
    return MATCHES_PLACE.sub(lambda place: place.group(1) + block, query)


def with_counts(query: str, counts: Collection[tuple[ox.NamedNode | ox.Literal, int]]) -> str:
    """``query`` with the group after its ``# @counts`` line replaced by ``counts``, bound as
    ``VALUES (?counted ?resources)``."""
    place = COUNTS_PLACE.search(query)
    if place is None:
        return query
    numbers = [(counted, ox.Literal(str(n), datatype=XSD_INTEGER)) for counted, n in counts]
    block = binding.values_rows(COUNTED, numbers)
    return query[: place.start()] + place.group(1) + block + query[_group_end(query, place.end()) :]


def _group_end(query: str, start: int) -> int:
    """Where the group that opens first after ``start`` in ``query`` ends (after its brace)."""
    depth = 0
    for part in _GROUP_PARTS.finditer(query, start):
        depth += {"{": 1, "}": -1}.get(part.group(), 0)
        if depth == 0 and part.group() == "}":
            return part.end()
    raise CatalogueError("'# @counts' must come before a group in braces.")


def load_catalogue(directory: Path) -> tuple[CannedQuery, ...]:
    """Every ``.rq`` file of ``directory``, in name order."""
    return tuple(read_query(path) for path in sorted(directory.glob("*.rq")))


def read_query(path: Path) -> CannedQuery:
    """One view file, checked: its header, its parameters and its query with them bound."""
    text = path.read_text(encoding="utf-8")
    header = _header(path, text)
    for key in ("title", "description"):
        if not isinstance(header.get(key), str) or not header[key].strip():
            raise CatalogueError(f"{path}: the header needs '#+ {key}: ...'.")
    tags = header.get("tags", [])
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    pagination = header.get("pagination")
    if pagination is not None and (not isinstance(pagination, int) or pagination < 1):
        raise CatalogueError(f"{path}: 'pagination' must be a number of rows per page.")
    visualisation = header.get("visualisation", "table")
    if visualisation not in VISUALISATIONS:
        raise CatalogueError(f"{path}: 'visualisation' must be one of {', '.join(VISUALISATIONS)}.")
    view = CannedQuery(
        name=path.stem,
        title=header["title"].strip(),
        description=header["description"].strip(),
        tags=tuple(str(t) for t in tags),
        sparql=text,
        parameters=_parameters(path, header.get("parameters") or {}),
        pagination=pagination,
        visualisation=visualisation,
    )
    _check_query(path, view)
    return view


def _header(path: Path, text: str) -> dict[str, Any]:
    lines = []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            break
        lines.append(match.group(1))
    try:
        header = yaml.safe_load("\n".join(lines)) or {}
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path}: the '#+' header is not valid YAML: {error}") from None
    if not isinstance(header, dict):
        raise CatalogueError(f"{path}: the '#+' header must be 'key: value' lines.")
    return header


def _parameters(path: Path, declared: object) -> tuple[Parameter, ...]:
    if not isinstance(declared, dict):
        raise CatalogueError(f"{path}: 'parameters' must map each name to its description.")
    parameters = []
    for name, spec in declared.items():
        if not isinstance(spec, dict) or not _NAME.match(str(name)) or name == PAGE:
            raise CatalogueError(f"{path}: parameter '{name}' needs a name and a {{type: ...}}.")
        if spec.get("type") not in TYPES:
            raise CatalogueError(
                f"{path}: parameter '{name}' has type {spec.get('type')!r}; "
                f"the types are {', '.join(TYPES)}."
            )
        parameters.append(
            Parameter(
                name=str(name),
                type=spec["type"],
                description=str(spec.get("description", "")),
                required=bool(spec.get("required", False)),
                default=None if spec.get("default") is None else str(spec["default"]),
                example=None if spec.get("example") is None else str(spec["example"]),
                of_class=spec.get("class"),
                values=tuple(str(v) for v in spec.get("values", ())),
                scheme=spec.get("scheme"),
            )
        )
    return tuple(parameters)


def _check_query(path: Path, view: CannedQuery) -> None:
    """The query must parse, alone and with every parameter bound to its example."""
    if view.parameters and not binding.has_place(view.sparql):
        raise CatalogueError(
            f"{path}: a view with parameters needs a '{binding.PLACE}' line, first in its WHERE "
            "clause (or in each branch of a UNION), where their values are bound."
        )
    solution_modifiers = view.sparql[view.sparql.rfind("}") + 1 :]  # a subquery may set its own
    if view.pagination and re.search(r"\b(LIMIT|OFFSET)\b", solution_modifiers, re.IGNORECASE):
        raise CatalogueError(f"{path}: a paged view sets its own LIMIT and OFFSET; remove them.")
    if not view.pagination and any(place.search(view.sparql) for place in PAGE_PLACES):
        raise CatalogueError(
            f"{path}: '# @page', '# @positions' and '# @packed' need '#+ pagination: N'."
        )
    if view.matches and not view.pagination:
        raise CatalogueError(f"{path}: '# @matches' needs '#+ pagination: N'.")
    examples = {p.name: p.example or p.default or "" for p in view.parameters}
    try:
        bound = view.query_for(view.bind({k: v for k, v in examples.items() if v}, "http://x/"))
        example = ox.NamedNode("http://x/id/resource/example")
        indexed = with_counts(with_matches(bound, [example]), [(example, 1)])
        for query in (view.sparql, bound, indexed):
            ox.Store().query(query)  # parses it; an empty store answers at once
    except (SyntaxError, ParameterError) as error:
        raise CatalogueError(f"{path}: the query does not parse: {error}") from None


def page_number(value: str) -> int:
    """The page a ``page`` parameter asks for (1, 2, ...); anything else is a ParameterError."""
    if not re.fullmatch(r"\d{1,6}", value) or int(value) < 1:
        raise ParameterError(
            f"Parameter 'page': {value!r} is not a page number (1, 2, ...).", parameter=PAGE
        )
    return int(value)
