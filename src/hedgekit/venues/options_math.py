"""Exact twin of ``contracts/OptionsMarket.vy``'s integer math, bit for bit.

Units are the contract's: option amounts in 18-decimal base units (1e18 = one option on one
ETH), strikes and settlement prices in USD wads, premiums in QUOTE (USDC) base units per whole
option, collateral and payouts in the series' collateral token (WETH for calls, USDC for
puts). With ``D = 1e18 * quote_scale`` (1e30 for USDC)::

    required(w)   put: ceil(strike * w / D)            call: w           (collateral)
    payout(a)     put: floor((strike - S) * a / D)     call: floor(a * (S - strike) / S)
    debt(w)       the same, rounded up                 writer withdrawal: required(w) - debt(w)
    premium       ask fill: ceil(price * a / 1e18)     bid fill: floor(price * a / 1e18)
    bid escrow    ceil(price * bid amount / 1e18)

The checks raise :class:`OptionsRevertError` with the contract's revert reason where the
contract reverts, so a builder can refuse a transaction the contract would reject.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from hedgekit.errors import VenueError

WAD = 10**18
#: The aggregator round inside a Chainlink proxy round id (the contract's PHASE_MASK).
PHASE_MASK = 2**64 - 1


class OptionsRevertError(VenueError):
    """The contract would revert (or reverted) with ``reason``, e.g. ``"options: expired"``."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"OptionsMarket rejects the call: {reason}")


@dataclass(frozen=True)
class Series:
    """One series as the contract stores it (``series(id)``), with its id.

    ``open_interest`` counts options in existence (balances plus asks' escrow), ``written``
    the writers' not-yet-withdrawn written amounts, ``collateral`` what the market holds for
    the series in its collateral token."""

    series_id: int
    strike: int
    expiry: int
    is_call: bool
    settled: bool = False
    settlement_price: int = 0
    open_interest: int = 0
    written: int = 0
    collateral: int = 0

    @property
    def kind(self) -> str:
        """``"call"`` or ``"put"`` (the models' spelling)."""
        return "call" if self.is_call else "put"


@dataclass(frozen=True)
class MarketParams:
    """The owner's parameters and the constructor's scales."""

    max_oracle_age: int
    settlement_window: int
    #: 10**(18 - oracle decimals): 10**10 for Chainlink's USD feeds
    price_scale: int = 10**10
    #: 10**(18 - quote decimals): 10**12 for USDC
    quote_scale: int = 10**12


def ceil_div(a: int, b: int) -> int:
    """The contract's ``_ceil_div`` for a >= 0, b > 0."""
    return (a + b - 1) // b


def collateral_required(series: Series, amount: int, quote_scale: int) -> int:
    """``_required``: collateral ``amount`` options lock (put: rounded up)."""
    if series.is_call:
        return amount
    return ceil_div(series.strike * amount, WAD * quote_scale)


def payout(series: Series, amount: int, quote_scale: int, round_up: bool = False) -> int:
    """``_payout``: intrinsic value of ``amount`` options at the settlement price, floored
    (what holders receive) or ceiled (``round_up``: the writers' debt)."""
    price, strike = series.settlement_price, series.strike
    if series.is_call:
        if price <= strike:
            return 0
        num, den = amount * (price - strike), price
    else:
        if price >= strike:
            return 0
        num, den = amount * (strike - price), WAD * quote_scale
    return ceil_div(num, den) if round_up else num // den


def write_charge(series: Series, written_before: int, amount: int, quote_scale: int) -> int:
    """Collateral ``write(amount)`` pulls from a writer who had written ``written_before``."""
    return (collateral_required(series, written_before + amount, quote_scale)
            - collateral_required(series, written_before, quote_scale))


def unwrite_release(series: Series, written_before: int, amount: int, quote_scale: int) -> int:
    """Collateral ``unwrite(amount)`` sends back."""
    return (collateral_required(series, written_before, quote_scale)
            - collateral_required(series, written_before - amount, quote_scale))


def withdrawable(series: Series, written: int, quote_scale: int) -> int:
    """What ``withdraw`` sends a writer of ``written`` options of a settled series."""
    if not series.settled:
        return 0
    return (collateral_required(series, written, quote_scale)
            - payout(series, written, quote_scale, round_up=True))


def ask_premium(price: int, amount: int) -> int:
    """What ``buy`` charges the buyer: ceil(price * amount / 1e18) QUOTE."""
    return ceil_div(price * amount, WAD)


def bid_escrow(price: int, amount: int) -> int:
    """What a bid of ``amount`` at ``price`` holds in escrow: ceil(price * amount / 1e18)."""
    return ceil_div(price * amount, WAD)


def bid_premium(price: int, amount: int) -> int:
    """What ``sell`` pays the seller out of the bid's escrow: floor(price * amount / 1e18)."""
    return price * amount // WAD


def max_payout(series: Series, quote_scale: int) -> int:
    """The most the open interest can ever be paid: at the settlement price once settled,
    else the supremum over prices (put: at S = 0; call: one WETH per option)."""
    if series.settled:
        return payout(series, series.open_interest, quote_scale)
    if series.is_call:
        return series.open_interest
    return series.strike * series.open_interest // (WAD * quote_scale)


def claims(series: Series, written: Iterable[int], quote_scale: int) -> int:
    """Everything holders and writers (their ``written`` amounts) can take out of the series:
    the maximum payout plus the writers' withdrawable collateral (before settlement, at the
    worst price for the market: the writers' whole collateral)."""
    amounts = list(written)
    if not series.settled:
        return sum(collateral_required(series, w, quote_scale) for w in amounts)
    return max_payout(series, quote_scale) + sum(withdrawable(series, w, quote_scale)
                                                 for w in amounts)


def settlement_price(answer: int, price_scale: int) -> int:
    """``_settle``: the oracle answer as a wad price; a non-positive answer reverts."""
    if answer <= 0:
        raise OptionsRevertError("options: bad price")
    return answer * price_scale


def check_open(series: Series | None, now: int) -> Series:
    """``_open_series``: trading and writing need a listed, unexpired series."""
    if series is None or series.expiry == 0:
        raise OptionsRevertError("options: unknown series")
    if now >= series.expiry:
        raise OptionsRevertError("options: expired")
    return series


def check_settle(series: Series, params: MarketParams, now: int, answer: int,
                 updated_at: int) -> int:
    """``settle`` at block time ``now`` with the oracle's latest round; the price (wad)."""
    if series.expiry == 0:
        raise OptionsRevertError("options: unknown series")
    if series.settled:
        raise OptionsRevertError("options: settled")
    if now < series.expiry:
        raise OptionsRevertError("options: not expired")
    if now > series.expiry + params.settlement_window:
        raise OptionsRevertError("options: window closed")
    if updated_at < series.expiry:
        raise OptionsRevertError("options: price before expiry")
    if now > updated_at + params.max_oracle_age:
        raise OptionsRevertError("options: stale price")
    return settlement_price(answer, params.price_scale)


def check_settle_from_round(series: Series, params: MarketParams, now: int, round_id: int,
                            answer: int, updated_at: int, previous_updated_at: int | None
                            ) -> int:
    """``settle_from_round`` with round ``round_id`` (``previous_updated_at``: the round
    before it, None if it is the first of its phase); the price (wad)."""
    if series.expiry == 0:
        raise OptionsRevertError("options: unknown series")
    if series.settled:
        raise OptionsRevertError("options: settled")
    if now <= series.expiry + params.settlement_window:
        raise OptionsRevertError("options: window open")
    if updated_at < series.expiry:
        raise OptionsRevertError("options: price before expiry")
    if round_id & PHASE_MASK > 1 and (previous_updated_at is None
                                      or previous_updated_at >= series.expiry):
        raise OptionsRevertError("options: not first round")
    return settlement_price(answer, params.price_scale)


__all__ = [
    "PHASE_MASK",
    "WAD",
    "MarketParams",
    "OptionsRevertError",
    "Series",
    "ask_premium",
    "bid_escrow",
    "bid_premium",
    "ceil_div",
    "check_open",
    "check_settle",
    "check_settle_from_round",
    "claims",
    "collateral_required",
    "max_payout",
    "payout",
    "settlement_price",
    "unwrite_release",
    "withdrawable",
    "write_charge",
]
