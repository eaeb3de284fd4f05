"""``hedgekit pools [ADDRESS...]`` and ``hedgekit positions OWNER``: AMM state as tables/JSON."""

from __future__ import annotations

import json
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from hedgekit.amm.readers import read_pool_states, read_positions
from hedgekit.amm.v3 import (
    MAX_TICK,
    MIN_TICK,
    get_amounts_for_liquidity_delta,
    get_liquidity_for_amounts,
    get_sqrt_ratio_at_tick,
)
from hedgekit.chain import addresses as A
from hedgekit.chain.connection import connect
from hedgekit.cli.options import json_option, rpc_url_option
from hedgekit.errors import InputError
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
    rows: list[dict[str, Any]] = []
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
    for r in rows:
        table.add_row(str(r["address"]), f"{r['fee'] / 10_000:g}%", f"{r['price']:,.6g}",
                      str(r["tick"]), str(r["liquidity"]), str(r["initialized_ticks"]))
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


@click.command("range-preview")
@click.argument("pool")
@click.argument("tick_lower", type=int)
@click.argument("tick_upper", type=int)
@click.option("--liquidity", type=int, default=None, help="Liquidity L of the range.")
@click.option("--amount0", type=int, default=None, help="token0 to deposit (base units).")
@click.option("--amount1", type=int, default=None, help="token1 to deposit (base units).")
@block_option
@rpc_url_option
@json_option
def range_preview(pool: str, tick_lower: int, tick_upper: int, liquidity: int | None,
                  amount0: int | None, amount1: int | None, block: int | None, rpc_url: str,
                  as_json: bool) -> None:
    """What minting [TICK_LOWER, TICK_UPPER) on POOL takes now: liquidity from amounts (as the
    position manager computes it) or amounts for a liquidity (rounded up, as the pool charges)."""
    (state,) = read_pool_states(connect(rpc_url), [pool], block=block, with_ticks=False)
    check_range(tick_lower, tick_upper, state.tick_spacing)
    lower, upper = get_sqrt_ratio_at_tick(tick_lower), get_sqrt_ratio_at_tick(tick_upper)
    if liquidity is None:
        if amount0 is None or amount1 is None:
            raise InputError("give --liquidity, or both --amount0 and --amount1")
        if amount0 < 0 or amount1 < 0:
            raise InputError("amounts must be >= 0")
        liquidity = get_liquidity_for_amounts(state.sqrt_price_x96, lower, upper, amount0, amount1)
    if liquidity <= 0:
        raise InputError("liquidity must be positive (the pool reverts a zero mint)")
    need0, need1 = get_amounts_for_liquidity_delta(state.sqrt_price_x96, state.tick, tick_lower,
                                                   tick_upper, liquidity)
    report = {"pool": state.address, "block": state.block_number, "tick": state.tick,
              "tick_lower": tick_lower, "tick_upper": tick_upper, "liquidity": str(liquidity),
              "amount0": str(need0), "amount1": str(need1)}
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        Console().print(f"[{tick_lower}, {tick_upper}) on {state.address} at tick {state.tick}: "
                        f"liquidity {liquidity} takes {need0} token0 + {need1} token1 "
                        "(base units, rounded up as the pool charges)")


def check_range(tick_lower: int, tick_upper: int, spacing: int) -> None:
    """InputError unless MIN_TICK <= lower < upper <= MAX_TICK, both on the pool's spacing."""
    for name, tick in (("tick_lower", tick_lower), ("tick_upper", tick_upper)):
        if not MIN_TICK <= tick <= MAX_TICK:
            raise InputError(f"{name} {tick} is outside [{MIN_TICK}, {MAX_TICK}]")
        if tick % spacing:
            raise InputError(f"{name} {tick} is not a multiple of the pool's tick spacing "
                             f"{spacing}")
    if tick_lower >= tick_upper:
        raise InputError(f"tick_lower {tick_lower} must be below tick_upper {tick_upper}")
