"""Snapshots of an OptionsMarket and of one account on it, read through Multicall3 at one
pinned block: every listed series with its book (asks and bids of every account that ever
quoted it) and the oracle's latest round; for an account, its balances, asks, bids and
written amounts per series and its token balances and allowances.

All values are the contract's raw integers (see :mod:`hedgekit.venues.options_math`); the
models' views (implied vols, smile, Greeks) live in :mod:`hedgekit.venues.options_pricing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from hedgekit.chain.addresses import MULTICALL3
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import ChainError, InputError
from hedgekit.types import Address, BlockNumber
from hedgekit.venues import options_math as om
from hedgekit.venues.options_math import MarketParams, OptionsRevertError, Series
from hedgekit.venues.tx import UnsignedTx

UINT = ("uint256",)
ROUND = ("uint80", "int256", "uint256", "uint256", "uint80")
SERIES = ("uint256", "uint256", "bool", "bool", "uint256", "uint256", "uint256", "uint256")
ASK = ("uint256", "uint256")
BID = ("uint256", "uint256", "uint256")


@dataclass(frozen=True)
class Ask:
    """An ask: ``amount`` options (18 decimals) escrowed by ``maker`` at ``price`` QUOTE base
    units per whole option."""

    maker: Address
    amount: int
    price: int


@dataclass(frozen=True)
class Bid:
    """A bid: ``maker`` wants ``amount`` options at ``price``, holding ``escrow`` QUOTE."""

    maker: Address
    amount: int
    price: int
    escrow: int


@dataclass(frozen=True)
class SeriesBook:
    """One series and its live quotes: asks cheapest first, bids dearest first (ties in the
    order the makers first quoted)."""

    series: Series
    asks: tuple[Ask, ...]
    bids: tuple[Bid, ...]

    @property
    def best_ask(self) -> Ask | None:
        return self.asks[0] if self.asks else None

    @property
    def best_bid(self) -> Bid | None:
        return self.bids[0] if self.bids else None


@dataclass(frozen=True)
class MarketListing:
    """What never changes on a market (its constructor arguments), read once."""

    market: Address
    market_key: str
    base: Address
    quote: Address
    oracle: Address


@dataclass(frozen=True)
class OptionsMarketState:
    """One OptionsMarket at ``block_number`` (timestamp ``timestamp``): parameters, the
    oracle's latest round (``oracle_round_id`` 0 if the feed has none) and every series."""

    block_number: BlockNumber
    timestamp: int
    listing: MarketListing
    params: MarketParams
    oracle_round_id: int
    oracle_answer: int
    oracle_updated_at: int
    books: tuple[SeriesBook, ...]

    @property
    def market(self) -> Address:
        return self.listing.market

    @property
    def oracle_price(self) -> int:
        """The latest oracle answer as a wad price (USD per whole base unit)."""
        return self.oracle_answer * self.params.price_scale

    @property
    def expiries(self) -> tuple[int, ...]:
        """Distinct expiries of the listed series, ascending."""
        return tuple(sorted({b.series.expiry for b in self.books}))

    def book(self, series_id: int) -> SeriesBook:
        """The book of ``series_id``; InputError naming the listed ids if unknown."""
        if not 1 <= series_id <= len(self.books):
            raise InputError(f"unknown series id {series_id}; listed: 1..{len(self.books)}")
        return self.books[series_id - 1]

    def find(self, strike: int, expiry: int, is_call: bool) -> SeriesBook | None:
        """The book of series (strike wad, expiry, kind), or None if not listed."""
        for b in self.books:
            s = b.series
            if (s.strike, s.expiry, s.is_call) == (strike, expiry, is_call):
                return b
        return None

    def open_series(self) -> tuple[SeriesBook, ...]:
        """Series still trading at this block (not expired)."""
        return tuple(b for b in self.books if self.timestamp < b.series.expiry)

    def settle_error(self, series_id: int, at: int | None = None) -> str | None:
        """Why ``settle(series_id)`` would revert at block time ``at`` (default: this
        block's) with the latest round, or None if it would succeed."""
        try:
            om.check_settle(self.book(series_id).series, self.params,
                            self.timestamp if at is None else at, self.oracle_answer,
                            self.oracle_updated_at)
        except OptionsRevertError as err:
            return err.reason
        return None


@dataclass(frozen=True)
class Holding:
    """An account's stake in one series: free option balance, options escrowed in its ask,
    its bid, and its written (short) amount with the collateral that locks."""

    series_id: int
    balance: int
    ask: Ask | None
    bid: Bid | None
    written: int
    collateral: int

    @property
    def long(self) -> int:
        """Options owned: free balance plus those offered in its ask."""
        return self.balance + (self.ask.amount if self.ask else 0)

    @property
    def net(self) -> int:
        """Long minus written (18 decimals): > 0 net long, < 0 net short."""
        return self.long - self.written


@dataclass(frozen=True)
class OptionsAccount:
    """One account on an OptionsMarket at ``state.block_number``: its holdings (only series
    where it has anything), BASE and QUOTE balances and allowances to the market."""

    state: OptionsMarketState
    account: Address
    holdings: tuple[Holding, ...]
    base_balance: int
    quote_balance: int
    base_allowance: int
    quote_allowance: int

    @property
    def block_number(self) -> BlockNumber:
        return self.state.block_number

    def holding(self, series_id: int) -> Holding:
        """The holding in ``series_id`` (an empty one if the account has none)."""
        self.state.book(series_id)
        for h in self.holdings:
            if h.series_id == series_id:
                return h
        return Holding(series_id, 0, None, None, 0, 0)


@dataclass(frozen=True)
class OptionsEffect:
    """What an order is expected to do to the account, in contract units (signed deltas):
    options owned (free + in its ask) and written (18 decimals), BASE (WETH) and QUOTE (USDC)
    balances in base units, collateral it locks (+) or frees (-) in the series' token."""

    series_id: int
    options: int = 0
    written: int = 0
    base: int = 0
    quote: int = 0
    collateral: int = 0

    def __add__(self, other: OptionsEffect) -> OptionsEffect:
        """The combined effect of two orders in the same series."""
        return OptionsEffect(self.series_id, self.options + other.options,
                             self.written + other.written, self.base + other.base,
                             self.quote + other.quote, self.collateral + other.collateral)


@dataclass(frozen=True)
class OptionsOrder:
    """Unsigned transactions to send in order, and their combined expected effect."""

    txs: tuple[UnsignedTx, ...]
    effect: OptionsEffect


# -- reading ---------------------------------------------------------------------------------

def _ok(answers: list[tuple[Any, ...] | None], what: str) -> list[tuple[Any, ...]]:
    if any(a is None for a in answers):
        raise ChainError(f"reading {what} failed")
    return [a for a in answers if a is not None]


def read_listing(w3: Web3, market: str) -> MarketListing:
    """The market's key, base, quote and oracle."""
    calls = [Call(market, "market_key()", (), ("string",), allow_failure=True),
             *[Call(market, f"{n}()", (), ("address",), allow_failure=True)
               for n in ("BASE", "QUOTE", "ORACLE")]]
    answers = multicall(w3, calls)
    if any(a is None for a in answers):
        raise ChainError(f"no OptionsMarket at {market}")
    key, base, quote, oracle = (a[0] for a in answers if a is not None)
    return MarketListing(Address(Web3.to_checksum_address(market)), str(key), Address(base),
                         Address(quote), Address(oracle))


def read_market_state(w3: Web3, listing: MarketListing,
                      block: int | None = None) -> OptionsMarketState:
    """An :class:`OptionsMarketState` at ``block`` (default: latest), in three Multicall3
    batches all pinned to that block (series, then their makers, then the makers' quotes)."""
    block = w3.eth.block_number if block is None else block
    m = listing.market
    head = [Call(MULTICALL3, "getCurrentBlockTimestamp()", (), UINT),
            Call(listing.oracle, "latestRoundData()", (), ROUND, allow_failure=True),
            *[Call(m, f"{n}()", (), UINT) for n in ("max_oracle_age", "settlement_window",
                                                     "PRICE_SCALE", "QUOTE_SCALE",
                                                     "series_count")]]
    (ts,), latest, *rest = multicall(w3, head, block)  # type: ignore[misc]
    age, window, price_scale, quote_scale, count = (int(r[0]) for r in _ok(rest, "the market"))
    round_id, answer, _, updated_at, _ = latest if latest is not None else (0, 0, 0, 0, 0)
    ids = range(1, count + 1)
    first = multicall(w3, [*[Call(m, "series(uint256)", (i,), SERIES) for i in ids],
                           *[Call(m, "maker_count(uint256)", (i,), UINT) for i in ids]], block)
    raw = _ok(first, "the series")
    series = [Series(i, *raw[i - 1]) for i in ids]
    counts = [int(raw[count + i - 1][0]) for i in ids]
    maker_calls = [Call(m, "makers(uint256,uint256)", (i, j), ("address",))
                   for i in ids for j in range(counts[i - 1])]
    makers = [a[0] for a in _ok(multicall(w3, maker_calls, block), "the makers")]
    pairs, at = [], 0
    for i in ids:
        pairs += [(i, maker) for maker in makers[at: at + counts[i - 1]]]
        at += counts[i - 1]
    quotes = _ok(multicall(w3, [
        *[Call(m, "asks(uint256,address)", p, ASK) for p in pairs],
        *[Call(m, "bids(uint256,address)", p, BID) for p in pairs]], block), "the quotes")
    asks: dict[int, list[Ask]] = {i: [] for i in ids}
    bids: dict[int, list[Bid]] = {i: [] for i in ids}
    for (i, maker), ask, bid in zip(pairs, quotes[: len(pairs)], quotes[len(pairs):],
                                    strict=True):
        if ask[0] > 0:
            asks[i].append(Ask(Address(maker), *ask))
        if bid[0] > 0:
            bids[i].append(Bid(Address(maker), *bid))
    books = tuple(SeriesBook(s, tuple(sorted(asks[s.series_id], key=lambda a: a.price)),
                             tuple(sorted(bids[s.series_id], key=lambda b: -b.price)))
                  for s in series)
    params = MarketParams(age, window, price_scale, quote_scale)
    return OptionsMarketState(BlockNumber(block), int(ts), listing, params, int(round_id),
                              int(answer), int(updated_at), books)


def read_account(w3: Web3, listing: MarketListing, account: str,
                 block: int | None = None) -> OptionsAccount:
    """``account``'s :class:`OptionsAccount` with the market's state, at the same block."""
    block = w3.eth.block_number if block is None else block
    state = read_market_state(w3, listing, block)
    m, n = listing.market, len(state.books)
    ids = range(1, n + 1)
    calls = [*[Call(m, "balanceOf(address,uint256)", (account, i), UINT) for i in ids],
             *[Call(m, "written(uint256,address)", (i, account), UINT) for i in ids],
             *[Call(m, "asks(uint256,address)", (i, account), ASK) for i in ids],
             *[Call(m, "bids(uint256,address)", (i, account), BID) for i in ids],
             *[Call(token, "balanceOf(address)", (account,), UINT)
               for token in (listing.base, listing.quote)],
             *[Call(token, "allowance(address,address)", (account, m), UINT)
               for token in (listing.base, listing.quote)]]
    got = _ok(multicall(w3, calls, block), f"{account} on {m}")
    holdings = []
    for i in ids:
        balance, written = int(got[i - 1][0]), int(got[n + i - 1][0])
        ask_raw, bid_raw = got[2 * n + i - 1], got[3 * n + i - 1]
        ask = Ask(Address(account), *ask_raw) if ask_raw[0] > 0 else None
        bid = Bid(Address(account), *bid_raw) if bid_raw[0] > 0 else None
        if balance or written or ask or bid:
            series = state.books[i - 1].series
            collateral = om.collateral_required(series, written, state.params.quote_scale)
            holdings.append(Holding(i, balance, ask, bid, written, collateral))
    base_balance, quote_balance, base_allowance, quote_allowance = (int(a[0])
                                                                     for a in got[4 * n:])
    return OptionsAccount(state, Address(account), tuple(holdings), base_balance,
                          quote_balance, base_allowance, quote_allowance)
