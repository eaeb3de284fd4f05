"""Aave v3's integer math, bit for bit: interest indexes, reserve configuration bits, the health
factor, and the price at which the health factor hits 1.

Every function mirrors a Solidity one (named in its docstring) and rounds the same way:
``WadRayMath`` and ``PercentageMath`` round half up, ``/`` on uint256 rounds down. The ray/wad
primitives live in :mod:`hedgekit.units`. Floats appear only in the ``*_float`` display helpers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from hedgekit.errors import InputError
from hedgekit.units import RAY, WAD, ray_div, ray_mul, wad_div

SECONDS_PER_YEAR = 365 * 24 * 3600
"""``MathUtils.SECONDS_PER_YEAR`` (365 days)."""
PERCENTAGE_FACTOR = 10_000
"""``PercentageMath.PERCENTAGE_FACTOR``: 100.00 % in bps."""
HEALTH_FACTOR_LIQUIDATION_THRESHOLD = WAD
"""An account is liquidatable when its health factor is strictly below 1.0 (wad)."""
MAX_UINT256 = 2**256 - 1


def percent_mul(value: int, percentage: int) -> int:
    """``PercentageMath.percentMul``: value * percentage / 10_000, rounded half up."""
    return (value * percentage + PERCENTAGE_FACTOR // 2) // PERCENTAGE_FACTOR


def percent_div(value: int, percentage: int) -> int:
    """``PercentageMath.percentDiv``: value * 10_000 / percentage, rounded half up."""
    if percentage == 0:
        raise InputError("percent_div by zero")
    return (value * PERCENTAGE_FACTOR + percentage // 2) // percentage


# -- interest ------------------------------------------------------------------------------
def _elapsed(last_update: int, now: int) -> int:
    if now < last_update:
        raise InputError(f"timestamp {now} is before the last update {last_update}")
    return now - last_update


def linear_interest(rate: int, last_update: int, now: int) -> int:
    """``MathUtils.calculateLinearInterest``: RAY + rate * dt / year (floor), a ray."""
    return RAY + rate * _elapsed(last_update, now) // SECONDS_PER_YEAR


def compounded_interest(rate: int, last_update: int, now: int) -> int:
    """``MathUtils.calculateCompoundedInterest``: the binomial expansion of (1 + r/year)^dt cut
    after the cubic term, each term floored as in Solidity, a ray."""
    exp = _elapsed(last_update, now)
    if exp == 0:
        return RAY
    exp_minus_one = exp - 1
    exp_minus_two = exp - 2 if exp > 2 else 0
    base_power_two = ray_mul(rate, rate) // (SECONDS_PER_YEAR * SECONDS_PER_YEAR)
    base_power_three = ray_mul(base_power_two, rate) // SECONDS_PER_YEAR
    second_term = exp * exp_minus_one * base_power_two // 2
    third_term = exp * exp_minus_one * exp_minus_two * base_power_three // 6
    return RAY + rate * exp // SECONDS_PER_YEAR + second_term + third_term


def normalized_income(liquidity_index: int, liquidity_rate: int, last_update: int,
                      now: int) -> int:
    """``ReserveLogic.getNormalizedIncome``: the supply index at ``now`` (ray)."""
    if now == last_update:
        return liquidity_index
    return ray_mul(linear_interest(liquidity_rate, last_update, now), liquidity_index)


def normalized_debt(variable_borrow_index: int, variable_borrow_rate: int, last_update: int,
                    now: int) -> int:
    """``ReserveLogic.getNormalizedDebt``: the variable borrow index at ``now`` (ray)."""
    if now == last_update:
        return variable_borrow_index
    return ray_mul(compounded_interest(variable_borrow_rate, last_update, now),
                   variable_borrow_index)


def scaled_amount(amount: int, index: int) -> int:
    """What a mint or burn of ``amount`` adds to a scaled balance: ``amount.rayDiv(index)``."""
    return ray_div(amount, index)


def balance_of_scaled(scaled: int, index: int) -> int:
    """``AToken.balanceOf`` / ``VariableDebtToken.balanceOf``: ``scaled.rayMul(index)``."""
    return ray_mul(scaled, index)


def utilization(total_debt: int, available_liquidity: int) -> int:
    """``DefaultReserveInterestRateStrategy``'s borrow usage ratio, a ray: debt / (available
    liquidity + debt), 0 for an empty reserve."""
    if total_debt == 0:
        return 0
    return ray_div(total_debt, available_liquidity + total_debt)


def rate_to_apr(rate: int) -> float:
    """An Aave per-year rate (ray) as a float APR: 0.05 = 5 % a year, not compounded."""
    return rate / RAY


def rate_to_apy(rate: int) -> float:
    """An Aave per-year rate (ray) as a float APY, compounded per second as the Aave UI does:
    (1 + APR / year_seconds) ** year_seconds - 1, via expm1/log1p to keep the digits."""
    return math.expm1(SECONDS_PER_YEAR * math.log1p(rate / RAY / SECONDS_PER_YEAR))


# -- reserve configuration -----------------------------------------------------------------
@dataclass(frozen=True)
class ReserveConfig:
    """``ReserveConfigurationMap`` decoded (``ReserveConfiguration.sol`` bit layout). Ratios
    in bps, caps in whole tokens (0 = no cap)."""

    ltv: int
    liquidation_threshold: int
    liquidation_bonus: int
    decimals: int
    active: bool
    frozen: bool
    borrowing_enabled: bool
    stable_borrowing_enabled: bool
    paused: bool
    flash_loan_enabled: bool
    reserve_factor: int
    borrow_cap: int
    supply_cap: int
    liquidation_protocol_fee: int
    emode_category: int

    @classmethod
    def decode(cls, data: int) -> ReserveConfig:
        def bits(start: int, width: int) -> int:
            return (data >> start) & ((1 << width) - 1)

        return cls(ltv=bits(0, 16), liquidation_threshold=bits(16, 16),
                   liquidation_bonus=bits(32, 16), decimals=bits(48, 8),
                   active=bool(bits(56, 1)), frozen=bool(bits(57, 1)),
                   borrowing_enabled=bool(bits(58, 1)),
                   stable_borrowing_enabled=bool(bits(59, 1)), paused=bool(bits(60, 1)),
                   flash_loan_enabled=bool(bits(63, 1)), reserve_factor=bits(64, 16),
                   borrow_cap=bits(80, 36), supply_cap=bits(116, 36),
                   liquidation_protocol_fee=bits(152, 16), emode_category=bits(168, 8))


def user_flags(user_config: int, reserve_id: int) -> tuple[bool, bool]:
    """(borrowing, using as collateral) of reserve ``reserve_id`` in a
    ``UserConfigurationMap``: bit 2*id is borrowing, bit 2*id+1 collateral."""
    return bool(user_config >> (2 * reserve_id) & 1), bool(user_config >> (2 * reserve_id + 1) & 1)


# -- account data --------------------------------------------------------------------------
@dataclass(frozen=True)
class PositionInputs:
    """One reserve as the health factor sees it: ``price`` in base currency units per whole
    token (the AaveOracle's answer), balances in the token's base units (aToken balance with
    interest, variable + stable debt with interest)."""

    asset: str
    decimals: int
    price: int
    ltv: int
    liquidation_threshold: int
    collateral: int
    debt: int
    collateral_enabled: bool


@dataclass(frozen=True)
class AccountTotals:
    """``Pool.getUserAccountData``'s six numbers (base currency units, bps, wad)."""

    total_collateral_base: int
    total_debt_base: int
    available_borrows_base: int
    current_liquidation_threshold: int
    ltv: int
    health_factor: int


def account_totals(positions: Iterable[PositionInputs]) -> AccountTotals:
    """``GenericLogic.calculateUserAccountData`` + ``calculateAvailableBorrows`` (no e-mode):
    collateral and debt in base currency floored per asset, LTV and liquidation threshold as
    collateral-weighted averages (floored), HF = percentMul(collateral, avgLT).wadDiv(debt)."""
    collateral = debt = weighted_ltv = weighted_lt = 0
    for p in positions:
        unit = 10**p.decimals
        if p.liquidation_threshold != 0 and p.collateral_enabled and p.collateral:
            value = p.price * p.collateral // unit
            collateral += value
            weighted_ltv += value * p.ltv
            weighted_lt += value * p.liquidation_threshold
        if p.debt:
            debt += p.price * p.debt // unit
    avg_ltv = weighted_ltv // collateral if collateral else 0
    avg_lt = weighted_lt // collateral if collateral else 0
    health = MAX_UINT256 if debt == 0 else wad_div(percent_mul(collateral, avg_lt), debt)
    borrowable = percent_mul(collateral, avg_ltv)
    return AccountTotals(collateral, debt, max(0, borrowable - debt), avg_lt, avg_ltv, health)


@dataclass(frozen=True)
class LiquidationPrice:
    """The price of one asset at which the health factor is exactly 1, the others fixed.

    ``price`` is in base currency units per whole token (exact fraction); the account is
    liquidatable **above** it when ``liquidatable_above`` (net debt in the asset, e.g. a short
    made by borrowing it) and **below** it otherwise (net collateral, e.g. a long).
    """

    asset: str
    price: Fraction
    liquidatable_above: bool


def liquidation_price(positions: Iterable[PositionInputs], asset: str) -> LiquidationPrice | None:
    """Solve Aave's health factor for ``asset``'s price with every other price fixed.

    HF = sum_i(C_i * P_i * LT_i) / sum_j(D_j * P_j), with C, D in whole tokens and LT as a
    fraction. Split off the asset x: HF = 1 when
    ``A + C_x * P * LT_x = B + D_x * P``, where A = sum over the other collateral of
    C_i * P_i * LT_i and B = sum over the other debt of D_j * P_j, so
    ``P* = (B - A) / (C_x * LT_x - D_x)``.
    The denominator's sign says the side: negative (more debt than threshold-weighted
    collateral in x) → HF falls as P rises, liquidatable above P*. Returns None when no
    positive price gives HF = 1 (x does not move the HF, or the account stays on one side at
    every price). Exact rationals, without the contract's per-asset floors (those move P* by
    less than one base unit of value).
    """
    others_weighted = Fraction(0)
    others_debt = Fraction(0)
    own_weighted = Fraction(0)
    own_debt = Fraction(0)
    found = False
    for p in positions:
        unit = 10**p.decimals
        lt = Fraction(p.liquidation_threshold, PERCENTAGE_FACTOR)
        collateral = (Fraction(p.collateral, unit) * lt
                      if p.collateral_enabled and p.liquidation_threshold else Fraction(0))
        debt = Fraction(p.debt, unit)
        if p.asset.lower() == asset.lower():
            found = True
            own_weighted += collateral
            own_debt += debt
        else:
            others_weighted += collateral * p.price
            others_debt += debt * p.price
    if not found:
        raise InputError(f"no position in {asset}")
    denominator = own_weighted - own_debt
    if denominator == 0:
        return None
    price = (others_debt - others_weighted) / denominator
    if price <= 0:
        return None
    return LiquidationPrice(asset, price, liquidatable_above=denominator < 0)
