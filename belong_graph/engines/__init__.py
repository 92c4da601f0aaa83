"""Publishing a build to an existing SPARQL engine, which then serves it."""
