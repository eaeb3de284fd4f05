"""hedgekit.venues.aave_math: Aave v3's integer math (WadRayMath/PercentageMath half-up
rounding, MathUtils interest, ReserveConfiguration bits, GenericLogic account data) and the
health-factor-1 price."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.units import HALF_RAY, RAY, WAD, ray_div, ray_mul
from hedgekit.venues.aave_math import (
    MAX_UINT256,
    SECONDS_PER_YEAR,
    PositionInputs,
    ReserveConfig,
    account_totals,
    compounded_interest,
    linear_interest,
    liquidation_price,
    normalized_debt,
    normalized_income,
    percent_div,
    percent_mul,
    rate_to_apr,
    rate_to_apy,
    user_flags,
    utilization,
)

WETH, USDC, WBTC = "0xweth", "0xusdc", "0xwbtc"
ETH_PRICE = 3_000 * 10**8  # base currency: USD, 8 decimals


def usdc(collateral: int = 0, debt: int = 0, enabled: bool = True) -> PositionInputs:
    return PositionInputs(USDC, 6, 10**8, 7700, 8000, collateral * 10**6, debt * 10**6, enabled)


def weth(collateral: Fraction = Fraction(0), debt: Fraction = Fraction(0),
         price: int = ETH_PRICE) -> PositionInputs:
    return PositionInputs(WETH, 18, price, 8050, 8300, int(collateral * 10**18),
                          int(debt * 10**18), True)


def with_price(positions: list[PositionInputs], asset: str, price: int) -> list[PositionInputs]:
    return [PositionInputs(p.asset, p.decimals, price if p.asset == asset else p.price, p.ltv,
                           p.liquidation_threshold, p.collateral, p.debt, p.collateral_enabled)
            for p in positions]


# -- rounding ------------------------------------------------------------------------------
def test_ray_mul__exact_half__rounds_up_like_wad_ray_math() -> None:
    assert ray_mul(1, HALF_RAY) == 1
    assert ray_mul(1, HALF_RAY - 1) == 0
    assert ray_mul(3 * RAY, 2 * RAY) == 6 * RAY


def test_ray_div__half__rounds_up_like_wad_ray_math() -> None:
    assert ray_div(1, 2 * RAY) == 1  # 0.5 ray-units -> 1
    assert ray_div(1, 3 * RAY) == 0  # 0.33 -> 0
    assert ray_div(RAY, 3 * RAY) == 333333333333333333333333333


def test_percent_mul__half_bp__rounds_up() -> None:
    assert percent_mul(1, 5000) == 1  # 0.5 -> 1
    assert percent_mul(1, 4999) == 0
    assert percent_mul(12_345, 8300) == 10_246  # 10246.35


def test_percent_div__rounds_half_up_and_refuses_zero() -> None:
    assert percent_div(1, 20_000) == 1  # 0.5 -> 1
    assert percent_div(7700, 7700) == 10_000
    with pytest.raises(InputError):
        percent_div(1, 0)


# -- interest ------------------------------------------------------------------------------
def test_linear_interest__one_year_at_5_percent__is_1_05_ray() -> None:
    assert linear_interest(5 * RAY // 100, 0, SECONDS_PER_YEAR) == RAY + 5 * RAY // 100


def test_compounded_interest__no_time__is_one_ray() -> None:
    assert compounded_interest(10 * RAY, 100, 100) == RAY


def test_compounded_interest__one_second__is_linear_term_only() -> None:
    rate = 4 * RAY // 100
    assert compounded_interest(rate, 0, 1) == RAY + rate // SECONDS_PER_YEAR


def test_compounded_interest__one_year__is_cubic_binomial_floored_below_exp() -> None:
    rate, n = 10 * RAY // 100, SECONDS_PER_YEAR
    got = compounded_interest(rate, 0, n)
    x = Fraction(rate, RAY * n)  # rate per second
    cubic = 1 + n * x + Fraction(n * (n - 1), 2) * x**2 + Fraction(n * (n - 1) * (n - 2), 6) * x**3
    # Solidity floors r^2/n^2 and r^3/n^3 before multiplying back: it can only lose, and the
    # cubic term's floor (31.88 -> 31 per second^3 at 10 %) costs ~4.6e-6 over a year.
    assert cubic * RAY - Fraction(5, 10**6) * RAY < got <= cubic * RAY
    assert got < int(Fraction(11051709180756, 10**13) * RAY)  # e^0.1


def test_compounded_interest__time_before_last_update__raises() -> None:
    with pytest.raises(InputError, match="before the last update"):
        compounded_interest(RAY, 10, 9)


def test_normalized_indexes__same_second__return_stored_index() -> None:
    index = RAY + 123
    assert normalized_income(index, RAY, 50, 50) == index
    assert normalized_debt(index, RAY, 50, 50) == index


def test_normalized_debt__one_day__is_ray_mul_of_compounded_and_index() -> None:
    index, rate = 1_020_000_000_000_000_000_000_000_000, 3 * RAY // 100
    expected = ray_mul(compounded_interest(rate, 0, 86_400), index)
    assert normalized_debt(index, rate, 0, 86_400) == expected > index


def test_utilization__40_of_100__is_0_4_ray_and_empty_reserve_is_zero() -> None:
    assert utilization(40, 60) == 4 * RAY // 10
    assert utilization(0, 0) == 0


def test_rate_to_apy__5_percent_apr__compounds_per_second() -> None:
    rate = 5 * RAY // 100
    assert rate_to_apr(rate) == 0.05
    assert rate_to_apy(rate) == pytest.approx(0.051271096334354555, rel=1e-12)  # 40-digit Decimal


# -- configuration bits --------------------------------------------------------------------
def test_reserve_config_decode__mainnet_weth_layout__reads_every_field() -> None:
    data = (8050 | 8300 << 16 | 10500 << 32 | 18 << 48 | 1 << 56 | 1 << 58 | 1 << 63
            | 1500 << 64 | 1_400_000 << 80 | 1_800_000 << 116 | 1000 << 152)
    config = ReserveConfig.decode(data)
    assert (config.ltv, config.liquidation_threshold, config.liquidation_bonus) == (
        8050, 8300, 10500)
    assert (config.decimals, config.reserve_factor) == (18, 1500)
    assert (config.borrow_cap, config.supply_cap) == (1_400_000, 1_800_000)
    assert config.liquidation_protocol_fee == 1000
    assert config.active and config.borrowing_enabled and config.flash_loan_enabled
    assert not (config.frozen or config.paused or config.stable_borrowing_enabled)


def test_user_flags__bit_pairs__borrowing_low_collateral_high() -> None:
    config = 0b10_01_00  # reserve 1 borrowing, reserve 2 collateral
    assert user_flags(config, 0) == (False, False)
    assert user_flags(config, 1) == (True, False)
    assert user_flags(config, 2) == (False, True)


# -- account data --------------------------------------------------------------------------
def test_account_totals__usdc_collateral_weth_debt__matches_generic_logic_by_hand() -> None:
    totals = account_totals([usdc(collateral=1000), weth(debt=Fraction(1, 5))])
    assert totals.total_collateral_base == 1000 * 10**8
    assert totals.total_debt_base == 600 * 10**8
    assert (totals.ltv, totals.current_liquidation_threshold) == (7700, 8000)
    assert totals.available_borrows_base == 170 * 10**8
    assert totals.health_factor == (800 * WAD * 10**8 + 300 * 10**8) // (600 * 10**8)


def test_account_totals__no_debt__health_factor_is_max_uint() -> None:
    assert account_totals([usdc(collateral=5)]).health_factor == MAX_UINT256


def test_account_totals__collateral_disabled__counts_no_collateral() -> None:
    totals = account_totals([usdc(collateral=1000, enabled=False), weth(debt=Fraction(1))])
    assert totals.total_collateral_base == 0
    assert totals.health_factor == 0


def test_account_totals__two_collaterals__weights_thresholds_by_value() -> None:
    totals = account_totals([usdc(collateral=3000), weth(collateral=Fraction(1)),
                             usdc(debt=0)])
    assert totals.current_liquidation_threshold == (3000 * 8000 + 3000 * 8300) // 6000
    assert totals.ltv == (3000 * 7700 + 3000 * 8050) // 6000


# -- liquidation price ---------------------------------------------------------------------
def test_liquidation_price__short_weth_on_usdc__is_collateral_times_lt_over_debt() -> None:
    found = liquidation_price([usdc(collateral=1000), weth(debt=Fraction(1, 5))], WETH)
    assert found is not None
    assert found.price == Fraction(1000 * 8000, 10_000) / Fraction(1, 5) * 10**8  # 4000 USD
    assert found.liquidatable_above


def test_liquidation_price__long_weth_against_usdc_debt__is_below_and_exact() -> None:
    found = liquidation_price([weth(collateral=Fraction(1)), usdc(debt=2000)], WETH)
    assert found is not None
    assert found.price == Fraction(2000 * 10**8) / Fraction(8300, 10_000)
    assert not found.liquidatable_above


def test_liquidation_price__weth_on_both_sides__uses_net_exposure() -> None:
    positions = [usdc(collateral=1000), weth(collateral=Fraction(1), debt=Fraction(2))]
    found = liquidation_price(positions, WETH)
    assert found is not None
    # 800 + 0.83 P = 2 P  ->  P = 800 / 1.17
    assert found.price == Fraction(800 * 10**8) / Fraction(117, 100)
    assert found.liquidatable_above


def test_liquidation_price__asset_not_in_the_account__raises() -> None:
    with pytest.raises(InputError, match="no position"):
        liquidation_price([usdc(collateral=1)], WBTC)


def test_liquidation_price__no_debt__is_none() -> None:
    assert liquidation_price([usdc(collateral=1000), weth(collateral=Fraction(1))], WETH) is None


def test_liquidation_price__asset_balanced_at_threshold__is_none() -> None:
    # collateral * LT equals debt in WETH: its price does not move the health factor
    positions = [usdc(collateral=10), weth(collateral=Fraction(100), debt=Fraction(83))]
    assert liquidation_price(positions, WETH) is None


@given(collateral=st.integers(1_000, 10**9), leverage_bps=st.integers(1_000, 7_600),
       eth_usd=st.integers(500, 20_000))
def test_liquidation_price__integer_health_factor__crosses_one_there(
    collateral: int, leverage_bps: int, eth_usd: int
) -> None:
    """Borrow WETH worth leverage_bps of the USDC collateral: the contract's integer HF is >= 1
    one part in a million below P* and < 1 one part in a million above it."""
    debt = Fraction(collateral * leverage_bps, 10_000 * eth_usd)
    positions = [usdc(collateral=collateral), weth(debt=debt, price=eth_usd * 10**8)]
    found = liquidation_price(positions, WETH)
    assert found is not None and found.liquidatable_above
    below = int(found.price * (1 - Fraction(1, 10**6)))
    above = int(found.price * (1 + Fraction(1, 10**6))) + 1
    assert account_totals(with_price(positions, WETH, below)).health_factor >= WAD
    assert account_totals(with_price(positions, WETH, above)).health_factor < WAD
