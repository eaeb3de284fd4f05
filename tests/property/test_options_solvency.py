"""OptionsMarket under random use on the replica (hypothesis stateful): writers write, offer
and unwrite, buyers buy, bid and exercise, the market driver moves the oracle and the clock,
a keeper settles, writers withdraw.

The exact twin predicts each call's outcome for the block it is mined in (its payout, or its
revert reason) and the chain must agree. Invariants: the market's USDC covers every put
series' claims plus the bids' escrow and its WETH every call series' claims (the maximum
payout of the open interest plus the writers' withdrawable collateral), series by series;
the balances equal the bookkeeping exactly. Each example starts from an EVM snapshot and
reverts it in ``teardown``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from web3 import Web3
from web3.exceptions import ContractLogicError

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.driver import MarketDriver
from hedgekit.chain.multicall import Call, multicall
from hedgekit.chain.replica import Replica
from hedgekit.chain.rpc import revert, snapshot
from hedgekit.venues import options_math as om
from hedgekit.venues.options import OptionsMarketVenue
from hedgekit.venues.options_math import OptionsRevertError

OPT = 10**18
USDC = 10**6
WAD = 10**18
MAX_UINT = 2**256 - 1
HOUR = 3_600
T = TypeVar("T")


@dataclass(frozen=True)
class Env:
    """The replica and the roles of the machine (accounts by role, never by index in rules)."""

    w3: Web3
    market: Any
    usdc: Any
    weth: Any
    driver: MarketDriver
    venue: OptionsMarketVenue
    operator: str
    writers: tuple[str, ...]
    buyers: tuple[str, ...]
    keeper: str


@pytest.fixture(scope="module")
def env(replica: Replica) -> Env:
    """The module's set-up on its replica."""
    w3 = replica.w3
    accounts = w3.eth.accounts
    market = w3.eth.contract(address=A.OPTIONS_MARKET_ETH_USD,
                             abi=project_artifact("OptionsMarket").abi)
    usdc = w3.eth.contract(address=A.USDC, abi=project_artifact("Token").abi)
    weth = w3.eth.contract(address=A.WETH, abi=npm_artifact("WETH9").abi)
    return Env(w3, market, usdc, weth, MarketDriver(w3, replica.operator), OptionsMarketVenue(w3),
              replica.operator, tuple(accounts[6:8]), tuple(accounts[8:10]), accounts[5])


class OptionsSolvency(RuleBasedStateMachine):
    env: Env

    def __init__(self) -> None:
        super().__init__()
        e = self.env
        self.snapshot = snapshot(e.w3)
        e.driver.set_feed("ETH", e.driver.feed_price(A.ETH_USD_FEED))
        spot = int(e.driver.feed_price(A.ETH_USD_FEED))
        start = int(e.w3.eth.get_block("latest")["timestamp"])
        self.ids = []
        # Both series start 200 USD in the money; the rules move the price +-30 % a step.
        for strike, is_call, hours in ((spot // 100 * 100 + 200, False, 3),
                                       (spot // 100 * 100 - 200, True, 8)):
            self._send(e.market.functions.create_series(strike * WAD, start + hours * HOUR,
                                                        is_call), e.operator)
            self.ids.append(int(e.market.functions.series_count().call()))
        for account in (*e.writers, *e.buyers):
            self._send(e.usdc.functions.mint(account, 10**7 * USDC), e.operator)
            self._send(e.weth.functions.deposit(), account, 500 * OPT)
            for token in (e.usdc, e.weth):
                self._send(token.functions.approve(e.market.address, MAX_UINT), account)
        self.makers = (e.operator, *e.writers, *e.buyers)

    def teardown(self) -> None:
        revert(self.env.w3, self.snapshot)

    # -- helpers -------------------------------------------------------------------------
    def _send(self, call: Any, sender: str, value: int = 0) -> None:
        """Send and wait until mined (anvil mines sends asynchronously)."""
        tx_hash = call.transact({"from": sender, "value": value})
        receipt = self.env.w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.005)
        assert receipt["status"] == 1
    def _series(self, which: int) -> om.Series:
        sid = self.ids[which]
        return om.Series(sid, *self.env.market.functions.series(sid).call())

    def _execute(self, call: Any, sender: str, predict: Callable[[int], T]) -> T | None:
        """Mine ``call`` in the next block at a known time; check it did what the twin said
        (or reverted with the twin's reason). Returns the prediction."""
        w3 = self.env.w3
        now = int(w3.eth.get_block("latest")["timestamp"]) + 1
        try:
            expected: T | None = predict(now)
            reason = None
        except OptionsRevertError as err:
            expected, reason = None, err.reason
        w3.provider.make_request("evm_setNextBlockTimestamp", [now])  # type: ignore[arg-type]
        tx_hash = w3.eth.send_transaction(call.build_transaction({"from": sender,
                                                                  "gas": 3_000_000}))
        receipt = w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.005)
        assert w3.eth.get_block(receipt["blockNumber"])["timestamp"] == now
        if reason is None:
            assert receipt["status"] == 1, "the twin expected success"
        else:
            assert receipt["status"] == 0, f"the twin expected {reason!r}"
            with pytest.raises(ContractLogicError, match=reason):
                call.call({"from": sender})
        return expected

    def _balance(self, token: Any, account: str) -> int:
        return int(token.functions.balanceOf(account).call())

    # -- rules ---------------------------------------------------------------------------
    @initialize(sizes=st.lists(st.integers(1, 40), min_size=4, max_size=4),
                given=st.integers(0, 100))
    def open_positions(self, sizes: list[int], given: int) -> None:
        """Every writer writes both series and hands ``given`` % to a buyer."""
        e = self.env
        for k, (writer, buyer) in enumerate(zip(e.writers, e.buyers, strict=True)):
            for which in (0, 1):
                size = sizes[2 * k + which] * OPT // 7
                self._send(e.market.functions.write(self.ids[which], size), writer)
                self._send(e.market.functions.transfer(buyer, self.ids[which],
                                                       size * given // 100), writer)

    @rule(who=st.integers(0, 1), which=st.integers(0, 1), amount=st.integers(1, 60))
    def write(self, who: int, which: int, amount: int) -> None:
        e, writer = self.env, self.env.writers[who]
        size = amount * OPT // 7
        token = e.weth if self._series(which).is_call else e.usdc
        before = self._balance(token, writer)
        written = int(e.market.functions.written(self.ids[which], writer).call())

        def predict(now: int) -> int:
            s = om.check_open(self._series(which), now)
            return om.write_charge(s, written, size, 10**12)

        charge = self._execute(e.market.functions.write(self.ids[which], size), writer, predict)
        if charge is not None:
            assert self._balance(token, writer) == before - charge

    @rule(who=st.integers(0, 1), which=st.integers(0, 1), percent=st.integers(1, 100),
          price=st.integers(1, 400))
    def offer(self, who: int, which: int, percent: int, price: int) -> None:
        e, writer = self.env, self.env.writers[who]
        sid = self.ids[which]
        amount = int(e.market.functions.balanceOf(writer, sid).call()) * percent // 100
        has_ask = int(e.market.functions.asks(sid, writer).call()[0]) > 0

        def predict(now: int) -> None:
            om.check_open(self._series(which), now)
            if amount == 0 and not has_ask:
                raise OptionsRevertError("options: zero amount")

        self._execute(e.market.functions.place_ask(sid, amount, price * USDC), writer, predict)

    @rule(who=st.integers(0, 1), seller=st.integers(0, 1), which=st.integers(0, 1),
          percent=st.integers(1, 100))
    def buy(self, who: int, seller: int, which: int, percent: int) -> None:
        e, buyer, maker = self.env, self.env.buyers[who], self.env.writers[seller]
        sid = self.ids[which]
        offered, price = (int(v) for v in e.market.functions.asks(sid, maker).call())
        amount = max(offered * percent // 100, 1)
        before = self._balance(e.usdc, buyer)

        def predict(now: int) -> int:
            om.check_open(self._series(which), now)
            if amount > offered:
                raise OptionsRevertError("options: exceeds ask")
            return om.ask_premium(price, amount)

        paid = self._execute(e.market.functions.buy(sid, maker, amount, price), buyer, predict)
        if paid is not None:
            assert self._balance(e.usdc, buyer) == before - paid

    @rule(who=st.integers(0, 1), which=st.integers(0, 1), amount=st.integers(1, 30),
          price=st.integers(1, 300))
    def bid(self, who: int, which: int, amount: int, price: int) -> None:
        e, bidder = self.env, self.env.buyers[who]

        def predict(now: int) -> None:
            om.check_open(self._series(which), now)

        self._execute(e.market.functions.place_bid(self.ids[which], amount * OPT // 3,
                                                   price * USDC + 1), bidder, predict)

    @rule(who=st.integers(0, 1), bidder=st.integers(0, 1), which=st.integers(0, 1),
          percent=st.integers(1, 100))
    def sell(self, who: int, bidder: int, which: int, percent: int) -> None:
        e, seller, maker = self.env, self.env.writers[who], self.env.buyers[bidder]
        sid = self.ids[which]
        wanted, price, _ = (int(v) for v in e.market.functions.bids(sid, maker).call())
        held = int(e.market.functions.balanceOf(seller, sid).call())
        amount = max(min(wanted, held) * percent // 100, 1)
        before = self._balance(e.usdc, seller)

        def predict(now: int) -> int:
            om.check_open(self._series(which), now)
            if amount > wanted:
                raise OptionsRevertError("options: exceeds bid")
            if amount > held:
                raise OptionsRevertError("options: balance")
            return om.bid_premium(price, amount)

        got = self._execute(e.market.functions.sell(sid, maker, amount, price), seller, predict)
        if got is not None:
            assert self._balance(e.usdc, seller) == before + got

    @rule(who=st.integers(0, 1), which=st.integers(0, 1))
    def unwrite(self, who: int, which: int) -> None:
        e, writer = self.env, self.env.writers[who]
        sid = self.ids[which]
        amount = min(int(e.market.functions.balanceOf(writer, sid).call()),
                     int(e.market.functions.written(sid, writer).call()))
        if amount == 0 or self._series(which).settled:
            return
        self._send(e.market.functions.unwrite(sid, amount), writer)

    @rule(percent=st.integers(-30, 30))
    def move_price(self, percent: int) -> None:
        driver = self.env.driver
        driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED) * Fraction(100 + percent, 100))

    @rule(hours=st.sampled_from([1, 3, 5, 9]))
    def wait(self, hours: int) -> None:
        self.env.driver.advance(hours * HOUR)

    def _unsettled(self) -> bool:
        return not all(self._series(i).settled for i in (0, 1))

    def _any_settled(self) -> bool:
        return any(self._series(i).settled for i in (0, 1))

    @precondition(_unsettled)
    @rule(late_minutes=st.sampled_from([1, 90, 2_000]), refresh=st.booleans())
    def settle(self, late_minutes: int, refresh: bool) -> None:
        """A keeper settles every expired series on the latest round (fresh or not),
        waiting first, if none has expired, until ``late_minutes`` after the next expiry
        (2,000 minutes is past the one-day settlement window)."""
        e = self.env
        now = int(e.w3.eth.get_block("latest")["timestamp"])
        pending = [s.expiry for s in map(self._series, (0, 1)) if not s.settled]
        if now < min(pending):
            e.driver.advance(min(pending) - now + 60 * late_minutes)
        if refresh:  # a keeper settles right after a new round
            e.driver.set_feed("ETH", e.driver.feed_price(A.ETH_USD_FEED))
        feed = e.w3.eth.contract(address=A.ETH_USD_FEED, abi=project_artifact("PriceFeed").abi)
        _, answer, _, updated_at, _ = feed.functions.latestRoundData().call()
        params = om.MarketParams(int(e.market.functions.max_oracle_age().call()),
                                 int(e.market.functions.settlement_window().call()))

        now = int(e.w3.eth.get_block("latest")["timestamp"])
        for which in (0, 1):
            if self._series(which).settled or now < self._series(which).expiry:
                continue

            def predict(now: int, which: int = which) -> int:
                return om.check_settle(self._series(which), params, now, answer, updated_at)

            price = self._execute(e.market.functions.settle(self.ids[which]), e.keeper,
                                  predict)
            if price is not None:
                event("settled")
                assert self._series(which).settlement_price == price

    @precondition(_any_settled)
    @rule(which=st.integers(0, 1), percent=st.integers(1, 100))
    def exercise(self, which: int, percent: int) -> None:
        """Every holder exercises ``percent`` of its free options of series ``which``."""
        e = self.env
        sid = self.ids[which]
        for holder in (*e.buyers, *e.writers):
            amount = int(e.market.functions.balanceOf(holder, sid).call()) * percent // 100
            if amount == 0:
                continue
            s = self._series(which)
            token = e.weth if s.is_call else e.usdc
            before = self._balance(token, holder)

            def predict(now: int, s: om.Series = s, amount: int = amount) -> int:
                if not s.settled:
                    raise OptionsRevertError("options: not settled")
                return om.payout(s, amount, 10**12)

            pay = self._execute(e.market.functions.exercise(sid, amount), holder, predict)
            if pay is not None:
                event("exercised in the money" if pay else "exercised out of the money")
                assert self._balance(token, holder) == before + pay

    @precondition(_any_settled)
    @rule(which=st.integers(0, 1))
    def withdraw(self, which: int) -> None:
        """Every writer withdraws from series ``which``."""
        e = self.env
        sid = self.ids[which]
        for writer in e.writers:
            s = self._series(which)
            written = int(e.market.functions.written(sid, writer).call())
            token = e.weth if s.is_call else e.usdc
            before = self._balance(token, writer)

            def predict(now: int, s: om.Series = s, written: int = written) -> int:
                if not s.settled:
                    raise OptionsRevertError("options: not settled")
                if written == 0:
                    raise OptionsRevertError("options: nothing written")
                return om.withdrawable(s, written, 10**12)

            got = self._execute(e.market.functions.withdraw(sid), writer, predict)
            if got is not None:
                event("withdrew collateral")
                assert self._balance(token, writer) == before + got

    # -- invariants ----------------------------------------------------------------------
    def _claims(self) -> tuple[list[tuple[om.Series, int]], int]:
        """Every series with its claims, and the bids' total escrow, at one block."""
        e = self.env
        state = e.venue.market_state()
        m = e.market.address
        calls = [Call(m, "written(uint256,address)", (b.series.series_id, w), ("uint256",))
                 for b in state.books for w in self.makers]
        got = [int(a[0]) for a in multicall(e.w3, calls, state.block_number) if a is not None]
        n = len(self.makers)
        out = []
        for i, b in enumerate(state.books):
            written = got[i * n: (i + 1) * n]
            assert sum(written) == b.series.written
            out.append((b.series, om.claims(b.series, written, state.params.quote_scale)))
        return out, sum(bid.escrow for b in state.books for bid in b.bids)

    @invariant()
    def collateral_covers_every_series_max_payout_plus_withdrawable_collateral(self) -> None:
        e = self.env
        claims, escrow = self._claims()
        for series, owed in claims:
            assert series.collateral >= owed
        usdc_owed = sum(owed for s, owed in claims if not s.is_call) + escrow
        weth_owed = sum(owed for s, owed in claims if s.is_call)
        assert self._balance(e.usdc, e.market.address) >= usdc_owed
        assert self._balance(e.weth, e.market.address) >= weth_owed

    @invariant()
    def balances_equal_the_collateral_and_escrow_booked(self) -> None:
        e = self.env
        claims, escrow = self._claims()
        assert self._balance(e.usdc, e.market.address) == sum(
            s.collateral for s, _ in claims if not s.is_call) + escrow
        assert self._balance(e.weth, e.market.address) == sum(
            s.collateral for s, _ in claims if s.is_call)


def test_options_market__collateral_always_covers_every_open_series_under_random_use(
        env: Env) -> None:
    OptionsSolvency.env = env
    run_state_machine_as_test(OptionsSolvency, settings=settings(
        max_examples=15, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
