"""Position fee accounting of Uniswap v3-core (Tick.getFeeGrowthInside, Position.update) and
NonfungiblePositionManager's tokens owed.

Fee growth values are Q128.128 fees per unit of liquidity, stored as uint256 that **wrap**: only
differences are meaningful, and every subtraction here is modulo 2**256 as in Solidity 0.7.
"""

from __future__ import annotations

from hedgekit.amm.v3.full_math import MAX_UINT128, MAX_UINT256, Q128, mul_div, require_uint
from hedgekit.amm.v3.pool_state import PoolState
from hedgekit.errors import InputError
from hedgekit.types import Liquidity, Tick, Wei


def get_fee_growth_inside(
    tick_lower: Tick | int,
    tick_upper: Tick | int,
    tick_current: Tick | int,
    fee_growth_global_x128: int,
    lower_fee_growth_outside_x128: int,
    upper_fee_growth_outside_x128: int,
) -> int:
    """Fee growth inside [tick_lower, tick_upper) for one token, as ``Tick.getFeeGrowthInside``.

    inside = global - below(lower) - above(upper), where ``below`` is the lower tick's outside
    value if the current tick is at or above it (else global - outside) and ``above`` is the upper
    tick's outside value if the current tick is below it (else global - outside). Exact, modulo
    2**256.
    """
    for name, value in (
        ("fee_growth_global_x128", fee_growth_global_x128),
        ("lower_fee_growth_outside_x128", lower_fee_growth_outside_x128),
        ("upper_fee_growth_outside_x128", upper_fee_growth_outside_x128),
    ):
        require_uint(name, value, 256)
    if tick_current >= tick_lower:
        below = lower_fee_growth_outside_x128
    else:
        below = fee_growth_global_x128 - lower_fee_growth_outside_x128
    if tick_current < tick_upper:
        above = upper_fee_growth_outside_x128
    else:
        above = fee_growth_global_x128 - upper_fee_growth_outside_x128
    return (fee_growth_global_x128 - below - above) & MAX_UINT256


def get_tokens_owed(
    fee_growth_inside_x128: int, fee_growth_inside_last_x128: int, liquidity: Liquidity | int
) -> Wei:
    """Fees earned since the last update, as ``Position.update``:
    ``uint128(mulDiv(inside - inside_last, liquidity, 2**128))``.

    The difference wraps modulo 2**256, the product rounds **down**, and the result is truncated
    to uint128 (the pool accepts that overflow: fees must be collected before 2**128).
    """
    require_uint("fee_growth_inside_x128", fee_growth_inside_x128, 256)
    require_uint("fee_growth_inside_last_x128", fee_growth_inside_last_x128, 256)
    require_uint("liquidity", liquidity, 128)
    delta = (fee_growth_inside_x128 - fee_growth_inside_last_x128) & MAX_UINT256
    return Wei(mul_div(delta, liquidity, Q128) & MAX_UINT128)


def fee_growth_inside_of(
    state: PoolState, tick_lower: Tick | int, tick_upper: Tick | int
) -> tuple[int, int]:
    """``(inside0, inside1)`` of a range on a pool state that carries fee growth.

    Needs ``fee_growth_global0/1_x128`` and the per-tick ``fee_growth_outside0/1_x128`` of both
    ticks (an uninitialized tick's outside value is 0, as in the pool's storage).
    """
    if (
        state.fee_growth_global0_x128 is None
        or state.fee_growth_global1_x128 is None
        or state.fee_growth_outside0_x128 is None
        or state.fee_growth_outside1_x128 is None
    ):
        raise InputError("position_fees: the pool state carries no fee growth")
    inside0 = get_fee_growth_inside(
        tick_lower,
        tick_upper,
        state.tick,
        state.fee_growth_global0_x128,
        state.fee_growth_outside0_x128.get(tick_lower, 0),
        state.fee_growth_outside0_x128.get(tick_upper, 0),
    )
    inside1 = get_fee_growth_inside(
        tick_lower,
        tick_upper,
        state.tick,
        state.fee_growth_global1_x128,
        state.fee_growth_outside1_x128.get(tick_lower, 0),
        state.fee_growth_outside1_x128.get(tick_upper, 0),
    )
    return inside0, inside1


def uncollected_fees(
    state: PoolState,
    tick_lower: Tick | int,
    tick_upper: Tick | int,
    liquidity: Liquidity | int,
    fee_growth_inside0_last_x128: int,
    fee_growth_inside1_last_x128: int,
    tokens_owed0: Wei | int = 0,
    tokens_owed1: Wei | int = 0,
) -> tuple[Wei, Wei]:
    """What ``collect`` would pay a position now: tokens already owed plus fees accrued since
    ``fee_growth_inside*_last_x128``.

    Works for a pool position (``positions(key)``) and for a NonfungiblePositionManager position
    (``positions(tokenId)``), which both keep the last inside growth and tokens owed. Rounds down
    per token; the sum wraps at 2**128 as the Solidity ``+=`` does.
    """
    inside0, inside1 = fee_growth_inside_of(state, tick_lower, tick_upper)
    owed0 = get_tokens_owed(inside0, fee_growth_inside0_last_x128, liquidity)
    owed1 = get_tokens_owed(inside1, fee_growth_inside1_last_x128, liquidity)
    require_uint("tokens_owed0", tokens_owed0, 128)
    require_uint("tokens_owed1", tokens_owed1, 128)
    return (
        Wei((tokens_owed0 + owed0) & MAX_UINT128),
        Wei((tokens_owed1 + owed1) & MAX_UINT128),
    )


__all__ = [
    "fee_growth_inside_of",
    "get_fee_growth_inside",
    "get_tokens_owed",
    "uncollected_fees",
]
