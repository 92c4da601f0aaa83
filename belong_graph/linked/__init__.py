"""Linked data: what an IRI of the library answers with (its description, in RDF and as facts
for its page), with the base IRI written as the server's public address."""
