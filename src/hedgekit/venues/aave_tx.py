"""Unsigned Aave v3 transactions: supply, borrow (variable), repay, withdraw, and the ERC-20
approve each needs.

Each builder checks what the Pool would revert on (Aave's ValidationLogic, same integer math)
and raises :class:`~hedgekit.errors.VenueError` naming the Aave error instead, so a plan never
carries a transaction that is known to fail. The expected effect is the account's health factor
after the call, computed with the account snapshot's prices and indexes.
"""

from __future__ import annotations

from hedgekit.chain.multicall import Call
from hedgekit.errors import InputError, VenueError
from hedgekit.units import WAD, from_base_units, ray_mul
from hedgekit.venues.aave_math import (
    HEALTH_FACTOR_LIQUIDATION_THRESHOLD,
    MAX_UINT256,
    AccountTotals,
    percent_div,
)
from hedgekit.venues.aave_state import AaveAccountState, AaveReserveState
from hedgekit.venues.tx import UnsignedTx

#: Aave's ``DataTypes.InterestRateMode.VARIABLE``.
VARIABLE_RATE = 2
#: A full repay approves the debt as it will be this many seconds after the snapshot, so the
#: interest accrued until the transaction is mined is covered (the Pool pulls only the debt).
REPAY_SLACK_SECONDS = 3600


def _calldata(signature: str, *args: object) -> bytes:
    return Call("0x" + "00" * 20, signature, tuple(args)).calldata()


def _amount(amount: int, what: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InputError(f"{what} must be an int in the token's base units, got {amount!r}")
    if amount <= 0:
        raise InputError(f"{what} must be positive, got {amount}")
    return amount


def _human(amount: int, reserve: AaveReserveState) -> str:
    return f"{from_base_units(amount, reserve.decimals)} {reserve.symbol}"


def format_health_factor(health_factor: int) -> str:
    """A wad health factor for display: 4 decimals, "inf" without debt."""
    if health_factor == MAX_UINT256:
        return "inf"
    return f"{health_factor / WAD:.4f}"


def _effect(account: AaveAccountState, after: AccountTotals) -> str:
    return (f"health factor {format_health_factor(account.health_factor)} -> "
            f"{format_health_factor(after.health_factor)}")


def _check_usable(reserve: AaveReserveState, action: str) -> None:
    config = reserve.config
    if not config.active:
        raise VenueError(f"aave: {reserve.symbol} reserve is not active (RESERVE_INACTIVE)")
    if config.paused:
        raise VenueError(f"aave: {reserve.symbol} reserve is paused (RESERVE_PAUSED)")
    if config.frozen and action in ("supply", "borrow"):
        raise VenueError(f"aave: {reserve.symbol} reserve is frozen (RESERVE_FROZEN)")


def _approve(pool: str, reserve: AaveReserveState, amount: int, allowance: int,
             ) -> tuple[UnsignedTx, ...]:
    """An approve of exactly ``amount`` to the Pool, or nothing if ``allowance`` covers it."""
    if allowance >= amount:
        return ()
    return (UnsignedTx(reserve.asset, _calldata("approve(address,uint256)", pool, amount), 0,
                       f"approve {_human(amount, reserve)} to the Aave Pool",
                       f"the Pool may pull {_human(amount, reserve)}"),)


def supply(pool: str, account: AaveAccountState, reserve: AaveReserveState, amount: int,
           allowance: int) -> tuple[UnsignedTx, ...]:
    """approve if needed + ``Pool.supply(asset, amount, user, 0)``."""
    _amount(amount, "supply amount")
    _check_usable(reserve, "supply")
    cap = reserve.supply_cap * 10**reserve.decimals
    supplied = ray_mul(reserve.scaled_total_supply + reserve.accrued_to_treasury_scaled,
                       reserve.normalized_income)
    if cap and supplied + amount > cap:
        raise VenueError(f"aave: supplying {_human(amount, reserve)} exceeds the supply cap of "
                         f"{reserve.supply_cap} {reserve.symbol} (SUPPLY_CAP_EXCEEDED)")
    position = account.position(reserve.asset)
    # The first supply of an asset with a non-zero LTV turns it on as collateral.
    enable = True if position.scaled_collateral == 0 and reserve.ltv else None
    after = account.totals_after(reserve.asset, collateral_delta=amount,
                                 enable_collateral=enable)
    return (*_approve(pool, reserve, amount, allowance),
            UnsignedTx(pool, _calldata("supply(address,uint256,address,uint16)", reserve.asset,
                                       amount, account.user, 0), 0,
                       f"supply {_human(amount, reserve)} to Aave v3",
                       _effect(account, after)))


def borrow(pool: str, account: AaveAccountState, reserve: AaveReserveState,
           amount: int) -> tuple[UnsignedTx, ...]:
    """``Pool.borrow(asset, amount, VARIABLE, 0, user)``."""
    _amount(amount, "borrow amount")
    _check_usable(reserve, "borrow")
    if not reserve.config.borrowing_enabled:
        raise VenueError(f"aave: borrowing {reserve.symbol} is disabled (BORROWING_NOT_ENABLED)")
    if amount > reserve.available_liquidity:
        raise VenueError(f"aave: only {_human(reserve.available_liquidity, reserve)} can be "
                         "borrowed now")
    cap = reserve.borrow_cap * 10**reserve.decimals
    if cap and reserve.total_debt + amount > cap:
        raise VenueError(f"aave: borrowing {_human(amount, reserve)} exceeds the borrow cap of "
                         f"{reserve.borrow_cap} {reserve.symbol} (BORROW_CAP_EXCEEDED)")
    totals = account.totals
    if totals.total_collateral_base == 0:
        raise VenueError("aave: no collateral (COLLATERAL_BALANCE_IS_ZERO)")
    if totals.ltv == 0:
        raise VenueError("aave: collateral has zero LTV (LTV_VALIDATION_FAILED)")
    if totals.health_factor <= HEALTH_FACTOR_LIQUIDATION_THRESHOLD:
        raise VenueError("aave: health factor is at or below 1 "
                         "(HEALTH_FACTOR_LOWER_THAN_LIQUIDATION_THRESHOLD)")
    amount_base = reserve.price * amount // 10**reserve.decimals
    needed = percent_div(totals.total_debt_base + amount_base, totals.ltv)
    if needed > totals.total_collateral_base:
        raise VenueError(f"aave: collateral cannot cover borrowing {_human(amount, reserve)} "
                         f"(COLLATERAL_CANNOT_COVER_NEW_BORROW; available "
                         f"{from_base_units(totals.available_borrows_base, 8)} USD)")
    after = account.totals_after(reserve.asset, debt_delta=amount)
    return (UnsignedTx(pool, _calldata("borrow(address,uint256,uint256,uint16,address)",
                                       reserve.asset, amount, VARIABLE_RATE, 0, account.user),
                       0, f"borrow {_human(amount, reserve)} from Aave v3 (variable rate)",
                       _effect(account, after)),)


def repay(pool: str, account: AaveAccountState, reserve: AaveReserveState,
          amount: int | None, allowance: int) -> tuple[UnsignedTx, ...]:
    """approve if needed + ``Pool.repay(asset, amount, VARIABLE, user)``; ``amount`` None
    repays the whole variable debt (uint256 max on-chain)."""
    debt = account.position(reserve.asset).variable_debt
    if debt == 0:
        raise VenueError(f"aave: no variable {reserve.symbol} debt to repay "
                         "(NO_DEBT_OF_SELECTED_TYPE)")
    if amount is None:
        needed = account.variable_debt_at(reserve.asset, account.timestamp + REPAY_SLACK_SECONDS)
        sent, repaid, label = MAX_UINT256, debt, f"all {reserve.symbol} debt"
    else:
        _amount(amount, "repay amount")
        needed = min(amount, account.variable_debt_at(
            reserve.asset, account.timestamp + REPAY_SLACK_SECONDS))
        sent, repaid, label = amount, min(amount, debt), _human(amount, reserve)
    after = account.totals_after(reserve.asset, debt_delta=-repaid)
    return (*_approve(pool, reserve, needed, allowance),
            UnsignedTx(pool, _calldata("repay(address,uint256,uint256,address)", reserve.asset,
                                       sent, VARIABLE_RATE, account.user), 0,
                       f"repay {label} to Aave v3", _effect(account, after)))


def withdraw(pool: str, account: AaveAccountState, reserve: AaveReserveState,
             amount: int | None) -> tuple[UnsignedTx, ...]:
    """``Pool.withdraw(asset, amount, user)``; ``amount`` None withdraws everything."""
    _check_usable(reserve, "withdraw")
    balance = account.position(reserve.asset).collateral
    if amount is None:
        sent, taken, label = MAX_UINT256, balance, f"all {reserve.symbol}"
    else:
        sent = taken = _amount(amount, "withdraw amount")
        label = _human(amount, reserve)
    if taken == 0 or taken > balance:
        raise VenueError(f"aave: cannot withdraw {label}: supplied "
                         f"{_human(balance, reserve)} (NOT_ENOUGH_AVAILABLE_USER_BALANCE)")
    if taken > reserve.available_liquidity:
        raise VenueError(f"aave: only {_human(reserve.available_liquidity, reserve)} is "
                         "available to withdraw now")
    after = account.totals_after(reserve.asset, collateral_delta=-taken)
    if after.health_factor < HEALTH_FACTOR_LIQUIDATION_THRESHOLD:
        raise VenueError(f"aave: withdrawing {label} would leave health factor "
                         f"{format_health_factor(after.health_factor)} "
                         "(HEALTH_FACTOR_LOWER_THAN_LIQUIDATION_THRESHOLD)")
    return (UnsignedTx(pool, _calldata("withdraw(address,uint256,address)", reserve.asset, sent,
                                       account.user), 0,
                       f"withdraw {label} from Aave v3", _effect(account, after)),)
