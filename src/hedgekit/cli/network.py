"""Choosing the chain: ``--rpc-url`` (default: the local replica) or ``--network`` (any
network in ape-config.yaml, e.g. ``ethereum:mainnet-fork:foundry``; ape starts and stops it)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from web3 import Web3

from hedgekit.chain.connection import connect
from hedgekit.cli.options import rpc_url_option
from hedgekit.errors import ChainError, InputError


def network_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--rpc-url and --network."""
    command = rpc_url_option(command)
    return click.option("--network", default=None,
                        help="An ape network choice, e.g. ethereum:mainnet-fork:foundry "
                             "(overrides --rpc-url).")(command)


@contextmanager
def open_network(rpc_url: str, network: str | None) -> Iterator[tuple[Web3, str]]:
    """(web3, its RPC url) for the chosen chain."""
    if network is None:
        yield connect(rpc_url), rpc_url
        return
    import ape  # slow to import: only when an ape network is asked for

    try:
        choice = ape.networks.parse_network_choice(network)
    except Exception as err:  # ape raises NetworkError subclasses for unknown choices
        raise InputError(f"unknown network {network!r}: {str(err).splitlines()[0]}") from err
    try:
        with choice as provider:
            uri = getattr(provider, "uri", None) or getattr(provider, "http_uri", None)
            if not uri:
                raise ChainError(f"network {network} has no HTTP endpoint")
            yield connect(str(uri)), str(uri)
    except ChainError:
        raise
    except InputError:
        raise
    except Exception as err:  # provider start-up failures (no RPC URL set, ...)
        raise ChainError(f"cannot connect to {network}: {str(err).splitlines()[0]}") from err
