"""`ape run replica up|status|down`: the same commands as `hedgekit replica`."""

from hedgekit.cli.replica import replica as cli

__all__ = ["cli"]
