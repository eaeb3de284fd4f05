"""hedgekit.units: decimals scaling, Q64.96 and tick <-> human price (vectors from v3-sdk
src/utils/priceTickConversions.test.ts and nearestUsableTick.test.ts), wad/ray."""

from decimal import ROUND_CEILING, ROUND_HALF_EVEN, ROUND_UP, Decimal

import pytest

from hedgekit.amm.v3 import MAX_TICK, MIN_TICK, get_sqrt_ratio_at_tick
from hedgekit.errors import InputError
from hedgekit.units import (
    RAY,
    WAD,
    from_base_units,
    from_base_units_float,
    nearest_usable_tick,
    price_to_sqrt_price_x96,
    price_to_tick,
    ray_div,
    ray_mul,
    ray_to_wad,
    sqrt_price_x96_to_price,
    tick_to_price,
    to_base_units,
    wad_div,
    wad_mul,
    wad_to_ray,
)


def test_to_base_units__decimal_string__scales_exactly() -> None:
    assert to_base_units("1.5", 6) == 1_500_000
    assert to_base_units(Decimal("123456789.123456789123456789"), 18) == 123456789123456789123456789


def test_to_base_units__sub_unit_amount__rounds_down_by_default() -> None:
    assert to_base_units("0.0000019", 6) == 1


def test_to_base_units__round_up__rounds_away_from_zero() -> None:
    assert to_base_units("0.0000011", 6, rounding=ROUND_UP) == 2
    assert to_base_units("0.0000011", 6, rounding=ROUND_CEILING) == 2


def test_to_base_units__half_even__rounds_ties_to_even() -> None:
    assert to_base_units("0.0000025", 6, rounding=ROUND_HALF_EVEN) == 2
    assert to_base_units("0.0000035", 6, rounding=ROUND_HALF_EVEN) == 4


def test_to_base_units__huge_amount__stays_exact_beyond_decimal_precision() -> None:
    assert to_base_units("1" + "0" * 40 + ".000000000000000001", 18) == 10**58 + 1


@pytest.mark.parametrize("bad", [1.5, "abc", "NaN", Decimal("Infinity"), True])
def test_to_base_units__bad_amount__raises_input_error(bad: object) -> None:
    with pytest.raises(InputError):
        to_base_units(bad, 6)  # type: ignore[arg-type]


@pytest.mark.parametrize("decimals", [-1, 256])
def test_to_base_units__decimals_out_of_range__raises(decimals: int) -> None:
    with pytest.raises(InputError, match="decimals"):
        to_base_units(1, decimals)


def test_from_base_units__usdc_amount__is_exact_decimal() -> None:
    assert from_base_units(1_500_000, 6) == Decimal("1.5")
    assert from_base_units(10**30 + 1, 18) == Decimal("1000000000000.000000000000000001")
    assert from_base_units_float(1_500_000, 6) == 1.5


def test_sqrt_price_x96_to_price__q96__is_one() -> None:
    assert sqrt_price_x96_to_price(1 << 96, 18, 18) == 1.0


def test_price_to_sqrt_price_x96__usdc_weth_pool__round_trips_usdc_per_eth() -> None:
    # WETH/USDC pool: token0 = USDC (6 decimals), token1 = WETH (18); display USDC per ETH
    sqrt_price = price_to_sqrt_price_x96("2000", 6, 18, invert=True)
    assert sqrt_price_x96_to_price(sqrt_price, 6, 18, invert=True) == pytest.approx(2000, rel=1e-12)
    # pool orientation: WETH per USDC
    assert sqrt_price_x96_to_price(sqrt_price, 6, 18) == pytest.approx(1 / 2000, rel=1e-12)
    raw_price = sqrt_price * sqrt_price / (1 << 192)
    assert raw_price == pytest.approx(1 / 2000 * 10**12, rel=1e-12)  # raw units: wei per 1e-6 USDC


def test_price_to_sqrt_price_x96__rounding__floor_and_ceiling_bracket_the_root() -> None:
    low = price_to_sqrt_price_x96("2", 18, 18)
    high = price_to_sqrt_price_x96("2", 18, 18, rounding=ROUND_CEILING)
    assert high == low + 1
    assert low * low < 2 << 192 < high * high


def test_tick_to_price__sdk_1800_vector__matches() -> None:
    # priceTickConversions.test.ts: tickToPrice(token1, token0, -74959) = 1800 (5 significant)
    assert f"{tick_to_price(-74959, 18, 18, invert=True):.5g}" == "1800"
    assert f"{tick_to_price(74959, 18, 18):.5g}" == "1800"


def test_tick_to_price__sdk_12_decimal_difference__matches() -> None:
    # priceTickConversions.test.ts: tickToPrice(token0 [18 dec], token2 [6 dec], -276225) = 1.01
    assert f"{tick_to_price(-276225, 18, 6):.5g}" == "1.01"
    assert f"{tick_to_price(-276225, 18, 6, invert=True):.5g}" == "0.99015"


def test_price_to_tick__sdk_1800_vector__floors_in_pool_orientation() -> None:
    # priceToClosestTick(1800 token0 per token1) = -74960
    assert price_to_tick("1800", 18, 18, invert=True) == -74960


def test_price_to_tick__exact_tick_price__returns_that_tick() -> None:
    price = sqrt_price_x96_to_price(get_sqrt_ratio_at_tick(1234), 18, 18)
    assert price_to_tick(Decimal(price), 18, 18) in (1233, 1234)
    assert tick_to_price(1234, 18, 18) == price


@pytest.mark.parametrize(
    ("tick", "spacing", "expected"),
    [
        (5, 10, 10),  # rounds at positive half
        (4, 10, 0),  # rounds down below positive half
        (-5, 10, 0),  # rounds up for negative half
        (-6, 10, -10),
        (MIN_TICK, MAX_TICK // 2 + 100, -(MAX_TICK // 2 + 100)),  # cannot round past MIN_TICK
        (MAX_TICK, MAX_TICK // 2 + 100, MAX_TICK // 2 + 100),  # cannot round past MAX_TICK
    ],
)
def test_nearest_usable_tick__sdk_vectors__match(tick: int, spacing: int, expected: int) -> None:
    assert nearest_usable_tick(tick, spacing) == expected


@pytest.mark.parametrize(("tick", "spacing"), [(1, 0), (1, -5), (MAX_TICK + 1, 1)])
def test_nearest_usable_tick__bad_input__raises(tick: int, spacing: int) -> None:
    with pytest.raises(InputError):
        nearest_usable_tick(tick, spacing)


def test_wad_ray_math__half_up_rounding__matches_aave() -> None:
    assert wad_mul(WAD // 2, 3) == 2  # 1.5 rounds half up
    assert wad_div(1, 3 * WAD) == 0
    assert wad_div(2 * WAD, 3 * WAD) == 666666666666666667
    assert ray_mul(RAY, 7) == 7
    assert ray_div(RAY, 3 * RAY) == 333333333333333333333333333
    assert ray_to_wad(wad_to_ray(123) + 5 * 10**8) == 124
    assert ray_to_wad(wad_to_ray(123) + 5 * 10**8 - 1) == 123
