"""UniswapV2Library and pair vectors: v2-core test/UniswapV2Pair.spec.ts (swap cases and
feeTo:on) and v2-periphery test/UniswapV2Router02.spec.ts (quote, getAmountOut, getAmountIn)."""

import pytest

from hedgekit.amm.v2 import burn_amounts, get_amount_in, get_amount_out, mint_fee_liquidity, quote
from hedgekit.errors import InputError

E18 = 10**18


def test_quote__router02_vectors__match() -> None:
    assert quote(1, 100, 200) == 2
    assert quote(2, 200, 100) == 1


def test_quote__zero_amount__raises_insufficient_amount() -> None:
    with pytest.raises(InputError, match="INSUFFICIENT_AMOUNT"):
        quote(0, 100, 200)


@pytest.mark.parametrize("reserves", [(0, 200), (100, 0)])
def test_quote__zero_reserve__raises_insufficient_liquidity(reserves: tuple[int, int]) -> None:
    with pytest.raises(InputError, match="INSUFFICIENT_LIQUIDITY"):
        quote(1, *reserves)


def test_get_amount_out__router02_vector__matches() -> None:
    assert get_amount_out(2, 100, 100) == 1


def test_get_amount_in__router02_vector__matches() -> None:
    assert get_amount_in(1, 100, 100) == 2


def test_get_amount_out__zero_input__raises() -> None:
    with pytest.raises(InputError, match="INSUFFICIENT_INPUT_AMOUNT"):
        get_amount_out(0, 100, 100)


def test_get_amount_in__zero_output__raises() -> None:
    with pytest.raises(InputError, match="INSUFFICIENT_OUTPUT_AMOUNT"):
        get_amount_in(0, 100, 100)


@pytest.mark.parametrize("amount_out", [100, 101])
def test_get_amount_in__output_at_or_above_reserve__raises(amount_out: int) -> None:
    with pytest.raises(InputError):
        get_amount_in(amount_out, 100, 100)


@pytest.mark.parametrize(
    ("swap_amount", "reserve0", "reserve1", "expected"),
    [
        (1, 5, 10, 1662497915624478906),
        (1, 10, 5, 453305446940074565),
        (2, 5, 10, 2851015155847869602),
        (2, 10, 5, 831248957812239453),
        (1, 10, 10, 906610893880149131),
        (1, 100, 100, 987158034397061298),
        (1, 1000, 1000, 996006981039903216),
    ],
)
def test_get_amount_out__pair_swap_cases__match_spec(
    swap_amount: int, reserve0: int, reserve1: int, expected: int
) -> None:
    assert get_amount_out(swap_amount * E18, reserve0 * E18, reserve1 * E18) == expected


def test_get_amount_in__inverts_get_amount_out__with_at_most_one_wei_slack() -> None:
    out = get_amount_out(E18, 5 * E18, 10 * E18)
    needed = get_amount_in(out, 5 * E18, 10 * E18)
    assert needed <= E18
    assert get_amount_out(needed, 5 * E18, 10 * E18) >= out


def test_mint_fee_liquidity__fee_to_on_spec__matches() -> None:
    # v2-core UniswapV2Pair.spec.ts "feeTo:on": 1000/1000 pool, swap 1 token1 in
    reserve0 = 1000 * E18 - 996006981039903216
    reserve1 = 1001 * E18
    fee = mint_fee_liquidity(1000 * E18, reserve0, reserve1, (1000 * E18) ** 2, True)
    assert fee == 249750499251388


def test_burn_amounts__fee_to_on_spec__leaves_the_fee_share_in_the_pair() -> None:
    reserve0 = 1000 * E18 - 996006981039903216
    reserve1 = 1001 * E18
    amount0, amount1 = burn_amounts(
        1000 * E18 - 1000, 1000 * E18, reserve0, reserve1, k_last=(1000 * E18) ** 2, fee_on=True
    )
    assert reserve0 - amount0 == 1000 + 249501683697445
    assert reserve1 - amount1 == 1000 + 250000187312969


def test_burn_amounts__fee_off__is_pro_rata_rounded_down() -> None:
    assert burn_amounts(1, 3, 10, 20) == (3, 6)
    assert burn_amounts(1, 3, 10, 20, k_last=1, fee_on=False) == (3, 6)


def test_burn_amounts__dust__raises_insufficient_liquidity_burned() -> None:
    with pytest.raises(InputError, match="INSUFFICIENT_LIQUIDITY_BURNED"):
        burn_amounts(1, 10**6, 10, 10**9)
