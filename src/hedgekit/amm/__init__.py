"""Exact integer pool math of the AMMs hedgekit trades on.

``hedgekit.amm.v3`` ports Uniswap v3-core / v3-periphery libraries (TickMath, SqrtPriceMath,
SwapMath, LiquidityAmounts, TickBitmap, the pool's swap loop and its position fee accounting);
``hedgekit.amm.v2`` ports UniswapV2Library and the pair's burn. Everything is Python ``int``,
rounds exactly as the Solidity does and raises :class:`hedgekit.errors.InputError` where the
Solidity reverts. Conversions to human units live in :mod:`hedgekit.units`, not here.
"""
