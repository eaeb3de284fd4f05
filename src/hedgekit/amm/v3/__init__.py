"""Exact ports of Uniswap v3 math: one module per Solidity library, names in snake_case.

=====================  =================================================================
module                 Solidity source
=====================  =================================================================
``full_math``          v3-core FullMath, UnsafeMath (mulDiv, rounding up)
``tick_math``          v3-core TickMath (tick <-> sqrt price)
``sqrt_price_math``    v3-core SqrtPriceMath (next price, token deltas)
``swap_math``          v3-core SwapMath (one swap step)
``liquidity_math``     v3-core LiquidityMath (addDelta)
``tick_bitmap``        v3-core TickBitmap (next initialized tick within one word)
``liquidity_amounts``  v3-periphery LiquidityAmounts (+ the pool's _modifyPosition amounts)
``pool_state``         a frozen snapshot of a pool
``swap``               the loop of UniswapV3Pool.swap
``position_fees``      Tick.getFeeGrowthInside, Position.update tokens owed
=====================  =================================================================
"""

from hedgekit.amm.v3.full_math import Q96, Q128, mul_div, mul_div_rounding_up
from hedgekit.amm.v3.liquidity_amounts import (
    get_amount0_for_liquidity,
    get_amount1_for_liquidity,
    get_amounts_for_liquidity,
    get_amounts_for_liquidity_delta,
    get_liquidity_for_amount0,
    get_liquidity_for_amount1,
    get_liquidity_for_amounts,
)
from hedgekit.amm.v3.liquidity_math import add_delta
from hedgekit.amm.v3.pool_state import PoolState
from hedgekit.amm.v3.position_fees import (
    fee_growth_inside_of,
    get_fee_growth_inside,
    get_tokens_owed,
    uncollected_fees,
)
from hedgekit.amm.v3.sqrt_price_math import (
    get_amount0_delta,
    get_amount0_delta_signed,
    get_amount1_delta,
    get_amount1_delta_signed,
    get_next_sqrt_price_from_input,
    get_next_sqrt_price_from_output,
)
from hedgekit.amm.v3.swap import SwapResult, swap
from hedgekit.amm.v3.swap_math import compute_swap_step
from hedgekit.amm.v3.tick_bitmap import next_initialized_tick_within_one_word
from hedgekit.amm.v3.tick_math import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    get_sqrt_ratio_at_tick,
    get_tick_at_sqrt_ratio,
)

__all__ = [
    "MAX_SQRT_RATIO",
    "MAX_TICK",
    "MIN_SQRT_RATIO",
    "MIN_TICK",
    "Q96",
    "Q128",
    "PoolState",
    "SwapResult",
    "add_delta",
    "compute_swap_step",
    "fee_growth_inside_of",
    "get_amount0_delta",
    "get_amount0_delta_signed",
    "get_amount0_for_liquidity",
    "get_amount1_delta",
    "get_amount1_delta_signed",
    "get_amount1_for_liquidity",
    "get_amounts_for_liquidity",
    "get_amounts_for_liquidity_delta",
    "get_fee_growth_inside",
    "get_liquidity_for_amount0",
    "get_liquidity_for_amount1",
    "get_liquidity_for_amounts",
    "get_next_sqrt_price_from_input",
    "get_next_sqrt_price_from_output",
    "get_sqrt_ratio_at_tick",
    "get_tick_at_sqrt_ratio",
    "get_tokens_owed",
    "mul_div",
    "mul_div_rounding_up",
    "next_initialized_tick_within_one_word",
    "swap",
    "uncollected_fees",
]
