"""What the keeper asks of the vault: the shared policy's decision on the vault's numbers,
and the exact arguments of ``rebalance`` (re-range + hedge) or ``tend`` (hedge only).

Which action: a **re-range** when the vault has no position yet but idle capital, or when
the oracle tick has left the inner part of the range (``edge_fraction`` of the width from an
edge); otherwise a **tend** when :func:`hedgekit.strategy.policy.evaluate` says trade. The
policy's decision is computed (and journaled) at every step either way.

Sizing of a re-range, for capital C (totalAssets less a reserve), a new range whose value is
a fraction w in WETH at the oracle, and the hedge's leverage l: the LP gets V = C / (1 + w/l),
the perp margin M = C - V, the short covers all the WETH the vault will hold. Amounts that
reach the transaction are exact ints; mins are the expected amounts less ``min_amount_bps``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from hedgekit.amm.v3 import (
    get_liquidity_for_amounts,
    get_sqrt_ratio_at_tick,
    get_tick_at_sqrt_ratio,
)
from hedgekit.chain.multicall import Call
from hedgekit.errors import InputError
from hedgekit.strategy.policy import Decision, HedgePolicy, LastHedge, evaluate, target_delta
from hedgekit.units import nearest_usable_tick
from hedgekit.vault.math import lp_amounts, oracle_sqrt_price_x96, weth_value
from hedgekit.vault.state import FEED_DECIMALS, USDC_DECIMALS, WETH_DECIMALS, VaultState

BPS = 10_000
ETH = 10**18
REBALANCE_SIG = "rebalance((int24,int24,int256,uint256,uint256,uint256,int256,int256,uint256))"
TEND_SIG = "tend(int256,int256,uint256)"


@dataclass(frozen=True)
class KeeperConfig:
    """How the keeper shapes the vault (the policy says when to hedge)."""

    width_ticks: int = 2_000
    """Half-width of a new range in ticks (2000 ticks ~ ±20 %)."""
    edge_fraction: float = 0.1
    """Re-range once the oracle tick is within this fraction of the width from an edge."""
    idle_fraction: float = 0.05
    """Deploy idle USDC (re-range) once it exceeds this fraction of total assets."""
    hedge_leverage: float = 2.0
    """Perp leverage the margin is sized for (must stay below the policy's max_leverage)."""
    reserve_bps: int = 50
    """Assets kept idle at a re-range (exit and fee headroom)."""
    min_amount_bps: int = 1_000
    """The mint's min amounts: expected less this much."""
    min_trade_wei: int = 10**14
    """Perp size changes and swaps below this are skipped."""


@dataclass(frozen=True)
class RebalanceArgs:
    """``RebalanceParams`` of the contract, in its field order."""

    tick_lower: int
    tick_upper: int
    swap_amount: int
    lp_usdc: int
    amount_usdc_min: int
    amount_weth_min: int
    perp_size: int
    margin_delta: int
    deadline: int

    def calldata(self) -> bytes:
        return Call("0x" + "00" * 20, REBALANCE_SIG, (tuple(vars(self).values()),)).calldata()


@dataclass(frozen=True)
class TendArgs:
    perp_size: int
    margin_delta: int
    deadline: int

    def calldata(self) -> bytes:
        return Call("0x" + "00" * 20, TEND_SIG,
                    (self.perp_size, self.margin_delta, self.deadline)).calldata()


@dataclass(frozen=True)
class VaultPlan:
    """The decision at one block and the call it leads to (``kind == "none"``: no call)."""

    kind: Literal["none", "rebalance", "tend"]
    decision: Decision
    reasons: tuple[str, ...]
    args: RebalanceArgs | TendArgs | None
    expected_delta: int

    def calldata(self) -> bytes:
        if self.args is None:
            raise InputError("a plan without an action has no calldata")
        return self.args.calldata()


def _sqrt_at(state: VaultState, answer: int) -> int:
    return oracle_sqrt_price_x96(answer, USDC_DECIMALS, WETH_DECIMALS, FEED_DECIMALS, True)


def _usd_to_wei(usdc: int, answer: int) -> int:
    return int(usdc * 10**FEED_DECIMALS * ETH // (answer * 10**USDC_DECIMALS))


def _value(wei: int, answer: int) -> int:
    return weth_value(wei, answer, USDC_DECIMALS, WETH_DECIMALS, FEED_DECIMALS)


def lp_gamma(state: VaultState, bump: float = 0.01) -> float:
    """d(LP WETH)/d(price) in ETH per USD, by central difference at the oracle (the exact
    v3 amounts of the vault's liquidity at answer x (1 ± bump)); 0 without a position."""
    if state.liquidity == 0:
        return 0.0
    sa, sb = get_sqrt_ratio_at_tick(state.tick_lower), get_sqrt_ratio_at_tick(state.tick_upper)
    up, down = int(state.oracle_answer * (1 + bump)), int(state.oracle_answer * (1 - bump))
    w_up = lp_amounts(state.liquidity, _sqrt_at(state, up), sa, sb, True)[1]
    w_down = lp_amounts(state.liquidity, _sqrt_at(state, down), sa, sb, True)[1]
    return float((w_up - w_down) / ETH / ((up - down) / 10**FEED_DECIMALS))


def decide(state: VaultState, policy: HedgePolicy, cost: float,
           last: LastHedge | None) -> Decision:
    """The shared policy's decision on the vault's delta (ETH)."""
    return evaluate(policy, delta=state.delta_eth, lp_delta=state.lp_delta_eth,
                    gamma=lp_gamma(state), price=state.price,
                    hedge_delta=state.perp_size_eth, cost=cost, now=state.timestamp,
                    last=last, leverage=state.leverage)


def needs_rerange(state: VaultState, config: KeeperConfig) -> str | None:
    """Why the LP position must be re-ranged now (None: it need not)."""
    if state.liquidity == 0:
        if state.idle_usdc > config.idle_fraction * state.total_assets and state.total_assets:
            return "idle capital and no LP position: deploy it"
        return None
    tick = get_tick_at_sqrt_ratio(state.oracle_sqrt_price_x96)
    edge = int((state.tick_upper - state.tick_lower) * config.edge_fraction)
    if not state.tick_lower + edge <= tick < state.tick_upper - edge:
        return (f"oracle tick {tick} is outside the inner range "
                f"[{state.tick_lower + edge}, {state.tick_upper - edge})")
    if state.idle_usdc > config.idle_fraction * state.total_assets:
        return "idle USDC above the deployment threshold"
    return None


def plan_rebalance(state: VaultState, policy: HedgePolicy, config: KeeperConfig,
                   tick_spacing: int, pool_fee: int) -> tuple[RebalanceArgs, int]:
    """Arguments of a re-range around the oracle tick (module docstring), and the delta
    (wei) they should reach."""
    answer, sqrt_price = state.oracle_answer, state.oracle_sqrt_price_x96
    tick = get_tick_at_sqrt_ratio(sqrt_price)
    lower = nearest_usable_tick(tick - config.width_ticks, tick_spacing)
    upper = nearest_usable_tick(tick + config.width_ticks, tick_spacing)
    sa, sb = get_sqrt_ratio_at_tick(lower), get_sqrt_ratio_at_tick(upper)
    probe_usdc, probe_weth = lp_amounts(10**18, sqrt_price, sa, sb, True)
    weth_share = Fraction(_value(probe_weth, answer), probe_usdc + _value(probe_weth, answer))
    capital = state.total_assets * (BPS - config.reserve_bps) // BPS
    lp_value = math.floor(capital / (1 + weth_share / Fraction(config.hedge_leverage)))
    margin_target = capital - lp_value
    weth_target = _usd_to_wei(math.floor(lp_value * weth_share), answer)
    weth_have = state.idle_weth + state.lp_weth + state.fees_weth  # all collected on re-range
    usdc_have = state.idle_usdc + state.lp_usdc + state.fees_usdc
    gap = weth_target - weth_have
    swap = 0
    if gap > config.min_trade_wei:  # buy WETH: pay its oracle value grossed up by the fee
        swap = -(-_value(gap, answer) * 1_000_000 // (1_000_000 - pool_fee))
        usdc_have -= swap
    elif gap < -config.min_trade_wei:
        swap = gap
        usdc_have += _value(-gap, answer) * (1_000_000 - pool_fee) // 1_000_000
    else:
        weth_target = weth_have
    margin_delta = margin_target - state.perp_value
    lp_usdc = max(min(lp_value - _value(weth_target, answer),
                      usdc_have - max(margin_delta, 0)) * (BPS - 10) // BPS, 0)
    expected = get_liquidity_for_amounts(sqrt_price, sa, sb, lp_usdc, weth_target)
    usdc_in, weth_in = lp_amounts(expected, sqrt_price, sa, sb, True)
    keep = BPS - config.min_amount_bps
    target = int(target_delta(policy, weth_in / ETH) * ETH)
    args = RebalanceArgs(lower, upper, swap, lp_usdc, usdc_in * keep // BPS,
                         weth_in * keep // BPS, target - weth_target, margin_delta,
                         state.timestamp + policy.deadline_seconds)
    return args, target


def plan_tend(state: VaultState, decision: Decision, policy: HedgePolicy,
              config: KeeperConfig, min_margin: int) -> TendArgs | None:
    """Arguments of a hedge-only trade to the decision's target, the margin topped up (or
    freed above twice the need) for ``hedge_leverage``; None if nothing worth sending."""
    size = state.perp_size + int(decision.gap * ETH)
    leverage_milli = int(config.hedge_leverage * 1_000)
    need = _value(abs(size), state.oracle_answer) * 1_000 // leverage_milli
    need = max(need, min_margin) if size else 0
    have = max(state.remaining_margin, 0) // 10**12
    margin_delta = 0
    if have < need:
        margin_delta = min(need - have, state.idle_usdc)
    elif have > 2 * need and size != 0:
        margin_delta = -(have - need - 1)
    if abs(size - state.perp_size) < config.min_trade_wei and margin_delta == 0:
        return None
    return TendArgs(size, margin_delta, state.timestamp + policy.deadline_seconds)


def plan(state: VaultState, policy: HedgePolicy, config: KeeperConfig, *, cost: float,
         last: LastHedge | None, tick_spacing: int, pool_fee: int, min_margin: int) -> VaultPlan:
    """Decide and build the keeper's call for ``state`` (module docstring)."""
    decision = decide(state, policy, cost, last)
    if state.paused or state.shutdown:
        why = "the vault is shut down" if state.shutdown else "the vault is paused"
        return VaultPlan("none", decision, (why,), None, state.delta)
    rerange = needs_rerange(state, config)
    if rerange is not None:
        args, expected = plan_rebalance(state, policy, config, tick_spacing, pool_fee)
        return VaultPlan("rebalance", decision, (rerange, *decision.reasons), args, expected)
    if decision.trade:
        tend = plan_tend(state, decision, policy, config, min_margin)
        if tend is not None:
            return VaultPlan("tend", decision, decision.reasons, tend,
                             state.delta + tend.perp_size - state.perp_size)
    return VaultPlan("none", decision, decision.reasons, None, state.delta)


__all__ = ["KeeperConfig", "RebalanceArgs", "TendArgs", "VaultPlan", "decide", "lp_gamma",
           "needs_rerange", "plan", "plan_rebalance", "plan_tend"]
