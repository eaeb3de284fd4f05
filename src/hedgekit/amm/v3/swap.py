"""The swap loop of ``UniswapV3Pool.swap``, simulated on a :class:`PoolState`.

Each step swaps to the next initialized tick *within the current bitmap word* (or to the price
limit), crosses the tick if the step reached it, and repeats until the specified amount is used
up or the price limit is hit. Oracle writes and token transfers are not simulated.
"""

from __future__ import annotations

from dataclasses import dataclass

from hedgekit.amm.v3.full_math import (
    MAX_UINT128,
    MAX_UINT256,
    Q128,
    mul_div,
    require_int,
    require_uint,
)
from hedgekit.amm.v3.liquidity_math import add_delta
from hedgekit.amm.v3.pool_state import PoolState
from hedgekit.amm.v3.swap_math import compute_swap_step
from hedgekit.amm.v3.tick_math import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    get_sqrt_ratio_at_tick,
    get_tick_at_sqrt_ratio,
)
from hedgekit.errors import InputError
from hedgekit.types import Liquidity, SqrtPriceX96, Tick, Wei


@dataclass(frozen=True)
class SwapResult:
    """Outcome of a simulated swap, in the pool's own terms.

    ``amount0``/``amount1`` are signed as ``UniswapV3Pool.swap`` returns them: positive = paid
    into the pool, negative = paid out. ``fee_growth_global_x128`` is the new global fee growth
    of the **input** token (counted from 0 when the state did not carry it). ``fee_amount`` is the
    whole fee charged in the input token, ``protocol_fee`` the part of it the protocol keeps.
    ``ticks_crossed`` lists the initialized ticks crossed, in order.
    """

    amount0: int
    amount1: int
    sqrt_price_x96: SqrtPriceX96
    tick: Tick
    liquidity: Liquidity
    fee_growth_global_x128: int
    fee_amount: Wei
    protocol_fee: Wei
    ticks_crossed: tuple[Tick, ...]
    state_after: PoolState

    @property
    def amount_in(self) -> Wei:
        """The amount paid into the pool (the positive delta; 0 if none)."""
        return Wei(max(self.amount0, self.amount1, 0))

    @property
    def amount_out(self) -> Wei:
        """The amount paid out by the pool (minus the negative delta; 0 if none)."""
        return Wei(max(-min(self.amount0, self.amount1), 0))


def _to_int256(value: int) -> int:
    if value >> 255:
        raise InputError("swap: amount overflows int256")
    return value


def swap(
    pool_state: PoolState,
    zero_for_one: bool,
    amount_specified: int,
    sqrt_price_limit_x96: SqrtPriceX96 | int | None = None,
) -> SwapResult:
    """Simulate ``UniswapV3Pool.swap(recipient, zero_for_one, amount_specified, limit, data)``.

    ``amount_specified`` > 0 is an exact input of the input token, < 0 an exact output of the
    other token. ``sqrt_price_limit_x96`` defaults to MIN_SQRT_RATIO + 1 (zero for one) or
    MAX_SQRT_RATIO - 1, i.e. no limit, as the periphery passes for a 0 limit.

    Reverts as the pool does: ``AS`` for a zero amount, ``SPL`` for a limit on the wrong side of
    the price or outside (MIN_SQRT_RATIO, MAX_SQRT_RATIO), ``LS``/``LA`` if crossing a tick would
    take liquidity below 0 or over uint128 (an inconsistent hand-built state).

    Rounding is the pool's, step by step: amounts in round up, amounts out round down, fee growth
    per step is ``floor(fee * 2**128 / liquidity)`` (wrapping mod 2**256), and the protocol takes
    ``floor(fee / n)`` of each step's fee.
    """
    require_int("amount_specified", amount_specified, 256)
    if amount_specified == 0:
        raise InputError("swap: amount specified is zero (AS)")
    state = pool_state
    if sqrt_price_limit_x96 is None:
        limit = MIN_SQRT_RATIO + 1 if zero_for_one else MAX_SQRT_RATIO - 1
    else:
        limit = require_uint("sqrt_price_limit_x96", sqrt_price_limit_x96, 160)
    valid_limit = (
        MIN_SQRT_RATIO < limit < state.sqrt_price_x96
        if zero_for_one
        else state.sqrt_price_x96 < limit < MAX_SQRT_RATIO
    )
    if not valid_limit:
        raise InputError(f"swap: price limit on the wrong side or out of bounds (SPL): {limit}")

    fee_protocol = state.fee_protocol % 16 if zero_for_one else state.fee_protocol >> 4
    exact_input = amount_specified > 0
    global0 = state.fee_growth_global0_x128 or 0
    global1 = state.fee_growth_global1_x128 or 0
    outside0 = dict(state.fee_growth_outside0_x128 or {})
    outside1 = dict(state.fee_growth_outside1_x128 or {})
    track_outside = state.fee_growth_outside0_x128 is not None

    remaining = amount_specified
    calculated = 0
    sqrt_price = state.sqrt_price_x96
    tick = state.tick
    liquidity = state.liquidity
    fee_growth = global0 if zero_for_one else global1
    fee_total = 0
    protocol_fee = 0
    crossed: list[Tick] = []

    while remaining != 0 and sqrt_price != limit:
        step_start = sqrt_price
        tick_next, initialized = state.next_initialized_tick_within_one_word(tick, zero_for_one)
        tick_next = Tick(min(max(tick_next, MIN_TICK), MAX_TICK))
        sqrt_price_next = get_sqrt_ratio_at_tick(tick_next)
        beyond_limit = sqrt_price_next < limit if zero_for_one else sqrt_price_next > limit
        target = limit if beyond_limit else sqrt_price_next

        sqrt_price, amount_in, amount_out, fee_amount = compute_swap_step(
            sqrt_price, target, liquidity, remaining, state.fee
        )
        fee_total += fee_amount
        if exact_input:
            remaining -= _to_int256(amount_in + fee_amount)
            calculated -= _to_int256(amount_out)
        else:
            remaining += _to_int256(amount_out)
            calculated += _to_int256(amount_in + fee_amount)

        if fee_protocol > 0:
            delta = fee_amount // fee_protocol
            fee_amount = Wei(fee_amount - delta)
            protocol_fee = (protocol_fee + delta) & MAX_UINT128

        if liquidity > 0:
            fee_growth = (fee_growth + mul_div(fee_amount, Q128, liquidity)) & MAX_UINT256

        if sqrt_price == sqrt_price_next:
            if initialized:
                g0, g1 = (fee_growth, global1) if zero_for_one else (global0, fee_growth)
                if track_outside:
                    outside0[tick_next] = (g0 - outside0.get(tick_next, 0)) & MAX_UINT256
                    outside1[tick_next] = (g1 - outside1.get(tick_next, 0)) & MAX_UINT256
                liquidity_net = state.liquidity_net(tick_next)
                if zero_for_one:
                    liquidity_net = -liquidity_net
                liquidity = add_delta(liquidity, liquidity_net)
                crossed.append(tick_next)
            tick = Tick(tick_next - 1 if zero_for_one else tick_next)
        elif sqrt_price != step_start:
            # the price moved inside the range: recompute the tick
            tick = get_tick_at_sqrt_ratio(sqrt_price)

    if zero_for_one == exact_input:
        amount0, amount1 = amount_specified - remaining, calculated
    else:
        amount0, amount1 = calculated, amount_specified - remaining

    changes: dict[str, object] = {
        "sqrt_price_x96": SqrtPriceX96(sqrt_price),
        "tick": tick,
        "liquidity": liquidity,
    }
    growth_field = "fee_growth_global0_x128" if zero_for_one else "fee_growth_global1_x128"
    if getattr(state, growth_field) is not None:
        changes[growth_field] = fee_growth
    if track_outside:
        changes["fee_growth_outside0_x128"] = outside0
        changes["fee_growth_outside1_x128"] = outside1
    state_after = state.replace(**changes)

    return SwapResult(
        amount0=amount0,
        amount1=amount1,
        sqrt_price_x96=SqrtPriceX96(sqrt_price),
        tick=tick,
        liquidity=liquidity,
        fee_growth_global_x128=fee_growth,
        fee_amount=Wei(fee_total),
        protocol_fee=Wei(protocol_fee),
        ticks_crossed=tuple(crossed),
        state_after=state_after,
    )


__all__ = ["SwapResult", "swap"]
