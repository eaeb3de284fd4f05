"""The ``hedgekit`` command line: a click group; each area adds its commands in its own module.

Errors: a :class:`~hedgekit.errors.HedgekitError` or a usage error prints one line
``error: <message>`` on stderr and exits 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys

import click

from hedgekit import __version__
from hedgekit.cli.demo import demo
from hedgekit.cli.hedge import hedge
from hedgekit.cli.pools import pools, positions, range_preview
from hedgekit.cli.replica import replica
from hedgekit.cli.venues import venues
from hedgekit.errors import HedgekitError


@click.group()
@click.version_option(__version__, prog_name="hedgekit")
def cli() -> None:
    """hedgekit: measure and hedge the price exposure of AMM liquidity positions."""


cli.add_command(replica)
cli.add_command(pools)
cli.add_command(positions)
cli.add_command(range_preview)
cli.add_command(hedge)
cli.add_command(demo)
cli.add_command(venues)


def main(argv: list[str] | None = None) -> None:
    """Console entry point (``hedgekit``)."""
    try:
        cli.main(args=argv, prog_name="hedgekit", standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as err:
        click.echo(f"error: {err.format_message()}", err=True)
        sys.exit(2)
    except HedgekitError as err:
        click.echo(f"error: {err}", err=True)
        sys.exit(2)
