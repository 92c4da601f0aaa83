"""What a build publishes beside the store: gzipped dumps of the whole graph, the statistics and
entity list behind the dataset description and the sitemap, and the description itself."""
