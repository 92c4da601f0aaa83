"""What belong-graph publishes for harvesters: gzipped dumps, the dataset description and its
statistics, the sitemap, written at build time beside the store; and OAI-PMH records."""
