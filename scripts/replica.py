"""`ape run replica ...`: the same command as `hedgekit replica` (see its --help)."""

from hedgekit.cli import ape_script
from hedgekit.cli.replica import replica

cli = ape_script(replica)
