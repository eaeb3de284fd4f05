"""TickMath of Uniswap v3-core: tick <-> sqrt price as Q64.96.

price(tick) = 1.0001 ** tick (token1 per token0, raw units), sqrt_price_x96 = sqrt(price) * 2**96.
"""

from __future__ import annotations

import math

from hedgekit.amm.v3.full_math import MAX_UINT256, require_int, require_uint
from hedgekit.errors import InputError
from hedgekit.types import SqrtPriceX96, Tick

MIN_TICK = Tick(-887272)
"""Smallest tick: floor(log_1.0001(2**-128))."""
MAX_TICK = Tick(887272)
"""Largest tick: -MIN_TICK."""
MIN_SQRT_RATIO = SqrtPriceX96(4295128739)
"""get_sqrt_ratio_at_tick(MIN_TICK)."""
MAX_SQRT_RATIO = SqrtPriceX96(1461446703485210103287273052203988822378723970342)
"""get_sqrt_ratio_at_tick(MAX_TICK)."""

# 2**128 / sqrt(1.0001) ** (2**i) as Q128.128, i = 0..19: the factors of the binary expansion of
# |tick|. These are the literal constants of TickMath.sol; bit-exact results need exactly them.
_BIT_FACTORS: tuple[int, ...] = (
    0xFFFCB933BD6FAD37AA2D162D1A594001,
    0xFFF97272373D413259A46990580E213A,
    0xFFF2E50F5F656932EF12357CF3C7FDCC,
    0xFFE5CACA7E10E4E61C3624EAA0941CD0,
    0xFFCB9843D60F6159C9DB58835C926644,
    0xFF973B41FA98C081472E6896DFB254C0,
    0xFF2EA16466C96A3843EC78B326B52861,
    0xFE5DEE046A99A2A811C461F1969C3053,
    0xFCBE86C7900A88AEDCFFC83B479AA3A4,
    0xF987A7253AC413176F2B074CF7815E54,
    0xF3392B0822B70005940C7A398E4B70F3,
    0xE7159475A2C29B7443B29C7FA6E889D9,
    0xD097F3BDFD2022B8845AD8F792AA5825,
    0xA9F746462D870FDF8A65DC1F90E061E5,
    0x70D869A156D2A1B890BB3DF62BAF32F7,
    0x31BE135F97D08FD981231505542FCFA6,
    0x9AA508B5B7A84E1C677DE54F3E99BC9,
    0x5D6AF8DEDB81196699C329225EE604,
    0x2216E584F5FA1EA926041BEDFE98,
    0x48A170391F7DC42444E8FA2,
)

_LOG_SQRT_10001 = math.log(1.0001) / 2


def get_sqrt_ratio_at_tick(tick: Tick | int) -> SqrtPriceX96:
    """sqrt(1.0001 ** tick) * 2**96 as Q64.96, exactly as ``TickMath.getSqrtRatioAtTick``.

    The Q128.128 ratio 1/sqrt(1.0001)**|tick| is a product of the bit factors (each product
    truncated by ``>> 128``), inverted as ``floor((2**256 - 1) / ratio)`` for positive ticks, then
    shifted to Q64.96 rounding **up** so that ``get_tick_at_sqrt_ratio`` of the output is ``tick``.
    Reverts ``T`` if |tick| > MAX_TICK.
    """
    require_int("tick", tick, 24)
    abs_tick = -tick if tick < 0 else tick
    if abs_tick > MAX_TICK:
        raise InputError(f"tick_math: tick out of range (T): {tick}")
    ratio = _BIT_FACTORS[0] if abs_tick & 1 else 1 << 128
    for bit in range(1, 20):
        if abs_tick & (1 << bit):
            ratio = (ratio * _BIT_FACTORS[bit]) >> 128
    if tick > 0:
        ratio = MAX_UINT256 // ratio
    return SqrtPriceX96((ratio >> 32) + (1 if ratio & 0xFFFFFFFF else 0))


def get_tick_at_sqrt_ratio(sqrt_price_x96: SqrtPriceX96 | int) -> Tick:
    """The greatest tick whose sqrt ratio is <= ``sqrt_price_x96``, as
    ``TickMath.getTickAtSqrtRatio``.

    Rounds toward negative infinity (floor of log_sqrt(1.0001)(sqrt_price / 2**96)). The Solidity
    reaches that tick through a fixed-point log2 with proven error bounds; this port estimates the
    log with a float and then settles the exact answer with :func:`get_sqrt_ratio_at_tick`, so it
    returns the same tick by definition. Reverts ``R`` unless
    MIN_SQRT_RATIO <= sqrt_price_x96 < MAX_SQRT_RATIO.
    """
    require_uint("sqrt_price_x96", sqrt_price_x96, 160)
    if not MIN_SQRT_RATIO <= sqrt_price_x96 < MAX_SQRT_RATIO:
        raise InputError(f"tick_math: sqrt price out of range (R): {sqrt_price_x96}")
    estimate = math.floor((math.log(sqrt_price_x96) - 96 * math.log(2)) / _LOG_SQRT_10001)
    tick = min(max(estimate, MIN_TICK), MAX_TICK - 1)
    while tick > MIN_TICK and get_sqrt_ratio_at_tick(tick) > sqrt_price_x96:
        tick -= 1
    while tick < MAX_TICK - 1 and get_sqrt_ratio_at_tick(tick + 1) <= sqrt_price_x96:
        tick += 1
    return Tick(tick)


__all__ = [
    "MAX_SQRT_RATIO",
    "MAX_TICK",
    "MIN_SQRT_RATIO",
    "MIN_TICK",
    "get_sqrt_ratio_at_tick",
    "get_tick_at_sqrt_ratio",
]
