"""Snapshots of a PerpMarket and of one account on it, read through Multicall3 at one pinned
block: the contract's raw storage plus the oracle round, with every derived number (funding
rate, PnL, margin, leverage, liquidation price) computed by the exact twin
(:mod:`hedgekit.venues.perp_math`) at the block's timestamp.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from eth_utils import to_checksum_address
from web3 import Web3

from hedgekit.chain.addresses import MULTICALL3
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import ChainError
from hedgekit.types import Address, BlockNumber
from hedgekit.venues import perp_math as pm
from hedgekit.venues.perp_math import MarketBook, MarketParams, PerpRevertError, Position
from hedgekit.venues.tx import UnsignedTx

UINT, INT = ("uint256",), ("int256",)
ROUND = ("uint80", "int256", "uint256", "uint256", "uint80")
POSITION = ("int256", "uint256", "uint256", "int256")
DAYS_PER_YEAR = 365
_INT_FIELDS = {"skew", "entry_correction", "funding_rate_last", "funding_index"}


@dataclass(frozen=True)
class PerpMarketState:
    """One PerpMarket at ``block_number`` (timestamp ``timestamp``). Prices are USD wads;
    the oracle round is the feed's latest."""

    block_number: BlockNumber
    timestamp: int
    market: Address
    market_key: str
    collateral: Address
    oracle: Address
    params: MarketParams
    book: MarketBook
    oracle_round_id: int
    oracle_answer: int
    oracle_updated_at: int
    previous_answer: int | None

    @property
    def oracle_price(self) -> int:
        """The latest oracle answer as a wad price (USD per whole base unit)."""
        return pm.oracle_price(self.oracle_answer, self.params)

    @property
    def mark_price(self) -> int:
        """The fill price of a trade now: the market fills at the oracle price."""
        return self.oracle_price

    @property
    def oracle_error(self) -> str | None:
        """The revert reason a state change would hit on the oracle now, or None."""
        try:
            pm.check_oracle(self.oracle_round_id, self.oracle_answer, self.oracle_updated_at,
                            self.previous_answer, self.timestamp, self.params)
        except PerpRevertError as err:
            return err.reason
        return None

    @property
    def funding_velocity(self) -> int:
        """d(rate)/dt (wad per day, per day)."""
        return pm.funding_velocity(self.book, self.params)

    @property
    def funding_rate(self) -> int:
        """The funding rate now (wad per day); positive: longs pay shorts."""
        return pm.current_funding_rate(self.book, self.params, self.timestamp)

    @property
    def funding_rate_annual(self) -> float:
        """The funding rate now, annualized (365 days, simple): 0.1 = longs pay 10 % of
        the notional a year at this rate."""
        return self.funding_rate / pm.WAD * DAYS_PER_YEAR

    @property
    def funding_index(self) -> int:
        """The funding index now (USD wad per whole base unit)."""
        return pm.funding_index_now(self.book, self.params, self.oracle_price, self.timestamp)

    @property
    def open_interest_long(self) -> int:
        return self.book.open_interest_long

    @property
    def open_interest_short(self) -> int:
        return self.book.open_interest_short

    @property
    def skew(self) -> int:
        return self.book.skew

    @property
    def liquidity(self) -> int:
        """The liquidity fund (collateral units)."""
        return self.book.liquidity

    @property
    def net_unrealized_pnl(self) -> int:
        """The traders' net PnL + funding not yet settled (USD wad): owed by the fund."""
        return pm.net_unrealized_pnl(self.book, self.oracle_price, self.funding_index)

    @property
    def free_liquidity(self) -> int:
        """What the owner could take out of the fund now (collateral units)."""
        return pm.free_liquidity(self.book, self.params, self.oracle_price, self.funding_index)


@dataclass(frozen=True)
class PerpPosition:
    """One account on a PerpMarket at ``state.block_number``. PnL, funding and margins are
    USD wads; ``position.margin`` is collateral units; prices are wads."""

    state: PerpMarketState
    account: Address
    position: Position
    collateral_balance: int
    allowance: int

    @property
    def block_number(self) -> BlockNumber:
        return self.state.block_number

    @property
    def size(self) -> int:
        """Signed size (18 decimals): > 0 long, < 0 short."""
        return self.position.size

    @property
    def margin(self) -> int:
        """Deposited margin after the last settlement (collateral units)."""
        return self.position.margin

    @property
    def entry_price(self) -> int:
        """The cost basis: the price of the last settlement (wad)."""
        return self.position.last_price

    @property
    def notional(self) -> int:
        return pm.notional(self.size, self.state.oracle_price)

    @property
    def unrealized_pnl(self) -> int:
        return pm.pnl(self.position, self.state.oracle_price)

    @property
    def accrued_funding(self) -> int:
        """Funding since the last settlement (positive: received)."""
        return pm.accrued_funding(self.position, self.state.funding_index)

    @property
    def remaining_margin(self) -> int:
        """Margin + PnL + funding: what closing would leave before the fee."""
        return pm.remaining_margin(self.position, self.state.oracle_price,
                                   self.state.funding_index, self.state.params)

    @property
    def liquidation_margin(self) -> int:
        return pm.liquidation_margin(self.size, self.state.oracle_price, self.state.params)

    @property
    def leverage(self) -> int | None:
        """Notional / remaining margin (wad); None when nothing is left."""
        return pm.leverage(self.position, self.state.oracle_price, self.state.funding_index,
                           self.state.params)

    @property
    def can_liquidate(self) -> bool:
        return pm.can_liquidate(self.position, self.state.oracle_price,
                                self.state.funding_index, self.state.params)

    @property
    def liquidation_price(self) -> int | None:
        """The wad price at which the position turns liquidatable at this block's time
        (long: at or below it; short: at or above it); None if no price does."""
        answer = pm.liquidation_answer(self.position, self.state.book, self.state.params,
                                       self.state.timestamp)
        return None if answer is None else answer * self.state.params.price_scale


@dataclass(frozen=True)
class PerpTradeEffect:
    """What a built order is expected to do, in contract units: sizes in base units (18
    decimals), margins, fee and payout in collateral units, prices as wads."""

    size_before: int
    size_after: int
    margin_before: int
    margin_after: int
    fee: int
    #: PnL + funding settled into the margin (+ credited / - debited)
    realized: int
    #: collateral sent to the account (withdrawal or close)
    payout: int
    fill_price: int
    acceptable_price: int | None
    deadline: int | None
    liquidation_price_after: int | None
    leverage_after: int | None


@dataclass(frozen=True)
class PerpOrder:
    """Unsigned transactions to send in order, and their combined expected effect."""

    txs: tuple[UnsignedTx, ...]
    effect: PerpTradeEffect


# -- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class MarketListing:
    """What never changes on a market (its constructor arguments), read once."""

    market: Address
    market_key: str
    collateral: Address
    oracle: Address


def read_listing(w3: Web3, market: str) -> MarketListing:
    """The market's key, collateral and oracle."""
    calls = [Call(market, "market_key()", (), ("string",), allow_failure=True),
             Call(market, "COLLATERAL()", (), ("address",), allow_failure=True),
             Call(market, "ORACLE()", (), ("address",), allow_failure=True)]
    key, collateral, oracle = multicall(w3, calls)
    if key is None or collateral is None or oracle is None:
        raise ChainError(f"no PerpMarket at {market}")
    return MarketListing(Address(to_checksum_address(market)), str(key[0]),
                         Address(to_checksum_address(collateral[0])),
                         Address(to_checksum_address(oracle[0])))


def _state_calls(listing: MarketListing) -> list[Call]:
    market = listing.market
    names = [f.name for f in fields(MarketParams)]
    return [
        Call(MULTICALL3, "getCurrentBlockTimestamp()", (), UINT),
        Call(listing.oracle, "latestRoundData()", (), ROUND),
        *[Call(market, f"{n}()", (), UINT) for n in names[:-2]],
        Call(market, "COLLATERAL_SCALE()", (), UINT),
        Call(market, "PRICE_SCALE()", (), UINT),
        *[Call(market, f"{f.name}()", (), INT if f.name in _INT_FIELDS else UINT)
          for f in fields(MarketBook)],
    ]


def _decode_state(w3: Web3, listing: MarketListing, answers: list[tuple[Any, ...] | None],
                  block: int) -> PerpMarketState:
    if any(a is None for a in answers):
        raise ChainError(f"reading PerpMarket {listing.market} failed")
    (timestamp,), (round_id, answer, _, updated_at, _) = answers[0], answers[1]  # type: ignore[misc]
    values = [a[0] for a in answers[2:] if a is not None]
    n_params = len(fields(MarketParams))
    params = MarketParams(*values[:n_params])
    book = MarketBook(*values[n_params:])
    previous = None
    if round_id & pm.PHASE_MASK > 1:  # the deviation guard compares with the previous round
        (prev,) = multicall(w3, [Call(listing.oracle, "getRoundData(uint80)", (round_id - 1,),
                                      ROUND, allow_failure=True)], block)
        previous = None if prev is None else int(prev[1])
    return PerpMarketState(BlockNumber(block), int(timestamp), listing.market,
                           listing.market_key, listing.collateral, listing.oracle, params, book,
                           int(round_id), int(answer), int(updated_at), previous)


def read_market_state(w3: Web3, listing: MarketListing,
                      block: int | None = None) -> PerpMarketState:
    """A :class:`PerpMarketState` at ``block`` (default: latest): one Multicall3 batch, plus
    one call for the oracle's previous round, both at that block."""
    block = w3.eth.block_number if block is None else block
    return _decode_state(w3, listing, multicall(w3, _state_calls(listing), block), block)


def read_position(w3: Web3, listing: MarketListing, account: str,
                  block: int | None = None) -> PerpPosition:
    """``account``'s :class:`PerpPosition` with the market's state, in the same batch."""
    block = w3.eth.block_number if block is None else block
    calls = _state_calls(listing)
    extra = [Call(listing.market, "positions(address)", (account,), POSITION),
             Call(listing.collateral, "balanceOf(address)", (account,), UINT),
             Call(listing.collateral, "allowance(address,address)", (account, listing.market),
                  UINT)]
    answers = multicall(w3, calls + extra, block)
    state = _decode_state(w3, listing, answers[: len(calls)], block)
    raw, balance, allowance = answers[len(calls):]
    if raw is None or balance is None or allowance is None:
        raise ChainError(f"reading {account} on PerpMarket {listing.market} failed")
    return PerpPosition(state, Address(account), Position(*raw), int(balance[0]),
                        int(allowance[0]))
