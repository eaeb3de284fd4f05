"""`ape run audit OWNER ...`: the same command as `hedgekit audit` (see its --help)."""

from hedgekit.cli import ape_script
from hedgekit.cli.audit import audit

cli = ape_script(audit)
