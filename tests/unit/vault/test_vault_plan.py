"""The keeper's planner on made-up vault states: when to re-range, tend or stay put, and the
sizes it sends."""

from __future__ import annotations

from dataclasses import replace

from hedgekit.amm.v3 import get_tick_at_sqrt_ratio
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.types import Address, BlockNumber
from hedgekit.vault.math import oracle_sqrt_price_x96
from hedgekit.vault.plan import KeeperConfig, needs_rerange, plan
from hedgekit.vault.state import VaultState

ETH = 10**18
ANSWER = 3_000 * 10**8
SQRT = oracle_sqrt_price_x96(ANSWER, 6, 18, 8, True)
TICK = get_tick_at_sqrt_ratio(SQRT)
TERMS = {"cost": 5e-4, "last": None, "tick_spacing": 10, "pool_fee": 500,
         "min_margin": 50 * 10**6}


def _state(**changes: object) -> VaultState:
    base = VaultState(
        vault=Address("0x" + "ab" * 20), block_number=BlockNumber(1), timestamp=10**9,
        pool=Address("0x" + "01" * 20), perp=Address("0x" + "02" * 20),
        total_assets=100_000 * 10**6, lp_value=0, perp_value=0, idle_usdc=100_000 * 10**6,
        idle_weth_value=0, idle_weth=0, total_supply=10**17, share_decimals=12,
        share_price=10**6, token_id=0, tick_lower=0, tick_upper=0, liquidity=0, lp_usdc=0,
        lp_weth=0, fees_usdc=0, fees_weth=0, perp_size=0, perp_margin=0, remaining_margin=0,
        delta=0, oracle_answer=ANSWER, oracle_updated_at=10**9, oracle_sqrt_price_x96=SQRT,
        pool_sqrt_price_x96=SQRT, pool_tick=TICK, paused=False, shutdown=False,
        keeper=Address("0x" + "03" * 20), last_action=0, cooldown=3_600, max_delta=2 * ETH,
        max_deviation_bps=100, max_slippage_bps=100)
    return replace(base, **changes)  # type: ignore[arg-type]


def test_plan__idle_capital_without_a_position__rebalances_into_a_hedged_range() -> None:
    p = plan(_state(), HedgePolicy(), KeeperConfig(), **TERMS)  # type: ignore[arg-type]
    assert p.kind == "rebalance" and p.args is not None
    args = p.args
    assert args.tick_lower < TICK < args.tick_upper  # type: ignore[union-attr]
    assert args.swap_amount > 0 and args.margin_delta > 0  # type: ignore[union-attr]
    weth_bought = args.swap_amount * ETH // (3_000 * 10**6)  # type: ignore[union-attr]
    assert abs(args.perp_size + weth_bought) < ETH // 100  # type: ignore[union-attr]


def test_plan__in_range_and_hedged__does_nothing() -> None:
    state = _state(liquidity=10**15, tick_lower=TICK - 2_000, tick_upper=TICK + 2_000,
                   idle_usdc=1_000 * 10**6, lp_weth=10 * ETH, perp_size=-10 * ETH, delta=0,
                   remaining_margin=15_000 * 10**18)
    assert needs_rerange(state, KeeperConfig()) is None
    assert plan(state, HedgePolicy(), KeeperConfig(), **TERMS).kind == "none"  # type: ignore[arg-type]


def test_plan__delta_outside_the_band__tends_back_to_the_target() -> None:
    state = _state(liquidity=10**15, tick_lower=TICK - 2_000, tick_upper=TICK + 2_000,
                   idle_usdc=1_000 * 10**6, lp_weth=10 * ETH, perp_size=-7 * ETH,
                   delta=3 * ETH, remaining_margin=15_000 * 10**18)
    p = plan(state, HedgePolicy(min_band=0.5, cost_aware=False), KeeperConfig(), **TERMS)  # type: ignore[arg-type]
    assert p.kind == "tend" and p.args is not None
    assert p.args.perp_size == -10 * ETH  # type: ignore[union-attr]
    assert p.expected_delta == 0


def test_plan__price_near_the_edge__re_ranges() -> None:
    state = _state(liquidity=10**15, tick_lower=TICK - 150, tick_upper=TICK + 3_850,
                   idle_usdc=0)
    assert "outside the inner range" in (needs_rerange(state, KeeperConfig()) or "")


def test_plan__paused_vault__never_acts() -> None:
    p = plan(_state(paused=True), HedgePolicy(), KeeperConfig(), **TERMS)  # type: ignore[arg-type]
    assert (p.kind, p.reasons) == ("none", ("the vault is paused",))
