"""`ape run venues ...`: the same command as `hedgekit venues` (see its --help)."""

from hedgekit.cli import ape_script
from hedgekit.cli.venues import venues

cli = ape_script(venues)
