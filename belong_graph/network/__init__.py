"""The partnership network as a networkx graph: built from the answers of the
``partnership-network`` and ``network-nodes`` views, filtered, cut to an entity's neighbourhood,
searched for the paths between two entities (explained in words), measured, and exported as
JSON, GraphML or a CSV edge list. Nothing here knows about Flask."""
