"""Running SPARQL queries safely: values bound as terms (``bind``), checks before execution,
bounded execution in worker processes that can be killed, answers serialised with their row
caps, and read back as typed rows (``results``)."""
