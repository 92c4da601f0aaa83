"""belong-graph: the Belong Network Library as a validated linked-data knowledge graph."""

from importlib.metadata import version

__version__ = version("belong-graph")
