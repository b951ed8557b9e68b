"""``python -m gidoc`` runs the command line."""

from gidoc.cli import main

main()
