"""`python -m belong_graph` runs the command line."""

from belong_graph.cli import main

main()
