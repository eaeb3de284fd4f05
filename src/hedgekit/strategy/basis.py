"""The basis trade as a hedge plan: buy ``size`` WETH spot through the SwapRouter (exact
output, USDC in bounded by the policy's slippage) and short the same size on the PerpMarket,
so the position is delta-neutral and earns the perp's funding.

Carry (per year, fraction of the notional): the funding rate annualized (365 days, simple)
received by the short when it is positive (longs pay shorts), minus nothing else on-chain
(WETH earns nothing here); the round trip costs the pool fee plus impact and the taker fee
twice. The exact USDC the swap pulls comes from the v3 swap simulator on the pool's state,
so the plan predicts the account's balances to the base unit.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_CEILING, Decimal

from web3 import Web3

from hedgekit.amm.readers import read_pool_states
from hedgekit.amm.v3 import swap
from hedgekit.chain import addresses as A
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import InputError, RiskLimitError
from hedgekit.portfolio import Greeks, Portfolio
from hedgekit.strategy.costs import GAS_UNITS, VenueCost
from hedgekit.strategy.planner import HEDGE_POOL, SIZING_BUFFER
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.strategy.strategy_common import (
    WAD,
    Expected,
    StrategyParams,
    StrategyPlan,
    base_legs,
    floor_lot,
    make_plan,
)
from hedgekit.strategy.swaps import build_swap_exact_output
from hedgekit.types import Address
from hedgekit.venues.perp import PerpMarketVenue

USDC = 10**6


def basis(w3: Web3, portfolio: Portfolio, params: StrategyParams,
          policy: HedgePolicy) -> StrategyPlan:
    """Long ``params.size`` WETH spot + short as much on the PerpMarket (module docstring)."""
    if params.size is None:
        raise InputError("basis needs --size (ETH to buy spot and short on the perp)")
    if not w3.eth.get_code(A.PERP_MARKET_ETH_USD):  # type: ignore[arg-type]
        raise InputError("no PerpMarket on this chain: the basis trade needs one")
    size = floor_lot(params.size)
    if size <= 0:
        raise InputError(f"--size {params.size:g} ETH rounds to no lot")
    block, owner = portfolio.block_number, portfolio.owner
    perp = PerpMarketVenue(w3)
    position = perp.position(owner, block)
    if position.size != 0:
        raise RiskLimitError("basis: the account already has a perp position; close it first")
    state = position.state
    (pool,) = read_pool_states(w3, [HEDGE_POOL], block=block)
    price = portfolio.oracle_price
    usdc_in = swap(pool, zero_for_one=True, amount_specified=-size).amount0
    slip = Decimal(policy.slippage_bps) / 10_000
    max_in = int((Decimal(size) / WAD * Decimal(repr(price)) * USDC * (1 + slip))
                 .to_integral_value(ROUND_CEILING))
    if usdc_in > max_in:
        raise RiskLimitError(f"basis: buying {size / WAD:g} WETH costs {usdc_in / USDC:,.2f} "
                             f"USDC, beyond the {policy.slippage_bps} bps bound "
                             f"({max_in / USDC:,.2f}); trade less")
    notional = size / WAD * price
    margin = int((Decimal(repr(notional)) / Decimal(repr(policy.max_leverage * SIZING_BUFFER))
                  * USDC).to_integral_value(ROUND_CEILING))
    held = int(portfolio.balances.get(Address(A.USDC), 0))
    if held < max_in + margin:
        raise RiskLimitError(f"basis: needs {max_in / USDC:,.2f} USDC for the spot leg (at "
                             f"most) + {margin / USDC:,.2f} perp margin, holds "
                             f"{held / USDC:,.2f}")
    deadline = portfolio.timestamp + policy.deadline_seconds
    router = _router_allowance(w3, owner, block)
    spot_txs, _ = build_swap_exact_output(owner, A.USDC, A.WETH, pool.fee, size, max_in,
                                          deadline, router)
    # the spot leg spends USDC first: the perp's margin approval sees what is left
    funded = replace(position, collateral_balance=position.collateral_balance - usdc_in)
    order = perp.build_open(funded, -size, margin, slippage_bps=policy.slippage_bps,
                            deadline_seconds=policy.deadline_seconds)
    rate = state.funding_rate_annual
    taker = state.params.taker_fee / WAD
    gas = GAS_UNITS["perp"] * w3.eth.gas_price / WAD * price
    cost = VenueCost("basis", pool.fee / 1e6 + taker, -rate, gas,
                     f"funding {rate:+.2%}/yr to the short")
    legs, total = base_legs(portfolio, None, policy.sigma)
    eth = size / WAD
    reasons = [f"basis: buy {eth:g} WETH spot ({usdc_in / USDC:,.2f} USDC, bound "
               f"{max_in / USDC:,.2f}) and short {eth:g} ETH on the perp with "
               f"{margin / USDC:,.2f} USDC margin (leverage <= {policy.max_leverage:g}x)",
               f"carry: funding {rate:+.2%}/yr on {notional:,.2f} USD = "
               f"{rate * notional:+,.2f} USD/yr to the short (positive: longs pay shorts)",
               f"entry cost: pool fee {pool.fee / 1e4:g}% + impact, taker fee "
               f"{order.effect.fee / USDC:,.2f} USDC; the legs cancel in delta"]
    plan = make_plan(portfolio, "basis", eth, legs, total, Greeks("basis", 0.0, 0.0),
                     (*spot_txs, *order.txs), reasons,
                     [f"carry {rate * notional:+,.2f} USD/yr"])
    return StrategyPlan(replace(plan, costs=(cost,)),
                        Expected(weth=size, usdc=-(usdc_in + margin), perp_size=-size))


def _router_allowance(w3: Web3, owner: str, block: int) -> int:
    (answer,) = multicall(w3, [Call(A.USDC, "allowance(address,address)",
                                    (owner, A.SWAP_ROUTER), ("uint256",))], block)
    return int(answer[0]) if answer else 0
