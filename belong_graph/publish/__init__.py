"""What belong-graph publishes for harvesters: gzipped dumps, the dataset description and its
statistics, the sitemaps and the OAI-PMH item list, written at build time beside the store; and
OAI-PMH records, read for the records a response shows."""
