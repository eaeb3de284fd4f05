"""Raw on-chain value types.

Each is a ``NewType`` over ``int`` (or ``str`` for addresses): free at run time, but mypy keeps a
``SqrtPriceX96`` from being passed where a ``Liquidity`` is expected. Wrap a value when it comes
off the chain or out of ``hedgekit.units``; the AMM math returns them already wrapped.
"""

from __future__ import annotations

from typing import NewType

Wei = NewType("Wei", int)
"""An amount in a token's smallest unit (wei for an 18-decimals token, 1e-6 USDC for USDC)."""

SqrtPriceX96 = NewType("SqrtPriceX96", int)
"""sqrt(token1/token0) in raw units as a Q64.96 fixed-point number (uint160)."""

Tick = NewType("Tick", int)
"""A Uniswap v3 tick index (int24): price = 1.0001 ** tick in raw units."""

Liquidity = NewType("Liquidity", int)
"""Uniswap v3 virtual liquidity L = sqrt(x * y) (uint128)."""

LiquidityNet = NewType("LiquidityNet", int)
"""Signed liquidity added when a tick is crossed left to right (int128)."""

FeePips = NewType("FeePips", int)
"""A fee in hundredths of a basis point (uint24): 3000 = 0.3 %."""

FeeGrowthX128 = NewType("FeeGrowthX128", int)
"""Fees earned per unit of liquidity as a Q128.128 number (uint256, wraps on overflow)."""

Address = NewType("Address", str)
"""A 0x-prefixed 20-byte hex address."""

BlockNumber = NewType("BlockNumber", int)
"""The block a snapshot was read at."""

__all__ = [
    "Address",
    "BlockNumber",
    "FeeGrowthX128",
    "FeePips",
    "Liquidity",
    "LiquidityNet",
    "SqrtPriceX96",
    "Tick",
    "Wei",
]
