"""Invariants of the Uniswap v2 library: the constant product never decreases and exact-in /
exact-out agree."""

from hypothesis import given, settings
from hypothesis import strategies as st

from hedgekit.amm.v2 import burn_amounts, get_amount_in, get_amount_out

reserves = st.integers(1000, (1 << 112) - 1)
SETTINGS = settings(max_examples=200, deadline=None)


@SETTINGS
@given(st.integers(1, 1 << 100), reserves, reserves)
def test_get_amount_out__keeps_fee_adjusted_k(
    amount_in: int, reserve_in: int, reserve_out: int
) -> None:
    out = get_amount_out(amount_in, reserve_in, reserve_out)
    assert out < reserve_out
    # UniswapV2Pair.swap's K check with the 0.3 % fee on the input
    balance_in_adjusted = (reserve_in + amount_in) * 1000 - amount_in * 3
    assert balance_in_adjusted * (reserve_out - out) * 1000 >= reserve_in * reserve_out * 1000**2


@SETTINGS
@given(reserves, reserves, st.floats(0.0, 0.99))
def test_get_amount_in__buys_at_least_the_amount_out(
    reserve_in: int, reserve_out: int, fraction: float
) -> None:
    amount_out = max(1, int(reserve_out * fraction))
    if amount_out >= reserve_out:
        return
    amount_in = get_amount_in(amount_out, reserve_in, reserve_out)
    assert get_amount_out(amount_in, reserve_in, reserve_out) >= amount_out


@SETTINGS
@given(reserves, reserves, st.integers(1001, 1 << 100), st.floats(0.001, 1.0))
def test_burn_amounts__never_pays_more_than_the_pro_rata_share(
    reserve0: int, reserve1: int, supply: int, fraction: float
) -> None:
    liquidity = max(1, int(supply * fraction))
    if liquidity * reserve0 < supply or liquidity * reserve1 < supply:
        return
    amount0, amount1 = burn_amounts(liquidity, supply, reserve0, reserve1)
    assert amount0 * supply <= liquidity * reserve0 < (amount0 + 1) * supply
    assert amount1 * supply <= liquidity * reserve1 < (amount1 + 1) * supply
