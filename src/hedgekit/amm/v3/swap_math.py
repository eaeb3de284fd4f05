"""SwapMath of Uniswap v3-core: one step of a swap inside a single liquidity range."""

from __future__ import annotations

from hedgekit.amm.v3.full_math import mul_div, mul_div_rounding_up, require_int, require_uint
from hedgekit.amm.v3.sqrt_price_math import (
    get_amount0_delta,
    get_amount1_delta,
    get_next_sqrt_price_from_input,
    get_next_sqrt_price_from_output,
)
from hedgekit.errors import InputError
from hedgekit.types import FeePips, Liquidity, SqrtPriceX96, Wei

FEE_DENOMINATOR = 1_000_000
"""Fees are in pips: hundredths of a basis point."""


def compute_swap_step(
    sqrt_ratio_current_x96: SqrtPriceX96 | int,
    sqrt_ratio_target_x96: SqrtPriceX96 | int,
    liquidity: Liquidity | int,
    amount_remaining: int,
    fee_pips: FeePips | int,
) -> tuple[SqrtPriceX96, Wei, Wei, Wei]:
    """Swap within one range, as ``SwapMath.computeSwapStep``.

    Returns ``(sqrt_ratio_next_x96, amount_in, amount_out, fee_amount)``. The direction is
    zero-for-one when current >= target. ``amount_remaining >= 0`` is exact input (fee included),
    negative is exact output. The step stops at the target price or where the amount runs out.

    Rounding: ``amount_in`` rounds up and ``amount_out`` down (pool-favourable); the input net of
    fee is ``floor(remaining * (1e6 - fee) / 1e6)``; the fee is
    ``ceil(amount_in * fee / (1e6 - fee))``, except that an exact-input step that stops short of
    the target takes everything not used as input as fee. An exact-output step never returns more
    than asked.

    ``fee_pips`` must be < 1_000_000 (the factory only enables such fees); the Solidity would
    underflow or divide by zero above that, the port raises ``InputError``.
    """
    require_uint("sqrt_ratio_current_x96", sqrt_ratio_current_x96, 160)
    require_uint("sqrt_ratio_target_x96", sqrt_ratio_target_x96, 160)
    require_uint("liquidity", liquidity, 128)
    require_int("amount_remaining", amount_remaining, 256)
    require_uint("fee_pips", fee_pips, 24)
    if fee_pips >= FEE_DENOMINATOR:
        raise InputError(f"swap_math: fee_pips must be < 1_000_000, got {fee_pips}")

    current, target = sqrt_ratio_current_x96, sqrt_ratio_target_x96
    zero_for_one = current >= target
    exact_in = amount_remaining >= 0
    amount_in = 0
    amount_out = 0

    if exact_in:
        remaining_less_fee = mul_div(amount_remaining, FEE_DENOMINATOR - fee_pips, FEE_DENOMINATOR)
        amount_in = (
            get_amount0_delta(target, current, liquidity, True)
            if zero_for_one
            else get_amount1_delta(current, target, liquidity, True)
        )
        if remaining_less_fee >= amount_in:
            sqrt_ratio_next = target
        else:
            sqrt_ratio_next = get_next_sqrt_price_from_input(
                current, liquidity, remaining_less_fee, zero_for_one
            )
    else:
        amount_out = (
            get_amount1_delta(target, current, liquidity, False)
            if zero_for_one
            else get_amount0_delta(current, target, liquidity, False)
        )
        if -amount_remaining >= amount_out:
            sqrt_ratio_next = target
        else:
            sqrt_ratio_next = get_next_sqrt_price_from_output(
                current, liquidity, -amount_remaining, zero_for_one
            )

    reached_target = sqrt_ratio_next == target
    if zero_for_one:
        if not (reached_target and exact_in):
            amount_in = get_amount0_delta(sqrt_ratio_next, current, liquidity, True)
        if not (reached_target and not exact_in):
            amount_out = get_amount1_delta(sqrt_ratio_next, current, liquidity, False)
    else:
        if not (reached_target and exact_in):
            amount_in = get_amount1_delta(current, sqrt_ratio_next, liquidity, True)
        if not (reached_target and not exact_in):
            amount_out = get_amount0_delta(current, sqrt_ratio_next, liquidity, False)

    # an exact-output step never pays out more than the remaining output
    if not exact_in and amount_out > -amount_remaining:
        amount_out = -amount_remaining

    if exact_in and sqrt_ratio_next != target:
        # the price stopped short: whatever input is left over is the fee
        fee_amount = amount_remaining - amount_in
    else:
        fee_amount = mul_div_rounding_up(amount_in, fee_pips, FEE_DENOMINATOR - fee_pips)

    return SqrtPriceX96(sqrt_ratio_next), Wei(amount_in), Wei(amount_out), Wei(fee_amount)


__all__ = ["FEE_DENOMINATOR", "compute_swap_step"]
