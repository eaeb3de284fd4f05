"""PerpMarket ETH-USD on the replica: round trips to the wei, fees, funding, liquidation at the
adapter's price, guards and owner-only parameters; the twin and the adapter against the
contract."""

from __future__ import annotations

from dataclasses import fields, replace
from fractions import Fraction
from typing import Any

import pytest
from chain_support import send
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.driver import MarketDriver
from hedgekit.chain.perp_deploy import DEFAULT_PARAMS
from hedgekit.chain.rpc import revert, snapshot
from hedgekit.venues import perp_math as pm
from hedgekit.venues import perp_trade as pt
from hedgekit.venues.perp import PerpMarketVenue, decode_revert
from hedgekit.venues.perp_math import PerpRevertError
from hedgekit.venues.perp_state import PerpPosition

ETH = 10**18
USDC = 10**6
WAD = 10**18
MAX_UINT = 2**256 - 1
FAR = 2**64  # a deadline that never expires

pytestmark = pytest.mark.usefixtures("fresh_oracle")  # no test starts on a stale oracle


@pytest.fixture
def market(w3: Web3) -> Any:
    return w3.eth.contract(address=A.PERP_MARKET_ETH_USD, abi=project_artifact("PerpMarket").abi)


@pytest.fixture
def venue(w3: Web3) -> PerpMarketVenue:
    return PerpMarketVenue(w3)


def deposit(w3: Web3, market: Any, usdc: Any, fund: Any, account: str, amount: int) -> None:
    fund(A.USDC, account, amount)
    send(w3, usdc.functions.approve(market.address, MAX_UINT), account)
    send(w3, market.functions.deposit_margin(amount), account)


def trade(w3: Web3, market: Any, account: str, size: int) -> Any:
    acceptable = MAX_UINT if size > 0 else 0
    return send(w3, market.functions.modify_position(size, acceptable, FAR), account)


def timestamp(w3: Web3, receipt: Any) -> int:
    # by hash: after evm_revert, anvil serves the reverted block for a reused number
    return int(w3.eth.get_block(receipt["blockHash"])["timestamp"])


def next_block_at(w3: Web3, when: int) -> None:
    w3.provider.make_request("evm_setNextBlockTimestamp", [when])  # type: ignore[arg-type]


def reverts(call: Any, sender: str, reason: str) -> None:
    with pytest.raises(ContractLogicError, match=reason):
        call.call({"from": sender})


def chain_position(market: Any, account: str) -> pm.Position:
    return pm.Position(*market.functions.positions(account).call())


def test_perp_market__sits_at_its_canonical_address_owned_by_the_operator_and_funded(
        market: Any, usdc: Any, actors: Any, venue: PerpMarketVenue) -> None:
    state = venue.market_state()
    assert market.functions.owner().call() == actors.operator
    assert state.market_key == "ETH-USD" and state.oracle == A.ETH_USD_FEED
    assert state.liquidity == DEFAULT_PARAMS.initial_liquidity
    assert usdc.functions.balanceOf(market.address).call() == state.liquidity
    for field in fields(pm.MarketParams):
        if hasattr(DEFAULT_PARAMS, field.name):
            assert getattr(state.params, field.name) == getattr(DEFAULT_PARAMS, field.name)


def test_open_move_close__pays_margin_minus_fees_plus_pnl_to_the_wei(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: PerpMarketVenue) -> None:
    trader = actors.trader
    deposit(w3, market, usdc, fund, trader, 10_000 * USDC)
    before = venue.position(trader)
    receipt = trade(w3, market, trader, 5 * ETH)
    opened = pt.modify_position(before.state.book, before.state.params, before.position,
                                5 * ETH, before.state.oracle_price, timestamp(w3, receipt))
    assert chain_position(market, trader) == opened.position
    driver.set_price("ETH", driver.feed_price(A.ETH_USD_FEED) * Fraction(105, 100))
    held = venue.position(trader)
    fund_before = held.state.liquidity
    receipt = send(w3, market.functions.close_position(0, FAR), trader)
    closed, payout = pt.close_position(held.state.book, held.state.params, held.position,
                                       held.state.oracle_price, timestamp(w3, receipt))
    assert usdc.functions.balanceOf(trader).call() == payout
    assert payout > 10_000 * USDC  # the 5 % rise beats the fees
    assert market.functions.liquidity().call() == closed.book.liquidity
    assert fund_before - closed.book.liquidity == payout - held.margin
    assert chain_position(market, trader) == pm.Position(last_price=held.state.oracle_price,
                                                         last_funding_index=closed.funding_index)
    assert usdc.functions.balanceOf(market.address).call() == (
        market.functions.total_margin().call() + market.functions.liquidity().call())


def test_fees__taker_on_the_part_growing_skew_and_maker_on_the_part_reducing_it(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, venue: PerpMarketVenue) -> None:
    deposit(w3, market, usdc, fund, actors.trader, 10_000 * USDC)
    deposit(w3, market, usdc, fund, actors.lp, 10_000 * USDC)
    price = venue.market_state().oracle_price
    receipt = trade(w3, market, actors.trader, 4 * ETH)
    (event,) = market.events.PositionModified().process_receipt(receipt, errors=DISCARD)
    assert event.args.fee == -(-4 * price * 5 // 10_000 // 10**12)  # taker 5 bps, rounded up
    receipt = trade(w3, market, actors.lp, -10 * ETH)
    (event,) = market.events.PositionModified().process_receipt(receipt, errors=DISCARD)
    weighted = 4 * ETH * DEFAULT_PARAMS.maker_fee + 6 * ETH * DEFAULT_PARAMS.taker_fee
    assert event.args.fee == pm.ceil_div(weighted * price, WAD * WAD * 10**12)
    assert market.functions.fees_collected().call() == (
        pm.order_fee(4 * ETH, 0, price, venue.market_state().params) + event.args.fee)


def test_funding__accrued_over_a_day_equals_the_documented_formula(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: PerpMarketVenue) -> None:
    deposit(w3, market, usdc, fund, actors.trader, 1_000_000 * USDC)
    trade(w3, market, actors.trader, 2_000 * ETH)
    opened = venue.market_state()
    driver.advance(86_400)
    driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED))
    latest = w3.eth.get_block("latest")
    block, now = latest["number"], int(latest["timestamp"])
    accrued = market.functions.accrued_funding(actors.trader).call(block_identifier=block)
    # the NatSpec formula, in exact integers (skew 2000 ETH: velocity 9 * 2000 / 1e6 per day^2)
    elapsed = now - opened.book.funding_time_last
    velocity = 2_000 * ETH * WAD // DEFAULT_PARAMS.skew_scale * 9 * WAD // WAD
    rate = opened.book.funding_rate_last + velocity * elapsed // 86_400
    price = opened.oracle_price
    delta_index = -((opened.book.funding_rate_last + rate) * elapsed * price
                    // (2 * 86_400 * WAD))
    entry_index = chain_position(market, actors.trader).last_funding_index
    expected = 2_000 * (opened.book.funding_index + delta_index - entry_index)
    assert accrued == expected < 0  # the skew is long: longs pay
    assert market.functions.current_funding_rate().call(block_identifier=block) == rate
    # in real numbers: velocity * t^2 / 2 * P * size, velocity = 0.018 per day^2, t in days
    days = Fraction(elapsed, 86_400)
    assert abs(Fraction(accrued, WAD) + Fraction(9 * 2_000, 10**6) * days**2 / 2 * 2_000
               * Fraction(price, WAD)) < Fraction(1, 100)


def test_twin__predicts_every_contract_view_at_a_pinned_block(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: PerpMarketVenue) -> None:
    accounts = (actors.trader, actors.lp, actors.keeper)
    for account, size in zip(accounts, (30 * ETH, -12 * ETH, 7 * ETH), strict=True):
        deposit(w3, market, usdc, fund, account, 50_000 * USDC)
        trade(w3, market, account, size)
        driver.advance(7_200)
        driver.set_price("ETH", driver.feed_price(A.ETH_USD_FEED) * Fraction(97, 100))
    block = w3.eth.block_number
    views = market.functions
    for account in accounts:
        pos = venue.position(account, block)
        assert pos.block_number == block
        for name, twin in (("remaining_margin", pos.remaining_margin),
                           ("accrued_funding", pos.accrued_funding),
                           ("unrealized_pnl", pos.unrealized_pnl),
                           ("liquidation_margin", pos.liquidation_margin),
                           ("can_liquidate", pos.can_liquidate)):
            assert getattr(views, name)(account).call(block_identifier=block) == twin, name
    state = venue.market_state(block)
    assert views.current_funding_rate().call(block_identifier=block) == state.funding_rate
    assert views.current_funding_velocity().call(block_identifier=block) == state.funding_velocity
    assert views.funding_index_now().call(block_identifier=block) == state.funding_index
    assert views.net_unrealized_pnl().call(block_identifier=block) == state.net_unrealized_pnl
    assert views.free_liquidity().call(block_identifier=block) == state.free_liquidity
    for size in (5 * ETH, -40 * ETH):
        assert views.order_fee(size).call(block_identifier=block) == pm.order_fee(
            size, state.skew, state.oracle_price, state.params)


@pytest.mark.parametrize("size", [10 * ETH, -10 * ETH], ids=["long", "short"])
def test_liquidation__starts_exactly_at_the_adapters_liquidation_price(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: PerpMarketVenue, size: int) -> None:
    price = venue.market_state().oracle_price
    deposit(w3, market, usdc, fund, actors.trader, 10 * price // WAD * USDC // 20)  # 20x
    trade(w3, market, actors.trader, size)
    pos = venue.position(actors.trader)
    when = pos.state.timestamp + 100
    at_when = replace(pos, state=replace(pos.state, timestamp=when))
    liquidation = at_when.liquidation_price
    assert liquidation is not None
    answer = liquidation // pos.state.params.price_scale
    safe = answer + 1 if size > 0 else answer - 1
    taken = snapshot(w3)
    next_block_at(w3, when)
    driver.set_feed("ETH", Fraction(safe, 10**8))
    assert market.functions.can_liquidate(actors.trader).call() is False
    reverts(market.functions.liquidate(actors.trader), actors.liquidator, "perp: not liquidatable")
    revert(w3, taken)
    next_block_at(w3, when)
    driver.set_feed("ETH", Fraction(answer, 10**8))
    assert market.functions.can_liquidate(actors.trader).call() is True
    send(w3, market.functions.liquidate(actors.trader), actors.liquidator)
    assert chain_position(market, actors.trader) == pm.Position()


def _liquidate_after(w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any,
                     driver: MarketDriver, venue: PerpMarketVenue, leverage: int,
                     move: Fraction) -> tuple[PerpPosition, pt.LiquidationResult, Any]:
    price = venue.market_state().oracle_price
    deposit(w3, market, usdc, fund, actors.trader, 10 * price // WAD * USDC // leverage)
    trade(w3, market, actors.trader, 10 * ETH)
    driver.set_price("ETH", driver.feed_price(A.ETH_USD_FEED) * move)
    pos = venue.position(actors.trader)
    receipt = send(w3, market.functions.liquidate(actors.trader), actors.liquidator)
    result = pt.liquidate(pos.state.book, pos.state.params, pos.position,
                          pos.state.oracle_price, timestamp(w3, receipt))
    return pos, result, receipt


def test_liquidate__pays_the_keeper_reward_and_moves_the_margin_to_the_fund_to_the_wei(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: PerpMarketVenue) -> None:
    pos, result, receipt = _liquidate_after(w3, market, usdc, fund, actors, driver, venue, 20,
                                            Fraction(96, 100))
    notional = 10 * pos.state.oracle_price  # 10 ETH, USD wad
    assert result.bad_debt == 0
    assert result.keeper_reward == notional * 5 // 1_000 // 10**12  # 0.5 % of the notional
    assert usdc.functions.balanceOf(actors.liquidator).call() == result.keeper_reward
    assert market.functions.liquidity().call() == (
        pos.state.liquidity + pos.margin - result.keeper_reward)
    (event,) = market.events.PositionLiquidated().process_receipt(receipt, errors=DISCARD)
    assert (event.args.keeper_reward, event.args.margin) == (result.keeper_reward, pos.margin)
    assert market.functions.open_interest_long().call() == 0


def test_liquidate__after_a_gap_move_caps_the_loss_at_the_margin_as_bad_debt(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: PerpMarketVenue) -> None:
    pos, result, _ = _liquidate_after(w3, market, usdc, fund, actors, driver, venue, 24,
                                      Fraction(85, 100))
    assert result.remaining_margin < 0 and result.bad_debt > 0
    assert market.functions.bad_debt().call() == result.bad_debt
    assert market.functions.liquidity().call() == (
        pos.state.liquidity + pos.margin - result.keeper_reward)
    assert usdc.functions.balanceOf(market.address).call() == (
        market.functions.total_margin().call() + market.functions.liquidity().call())


@pytest.mark.parametrize(("size", "margin", "reason"), [
    (0, 1_000, "perp: zero size"),
    (10 * ETH, 1_000, "perp: max leverage"),
    (ETH // 100, 40, "perp: min margin"),
])
def test_modify_position__bad_parameters_revert_with_their_reason(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, size: int, margin: int,
        reason: str) -> None:
    deposit(w3, market, usdc, fund, actors.trader, margin * USDC)
    reverts(market.functions.modify_position(size, MAX_UINT, FAR), actors.trader, reason)


def test_modify_position__past_the_open_interest_cap_reverts(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any) -> None:
    send(w3, market.functions.set_max_open_interest(10 * ETH), actors.operator)
    deposit(w3, market, usdc, fund, actors.trader, 100_000 * USDC)
    trade(w3, market, actors.trader, 10 * ETH)
    reverts(market.functions.modify_position(1, MAX_UINT, FAR), actors.trader,
            "perp: max open interest")
    trade(w3, market, actors.trader, -3 * ETH)  # shrinking is always allowed


def test_modify_position__on_a_stale_or_jumping_oracle_reverts(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver) -> None:
    deposit(w3, market, usdc, fund, actors.trader, 10_000 * USDC)
    call = market.functions.modify_position(ETH, MAX_UINT, FAR)
    driver.advance(DEFAULT_PARAMS.max_oracle_age + 1)
    reverts(call, actors.trader, "perp: stale price")
    driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED) * Fraction(125, 100))
    reverts(call, actors.trader, "perp: price deviation")
    driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED))
    trade(w3, market, actors.trader, ETH)


def test_modify_position__beyond_the_acceptable_price_or_deadline_reverts(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, venue: PerpMarketVenue) -> None:
    deposit(w3, market, usdc, fund, actors.trader, 10_000 * USDC)
    state = venue.market_state()
    fn = market.functions.modify_position
    reverts(fn(ETH, state.oracle_price - 1, FAR), actors.trader, "perp: price slippage")
    reverts(fn(-ETH, state.oracle_price + 1, FAR), actors.trader, "perp: price slippage")
    reverts(fn(ETH, MAX_UINT, state.timestamp - 1), actors.trader, "perp: expired")


def test_withdraw_margin__is_bounded_by_leverage_and_by_the_callers_own_margin(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any) -> None:
    deposit(w3, market, usdc, fund, actors.trader, 10_000 * USDC)
    trade(w3, market, actors.trader, 50 * ETH)  # about 16x
    reverts(market.functions.withdraw_margin(5_000 * USDC), actors.trader, "perp: max leverage")
    reverts(market.functions.withdraw_margin(1), actors.attacker, "perp: insufficient margin")
    send(w3, market.functions.withdraw_margin(1_000 * USDC), actors.trader)
    assert usdc.functions.balanceOf(actors.trader).call() == 1_000 * USDC


SETTERS = [
    ("set_fees", (1, 1)),
    ("set_margin_params", (10 * WAD, 10**16, 1)),
    ("set_liquidation_params", (10**15, 1, 2)),
    ("set_funding_params", (10**24, WAD)),
    ("set_max_open_interest", (1,)),
    ("set_oracle_params", (60, 10**17)),
    ("set_liquidity_reserve_ratio", (0,)),
    ("transfer_ownership", ("0x" + "11" * 20,)),
    ("defund", (1, "0x" + "11" * 20)),
]


@pytest.mark.parametrize(("name", "args"), SETTERS, ids=[s[0] for s in SETTERS])
def test_owner_only_calls__revert_for_anyone_else_and_work_for_the_owner(
        w3: Web3, market: Any, actors: Any, name: str, args: tuple[Any, ...]) -> None:
    call = getattr(market.functions, name)(*args)
    reverts(call, actors.attacker, "perp: not owner")
    send(w3, call, actors.operator)


def test_ownership__moves_in_two_steps(w3: Web3, market: Any, actors: Any) -> None:
    send(w3, market.functions.transfer_ownership(actors.keeper), actors.operator)
    assert market.functions.owner().call() == actors.operator
    reverts(market.functions.accept_ownership(), actors.attacker, "perp: not pending owner")
    send(w3, market.functions.accept_ownership(), actors.keeper)
    assert market.functions.owner().call() == actors.keeper
    reverts(market.functions.set_fees(0, 0), actors.operator, "perp: not owner")


def test_defund__beyond_free_liquidity_reverts(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, venue: PerpMarketVenue) -> None:
    deposit(w3, market, usdc, fund, actors.trader, 1_000_000 * USDC)
    trade(w3, market, actors.trader, 5_000 * ETH)
    free = venue.market_state().free_liquidity
    assert 0 < free < venue.market_state().liquidity
    reverts(market.functions.defund(free + 10**9, actors.operator), actors.operator,
            "perp: liquidity locked")
    before = usdc.functions.balanceOf(actors.keeper).call()
    send(w3, market.functions.defund(free // 2, actors.keeper), actors.operator)
    assert usdc.functions.balanceOf(actors.keeper).call() == before + free // 2


def _send_order(w3: Web3, txs: Any, sender: str) -> None:
    for tx in txs:
        transact(w3, tx.as_params(sender) | {"gas": 3_000_000}, tx.description)


def test_venue_builders__effects_equal_the_mined_outcome_to_the_wei(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: PerpMarketVenue) -> None:
    fund(A.USDC, actors.trader, 5_000 * USDC)
    order = venue.build_open(venue.position(actors.trader), -8 * ETH, 5_000 * USDC)
    assert [tx.to for tx in order.txs] == [A.USDC, market.address, market.address]
    _send_order(w3, order.txs, actors.trader)
    opened = venue.position(actors.trader)
    assert (opened.size, opened.margin) == (order.effect.size_after, order.effect.margin_after)
    assert order.effect.fee == 5_000 * USDC - opened.margin > 0
    driver.advance(3_600)
    driver.set_price("ETH", driver.feed_price(A.ETH_USD_FEED) * Fraction(98, 100))
    held = venue.position(actors.trader)
    when = held.state.timestamp + 12
    order = venue.build_close(held, at=when)
    next_block_at(w3, when)
    _send_order(w3, order.txs, actors.trader)
    assert usdc.functions.balanceOf(actors.trader).call() == order.effect.payout
    assert order.effect.payout > 5_000 * USDC - order.effect.fee  # the short gained 2 %
    assert venue.position(actors.trader).size == 0


def test_venue_builders__refuse_what_the_contract_would_reject_with_its_reason(
        w3: Web3, fund: Any, actors: Any, driver: MarketDriver, venue: PerpMarketVenue) -> None:
    fund(A.USDC, actors.trader, 1_000 * USDC)
    pos = venue.position(actors.trader)
    with pytest.raises(PerpRevertError, match="perp: max leverage"):
        venue.build_open(pos, 100 * ETH, 1_000 * USDC)
    driver.advance(DEFAULT_PARAMS.max_oracle_age + 1)
    with pytest.raises(PerpRevertError, match="perp: stale price"):
        venue.build_open(venue.position(actors.trader), ETH, 1_000 * USDC)


def test_decode_revert__turns_a_contract_revert_into_one_clear_line(
        w3: Web3, market: Any, actors: Any) -> None:
    with pytest.raises(ContractLogicError) as raised:
        market.functions.set_fees(0, 0).call({"from": actors.attacker})
    error = decode_revert(raised.value)
    assert error is not None and error.reason == "perp: not owner"
    assert "\n" not in str(error) and "perp: not owner" in str(error)
