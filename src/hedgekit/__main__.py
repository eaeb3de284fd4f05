"""``python -m hedgekit`` runs the CLI."""

from hedgekit.cli import main

main()
