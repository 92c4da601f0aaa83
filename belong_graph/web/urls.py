"""The addresses of the request being answered (see :mod:`belong_graph.addresses`): every URL the
web layer writes for pages, documents and links starts here."""

from __future__ import annotations

from flask import request

from belong_graph.addresses import Addresses
from belong_graph.web.state import state


def addresses() -> Addresses:
    """The base IRI and the public address this request is answered for (``public_url``, or the
    address the request came to)."""
    settings = state().settings
    public = settings.public_url or request.url_root
    return Addresses(settings.base_iri, public if public.endswith("/") else public + "/")


def page_of(iri: str) -> str:
    """Where a person reads about ``iri``: this server's page for the library's IRIs and the
    ontology's terms, else the IRI itself."""
    return addresses().page_of(iri)


def served(path: str) -> str:
    """The URL at the public address of a path of this server (as ``url_for`` gives it)."""
    return addresses().url(path)
