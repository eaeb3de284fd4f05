"""`ape run hedge ...`: the same command as `hedgekit hedge` (see its --help)."""

from hedgekit.cli import ape_script
from hedgekit.cli.hedge import hedge

cli = ape_script(hedge)
