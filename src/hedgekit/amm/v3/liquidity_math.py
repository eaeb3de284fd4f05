"""LiquidityMath of Uniswap v3-core: signed liquidity deltas on a uint128."""

from __future__ import annotations

from hedgekit.amm.v3.full_math import MAX_UINT128, require_int, require_uint
from hedgekit.errors import InputError
from hedgekit.types import Liquidity


def add_delta(liquidity: Liquidity | int, delta: int) -> Liquidity:
    """``liquidity + delta`` as ``LiquidityMath.addDelta``: exact, no rounding.

    Reverts ``LS`` (liquidity sub) when the result would go below zero and ``LA`` (liquidity add)
    when it would overflow uint128.
    """
    require_uint("liquidity", liquidity, 128)
    require_int("liquidity_delta", delta, 128)
    result = liquidity + delta
    if result < 0:
        raise InputError(f"liquidity_math: liquidity underflow (LS): {liquidity} + {delta}")
    if result > MAX_UINT128:
        raise InputError(f"liquidity_math: liquidity overflow (LA): {liquidity} + {delta}")
    return Liquidity(result)


__all__ = ["add_delta"]
