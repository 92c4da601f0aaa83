"""An OAI-PMH 2.0 data provider for the library's resources: the six verbs, their arguments and
error conditions, selective harvesting by set and date, and resumption tokens, as XML.

Items are the resources of the Belong Network Library. An item's OAI identifier is
``oai:<host of the base IRI>:<its IRI after id/>`` (``oai:data.belongnetwork.co.uk:resource/
cultivating-contact``); its datestamp is the day its description last changed (see
:mod:`belong_graph.changes`), so harvests can be incremental. Deleted items stay in the ledger
for good: ``deletedRecord`` is ``persistent``.

The items, their datestamps and sets come from the list the build wrote
(:mod:`belong_graph.publish.oai_index`): a response reads the page or the item it shows from
there, and the store only for those records' metadata.

Resumption tokens are stateless (:mod:`belong_graph.publish.oai_requests`). When the item list
has changed since a token was issued, the token is refused with ``badResumptionToken`` and the
harvest starts again.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from urllib.parse import urlsplit

from belong_graph.errors import OaiError
from belong_graph.namespaces import DC, PREFIXES
from belong_graph.publish.oai_index import Item, Selection
from belong_graph.publish.oai_records import FORMATS, OAI_DC, XSI, Library, Metadata
from belong_graph.publish.oai_requests import ListRequest, check_selection, decoded, encoded

OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"
SCHEMA_LOCATIONS = {
    OAI: f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
    OAI_IDENTIFIER: f"{OAI_IDENTIFIER} http://www.openarchives.org/OAI/2.0/oai-identifier.xsd",
}
CONVENTIONAL = {
    **PREFIXES,
    "oai": OAI,  # ElementTree writes no default namespace where attributes have none
    "oai_dc": OAI_DC,
    "dc": str(DC),
    "xsi": XSI,
    "oai-identifier": OAI_IDENTIFIER,
}
for _prefix, _namespace in CONVENTIONAL.items():
    ET.register_namespace(_prefix, _namespace)  # the conventional prefixes in what we write

PLACE_TEXT = "metadata"
PLACE = f"<!--{PLACE_TEXT}-->".encode()  # where a written document goes in a response


@dataclass(frozen=True)
class Verb:
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()
    exclusive: str | None = None  # an argument that may only come alone


SELECTION = frozenset({"from", "until", "set"})
VERBS = {
    "Identify": Verb(),
    "ListMetadataFormats": Verb(optional=frozenset({"identifier"})),
    "ListSets": Verb(exclusive="resumptionToken"),
    "ListIdentifiers": Verb(frozenset({"metadataPrefix"}), SELECTION, "resumptionToken"),
    "ListRecords": Verb(frozenset({"metadataPrefix"}), SELECTION, "resumptionToken"),
    "GetRecord": Verb(frozenset({"identifier", "metadataPrefix"})),
}


@dataclass(frozen=True)
class Repository:
    """How the provider describes itself."""

    base_url: str  # where it answers, as harvesters reach it
    base_iri: str
    admin_email: str
    page_size: int
    built: str  # the build time, ISO 8601 (the earliest datestamp of an empty repository)

    @property
    def host(self) -> str:
        return urlsplit(self.base_iri).hostname or "localhost"

    def identifier(self, iri: str) -> str:
        return f"oai:{self.host}:{iri.removeprefix(self.base_iri + 'id/')}"

    def iri(self, identifier: str) -> str | None:
        prefix = f"oai:{self.host}:"
        if not identifier.startswith(prefix) or len(identifier) == len(prefix):
            return None
        return self.base_iri + "id/" + identifier.removeprefix(prefix)


def respond(
    arguments: Mapping[str, Sequence[str]], repository: Repository, library: Library, now: datetime
) -> bytes:
    """The OAI-PMH response to a request's ``arguments`` (each with every value given)."""
    root = ET.Element(f"{{{OAI}}}OAI-PMH")
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATIONS[OAI])
    ET.SubElement(root, f"{{{OAI}}}responseDate").text = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    request = ET.SubElement(root, f"{{{OAI}}}request")
    request.text = repository.base_url
    written: list[bytes] = []
    try:
        verb, values = _checked(arguments)
        for name, value in values.items():
            request.set(name, value)
        root.append(HANDLERS[verb](values, repository, library, written))
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request.attrib.clear()  # the protocol wants the bare base URL then
        ET.SubElement(root, f"{{{OAI}}}error", code=error.code).text = error.message
    return _spliced(ET.tostring(root, encoding="utf-8", xml_declaration=True), written)


def _spliced(document: bytes, written: Sequence[bytes]) -> bytes:
    """``document`` with the ``written`` metadata, in order, where each ``<!--metadata-->``
    comment holds its place. (ElementTree escapes every ``<`` in text and attributes, so no
    other part of the document can read as such a comment.)"""
    parts = document.split(PLACE)
    assert len(parts) == len(written) + 1
    return b"".join(part + text for part, text in zip(parts, [*written, b""], strict=True))


def _checked(arguments: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
    """The verb and its arguments, each given once, as the verb allows."""
    verbs = arguments.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        given = f"{verbs[0]!r} is not a verb" if len(verbs) == 1 else "give exactly one verb"
        raise OaiError("badVerb", f"{given}; the verbs are {', '.join(VERBS)}.")
    verb = VERBS[verbs[0]]
    repeated = sorted(name for name, values in arguments.items() if len(values) > 1)
    if repeated:
        raise OaiError("badArgument", f"Repeated argument: {', '.join(repeated)}.")
    values = {name: given[0] for name, given in arguments.items() if name != "verb"}
    allowed = verb.required | verb.optional | {verb.exclusive}
    illegal = sorted(set(values) - allowed)
    if illegal:
        raise OaiError("badArgument", f"{verbs[0]} does not take {', '.join(illegal)}.")
    if verb.exclusive and verb.exclusive in values:
        if len(values) > 1:
            raise OaiError("badArgument", f"{verb.exclusive} must be the only argument.")
    else:
        missing = sorted(verb.required - set(values))
        if missing:
            raise OaiError("badArgument", f"{verbs[0]} needs {', '.join(missing)}.")
    check_selection(values)
    return verbs[0], {"verb": verbs[0], **values}


def _element(tag: str, parent: ET.Element | None = None, text: str | None = None) -> ET.Element:
    element = (
        ET.Element(f"{{{OAI}}}{tag}")
        if parent is None
        else ET.SubElement(parent, f"{{{OAI}}}{tag}")
    )
    element.text = text
    return element


def identify(
    values: Mapping[str, str], repository: Repository, library: Library, written: list[bytes]
) -> ET.Element:
    earliest = library.index.earliest() or repository.built[:10]
    answer = _element("Identify")
    _element("repositoryName", answer, library.index.summary("name"))
    _element("baseURL", answer, repository.base_url)
    _element("protocolVersion", answer, "2.0")
    _element("adminEmail", answer, repository.admin_email)
    _element("earliestDatestamp", answer, earliest)
    _element("deletedRecord", answer, "persistent")
    _element("granularity", answer, "YYYY-MM-DD")
    _element("compression", answer, "gzip")  # the web app gzips when asked
    description = _element("description", answer)
    scheme = ET.SubElement(description, f"{{{OAI_IDENTIFIER}}}oai-identifier")
    scheme.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATIONS[OAI_IDENTIFIER])
    sample = library.index.first_live() or repository.base_iri + "id/resource/x"
    for tag, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", repository.host),
        ("delimiter", ":"),
        ("sampleIdentifier", repository.identifier(sample)),
    ):
        ET.SubElement(scheme, f"{{{OAI_IDENTIFIER}}}{tag}").text = text
    return answer


def list_metadata_formats(
    values: Mapping[str, str], repository: Repository, library: Library, written: list[bytes]
) -> ET.Element:
    if "identifier" in values and _item(values["identifier"], repository, library).deleted:
        raise OaiError("noMetadataFormats", "The item was deleted: it has no metadata now.")
    answer = _element("ListMetadataFormats")
    for fmt in FORMATS:
        entry = _element("metadataFormat", answer)
        _element("metadataPrefix", entry, fmt.prefix)
        _element("schema", entry, fmt.schema)
        _element("metadataNamespace", entry, fmt.namespace)
    return answer


def list_sets(
    values: Mapping[str, str], repository: Repository, library: Library, written: list[bytes]
) -> ET.Element:
    if "resumptionToken" in values:
        raise OaiError("badResumptionToken", "The list of sets comes whole; it has no tokens.")
    answer = _element("ListSets")
    for oai_set in library.index.sets():
        entry = _element("set", answer)
        _element("setSpec", entry, oai_set.spec)
        _element("setName", entry, oai_set.name)
    return answer


def get_record(
    values: Mapping[str, str], repository: Repository, library: Library, written: list[bytes]
) -> ET.Element:
    prefix = _format(values["metadataPrefix"])
    item = _item(values["identifier"], repository, library)
    metadata = {} if item.deleted else library.metadata(prefix, [item.iri])
    answer = _element("GetRecord")
    answer.append(_record(item, repository, metadata, written))
    return answer


def list_items(
    values: Mapping[str, str], repository: Repository, library: Library, written: list[bytes]
) -> ET.Element:
    """ListIdentifiers and ListRecords: one page of the selected items, and a token for more."""
    request = (
        decoded(values["verb"], values["resumptionToken"])
        if "resumptionToken" in values
        else ListRequest(
            values["verb"],
            values["metadataPrefix"],
            values.get("from"),
            values.get("until"),
            values.get("set"),
        )
    )
    _format(request.prefix)
    selection = Selection(request.start, request.until, request.set_spec)
    size = library.index.count(selection)
    fingerprint = library.index.summary("fingerprint")
    if request.fingerprint and (request.fingerprint != fingerprint or request.cursor >= size):
        raise OaiError(
            "badResumptionToken", "The list changed since this token was issued: start again."
        )
    if not size:
        raise OaiError("noRecordsMatch", "No item matches this selection.")
    page = library.index.page(selection, request.cursor, repository.page_size)
    answer = _element(request.verb)
    if request.verb == "ListIdentifiers":
        for item in page:
            answer.append(_header(item, repository))
    else:
        live = [item.iri for item in page if not item.deleted]
        metadata = library.metadata(request.prefix, live) if live else {}
        for item in page:
            answer.append(_record(item, repository, metadata, written))
    following = request.cursor + len(page)
    if request.cursor or following < size:
        token = _element("resumptionToken", answer)
        token.set("completeListSize", str(size))
        token.set("cursor", str(request.cursor))
        if following < size:
            token.text = encoded(replace(request, cursor=following, fingerprint=fingerprint))
    return answer


def _format(prefix: str) -> str:
    if prefix not in {f.prefix for f in FORMATS}:
        offered = ", ".join(f.prefix for f in FORMATS)
        raise OaiError("cannotDisseminateFormat", f"{prefix!r} is not offered; use {offered}.")
    return prefix


def _item(identifier: str, repository: Repository, library: Library) -> Item:
    iri = repository.iri(identifier)
    item = None if iri is None else library.index.item(iri)
    if item is None:
        raise OaiError("idDoesNotExist", f"{identifier!r} is not an item of this repository.")
    return item


def _header(item: Item, repository: Repository) -> ET.Element:
    header = _element("header")
    if item.deleted:
        header.set("status", "deleted")
    _element("identifier", header, repository.identifier(item.iri))
    _element("datestamp", header, item.datestamp)
    for spec in item.sets:
        _element("setSpec", header, spec)
    return header


def _record(
    item: Item, repository: Repository, metadata: Mapping[str, Metadata], written: list[bytes]
) -> ET.Element:
    """The record of ``item``: its header and its metadata, an element, or a document written
    already (added to ``written``; a comment holds its place)."""
    record = _element("record")
    record.append(_header(item, repository))
    if not item.deleted:
        found = metadata[item.iri]
        holder = _element("metadata", record)
        if isinstance(found, bytes):
            written.append(found)
            holder.append(ET.Comment(PLACE_TEXT))
        else:
            holder.append(found)
    return record


HANDLERS: dict[str, Callable[[Mapping[str, str], Repository, Library, list[bytes]], ET.Element]] = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_items,
    "ListRecords": list_items,
}
