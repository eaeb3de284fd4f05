"""SwapMath.computeSwapStep vectors from Uniswap v3-core test/SwapMath.spec.ts."""

import pytest

from hedgekit.amm.v3 import (
    compute_swap_step,
    get_next_sqrt_price_from_input,
    get_next_sqrt_price_from_output,
)
from hedgekit.errors import InputError

Q96 = 1 << 96
E18 = 10**18
PRICE_1_1 = Q96
PRICE_101_100 = 79623317895830914510639640423  # encodePriceSqrt(101, 100)
PRICE_1000_100 = 250541448375047931186413801569  # encodePriceSqrt(1000, 100)
PRICE_10000_100 = 10 * Q96  # encodePriceSqrt(10000, 100)


def test_compute_swap_step__exact_in_capped_at_target_one_for_zero__matches_spec() -> None:
    price_next, amount_in, amount_out, fee = compute_swap_step(
        PRICE_1_1, PRICE_101_100, 2 * E18, E18, 600
    )
    assert (amount_in, fee, amount_out) == (9975124224178055, 5988667735148, 9925619580021728)
    assert amount_in + fee < E18
    assert price_next == PRICE_101_100
    assert price_next < get_next_sqrt_price_from_input(PRICE_1_1, 2 * E18, E18, False)


def test_compute_swap_step__exact_out_capped_at_target_one_for_zero__matches_spec() -> None:
    price_next, amount_in, amount_out, fee = compute_swap_step(
        PRICE_1_1, PRICE_101_100, 2 * E18, -E18, 600
    )
    assert (amount_in, fee, amount_out) == (9975124224178055, 5988667735148, 9925619580021728)
    assert amount_out < E18
    assert price_next == PRICE_101_100
    assert price_next < get_next_sqrt_price_from_output(PRICE_1_1, 2 * E18, E18, False)


def test_compute_swap_step__exact_in_fully_spent_one_for_zero__matches_spec() -> None:
    price_next, amount_in, amount_out, fee = compute_swap_step(
        PRICE_1_1, PRICE_1000_100, 2 * E18, E18, 600
    )
    assert (amount_in, fee, amount_out) == (999400000000000000, 600000000000000, 666399946655997866)
    assert amount_in + fee == E18
    assert price_next < PRICE_1000_100
    assert price_next == get_next_sqrt_price_from_input(PRICE_1_1, 2 * E18, E18 - fee, False)


def test_compute_swap_step__exact_out_fully_received_one_for_zero__matches_spec() -> None:
    price_next, amount_in, amount_out, fee = compute_swap_step(
        PRICE_1_1, PRICE_10000_100, 2 * E18, -E18, 600
    )
    assert (amount_in, fee, amount_out) == (2000000000000000000, 1200720432259356, E18)
    assert price_next < PRICE_10000_100
    assert price_next == get_next_sqrt_price_from_output(PRICE_1_1, 2 * E18, E18, False)


def test_compute_swap_step__amount_out__is_capped_at_desired_amount() -> None:
    result = compute_swap_step(
        417332158212080721273783715441582,
        1452870262520218020823638996,
        159344665391607089467575320103,
        -1,
        1,
    )
    assert result == (417332158212080721273783715441581, 1, 1, 1)


def test_compute_swap_step__target_price_of_one__uses_partial_input() -> None:
    remaining = 3915081100057732413702495386755767
    price_next, amount_in, amount_out, fee = compute_swap_step(2, 1, 1, remaining, 1)
    assert (amount_in, fee) == (39614081257132168796771975168, 39614120871253040049813)
    assert amount_in + fee <= remaining
    assert (amount_out, price_next) == (0, 1)


def test_compute_swap_step__entire_input__taken_as_fee() -> None:
    result = compute_swap_step(2413, 79887613182836312, 1985041575832132834610021537970, 10, 1872)
    assert result == (2413, 0, 0, 10)


def test_compute_swap_step__insufficient_liquidity_zero_for_one_exact_out__matches_spec() -> None:
    sqrt_p = 20282409603651670423947251286016
    target = sqrt_p * 11 // 10
    price_next, amount_in, amount_out, fee = compute_swap_step(sqrt_p, target, 1024, -4, 3000)
    assert (amount_out, price_next, amount_in, fee) == (0, target, 26215, 79)


def test_compute_swap_step__insufficient_liquidity_one_for_zero_exact_out__matches_spec() -> None:
    sqrt_p = 20282409603651670423947251286016
    target = sqrt_p * 9 // 10
    price_next, amount_in, amount_out, fee = compute_swap_step(sqrt_p, target, 1024, -263000, 3000)
    assert (amount_out, price_next, amount_in, fee) == (26214, target, 1, 1)


def test_compute_swap_step__zero_liquidity__moves_to_target_for_free() -> None:
    assert compute_swap_step(PRICE_1_1, PRICE_101_100, 0, E18, 3000) == (PRICE_101_100, 0, 0, 0)


def test_compute_swap_step__fee_of_one_million_pips__raises() -> None:
    with pytest.raises(InputError, match="fee_pips"):
        compute_swap_step(PRICE_1_1, PRICE_101_100, E18, E18, 1_000_000)
