"""hedgekit's PerpMarket as a :class:`~hedgekit.venues.protocols.PerpVenue`: snapshots read
through Multicall3 at one pinned block, and builders of unsigned transactions.

Each builder runs the exact twin (:mod:`hedgekit.venues.perp_trade`) on the snapshot it is
given, so it refuses, with the contract's own revert reason, a transaction the contract would
reject, and states the expected effect (size, margin, fee, payout, liquidation price after).
The effect is computed at the snapshot's block; funding accrued until the transaction is
mined moves the margin by a little. Trades carry an acceptable price (the snapshot's oracle
price moved against the trader by ``slippage_bps``) and a deadline. Nothing is sent here.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from web3 import Web3

from hedgekit.chain.addresses import PERP_MARKET_ETH_USD
from hedgekit.chain.multicall import Call
from hedgekit.errors import InputError
from hedgekit.types import Address
from hedgekit.units import from_base_units
from hedgekit.venues import perp_trade as pt
from hedgekit.venues.perp_math import (
    MarketBook,
    PerpRevertError,
    Position,
    funding_index_now,
    leverage,
    liquidation_answer,
)
from hedgekit.venues.perp_state import (
    MarketListing,
    PerpMarketState,
    PerpOrder,
    PerpPosition,
    PerpTradeEffect,
    read_listing,
    read_market_state,
    read_position,
)
from hedgekit.venues.protocols import PerpVenue
from hedgekit.venues.tx import UnsignedTx

DEFAULT_SLIPPAGE_BPS = 50
DEFAULT_DEADLINE_SECONDS = 300
BPS = 10_000
_REASON = re.compile(r"perp: [a-z ]+")


def _calldata(signature: str, *args: object) -> bytes:
    return Call("0x" + "00" * 20, signature, tuple(args)).calldata()


def _eth(size: int) -> str:
    return f"{from_base_units(size, 18).normalize():+f} ETH"


def _usdc(amount: int) -> str:
    return f"{from_base_units(amount, 6)} USDC"


def _usd(price: int | None) -> str:
    return "none" if price is None else f"{Decimal(price) / 10**18:.2f} USD"


def _positive(amount: int, what: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InputError(f"{what} must be a positive int in base units, got {amount!r}")
    return amount


def decode_revert(err: Exception) -> PerpRevertError | None:
    """The PerpMarket revert reason inside a web3 error (ContractLogicError, RPC error), as
    one clear :class:`PerpRevertError`; None if it holds no ``perp:`` reason."""
    found = _REASON.search(str(err))
    return PerpRevertError(found.group(0).strip()) if found else None


class PerpMarketVenue:
    """Reader and transaction builder for one PerpMarket (ETH-USD on the replica by default)."""

    def __init__(self, w3: Web3, market: str = PERP_MARKET_ETH_USD) -> None:
        self.w3 = w3
        self.market = Address(market)
        self._listing: MarketListing | None = None

    @property
    def listing(self) -> MarketListing:
        """The market's key, collateral and oracle (read once)."""
        if self._listing is None:
            self._listing = read_listing(self.w3, self.market)
        return self._listing

    # -- reads ---------------------------------------------------------------------------
    def market_state(self, block: int | None = None) -> PerpMarketState:
        """Market info, oracle price, funding and open interest at ``block``."""
        return read_market_state(self.w3, self.listing, block)

    def position(self, account: str, block: int | None = None) -> PerpPosition:
        """``account``'s position, margin, PnL, funding, leverage, liquidation price."""
        return read_position(self.w3, self.listing, account, block)

    # -- builders ------------------------------------------------------------------------
    def build_deposit_margin(self, pos: PerpPosition, amount: int) -> PerpOrder:
        """Approve (if needed) and deposit ``amount`` collateral as margin."""
        _positive(amount, "margin amount")
        book, after = pt.deposit_margin(pos.state.book, pos.position, amount)
        txs = (*self._approve(pos, amount),
               UnsignedTx(self.market, _calldata("deposit_margin(uint256)", amount), 0,
                          f"deposit {_usdc(amount)} margin on {pos.state.market_key}",
                          f"margin {_usdc(pos.margin)} -> {_usdc(after.margin)}"))
        return PerpOrder(txs, self._effect(pos, pos.state, book, after, 0, 0, 0, None, None))

    def build_withdraw_margin(self, pos: PerpPosition, amount: int, *,
                              at: int | None = None) -> PerpOrder:
        """Withdraw ``amount`` of margin (the position is settled first if open)."""
        _positive(amount, "margin amount")
        state = self._fresh(pos.state, needs_oracle=pos.size != 0, at=at)
        book, after = pt.withdraw_margin(state.book, state.params, pos.position, amount,
                                         state.oracle_price, state.timestamp)
        tx = UnsignedTx(self.market, _calldata("withdraw_margin(uint256)", amount), 0,
                        f"withdraw {_usdc(amount)} margin from {state.market_key}",
                        f"margin {_usdc(pos.margin)} -> {_usdc(after.margin)}")
        return PerpOrder((tx,), self._effect(pos, state, book, after, 0, 0, amount, None, None))

    def build_modify(self, pos: PerpPosition, size_delta: int, *,
                     slippage_bps: int = DEFAULT_SLIPPAGE_BPS,
                     deadline_seconds: int = DEFAULT_DEADLINE_SECONDS,
                     at: int | None = None) -> PerpOrder:
        """Change the size by ``size_delta`` (signed, 18 decimals) at the oracle price."""
        if size_delta == 0:
            raise InputError("size_delta must not be zero")
        state = self._fresh(pos.state, needs_oracle=True, at=at)
        acceptable, deadline = self._bounds(state, size_delta, slippage_bps, deadline_seconds)
        result = pt.modify_position(state.book, state.params, pos.position, size_delta,
                                    state.oracle_price, state.timestamp, acceptable, deadline)
        tx = UnsignedTx(
            self.market,
            _calldata("modify_position(int256,uint256,uint256)", size_delta, acceptable,
                      deadline), 0,
            f"trade {_eth(size_delta)} on {state.market_key} at <= {_usd(acceptable)}"
            if size_delta > 0 else
            f"trade {_eth(size_delta)} on {state.market_key} at >= {_usd(acceptable)}",
            f"size {_eth(pos.size)} -> {_eth(result.position.size)}, fee {_usdc(result.fee)}")
        return PerpOrder((tx,), self._effect(pos, state, result.book, result.position,
                                             result.fee, result.realized, 0, acceptable,
                                             deadline))

    def build_open(self, pos: PerpPosition, size_delta: int, margin: int, *,
                   slippage_bps: int = DEFAULT_SLIPPAGE_BPS,
                   deadline_seconds: int = DEFAULT_DEADLINE_SECONDS,
                   at: int | None = None) -> PerpOrder:
        """From no position: deposit ``margin`` (approving it if needed) and open
        ``size_delta`` (> 0 long, < 0 short)."""
        if pos.size != 0:
            raise InputError("the account already has a position; use build_increase")
        deposit = self.build_deposit_margin(pos, margin)
        book, after = pt.deposit_margin(pos.state.book, pos.position, margin)
        funded = PerpPosition(replace(pos.state, book=book), pos.account, after,
                              pos.collateral_balance - margin, pos.allowance)
        trade = self.build_modify(funded, size_delta, slippage_bps=slippage_bps,
                                  deadline_seconds=deadline_seconds, at=at)
        effect = replace(trade.effect, margin_before=pos.margin, size_before=pos.size)
        return PerpOrder(deposit.txs + trade.txs, effect)

    def build_increase(self, pos: PerpPosition, amount: int, *,
                       slippage_bps: int = DEFAULT_SLIPPAGE_BPS,
                       deadline_seconds: int = DEFAULT_DEADLINE_SECONDS,
                       at: int | None = None) -> PerpOrder:
        """Grow the open position by ``amount`` (unsigned, 18 decimals) on its side."""
        _positive(amount, "size amount")
        if pos.size == 0:
            raise InputError("no position to increase; use build_open")
        return self.build_modify(pos, amount if pos.size > 0 else -amount,
                                 slippage_bps=slippage_bps, deadline_seconds=deadline_seconds,
                                 at=at)

    def build_decrease(self, pos: PerpPosition, amount: int, *,
                       slippage_bps: int = DEFAULT_SLIPPAGE_BPS,
                       deadline_seconds: int = DEFAULT_DEADLINE_SECONDS,
                       at: int | None = None) -> PerpOrder:
        """Shrink the open position by ``amount`` (unsigned, less than its size)."""
        _positive(amount, "size amount")
        if amount >= abs(pos.size):
            raise InputError(f"decrease {amount} is not below the size {abs(pos.size)}; "
                             "use build_close")
        return self.build_modify(pos, -amount if pos.size > 0 else amount,
                                 slippage_bps=slippage_bps, deadline_seconds=deadline_seconds,
                                 at=at)

    def build_close(self, pos: PerpPosition, *, slippage_bps: int = DEFAULT_SLIPPAGE_BPS,
                    deadline_seconds: int = DEFAULT_DEADLINE_SECONDS,
                    at: int | None = None) -> PerpOrder:
        """Close the whole position and withdraw all margin to the account."""
        if pos.size == 0:
            raise InputError("no position to close")
        state = self._fresh(pos.state, needs_oracle=True, at=at)
        acceptable, deadline = self._bounds(state, -pos.size, slippage_bps, deadline_seconds)
        result, payout = pt.close_position(state.book, state.params, pos.position,
                                           state.oracle_price, state.timestamp, acceptable,
                                           deadline)
        tx = UnsignedTx(self.market,
                        _calldata("close_position(uint256,uint256)", acceptable, deadline), 0,
                        f"close {_eth(pos.size)} on {state.market_key}",
                        f"receive {_usdc(payout)} (fee {_usdc(result.fee)})")
        return PerpOrder((tx,), self._effect(pos, state, result.book, result.position,
                                             result.fee, result.realized, payout, acceptable,
                                             deadline))

    # -- helpers -------------------------------------------------------------------------
    @staticmethod
    def _fresh(state: PerpMarketState, needs_oracle: bool, at: int | None) -> PerpMarketState:
        """The snapshot as of block time ``at`` (default: its own), oracle guards checked."""
        if at is not None:
            if at < state.timestamp:
                raise InputError(f"at={at} is before the snapshot's time {state.timestamp}")
            state = replace(state, timestamp=at)
        if needs_oracle and state.oracle_error is not None:
            raise PerpRevertError(state.oracle_error)
        return state

    @staticmethod
    def _bounds(state: PerpMarketState, size_delta: int, slippage_bps: int,
                deadline_seconds: int) -> tuple[int, int]:
        if not 0 <= slippage_bps < BPS:
            raise InputError(f"slippage_bps must be in 0..{BPS - 1}, got {slippage_bps}")
        if deadline_seconds <= 0:
            raise InputError(f"deadline_seconds must be positive, got {deadline_seconds}")
        price = state.oracle_price
        if size_delta > 0:  # a buy: the worst price is higher; round the bound up
            acceptable = -(-price * (BPS + slippage_bps) // BPS)
        else:
            acceptable = price * (BPS - slippage_bps) // BPS
        return acceptable, state.timestamp + deadline_seconds

    def _approve(self, pos: PerpPosition, amount: int) -> tuple[UnsignedTx, ...]:
        if pos.allowance >= amount:
            return ()
        return (UnsignedTx(pos.state.collateral,
                           _calldata("approve(address,uint256)", self.market, amount), 0,
                           f"approve {_usdc(amount)} to PerpMarket {pos.state.market_key}",
                           f"the market may pull {_usdc(amount)}"),)

    @staticmethod
    def _effect(pos: PerpPosition, state: PerpMarketState, book: MarketBook, after: Position,
                fee: int, realized: int, payout: int, acceptable: int | None,
                deadline: int | None) -> PerpTradeEffect:
        index = funding_index_now(book, state.params, state.oracle_price, state.timestamp)
        answer = liquidation_answer(after, book, state.params, state.timestamp)
        return PerpTradeEffect(
            pos.size, after.size, pos.margin, after.margin, fee, realized, payout,
            state.oracle_price, acceptable, deadline,
            None if answer is None else answer * state.params.price_scale,
            leverage(after, state.oracle_price, index, state.params))


#: mypy checks here that PerpMarketVenue implements the PerpVenue protocol.
_CONFORMS: type[PerpVenue] = PerpMarketVenue
