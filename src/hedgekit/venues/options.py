"""hedgekit's OptionsMarket as an :class:`~hedgekit.venues.protocols.OptionsVenue`: snapshots
read through Multicall3 at one pinned block, the models' view of them (quotes with implied
vols, the smile per expiry, positions with value and Greeks), and builders of unsigned
transactions.

Builders take an :class:`~hedgekit.venues.options_state.OptionsAccount` snapshot, run the
exact twin (:mod:`hedgekit.venues.options_math`) on it, refuse with the contract's own revert
reason (:class:`~hedgekit.venues.options_math.OptionsRevertError`) or an InputError what the
contract or the tokens would reject, and return an :class:`OptionsOrder`: the transactions in
order (an approval first only when the allowance is short, for exactly the amount needed) and
their expected effect on the account. Nothing is sent here.
"""

from __future__ import annotations

from dataclasses import replace

from web3 import Web3

from hedgekit.chain.addresses import OPTIONS_MARKET_ETH_USD
from hedgekit.chain.multicall import Call
from hedgekit.errors import InputError, VenueError
from hedgekit.types import Address
from hedgekit.units import from_base_units
from hedgekit.venues import options_math as om
from hedgekit.venues import options_pricing as op
from hedgekit.venues.options_math import OptionsRevertError
from hedgekit.venues.options_state import (
    MarketListing,
    OptionsAccount,
    OptionsEffect,
    OptionsMarketState,
    OptionsOrder,
    read_account,
    read_listing,
    read_market_state,
)
from hedgekit.venues.protocols import OptionsVenue
from hedgekit.venues.tx import UnsignedTx


def _calldata(signature: str, *args: object) -> bytes:
    return Call("0x" + "00" * 20, signature, tuple(args)).calldata()


def _positive(amount: int, what: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InputError(f"{what} must be a positive int in base units, got {amount!r}")
    return amount


def _opts(amount: int) -> str:
    return f"{from_base_units(amount, 18).normalize():f}"


class OptionsMarketVenue:
    """Reader and transaction builder for one OptionsMarket (ETH-USD on the replica).

    ``rate`` is the continuously compounded rate (per year) the models discount with."""

    def __init__(self, w3: Web3, market: str = OPTIONS_MARKET_ETH_USD, rate: float = 0.0
                 ) -> None:
        self.w3 = w3
        self.market = Address(market)
        self.rate = rate
        self._listing: MarketListing | None = None

    @property
    def listing(self) -> MarketListing:
        """The market's key, base, quote and oracle (read once)."""
        if self._listing is None:
            self._listing = read_listing(self.w3, self.market)
        return self._listing

    # -- reads ---------------------------------------------------------------------------
    def market_state(self, block: int | None = None) -> OptionsMarketState:
        """Every series with open interest, collateral and book, and the oracle, at
        ``block``."""
        return read_market_state(self.w3, self.listing, block)

    def account(self, account: str, block: int | None = None) -> OptionsAccount:
        """``account``'s holdings, balances and allowances with the market's state."""
        return read_account(self.w3, self.listing, account, block)

    def quotes(self, state: OptionsMarketState, now: int | None = None
               ) -> tuple[op.SeriesQuote, ...]:
        """Best bid / ask (USD per option) and their implied vols for every open series."""
        return op.quotes(state, now, self.rate)

    def smile(self, state: OptionsMarketState, expiry: int, side: str = "mid",
              now: int | None = None) -> op.VolSmile:
        """The vol smile (and skew) of ``expiry`` fitted to its quotes."""
        return op.smile(state, expiry, side, now, self.rate)

    def risk(self, acct: OptionsAccount, now: int | None = None,
             fallback_vol: float | None = None) -> op.AccountRisk:
        """Value and Greeks of the account's positions (units: :class:`PositionRisk`)."""
        return op.account_risk(acct, now, self.rate, fallback_vol)

    # -- builders: writing ---------------------------------------------------------------
    def build_write(self, acct: OptionsAccount, series_id: int, amount: int, *,
                    at: int | None = None) -> OptionsOrder:
        """Lock collateral (approving it if needed) and write ``amount`` options."""
        _positive(amount, "option amount")
        s = om.check_open(acct.state.book(series_id).series, self._now(acct.state, at))
        h = acct.holding(series_id)
        charge = om.write_charge(s, h.written, amount, acct.state.params.quote_scale)
        token, have, allowance = self._collateral(acct, s.is_call)
        if have < charge:
            raise InputError(f"insufficient collateral: writing {_opts(amount)} options of "
                             f"series {series_id} locks {self._fmt(acct, s.is_call, charge)}"
                             f", the account has {self._fmt(acct, s.is_call, have)}")
        txs = (*self._approve(token, allowance, charge, acct, s.is_call),
               UnsignedTx(self.market, _calldata("write(uint256,uint256)", series_id, amount),
                          0, f"write {_opts(amount)} {s.kind}s of series {series_id}",
                          f"lock {self._fmt(acct, s.is_call, charge)}"))
        d_base, d_quote = (-charge, 0) if s.is_call else (0, -charge)
        return OptionsOrder(txs, OptionsEffect(series_id, amount, amount, d_base, d_quote,
                                               charge))

    def build_place_ask(self, acct: OptionsAccount, series_id: int, amount: int, price: int,
                        *, at: int | None = None) -> OptionsOrder:
        """Offer ``amount`` more options held by the account (0: reprice) at ``price``
        QUOTE base units per whole option."""
        _positive(price, "price")
        om.check_open(acct.state.book(series_id).series, self._now(acct.state, at))
        h = acct.holding(series_id)
        if amount > h.balance:
            raise OptionsRevertError("options: balance")
        if amount < 0 or (amount == 0 and h.ask is None):
            raise OptionsRevertError("options: zero amount")
        tx = UnsignedTx(self.market, _calldata("place_ask(uint256,uint256,uint256)", series_id,
                                               amount, price), 0,
                        f"offer {_opts(amount)} options of series {series_id} at "
                        f"{self._quote_fmt(acct, price)} each",
                        f"ask {_opts(amount + (h.ask.amount if h.ask else 0))} options")
        return OptionsOrder((tx,), OptionsEffect(series_id))

    def build_write_and_ask(self, acct: OptionsAccount, series_id: int, amount: int,
                            price: int, *, at: int | None = None) -> OptionsOrder:
        """Write ``amount`` options and offer them at ``price`` (approval if needed)."""
        write = self.build_write(acct, series_id, amount, at=at)
        s = acct.state.book(series_id).series
        om.check_open(s, self._now(acct.state, at))
        _positive(price, "price")
        ask = UnsignedTx(self.market, _calldata("place_ask(uint256,uint256,uint256)",
                                                series_id, amount, price), 0,
                         f"offer {_opts(amount)} options of series {series_id} at "
                         f"{self._quote_fmt(acct, price)} each")
        return OptionsOrder((*write.txs, ask), write.effect)

    def build_cancel_ask(self, acct: OptionsAccount, series_id: int) -> OptionsOrder:
        """Take the account's ask down; its options return to its balance."""
        h = acct.holding(series_id)
        if h.ask is None:
            raise OptionsRevertError("options: no ask")
        tx = UnsignedTx(self.market, _calldata("cancel_ask(uint256)", series_id), 0,
                        f"cancel the ask of {_opts(h.ask.amount)} options of series "
                        f"{series_id}", "options back to the balance")
        return OptionsOrder((tx,), OptionsEffect(series_id))

    def build_unwrite(self, acct: OptionsAccount, series_id: int, amount: int | None = None
                      ) -> OptionsOrder:
        """Burn options the account holds against its written amount (default: as many as
        it can) and take their collateral back."""
        h = acct.holding(series_id)
        s = acct.state.book(series_id).series
        if s.settled:
            raise OptionsRevertError("options: settled")
        amount = min(h.balance, h.written) if amount is None else amount
        _positive(amount, "option amount")
        if amount > h.written:
            raise OptionsRevertError("options: exceeds written")
        if amount > h.balance:
            raise OptionsRevertError("options: balance")
        tx, effect = self._unwrite(acct, s, h.written, amount)
        return OptionsOrder((tx,), effect)

    # -- builders: trading ---------------------------------------------------------------
    def build_buy(self, acct: OptionsAccount, series_id: int, amount: int, *,
                  max_price: int | None = None, at: int | None = None) -> OptionsOrder:
        """Buy ``amount`` options from the cheapest asks (not the account's own), each fill
        at its ask's price, capped at ``max_price`` per option (default: no cap beyond the
        asks' prices); approves the premium if needed."""
        _positive(amount, "option amount")
        book = acct.state.book(series_id)
        om.check_open(book.series, self._now(acct.state, at))
        fills, left, premium = [], amount, 0
        for ask in book.asks:
            if left == 0 or (max_price is not None and ask.price > max_price):
                break
            if ask.maker == acct.account:
                continue
            take = min(left, ask.amount)
            fills.append((ask, take))
            premium += om.ask_premium(ask.price, take)
            left -= take
        if left:
            raise VenueError(f"series {series_id} offers {_opts(amount - left)} of the "
                             f"{_opts(amount)} options wanted"
                             + ("" if max_price is None else " at or below the max price"))
        if acct.quote_balance < premium:
            raise InputError(f"insufficient USDC: the premium is "
                             f"{self._quote_fmt(acct, premium)}")
        txs = [*self._approve(self.listing.quote, acct.quote_allowance, premium,
                              acct, False)]
        for ask, take in fills:
            txs.append(UnsignedTx(
                self.market, _calldata("buy(uint256,address,uint256,uint256)", series_id,
                                       ask.maker, take, ask.price), 0,
                f"buy {_opts(take)} options of series {series_id} from {ask.maker}",
                f"pay {self._quote_fmt(acct, om.ask_premium(ask.price, take))}"))
        return OptionsOrder(tuple(txs), OptionsEffect(series_id, amount, 0, 0, -premium))

    def build_place_bid(self, acct: OptionsAccount, series_id: int, amount: int, price: int,
                        *, at: int | None = None) -> OptionsOrder:
        """Bid for ``amount`` more options (0: reprice) at ``price`` per option; the escrow
        (topped up, approved if needed, or refunded) covers the whole bid."""
        _positive(price, "price")
        om.check_open(acct.state.book(series_id).series, self._now(acct.state, at))
        h = acct.holding(series_id)
        old_amount, old_escrow = (h.bid.amount, h.bid.escrow) if h.bid else (0, 0)
        if amount < 0 or old_amount + amount == 0:
            raise OptionsRevertError("options: zero amount")
        escrow = om.bid_escrow(price, old_amount + amount)
        pull = max(escrow - old_escrow, 0)
        if acct.quote_balance < pull:
            raise InputError(f"insufficient USDC: the bid escrows "
                             f"{self._quote_fmt(acct, pull)} more")
        txs = (*self._approve(self.listing.quote, acct.quote_allowance, pull,
                              acct, False),
               UnsignedTx(self.market, _calldata("place_bid(uint256,uint256,uint256)",
                                                 series_id, amount, price), 0,
                          f"bid for {_opts(old_amount + amount)} options of series "
                          f"{series_id} at {self._quote_fmt(acct, price)} each",
                          f"escrow {self._quote_fmt(acct, escrow)}"))
        return OptionsOrder(txs, OptionsEffect(series_id, quote=old_escrow - escrow))

    def build_cancel_bid(self, acct: OptionsAccount, series_id: int) -> OptionsOrder:
        """Take the account's bid down and get its escrow back."""
        h = acct.holding(series_id)
        if h.bid is None:
            raise OptionsRevertError("options: no bid")
        tx = UnsignedTx(self.market, _calldata("cancel_bid(uint256)", series_id), 0,
                        f"cancel the bid for {_opts(h.bid.amount)} options of series "
                        f"{series_id}", f"refund {self._quote_fmt(acct, h.bid.escrow)}")
        return OptionsOrder((tx,), OptionsEffect(series_id, quote=h.bid.escrow))

    def build_sell(self, acct: OptionsAccount, series_id: int, amount: int, *,
                   min_price: int | None = None, at: int | None = None) -> OptionsOrder:
        """Sell ``amount`` of the account's free options into the dearest bids (not its own),
        each at least ``min_price`` per option (default: any bid)."""
        _positive(amount, "option amount")
        book = acct.state.book(series_id)
        om.check_open(book.series, self._now(acct.state, at))
        if amount > acct.holding(series_id).balance:
            raise OptionsRevertError("options: balance")
        txs, left, premium = [], amount, 0
        for bid in book.bids:
            if left == 0 or (min_price is not None and bid.price < min_price):
                break
            if bid.maker == acct.account:
                continue
            take = min(left, bid.amount)
            got = om.bid_premium(bid.price, take)
            premium += got
            left -= take
            txs.append(UnsignedTx(
                self.market, _calldata("sell(uint256,address,uint256,uint256)", series_id,
                                       bid.maker, take, bid.price), 0,
                f"sell {_opts(take)} options of series {series_id} to {bid.maker}",
                f"receive {self._quote_fmt(acct, got)}"))
        if left:
            raise VenueError(f"series {series_id} bids for {_opts(amount - left)} of the "
                             f"{_opts(amount)} options offered")
        return OptionsOrder(tuple(txs), OptionsEffect(series_id, -amount, 0, 0, premium))

    def build_close(self, acct: OptionsAccount, series_id: int, *, at: int | None = None
                    ) -> OptionsOrder:
        """Flatten the account in an unexpired series: cancel its ask and bid, net its
        options against its written amount (unwrite), sell a long rest into the bids or buy
        a short rest from the asks and unwrite it."""
        book = acct.state.book(series_id)
        om.check_open(book.series, self._now(acct.state, at))
        h = acct.holding(series_id)
        txs: list[UnsignedTx] = []
        total = OptionsEffect(series_id)
        if h.ask is not None:
            txs += self.build_cancel_ask(acct, series_id).txs
        if h.bid is not None:
            order = self.build_cancel_bid(acct, series_id)
            txs += order.txs
            total += order.effect
        balance, netted = h.long, min(h.long, h.written)
        if netted:
            tx, effect = self._unwrite(acct, book.series, h.written, netted)
            txs.append(tx)
            total += effect
        if balance > netted:
            order = self.build_sell(_as_free(acct, series_id, balance - netted), series_id,
                                    balance - netted, at=at)
            txs += order.txs
            total += order.effect
        elif h.written > netted:
            short = h.written - netted
            order = self.build_buy(acct, series_id, short, at=at)
            tx, effect = self._unwrite(acct, book.series, short, short)
            txs += (*order.txs, tx)
            total += order.effect + effect
        if not txs:
            raise InputError(f"nothing to close in series {series_id}")
        return OptionsOrder(tuple(txs), total)

    # -- builders: settlement ------------------------------------------------------------
    def build_settle(self, state: OptionsMarketState, series_id: int, *, at: int | None = None
                     ) -> OptionsOrder:
        """Settle an expired series at the oracle's latest round (the twin checks the
        window and the staleness guard at block time ``at``, default the snapshot's)."""
        s = state.book(series_id).series
        price = om.check_settle(s, state.params, self._now(state, at), state.oracle_answer,
                                state.oracle_updated_at)
        tx = UnsignedTx(self.market, _calldata("settle(uint256)", series_id), 0,
                        f"settle series {series_id}",
                        f"settlement price {from_base_units(price, 18)} USD")
        return OptionsOrder((tx,), OptionsEffect(series_id))

    def build_exercise(self, acct: OptionsAccount, series_id: int) -> OptionsOrder:
        """Exercise every option the account owns in a settled series (its ask cancelled
        first), receiving the intrinsic value."""
        s = acct.state.book(series_id).series
        if not s.settled:
            raise OptionsRevertError("options: not settled")
        h = acct.holding(series_id)
        amount = h.long
        _positive(amount, "options held")
        pay = om.payout(s, amount, acct.state.params.quote_scale)
        txs = self.build_cancel_ask(acct, series_id).txs if h.ask else ()
        txs += (UnsignedTx(self.market, _calldata("exercise(uint256,uint256)", series_id,
                                                  amount), 0,
                           f"exercise {_opts(amount)} options of series {series_id}",
                           f"receive {self._fmt(acct, s.is_call, pay)}"),)
        d_base, d_quote = (pay, 0) if s.is_call else (0, pay)
        return OptionsOrder(txs, OptionsEffect(series_id, -amount, 0, d_base, d_quote))

    def build_withdraw(self, acct: OptionsAccount, series_id: int) -> OptionsOrder:
        """Withdraw the account's collateral left after settlement of its written options."""
        s = acct.state.book(series_id).series
        if not s.settled:
            raise OptionsRevertError("options: not settled")
        h = acct.holding(series_id)
        if h.written == 0:
            raise OptionsRevertError("options: nothing written")
        amount = om.withdrawable(s, h.written, acct.state.params.quote_scale)
        tx = UnsignedTx(self.market, _calldata("withdraw(uint256)", series_id), 0,
                        f"withdraw collateral of series {series_id}",
                        f"receive {self._fmt(acct, s.is_call, amount)}")
        d_base, d_quote = (amount, 0) if s.is_call else (0, amount)
        return OptionsOrder((tx,), OptionsEffect(series_id, 0, -h.written, d_base, d_quote,
                                                 -h.collateral))

    # -- helpers -------------------------------------------------------------------------
    def _unwrite(self, acct: OptionsAccount, s: om.Series, written: int, amount: int
                 ) -> tuple[UnsignedTx, OptionsEffect]:
        freed = om.unwrite_release(s, written, amount, acct.state.params.quote_scale)
        tx = UnsignedTx(self.market, _calldata("unwrite(uint256,uint256)", s.series_id, amount),
                        0, f"close {_opts(amount)} written options of series {s.series_id}",
                        f"free {self._fmt(acct, s.is_call, freed)}")
        d_base, d_quote = (freed, 0) if s.is_call else (0, freed)
        return tx, OptionsEffect(s.series_id, -amount, -amount, d_base, d_quote, -freed)

    @staticmethod
    def _now(state: OptionsMarketState, at: int | None) -> int:
        if at is not None and at < state.timestamp:
            raise InputError(f"at={at} is before the snapshot's time {state.timestamp}")
        return state.timestamp if at is None else at

    def _collateral(self, acct: OptionsAccount, is_call: bool) -> tuple[str, int, int]:
        if is_call:
            return self.listing.base, acct.base_balance, acct.base_allowance
        return self.listing.quote, acct.quote_balance, acct.quote_allowance

    @staticmethod
    def _fmt(acct: OptionsAccount, is_call: bool, amount: int) -> str:
        if is_call:
            return f"{from_base_units(amount, 18).normalize():f} WETH"
        return OptionsMarketVenue._quote_fmt(acct, amount)

    @staticmethod
    def _quote_fmt(acct: OptionsAccount, amount: int) -> str:
        decimals = op._quote_decimals(acct.state)
        return f"{from_base_units(amount, decimals)} USDC"

    def _approve(self, token: str, allowance: int, needed: int, acct: OptionsAccount,
                 is_call: bool) -> tuple[UnsignedTx, ...]:
        if needed == 0 or allowance >= needed:
            return ()
        return (UnsignedTx(token, _calldata("approve(address,uint256)", self.market, needed), 0,
                           f"approve {self._fmt(acct, is_call, needed)} to the OptionsMarket",
                           f"the market may pull {self._fmt(acct, is_call, needed)}"),)


def _as_free(acct: OptionsAccount, series_id: int, balance: int) -> OptionsAccount:
    """``acct`` with ``balance`` free options in ``series_id`` (after cancelling its ask)."""
    holdings = tuple(replace(h, balance=balance, ask=None) if h.series_id == series_id else h
                     for h in acct.holdings)
    return replace(acct, holdings=holdings)


#: mypy checks here that OptionsMarketVenue implements the OptionsVenue protocol.
_CONFORMS: type[OptionsVenue] = OptionsMarketVenue
