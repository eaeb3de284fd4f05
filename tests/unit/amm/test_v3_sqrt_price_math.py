"""SqrtPriceMath vectors from Uniswap v3-core test/SqrtPriceMath.spec.ts (final version:
the contract reverts where early specs expected 0)."""

import pytest

from hedgekit.amm.v3 import (
    get_amount0_delta,
    get_amount0_delta_signed,
    get_amount1_delta,
    get_amount1_delta_signed,
    get_next_sqrt_price_from_input,
    get_next_sqrt_price_from_output,
)
from hedgekit.errors import InputError

Q96 = 1 << 96
E18 = 10**18
PRICE_1_1 = Q96  # encodePriceSqrt(1, 1)
PRICE_121_100 = 87150978765690771352898345369  # encodePriceSqrt(121, 100) = floor(1.1 * 2**96)
MAX_UINT256 = (1 << 256) - 1


class TestGetNextSqrtPriceFromInput:
    def test_get_next_sqrt_price_from_input__zero_price__raises(self) -> None:
        with pytest.raises(InputError, match=r"\(P\)"):
            get_next_sqrt_price_from_input(0, 0, E18 // 10, False)

    def test_get_next_sqrt_price_from_input__zero_liquidity__raises(self) -> None:
        with pytest.raises(InputError, match=r"\(L\)"):
            get_next_sqrt_price_from_input(1, 0, E18 // 10, True)

    def test_get_next_sqrt_price_from_input__input_overflows_price__raises(self) -> None:
        with pytest.raises(InputError):
            get_next_sqrt_price_from_input((1 << 160) - 1, 1024, 1024, False)

    def test_get_next_sqrt_price_from_input__huge_input__cannot_underflow_price(self) -> None:
        assert get_next_sqrt_price_from_input(1, 1, 1 << 255, True) == 1

    @pytest.mark.parametrize("zero_for_one", [True, False])
    def test_get_next_sqrt_price_from_input__zero_amount__returns_price(
        self, zero_for_one: bool
    ) -> None:
        assert get_next_sqrt_price_from_input(PRICE_1_1, E18 // 10, 0, zero_for_one) == PRICE_1_1

    def test_get_next_sqrt_price_from_input__tenth_token1__matches_spec(self) -> None:
        result = get_next_sqrt_price_from_input(PRICE_1_1, E18, E18 // 10, False)
        assert result == 87150978765690771352898345369

    def test_get_next_sqrt_price_from_input__tenth_token0__matches_spec(self) -> None:
        result = get_next_sqrt_price_from_input(PRICE_1_1, E18, E18 // 10, True)
        assert result == 72025602285694852357767227579

    def test_get_next_sqrt_price_from_input__amount_above_uint96__matches_spec(self) -> None:
        result = get_next_sqrt_price_from_input(PRICE_1_1, 10 * E18, 1 << 100, True)
        assert result == 624999999995069620

    def test_get_next_sqrt_price_from_input__enough_input__returns_one(self) -> None:
        assert get_next_sqrt_price_from_input(PRICE_1_1, 1, MAX_UINT256 // 2, True) == 1


class TestGetNextSqrtPriceFromOutput:
    PRICE = 20282409603651670423947251286016  # virtual reserves: 4 token0, 262144 token1 at L=1024

    def test_get_next_sqrt_price_from_output__zero_price__raises(self) -> None:
        with pytest.raises(InputError, match=r"\(P\)"):
            get_next_sqrt_price_from_output(0, 0, E18 // 10, False)

    def test_get_next_sqrt_price_from_output__zero_liquidity__raises(self) -> None:
        with pytest.raises(InputError, match=r"\(L\)"):
            get_next_sqrt_price_from_output(1, 0, E18 // 10, True)

    @pytest.mark.parametrize("amount_out", [4, 5])
    def test_get_next_sqrt_price_from_output__at_or_above_token0_reserves__raises(
        self, amount_out: int
    ) -> None:
        with pytest.raises(InputError):
            get_next_sqrt_price_from_output(self.PRICE, 1024, amount_out, False)

    def test_get_next_sqrt_price_from_output__exactly_token1_reserves__raises(self) -> None:
        # final v3-core spec; early versions returned 0 here ("todo: this edge case ...")
        with pytest.raises(InputError):
            get_next_sqrt_price_from_output(self.PRICE, 1024, 262144, True)

    def test_get_next_sqrt_price_from_output__just_below_token1_reserves__succeeds(self) -> None:
        result = get_next_sqrt_price_from_output(self.PRICE, 1024, 262143, True)
        assert result == 77371252455336267181195264

    def test_get_next_sqrt_price_from_output__above_token1_reserves__raises(self) -> None:
        with pytest.raises(InputError):
            get_next_sqrt_price_from_output(self.PRICE, 1024, 262145, True)

    @pytest.mark.parametrize("zero_for_one", [True, False])
    def test_get_next_sqrt_price_from_output__zero_amount__returns_price(
        self, zero_for_one: bool
    ) -> None:
        assert get_next_sqrt_price_from_output(PRICE_1_1, E18 // 10, 0, zero_for_one) == PRICE_1_1

    def test_get_next_sqrt_price_from_output__tenth_token1_out__matches_spec(self) -> None:
        result = get_next_sqrt_price_from_output(PRICE_1_1, E18, E18 // 10, False)
        assert result == 88031291682515930659493278152

    def test_get_next_sqrt_price_from_output__tenth_token0_out__matches_spec(self) -> None:
        result = get_next_sqrt_price_from_output(PRICE_1_1, E18, E18 // 10, True)
        assert result == 71305346262837903834189555302

    @pytest.mark.parametrize("zero_for_one", [True, False])
    def test_get_next_sqrt_price_from_output__impossible_amount__raises(
        self, zero_for_one: bool
    ) -> None:
        with pytest.raises(InputError):
            get_next_sqrt_price_from_output(PRICE_1_1, 1, MAX_UINT256, zero_for_one)


class TestAmountDeltas:
    def test_get_amount0_delta__zero_liquidity__returns_zero(self) -> None:
        assert get_amount0_delta(Q96 * 2, PRICE_1_1, 0, True) == 0

    def test_get_amount0_delta__equal_prices__returns_zero(self) -> None:
        assert get_amount0_delta(PRICE_1_1, PRICE_1_1, E18, True) == 0

    def test_get_amount0_delta__price_1_to_1_21__matches_spec(self) -> None:
        assert get_amount0_delta(PRICE_121_100, PRICE_1_1, E18, True) == 90909090909090910
        assert get_amount0_delta(PRICE_121_100, PRICE_1_1, E18, False) == 90909090909090909

    def test_get_amount0_delta__prices_that_overflow__round_up_by_one(self) -> None:
        # encodePriceSqrt(2**96, 1) and encodePriceSqrt(2**90, 1)
        high, low = (1 << 48) * Q96, (1 << 45) * Q96
        up = get_amount0_delta(high, low, E18, True)
        down = get_amount0_delta(high, low, E18, False)
        assert up == down + 1

    def test_get_amount0_delta__zero_price__raises(self) -> None:
        with pytest.raises(InputError):
            get_amount0_delta(0, PRICE_1_1, E18, True)

    def test_get_amount1_delta__zero_liquidity__returns_zero(self) -> None:
        assert get_amount1_delta(PRICE_1_1, Q96 * 2, 0, True) == 0

    def test_get_amount1_delta__price_1_to_1_21__matches_spec(self) -> None:
        assert get_amount1_delta(PRICE_1_1, PRICE_121_100, E18, True) == 100000000000000000
        assert get_amount1_delta(PRICE_1_1, PRICE_121_100, E18, False) == 99999999999999999

    def test_swap_computation__sqrt_p_times_sqrt_q_overflows__matches_spec(self) -> None:
        # SqrtPriceMath.spec.ts "swap computation: sqrtP * sqrtQ overflows"
        sqrt_p = 1025574284609383690408304870162715216695788925244
        liquidity = 50015962439936049619261659728067971248
        sqrt_q = get_next_sqrt_price_from_input(sqrt_p, liquidity, 406, True)
        assert sqrt_q == 1025574284609383582644711336373707553698163132913
        assert get_amount0_delta(sqrt_p, sqrt_q, liquidity, True) == 406

    def test_get_amount_delta_signed__positive_liquidity__rounds_up(self) -> None:
        assert get_amount0_delta_signed(PRICE_121_100, PRICE_1_1, E18) == 90909090909090910
        assert get_amount1_delta_signed(PRICE_1_1, PRICE_121_100, E18) == 100000000000000000

    def test_get_amount_delta_signed__negative_liquidity__rounds_down_negated(self) -> None:
        assert get_amount0_delta_signed(PRICE_121_100, PRICE_1_1, -E18) == -90909090909090909
        assert get_amount1_delta_signed(PRICE_1_1, PRICE_121_100, -E18) == -99999999999999999

    def test_get_amount0_delta__liquidity_above_uint128__raises(self) -> None:
        with pytest.raises(InputError, match="uint128"):
            get_amount0_delta(PRICE_1_1, PRICE_121_100, 1 << 128, True)
