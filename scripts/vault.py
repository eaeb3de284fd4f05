"""`ape run vault deploy|deposit|withdraw|status|history|keeper`: the same commands as
`hedgekit vault` (see its --help)."""

from hedgekit.cli import ape_script
from hedgekit.cli.vault import vault

cli = ape_script(vault)
