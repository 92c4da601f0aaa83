"""The list requests of OAI-PMH (ListIdentifiers, ListRecords): what they select (from, until,
set), checked, and the resumption tokens that carry them from page to page.

Tokens are stateless: a token carries the list request (metadataPrefix, from, until, set), the
cursor of the next page and the fingerprint of the repository's whole item list (identifiers,
datestamps and deletions), which the build took (:mod:`belong_graph.publish.oai_index`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from belong_graph.errors import OaiError
from belong_graph.publish.oai_records import FORMATS

DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")


@dataclass(frozen=True)
class ListRequest:
    """What a list request selects, and where its next page starts."""

    verb: str
    prefix: str
    start: str | None = None  # from
    until: str | None = None
    set_spec: str | None = None
    cursor: int = 0
    fingerprint: str = ""


def check_selection(values: Mapping[str, str]) -> None:
    """``badArgument`` unless ``from`` and ``until`` are days, in order, and ``set`` a setSpec."""
    for name in ("from", "until"):
        if name in values and not _is_day(values[name]):
            raise OaiError(
                "badArgument", f"{name} must be a day, YYYY-MM-DD (this repository's granularity)."
            )
    if "from" in values and "until" in values and values["from"] > values["until"]:
        raise OaiError("badArgument", "from must not be later than until.")
    if "set" in values and not SET_SPEC.fullmatch(values["set"]):
        raise OaiError("badArgument", f"{values['set']!r} is not a setSpec.")


def _is_day(text: str) -> bool:
    if not DAY.fullmatch(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def encoded(request: ListRequest) -> str:
    fields = [request.prefix, request.start, request.until, request.set_spec, request.cursor]
    text = json.dumps([*fields, request.fingerprint], separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


_TOKEN_LENGTH = 512  # far longer than any token given here, too short to nest JSON past limits


def decoded(verb: str, token: str) -> ListRequest:
    """The list request a token carries; badResumptionToken if it is not one of ours."""
    refused = OaiError("badResumptionToken", "This resumption token is not one this server gave.")
    if len(token) > _TOKEN_LENGTH:
        raise refused
    try:
        fields = json.loads(base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode()))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise refused from None
    if not isinstance(fields, list) or len(fields) != 6:
        raise refused
    prefix, start, until, set_spec, cursor, fingerprint = fields
    texts = (start, until, set_spec)
    if prefix not in {f.prefix for f in FORMATS} or not isinstance(fingerprint, str):
        raise refused
    if not fingerprint:
        raise refused
    if not all(v is None or isinstance(v, str) for v in texts):
        raise refused
    if not isinstance(cursor, int) or cursor <= 0:
        raise refused
    try:
        check_selection({k: v for k, v in zip(("from", "until", "set"), texts, strict=True) if v})
    except OaiError:
        raise refused from None
    return ListRequest(verb, prefix, start, until, set_spec, cursor, fingerprint)
