"""What belong-graph publishes for harvesters, built from the graph by SPARQL."""
