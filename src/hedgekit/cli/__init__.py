"""The ``hedgekit`` command line: a click group; each area adds its commands in its own module.

The group imports a command's module only when that command runs (or ``--help`` lists them
all): ``hedgekit vault status`` does not pay for scipy, matplotlib and the audit's models.

Errors: a :class:`~hedgekit.errors.HedgekitError` or a usage error prints one line
``error: <message>`` on stderr and exits 2; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import functools
import importlib
import sys

import click

from hedgekit import __version__
from hedgekit.errors import HedgekitError

#: command name -> (module, attribute) of its click command, in the order of ``--help``.
COMMANDS = {
    "replica": ("hedgekit.cli.replica", "replica"),
    "pools": ("hedgekit.cli.pools", "pools"),
    "positions": ("hedgekit.cli.pools", "positions"),
    "range-preview": ("hedgekit.cli.pools", "range_preview"),
    "hedge": ("hedgekit.cli.hedge", "hedge"),
    "demo": ("hedgekit.cli.demo", "demo"),
    "venues": ("hedgekit.cli.venues", "venues"),
    "audit": ("hedgekit.cli.audit", "audit"),
    "vault": ("hedgekit.cli.vault", "vault"),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported on first use (``COMMANDS``)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=_LazyGroup)
@click.version_option(__version__, prog_name="hedgekit")
def cli() -> None:
    """hedgekit: measure and hedge the price exposure of AMM liquidity positions."""


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
