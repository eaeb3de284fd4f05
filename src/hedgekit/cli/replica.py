"""``hedgekit replica up|status|down``: the local mainnet replica."""

from __future__ import annotations

import json

import click
from rich.console import Console
from rich.table import Table

from hedgekit.chain import replica as replica_lifecycle
from hedgekit.chain.connection import connect
from hedgekit.chain.status import ChainStatus, read_status
from hedgekit.cli.options import json_option, rpc_url_option

port_option = click.option("--port", default=replica_lifecycle.DEFAULT_PORT, show_default=True,
                           type=click.IntRange(1, 65535), help="Port on 127.0.0.1.")


@click.group()
def replica() -> None:
    """The local mainnet replica: anvil with real protocol bytecode at mainnet addresses."""


@replica.command()
@port_option
@click.option("--rebuild", is_flag=True, help="Build from scratch even if a cached state exists.")
@json_option
def up(port: int, rebuild: bool, as_json: bool) -> None:
    """Start the replica in the background (loads the cached state, or builds it once)."""
    console = Console(stderr=True)
    with console.status("starting the replica") as status:
        node = replica_lifecycle.up(port, rebuild=rebuild,
                                    progress=lambda msg: status.update(msg))
    how = ("already running" if node.process is None
           else "built" if node.built else "loaded from cache")
    if as_json:
        click.echo(json.dumps({"url": node.url, "state": how, "key": node.key,
                               "seconds": round(node.seconds, 3)}))
    else:
        console.print(f"replica {how} at {node.url} in {node.seconds:.2f}s (state {node.key})")
        _print_status(read_status(node.w3))


@replica.command()
@rpc_url_option
@json_option
def status(rpc_url: str, as_json: bool) -> None:
    """Print block, canonical contracts, pool prices and feed answers."""
    snapshot = read_status(connect(rpc_url))
    if as_json:
        click.echo(json.dumps(snapshot.to_json(), indent=2))
    else:
        _print_status(snapshot)


@replica.command()
@port_option
def down(port: int) -> None:
    """Stop the replica started by `hedgekit replica up`."""
    stopped = replica_lifecycle.down(port)
    click.echo(f"replica on port {port} {'stopped' if stopped else 'was not running'}")


def _print_status(snapshot: ChainStatus) -> None:
    console = Console()
    console.print(f"block {snapshot.block}  timestamp {snapshot.timestamp}  "
                  f"chain id {snapshot.chain_id}")
    pools = Table("pool", "address", "price", "tick", "liquidity", title="pools")
    for pool in snapshot.pools:
        price = pool.get("price")
        depth = pool.get("liquidity", pool.get("reserve0", ""))
        pools.add_row(pool["name"], pool["address"], f"{price:,.4f}" if price else "no pool",
                      str(pool.get("tick", "")), str(depth))
    console.print(pools)
    feeds = Table("feed", "address", "answer", "round", title="feeds")
    for feed in snapshot.feeds:
        price = feed.get("price")
        feeds.add_row(feed["name"], feed["address"], f"{price:,.4f}" if price else "no data",
                      str(feed.get("round_id", "")))
    console.print(feeds)
    missing = [name for name, c in snapshot.contracts.items() if not c["code_bytes"]]
    console.print("all canonical contracts have code" if not missing
                  else f"[red]no code at: {', '.join(missing)}[/red]")
