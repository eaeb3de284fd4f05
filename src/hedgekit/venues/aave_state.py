"""Frozen snapshots of Aave v3 reserves and accounts, read at one block.

Raw on-chain units throughout (rates and indexes in ray, prices in the oracle's base currency
units, amounts in the token's base units, ratios in bps). Derived values (indexes now, totals,
utilization, account totals) are computed with :mod:`hedgekit.venues.aave_math`, exactly as the
contracts compute them at the snapshot's block timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from hedgekit.errors import InputError
from hedgekit.types import Address, BlockNumber
from hedgekit.venues.aave_math import (
    AccountTotals,
    LiquidationPrice,
    PositionInputs,
    ReserveConfig,
    account_totals,
    balance_of_scaled,
    liquidation_price,
    normalized_debt,
    normalized_income,
    rate_to_apr,
    rate_to_apy,
    utilization,
)

#: AaveOracle base currency: USD with 8 decimals (Ethereum market).
BASE_CURRENCY_DECIMALS = 8


@dataclass(frozen=True)
class AaveReserveState:
    """One reserve at ``block_number`` (whose timestamp is ``timestamp``)."""

    block_number: BlockNumber
    timestamp: int
    asset: Address
    symbol: str
    reserve_id: int
    a_token: Address
    stable_debt_token: Address
    variable_debt_token: Address
    interest_rate_strategy: Address
    config: ReserveConfig
    #: as stored at the last update (``lastUpdateTimestamp``), ray
    liquidity_index: int
    variable_borrow_index: int
    liquidity_rate: int
    variable_borrow_rate: int
    stable_borrow_rate: int
    last_update_timestamp: int
    accrued_to_treasury_scaled: int
    #: AaveOracle price, base currency units per whole token
    price: int
    scaled_total_supply: int
    scaled_total_variable_debt: int
    total_stable_debt: int
    #: underlying held by the aToken (what can be borrowed or withdrawn now)
    available_liquidity: int

    @property
    def decimals(self) -> int:
        return self.config.decimals

    def normalized_income_at(self, timestamp: int) -> int:
        """Supply index (ray) at ``timestamp`` if nothing touches the reserve before."""
        return normalized_income(self.liquidity_index, self.liquidity_rate,
                                 self.last_update_timestamp, timestamp)

    def normalized_debt_at(self, timestamp: int) -> int:
        """Variable borrow index (ray) at ``timestamp`` if nothing touches the reserve before."""
        return normalized_debt(self.variable_borrow_index, self.variable_borrow_rate,
                               self.last_update_timestamp, timestamp)

    @property
    def normalized_income(self) -> int:
        """``Pool.getReserveNormalizedIncome`` at this block."""
        return self.normalized_income_at(self.timestamp)

    @property
    def normalized_debt(self) -> int:
        """``Pool.getReserveNormalizedVariableDebt`` at this block."""
        return self.normalized_debt_at(self.timestamp)

    @property
    def total_supply(self) -> int:
        """aToken ``totalSupply`` (underlying units, with interest)."""
        return balance_of_scaled(self.scaled_total_supply, self.normalized_income)

    @property
    def total_variable_debt(self) -> int:
        return balance_of_scaled(self.scaled_total_variable_debt, self.normalized_debt)

    @property
    def total_debt(self) -> int:
        return self.total_variable_debt + self.total_stable_debt

    @property
    def utilization(self) -> int:
        """Borrow usage ratio (ray) at this block: debt / (available liquidity + debt)."""
        return utilization(self.total_debt, self.available_liquidity)

    @property
    def supply_apr(self) -> float:
        return rate_to_apr(self.liquidity_rate)

    @property
    def supply_apy(self) -> float:
        return rate_to_apy(self.liquidity_rate)

    @property
    def borrow_apr(self) -> float:
        """Variable borrow APR (the stable rate is disabled on the Ethereum market)."""
        return rate_to_apr(self.variable_borrow_rate)

    @property
    def borrow_apy(self) -> float:
        return rate_to_apy(self.variable_borrow_rate)

    @property
    def ltv(self) -> int:
        return self.config.ltv

    @property
    def liquidation_threshold(self) -> int:
        return self.config.liquidation_threshold

    @property
    def liquidation_bonus(self) -> int:
        return self.config.liquidation_bonus

    @property
    def supply_cap(self) -> int:
        """Whole tokens, 0 = uncapped."""
        return self.config.supply_cap

    @property
    def borrow_cap(self) -> int:
        """Whole tokens, 0 = uncapped."""
        return self.config.borrow_cap

    @property
    def price_usd(self) -> Fraction:
        return Fraction(self.price, 10**BASE_CURRENCY_DECIMALS)


@dataclass(frozen=True)
class AavePosition:
    """An account's balances in one reserve (token base units) at the snapshot's block."""

    asset: Address
    symbol: str
    scaled_collateral: int
    collateral: int
    scaled_variable_debt: int
    variable_debt: int
    stable_debt: int
    collateral_enabled: bool
    borrowing: bool

    @property
    def debt(self) -> int:
        return self.variable_debt + self.stable_debt


@dataclass(frozen=True)
class AaveAccountState:
    """An account across every reserve at ``block_number``, and the reserves themselves.

    ``totals`` is computed from the positions with Aave's own formulas (it equals
    ``Pool.getUserAccountData`` at the same block). E-mode accounts are refused by the reader.
    Stable debt is taken as read (stable borrowing is disabled on the Ethereum market).
    """

    block_number: BlockNumber
    timestamp: int
    user: Address
    positions: tuple[AavePosition, ...]
    reserves: tuple[AaveReserveState, ...]

    @property
    def totals(self) -> AccountTotals:
        """Collateral, debt, available borrows (base currency), LTV, liquidation threshold
        (bps) and health factor (wad), as ``Pool.getUserAccountData`` computes them."""
        return account_totals(self.inputs())

    @property
    def health_factor(self) -> int:
        """Wad; 2**256-1 without debt; < 1e18 means liquidatable."""
        return self.totals.health_factor

    @property
    def total_collateral_base(self) -> int:
        return self.totals.total_collateral_base

    @property
    def total_debt_base(self) -> int:
        return self.totals.total_debt_base

    @property
    def available_borrows_base(self) -> int:
        return self.totals.available_borrows_base

    def reserve(self, asset: str) -> AaveReserveState:
        for r in self.reserves:
            if r.asset.lower() == asset.lower():
                return r
        raise InputError(f"no Aave reserve for {asset}; listed: "
                         f"{', '.join(r.symbol for r in self.reserves)}")

    def position(self, asset: str) -> AavePosition:
        for p in self.positions:
            if p.asset.lower() == asset.lower():
                return p
        raise InputError(f"no Aave reserve for {asset}")

    def inputs(self) -> tuple[PositionInputs, ...]:
        """The positions as the health-factor math takes them."""
        return tuple(
            PositionInputs(p.asset, r.decimals, r.price, r.ltv, r.liquidation_threshold,
                           p.collateral, p.debt if p.borrowing else 0, p.collateral_enabled)
            for p, r in zip(self.positions, self.reserves, strict=True))

    def variable_debt_at(self, asset: str, timestamp: int) -> int:
        """The variable debt in ``asset`` at ``timestamp`` as the debt token will report it, if
        the reserve is not touched in between: scaled balance rayMul the index then."""
        index = self.reserve(asset).normalized_debt_at(timestamp)
        return balance_of_scaled(self.position(asset).scaled_variable_debt, index)

    def collateral_at(self, asset: str, timestamp: int) -> int:
        """The aToken balance in ``asset`` at ``timestamp`` (reserve untouched in between)."""
        index = self.reserve(asset).normalized_income_at(timestamp)
        return balance_of_scaled(self.position(asset).scaled_collateral, index)

    def totals_after(self, asset: str, collateral_delta: int = 0, debt_delta: int = 0,
                     enable_collateral: bool | None = None) -> AccountTotals:
        """Account totals if the balances in ``asset`` changed by the deltas (token units)."""
        changed = []
        for item in self.inputs():
            if item.asset.lower() == asset.lower():
                enabled = (item.collateral_enabled if enable_collateral is None
                           else enable_collateral)
                item = replace(item, collateral=max(0, item.collateral + collateral_delta),
                               debt=max(0, item.debt + debt_delta), collateral_enabled=enabled)
            changed.append(item)
        return account_totals(changed)

    def liquidation_price(self, asset: str) -> LiquidationPrice | None:
        """The price of ``asset`` (base currency units per whole token) at which the health
        factor hits 1 with the other prices fixed; see ``aave_math.liquidation_price``."""
        return liquidation_price(self.inputs(), asset)
