"""``hedgekit venues``: funding and borrow rates, open interest, and what carrying a short
costs on each venue."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from hedgekit.amm.readers import read_pool_states
from hedgekit.chain.connection import connect
from hedgekit.cli.options import json_option, rpc_url_option
from hedgekit.errors import ChainError
from hedgekit.portfolio.snapshot import oracle_price
from hedgekit.strategy.planner import HEDGE_POOL, Planner
from hedgekit.strategy.policy import load_policy

WAD = 10**18


@click.command()
@click.option("--short", "short_eth", type=click.FloatRange(min=0.001, max=1e6), default=100.0,
              show_default=True, help="Size of the short to price, ETH.")
@click.option("--days", type=click.FloatRange(min=1, max=3650), default=365, show_default=True,
              help="Holding period for the carry cost.")
@rpc_url_option
@json_option
def venues(short_eth: float, days: float, rpc_url: str, as_json: bool) -> None:
    """Perp funding and open interest, Aave rates, and the cost of a short on each venue."""
    w3 = connect(rpc_url)
    block = w3.eth.block_number
    planner = Planner(w3, load_policy())
    if planner.perp is None and planner.aave is None:
        raise ChainError("no hedge venue (PerpMarket or Aave v3) on this chain")
    price = oracle_price(w3, block)
    (pool,) = read_pool_states(w3, [HEDGE_POOL], block=block)
    report: dict[str, Any] = {"block": block, "eth_usd": price, "short_eth": short_eth,
                              "days": days}
    if planner.perp is not None:
        state = planner.perp.market_state(block)
        report["perp"] = {
            "market": state.market, "oracle_price": state.oracle_price / WAD,
            "funding_rate_per_day": state.funding_rate / WAD,
            "funding_rate_annual": state.funding_rate_annual,
            "open_interest_long": state.open_interest_long / WAD,
            "open_interest_short": state.open_interest_short / WAD,
            "skew": state.skew / WAD, "maker_fee": state.params.maker_fee / WAD,
            "taker_fee": state.params.taker_fee / WAD,
            "max_leverage": state.params.max_leverage / WAD}
    if planner.aave is not None:
        report["aave"] = [{"symbol": r.symbol, "supply_apr": r.supply_apr,
                           "borrow_apr": r.borrow_apr, "utilization": r.utilization / 1e27,
                           "ltv": r.ltv / 1e4, "liquidation_threshold":
                           r.liquidation_threshold / 1e4} for r in planner.aave.reserves(block)]
    notional = short_eth * price
    report["short_cost"] = [{
        "venue": c.venue, "per_trade": c.proportional, "carry_per_year": c.carry_per_year,
        "gas_usd": c.gas_usd, "total_usd": c.total(notional, days), "note": c.note}
        for c in planner.venue_costs(block, price, -short_eth, pool)]
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        _print(report)


def _print(report: dict[str, Any]) -> None:
    console = Console()
    console.print(f"block {report['block']}  ETH/USD {report['eth_usd']:,.2f}")
    if perp := report.get("perp"):
        console.print(f"perp {perp['market']}: funding {perp['funding_rate_annual']:+.2%}/yr, "
                      f"OI long {perp['open_interest_long']:,.2f} / short "
                      f"{perp['open_interest_short']:,.2f} ETH, fees "
                      f"{perp['maker_fee']:.2%}/{perp['taker_fee']:.2%}, max leverage "
                      f"{perp['max_leverage']:g}x")
    if aave := report.get("aave"):
        table = Table("reserve", "supply APR", "borrow APR", "utilization", "LTV", "liq. thr.",
                      title="Aave v3")
        for r in aave:
            table.add_row(r["symbol"], f"{r['supply_apr']:.2%}", f"{r['borrow_apr']:.2%}",
                          f"{r['utilization']:.1%}", f"{r['ltv']:.1%}",
                          f"{r['liquidation_threshold']:.1%}")
        console.print(table)
    costs = Table("venue", "per trade", "carry / yr", "gas USD", f"cost of {report['days']:g} d",
                  "note", title=f"carrying a {report['short_eth']:g} ETH short")
    for c in report["short_cost"]:
        costs.add_row(c["venue"], f"{c['per_trade']:.3%}", f"{c['carry_per_year']:+.2%}",
                      f"{c['gas_usd']:,.2f}", f"{c['total_usd']:,.2f} USD", c["note"])
    console.print(costs)
