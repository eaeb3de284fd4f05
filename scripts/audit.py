"""`ape run audit OWNER ...`: the same command as `hedgekit audit`."""

from hedgekit.cli.audit import audit as cli

__all__ = ["cli"]
