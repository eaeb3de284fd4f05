"""``hedgekit pools [ADDRESS...]`` and ``hedgekit positions OWNER``: AMM state as tables/JSON."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from hedgekit.amm.readers import read_pool_states, read_positions
from hedgekit.chain import addresses as A
from hedgekit.chain.connection import connect
from hedgekit.cli.options import json_option, rpc_url_option
from hedgekit.units import from_base_units, sqrt_price_x96_to_price, tick_to_price


def _amount(raw: int, decimals: int) -> str:
    """Whole tokens, exact, without trailing zeros."""
    return f"{from_base_units(raw, decimals).normalize():f}"

DEFAULT_POOLS = (A.WETH_USDC_V3_005, A.WETH_USDC_V3_030, A.WBTC_WETH_V3_030)
block_option = click.option("--block", type=click.IntRange(min=0), default=None,
                            help="Block to read at (default: latest).")


def _usd_quoted(token0: str | None) -> bool:
    """Show USD stablecoin pools as USD per the other token (USDC is token0 of WETH/USDC)."""
    return token0 in (A.USDC, A.DAI)


@click.command()
@click.argument("addresses", nargs=-1)
@block_option
@rpc_url_option
@json_option
def pools(addresses: tuple[str, ...], block: int | None, rpc_url: str, as_json: bool) -> None:
    """Uniswap v3 pools: price, tick, liquidity, initialized ticks (default: the replica's)."""
    states = read_pool_states(connect(rpc_url), list(addresses or DEFAULT_POOLS), block=block)
    rows = []
    for s in states:
        assert s.decimals0 is not None and s.decimals1 is not None
        invert = _usd_quoted(s.token0)
        rows.append({
            "address": s.address, "block": s.block_number, "token0": s.token0,
            "token1": s.token1, "fee": s.fee, "tick_spacing": s.tick_spacing,
            "sqrt_price_x96": str(s.sqrt_price_x96), "tick": s.tick,
            "liquidity": str(s.liquidity), "initialized_ticks": len(s.ticks),
            "price": sqrt_price_x96_to_price(s.sqrt_price_x96, s.decimals0, s.decimals1, invert),
            "price_quote": "token0 per token1" if invert else "token1 per token0",
        })
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("pool", "fee", "price", "tick", "liquidity", "ticks",
                  title=f"Uniswap v3 pools at block {states[0].block_number if states else '-'}")
    for s in states:
        invert = _usd_quoted(s.token0)
        assert s.decimals0 is not None and s.decimals1 is not None
        price = sqrt_price_x96_to_price(s.sqrt_price_x96, s.decimals0, s.decimals1, invert)
        table.add_row(str(s.address), f"{s.fee / 10_000:g}%", f"{price:,.6g}", str(s.tick),
                      str(s.liquidity), str(len(s.ticks)))
    Console().print(table)


@click.command()
@click.argument("owner")
@click.option("--position", "token_ids", type=click.IntRange(min=0), multiple=True,
              help="Only this NFT id (repeatable).")
@block_option
@rpc_url_option
@json_option
def positions(owner: str, token_ids: tuple[int, ...], block: int | None, rpc_url: str,
              as_json: bool) -> None:
    """Uniswap v3 NFT positions of OWNER: range, liquidity, amounts and uncollected fees."""
    found = read_positions(connect(rpc_url), owner, list(token_ids) or None, block=block)
    rows: list[dict[str, Any]] = []
    for p in found:
        invert = _usd_quoted(p.token0)
        lo, hi = (tick_to_price(t, p.decimals0, p.decimals1, invert)
                  for t in (p.tick_lower, p.tick_upper))
        rows.append({
            "token_id": p.token_id, "pool": p.pool, "block": p.block_number, "fee": p.fee,
            "tick_lower": p.tick_lower, "tick_upper": p.tick_upper,
            "price_lower": min(lo, hi), "price_upper": max(lo, hi),
            "liquidity": str(p.liquidity), "in_range": p.in_range,
            "amount0": _amount(p.amount0, p.decimals0),
            "amount1": _amount(p.amount1, p.decimals1),
            "fees0": _amount(p.fees0, p.decimals0),
            "fees1": _amount(p.fees1, p.decimals1),
            "token0": p.token0, "token1": p.token1,
        })
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "pool", "range", "in range", "amount0", "amount1", "fees0", "fees1",
                  title=f"positions of {owner}")
    for r in rows:
        table.add_row(str(r["token_id"]), r["pool"][:10] + "…",
                      f"{r['price_lower']:,.6g} – {r['price_upper']:,.6g}",
                      "yes" if r["in_range"] else "no", r["amount0"], r["amount1"], r["fees0"],
                      r["fees1"])
    Console().print(table if rows else f"{owner} holds no Uniswap v3 positions")
