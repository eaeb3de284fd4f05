"""PerpMarket under random trading on the replica (hypothesis stateful): traders deposit, trade,
withdraw and close, the market driver moves the price and the clock, a keeper liquidates.

The exact twin is the model: every call's outcome (new book, position, payout, or revert
reason) is predicted for the block it is mined in and checked against the chain. Invariants:
the market holds exactly its margins plus its fund, the fund can pay every winner, fees and
bad debt never decrease, and no account can move another's margin. Each example starts from
an EVM snapshot and reverts it in ``teardown``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from web3 import Web3
from web3.exceptions import ContractLogicError

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.driver import MarketDriver
from hedgekit.chain.replica import Replica
from hedgekit.chain.rpc import revert, snapshot
from hedgekit.venues import perp_trade as pt
from hedgekit.venues.perp import PerpMarketVenue
from hedgekit.venues.perp_math import PerpRevertError
from hedgekit.venues.perp_state import PerpPosition

ETH = 10**18
USDC = 10**6
MAX_UINT = 2**256 - 1
FAR = 2**64
T = TypeVar("T")
CHAIN_ID = 31_337


@dataclass(frozen=True)
class Env:
    """The replica and the roles of the machine (accounts by role, never by index in rules)."""

    w3: Web3
    market: Any
    usdc: Any
    driver: MarketDriver
    venue: PerpMarketVenue
    operator: str
    traders: tuple[str, ...]
    keeper: str
    attacker: str


@pytest.fixture(scope="module")
def env(replica: Replica) -> Env:
    """The module's set-up on its replica."""
    w3 = replica.w3
    accounts = w3.eth.accounts
    market = w3.eth.contract(address=A.PERP_MARKET_ETH_USD,
                             abi=project_artifact("PerpMarket").abi)
    usdc = w3.eth.contract(address=A.USDC, abi=project_artifact("Token").abi)
    return Env(w3, market, usdc, MarketDriver(w3, replica.operator), PerpMarketVenue(w3),
              replica.operator, tuple(accounts[6:9]), accounts[9], accounts[5])


class PerpSolvency(RuleBasedStateMachine):
    env: Env

    def __init__(self) -> None:
        super().__init__()
        e = self.env
        self.snapshot = snapshot(e.w3)
        e.driver.set_feed("ETH", e.driver.feed_price(A.ETH_USD_FEED))
        for trader in e.traders:
            e.usdc.functions.approve(e.market.address, MAX_UINT).transact({"from": trader})
        self.fees = e.market.functions.fees_collected().call()
        self.bad_debt = e.market.functions.bad_debt().call()
        self.held = e.usdc.functions.balanceOf(e.market.address).call()
        self._cache: dict[str, Any] = {}

    def teardown(self) -> None:
        e = self.env
        try:
            e.driver.set_feed("ETH", e.driver.feed_price(A.ETH_USD_FEED))
            for i, trader in enumerate(e.traders):
                if e.market.functions.can_liquidate(trader).call():
                    self.liquidate(i)
                elif e.market.functions.positions(trader).call()[0] != 0:
                    self.close(i)
                margin = e.market.functions.positions(trader).call()[1]
                if margin:
                    self.withdraw(i, 100)
            assert e.market.functions.total_margin().call() == 0
            assert self._balance() == e.market.functions.liquidity().call() == self.held
        finally:
            revert(e.w3, self.snapshot)

    # -- helpers -------------------------------------------------------------------------
    def _balance(self, account: str | None = None) -> int:
        return int(self.env.usdc.functions.balanceOf(account or self.env.market.address).call())

    def _position(self, account: str, now: int, oracle: bool) -> PerpPosition:
        """``account`` as the chain holds it now, seen from a block at time ``now``; with
        ``oracle`` the oracle guards apply first, as in the contract."""
        pos = self.env.venue.position(account)
        pos = replace(pos, state=replace(pos.state, timestamp=now))
        if oracle and pos.state.oracle_error is not None:
            raise PerpRevertError(pos.state.oracle_error)
        return pos

    def _execute(self, call: Any, sender: str, predict: Callable[[int], T]) -> T | None:
        """Mine ``call`` in the next block at a fixed time, after asking the twin what it
        must do there; check the outcome (or the revert reason). Returns the prediction
        (None for a revert)."""
        w3 = self.env.w3
        now = int(w3.eth.get_block("latest")["timestamp"]) + 1
        try:
            expected: T | None = predict(now)
            reason = None
        except PerpRevertError as err:
            expected, reason = None, err.reason
        reply = w3.provider.make_request("evm_setNextBlockTimestamp", [now])  # type: ignore[arg-type]
        assert "error" not in reply, reply
        tx = call.build_transaction({"from": sender, "gas": 3_000_000, "chainId": CHAIN_ID,
                                     "maxFeePerGas": 10**12, "maxPriorityFeePerGas": 0})
        receipt = w3.eth.wait_for_transaction_receipt(w3.eth.send_transaction(tx),
                                                      poll_latency=0.005)
        # by hash: after evm_revert, anvil serves the reverted block for a reused number
        assert int(w3.eth.get_block(receipt["blockHash"])["timestamp"]) == now
        if reason is None:
            assert receipt["status"] == 1, "the twin expected success"
        else:
            assert receipt["status"] == 0, f"the twin expected {reason!r}"
            with pytest.raises(ContractLogicError, match=reason):
                call.call({"from": sender})  # the latest block: the same time and state
        return expected

    def _check_account(self, account: str, book: Any, position: Any) -> None:
        after = self.env.venue.position(account)
        assert after.position == position
        assert after.state.book == book

    def _read(self) -> dict[str, Any]:
        """The market's counters and every account at the latest block (cached per block)."""
        e = self.env
        block = e.w3.eth.block_number
        if self._cache.get("block") != block:
            f = e.market.functions
            self._cache = {
                "block": block,
                "positions": [e.venue.position(a, block) for a in e.traders],
                "attacker": f.positions(e.attacker).call(block_identifier=block),
                "balance": e.usdc.functions.balanceOf(e.market.address).call(
                    block_identifier=block),
            }
        return self._cache

    # -- rules ---------------------------------------------------------------------------
    @rule(who=st.integers(0, 2), amount=st.integers(100, 200_000))
    def deposit(self, who: int, amount: int) -> None:
        e, trader = self.env, self.env.traders[who]
        e.usdc.functions.mint(trader, amount * USDC).transact({"from": e.operator})
        self.held += amount * USDC

        def predict(now: int) -> tuple[Any, Any]:
            pos = self._position(trader, now, oracle=False)
            return pt.deposit_margin(pos.state.book, pos.position, amount * USDC)

        done = self._execute(e.market.functions.deposit_margin(amount * USDC), trader, predict)
        assert done is not None
        self._check_account(trader, *done)

    @rule(who=st.integers(0, 2), size=st.integers(-60, 60).filter(bool),
          scale=st.sampled_from([1, 10, 1_000]))
    def modify(self, who: int, size: int, scale: int) -> None:
        e, trader = self.env, self.env.traders[who]
        delta = size * ETH // scale

        def predict(now: int) -> pt.TradeResult:
            pos = self._position(trader, now, oracle=True)
            return pt.modify_position(pos.state.book, pos.state.params, pos.position, delta,
                                      pos.state.oracle_price, now, acceptable, FAR)

        acceptable = MAX_UINT if delta > 0 else 0
        call = e.market.functions.modify_position(delta, acceptable, FAR)
        result = self._execute(call, trader, predict)
        if result is not None:
            self._check_account(trader, result.book, result.position)

    @rule(who=st.integers(0, 2))
    def close(self, who: int) -> None:
        e, trader = self.env, self.env.traders[who]
        before = self._balance(trader)

        size = e.market.functions.positions(trader).call()[0]
        acceptable = MAX_UINT if size < 0 else 0  # closing a short buys

        def predict(now: int) -> tuple[pt.TradeResult, int]:
            pos = self._position(trader, now, oracle=False)
            if pos.size == 0:
                raise PerpRevertError("perp: no position")
            pos = self._position(trader, now, oracle=True)
            return pt.close_position(pos.state.book, pos.state.params, pos.position,
                                     pos.state.oracle_price, now, acceptable, FAR)

        call = e.market.functions.close_position(acceptable, FAR)
        done = self._execute(call, trader, predict)
        if done is not None:
            result, payout = done
            self._check_account(trader, result.book, result.position)
            assert self._balance(trader) == before + payout
            self.held -= payout

    @rule(who=st.integers(0, 2), percent=st.integers(1, 100))
    def withdraw(self, who: int, percent: int) -> None:
        e, trader = self.env, self.env.traders[who]
        amount = max(e.market.functions.positions(trader).call()[1] * percent // 100, 1)
        before = self._balance(trader)

        def predict(now: int) -> tuple[Any, Any]:
            pos = self._position(trader, now, oracle=False)
            if pos.size != 0:
                pos = self._position(trader, now, oracle=True)
            return pt.withdraw_margin(pos.state.book, pos.state.params, pos.position, amount,
                                      pos.state.oracle_price, now)

        done = self._execute(e.market.functions.withdraw_margin(amount), trader, predict)
        if done is not None:
            self._check_account(trader, *done)
            assert self._balance(trader) == before + amount
            self.held -= amount

    @rule(who=st.integers(0, 2))
    def liquidate(self, who: int) -> None:
        e, trader = self.env, self.env.traders[who]
        before = self._balance(e.keeper)

        def predict(now: int) -> pt.LiquidationResult:
            pos = self._position(trader, now, oracle=True)
            return pt.liquidate(pos.state.book, pos.state.params, pos.position,
                                pos.state.oracle_price, now)

        result = self._execute(e.market.functions.liquidate(trader), e.keeper, predict)
        if result is not None:
            self._check_account(trader, result.book, pt.Position())
            assert self._balance(e.keeper) == before + result.keeper_reward
            self.held -= result.keeper_reward

    @rule(who=st.integers(0, 2), amount=st.integers(1, 10**12))
    def attacker_withdraws(self, who: int, amount: int) -> None:
        e = self.env
        victim = e.market.functions.positions(e.traders[who]).call()
        with pytest.raises(ContractLogicError, match="perp: insufficient margin"):
            e.market.functions.withdraw_margin(amount).call({"from": e.attacker})
        assert e.market.functions.positions(e.traders[who]).call() == victim

    @rule(percent=st.integers(-12, 12))
    def move_price(self, percent: int) -> None:
        driver = self.env.driver
        driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED) * Fraction(100 + percent, 100))

    @rule(seconds=st.sampled_from([60, 3_600, 86_400, 3 * 86_400]))
    def wait(self, seconds: int) -> None:
        self.env.driver.advance(seconds)

    @rule()
    def refresh_oracle(self) -> None:
        driver = self.env.driver
        driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED))

    # -- invariants ----------------------------------------------------------------------
    @invariant()
    def market_holds_exactly_its_margins_plus_its_fund(self) -> None:
        read = self._read()
        book = read["positions"][0].state.book
        margins = sum(p.margin for p in read["positions"]) + read["attacker"][1]
        assert book.total_margin == margins
        assert read["balance"] == margins + book.liquidity == self.held

    @invariant()
    def fund_can_pay_every_winner_in_full(self) -> None:
        read = self._read()
        owed = sum(max(p.remaining_margin // p.state.params.collateral_scale - p.margin, 0)
                   for p in read["positions"])
        assert owed <= read["positions"][0].state.liquidity

    @invariant()
    def fees_and_bad_debt_never_decrease(self) -> None:
        book = self._read()["positions"][0].state.book
        assert book.fees_collected >= self.fees and book.bad_debt >= self.bad_debt
        self.fees, self.bad_debt = book.fees_collected, book.bad_debt


def test_perp_market__stays_solvent_and_matches_its_twin_under_random_trading(
        env: Env) -> None:
    PerpSolvency.env = env
    run_state_machine_as_test(PerpSolvency, settings=settings(
        max_examples=20, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow]))
