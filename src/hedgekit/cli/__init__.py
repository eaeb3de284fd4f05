"""The ``hedgekit`` command line: a click group; each area adds its commands in its own module.

Errors: a :class:`~hedgekit.errors.HedgekitError` or a usage error prints one line
``error: <message>`` on stderr and exits 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import sys

import click

from hedgekit import __version__
from hedgekit.cli.audit import audit
from hedgekit.cli.demo import demo
from hedgekit.cli.hedge import hedge
from hedgekit.cli.pools import pools, positions, range_preview
from hedgekit.cli.replica import replica
from hedgekit.cli.vault import vault
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
cli.add_command(audit)
cli.add_command(vault)


def ape_script(command: click.Command) -> click.Command:
    """``command`` for ``ape run``: the same one-line ``error: ...`` and exit status 2 on a
    HedgekitError as the ``hedgekit`` entry point (ape's runner would print a traceback)."""
    if isinstance(command, click.Group):
        group = click.Group(command.name, help=command.help, callback=command.callback,
                            params=command.params)
        for sub in command.commands.values():
            group.add_command(ape_script(sub))
        return group
    callback = command.callback
    assert callback is not None

    @functools.wraps(callback)
    def guarded(*args: object, **kwargs: object) -> object:
        try:
            return callback(*args, **kwargs)
        except HedgekitError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(2)

    return click.Command(command.name, params=command.params, callback=guarded,
                         help=command.help, short_help=command.short_help)


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
