"""Exact ports of Uniswap v2 math: UniswapV2Library (quote, getAmountOut, getAmountIn) and the
value of LP tokens as UniswapV2Pair.burn pays them (including ``_mintFee``).

All amounts are raw token units. SafeMath reverts on uint256 overflow become ``InputError``;
the library's revert strings are kept in the messages.
"""

from __future__ import annotations

import math

from hedgekit.amm.v3.full_math import MAX_UINT256, require_uint
from hedgekit.errors import InputError
from hedgekit.types import Wei

FEE_NUMERATOR = 997
"""Input kept after the 0.3 % fee, per 1000."""
FEE_DENOMINATOR = 1000
MINIMUM_LIQUIDITY = 1000
"""LP tokens locked forever at the first mint."""


def _mul(a: int, b: int) -> int:
    product = a * b
    if product > MAX_UINT256:
        raise InputError("v2: ds-math-mul-overflow")
    return product


def _check_reserves(reserve_a: int, reserve_b: int) -> None:
    require_uint("reserve", reserve_a, 112)
    require_uint("reserve", reserve_b, 112)
    if reserve_a == 0 or reserve_b == 0:
        raise InputError("v2: UniswapV2Library: INSUFFICIENT_LIQUIDITY")


def quote(amount_a: Wei | int, reserve_a: Wei | int, reserve_b: Wei | int) -> Wei:
    """The amount of B worth ``amount_a`` of A at the reserves' ratio, no fee:
    ``amount_a * reserve_b / reserve_a``, rounded down."""
    require_uint("amount_a", amount_a, 256)
    if amount_a == 0:
        raise InputError("v2: UniswapV2Library: INSUFFICIENT_AMOUNT")
    _check_reserves(reserve_a, reserve_b)
    return Wei(_mul(amount_a, reserve_b) // reserve_a)


def get_amount_out(amount_in: Wei | int, reserve_in: Wei | int, reserve_out: Wei | int) -> Wei:
    """Output of an exact-input swap after the 0.3 % fee:
    ``amount_in * 997 * reserve_out / (reserve_in * 1000 + amount_in * 997)``, rounded down."""
    require_uint("amount_in", amount_in, 256)
    if amount_in == 0:
        raise InputError("v2: UniswapV2Library: INSUFFICIENT_INPUT_AMOUNT")
    _check_reserves(reserve_in, reserve_out)
    amount_in_with_fee = _mul(amount_in, FEE_NUMERATOR)
    numerator = _mul(amount_in_with_fee, reserve_out)
    denominator = _mul(reserve_in, FEE_DENOMINATOR) + amount_in_with_fee
    if denominator > MAX_UINT256:
        raise InputError("v2: ds-math-add-overflow")
    return Wei(numerator // denominator)


def get_amount_in(amount_out: Wei | int, reserve_in: Wei | int, reserve_out: Wei | int) -> Wei:
    """Input needed for an exact output after the 0.3 % fee:
    ``reserve_in * amount_out * 1000 / ((reserve_out - amount_out) * 997) + 1``.

    The division rounds down and the ``+ 1`` then rounds up (by one more wei when the division
    is exact, as the library does). Reverts when ``amount_out >= reserve_out``.
    """
    require_uint("amount_out", amount_out, 256)
    if amount_out == 0:
        raise InputError("v2: UniswapV2Library: INSUFFICIENT_OUTPUT_AMOUNT")
    _check_reserves(reserve_in, reserve_out)
    numerator = _mul(_mul(reserve_in, amount_out), FEE_DENOMINATOR)
    if amount_out > reserve_out:
        raise InputError("v2: ds-math-sub-underflow")
    denominator = _mul(reserve_out - amount_out, FEE_NUMERATOR)
    if denominator == 0:
        raise InputError("v2: amount_out equals the whole reserve")
    return Wei(numerator // denominator + 1)


def mint_fee_liquidity(
    total_supply: Wei | int, reserve0: Wei | int, reserve1: Wei | int, k_last: int, fee_on: bool
) -> Wei:
    """LP tokens ``UniswapV2Pair._mintFee`` mints to ``feeTo`` before a mint or burn.

    With the protocol fee on and ``k_last != 0``: ``total_supply * (rootK - rootKLast) /
    (5 * rootK + rootKLast)`` where rootK = floor(sqrt(reserve0 * reserve1)); rounds down.
    0 when the fee is off or k did not grow.
    """
    require_uint("total_supply", total_supply, 256)
    require_uint("k_last", k_last, 256)
    if not fee_on or k_last == 0:
        return Wei(0)
    root_k = math.isqrt(_mul(reserve0, reserve1))
    root_k_last = math.isqrt(k_last)
    if root_k <= root_k_last:
        return Wei(0)
    numerator = _mul(total_supply, root_k - root_k_last)
    denominator = _mul(root_k, 5) + root_k_last
    return Wei(numerator // denominator)


def burn_amounts(
    liquidity: Wei | int,
    total_supply: Wei | int,
    reserve0: Wei | int,
    reserve1: Wei | int,
    *,
    k_last: int = 0,
    fee_on: bool = False,
    balance0: Wei | int | None = None,
    balance1: Wei | int | None = None,
) -> tuple[Wei, Wei]:
    """``(amount0, amount1)`` that burning ``liquidity`` LP tokens pays, as
    ``UniswapV2Pair.burn``: ``liquidity * balance / total_supply`` per token, rounded down, with
    ``total_supply`` first increased by :func:`mint_fee_liquidity` when the protocol fee is on.

    The pair pays from its token balances (defaulting here to the reserves; they differ only
    by donations not yet synced). This is the value of an LP share. Reverts
    ``INSUFFICIENT_LIQUIDITY_BURNED`` when either amount is 0, as the pair does.
    """
    require_uint("liquidity", liquidity, 256)
    require_uint("total_supply", total_supply, 256)
    require_uint("reserve0", reserve0, 112)
    require_uint("reserve1", reserve1, 112)
    if liquidity > total_supply:
        raise InputError(f"v2: liquidity {liquidity} exceeds total supply {total_supply}")
    supply = total_supply + mint_fee_liquidity(total_supply, reserve0, reserve1, k_last, fee_on)
    bal0 = reserve0 if balance0 is None else require_uint("balance0", balance0, 256)
    bal1 = reserve1 if balance1 is None else require_uint("balance1", balance1, 256)
    if supply == 0:
        raise InputError("v2: total supply is zero")
    amount0 = _mul(liquidity, bal0) // supply
    amount1 = _mul(liquidity, bal1) // supply
    if amount0 == 0 or amount1 == 0:
        raise InputError("v2: UniswapV2: INSUFFICIENT_LIQUIDITY_BURNED")
    return Wei(amount0), Wei(amount1)


__all__ = [
    "FEE_DENOMINATOR",
    "FEE_NUMERATOR",
    "MINIMUM_LIQUIDITY",
    "burn_amounts",
    "get_amount_in",
    "get_amount_out",
    "mint_fee_liquidity",
    "quote",
]
