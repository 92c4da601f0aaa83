"""Running SPARQL queries safely: checks before execution, bounded execution in worker
processes that can be killed, and answers serialised with their row caps."""
