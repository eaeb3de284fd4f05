"""``hedgekit demo``: the README's first command. Starts the local replica, gives a test
account an LP position on WETH/USDC 0.05%, and hedges it, printing before and after."""

from __future__ import annotations

import click
from rich.console import Console

from hedgekit.chain import replica as replica_lifecycle
from hedgekit.chain.demo import fund, mint_position
from hedgekit.cli.hedge import print_report, run_hedge
from hedgekit.cli.replica import port_option
from hedgekit.errors import InputError
from hedgekit.strategy.policy import load_policy
from hedgekit.strategy.signer import NodeSigner
from hedgekit.units import to_base_units

#: anvil dev account 7: the demo's liquidity provider (a well-known test key; replica only)
DEMO_ACCOUNT_INDEX = 7


@click.command()
@port_option
@click.option("--eth", default="50", show_default=True,
              help="ETH side of the demo LP position (0.1 to 10,000).")
@click.option("--width", type=click.IntRange(60, 20_000), default=1_500, show_default=True,
              help="Half-width of the range in ticks (1,500 ticks is about ±16%).")
@click.option("--venue", type=click.Choice(["perp", "aave", "auto"]), default="auto",
              show_default=True)
def demo(port: int, eth: str, width: int, venue: str) -> None:
    """Replica up, mint a demo LP position, hedge it (sent), show before and after."""
    weth = to_base_units(eth, 18)
    if not 10**17 <= weth <= 10_000 * 10**18:
        raise InputError(f"--eth must be between 0.1 and 10,000, got {eth!r}")
    console = Console()
    with console.status("starting the replica") as status:
        node = replica_lifecycle.up(port, progress=status.update)
        w3 = node.w3
        owner = w3.eth.accounts[DEMO_ACCOUNT_INDEX]
        status.update("minting the demo LP position")
        usdc = weth * 4_000 // 10**12  # enough of both sides: the manager takes what it needs
        token_id = mint_position(w3, owner, width, usdc, weth)
        fund(w3, owner, usdc=weth * 3_000 // 10**12)  # margin / collateral for the hedge
    console.print(f"replica at {node.url}; demo LP {owner} minted position #{token_id}")
    console.rule("before: dry run")
    policy = load_policy(venue=venue)
    print_report(run_hedge(w3, node.url, owner, policy, [token_id], None, Console(stderr=True)))
    console.rule("hedge: simulated, then sent")
    print_report(run_hedge(w3, node.url, owner, policy, [token_id], NodeSigner(w3, owner),
                           Console(stderr=True)))
    console.rule("after: the same check again")
    print_report(run_hedge(w3, node.url, owner, policy, [token_id], None, Console(stderr=True)))
    console.print(f"the replica keeps running at {node.url}: `hedgekit positions {owner} "
                  f"--rpc-url {node.url}`; stop it with `hedgekit replica down --port {port}`")
