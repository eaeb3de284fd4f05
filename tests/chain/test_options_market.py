"""OptionsMarket ETH-USD on the replica: write / buy / settle / exercise / withdraw round trips
to the wei for calls and puts, in and out of the money; the settlement guards; payouts never
exceed a series' collateral; owner-only parameters; the twin and the adapter against the
contract."""

from __future__ import annotations

import math
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
from hedgekit.chain.options_deploy import DEFAULT_PARAMS
from hedgekit.models.options import black_scholes
from hedgekit.venues import options_math as om
from hedgekit.venues.options import OptionsMarketVenue
from hedgekit.venues.options_math import OptionsRevertError
from hedgekit.venues.options_state import OptionsOrder

OPT = 10**18  # one option (18 decimals)
USDC = 10**6
WAD = 10**18
DAY = 86_400
QUOTE_SCALE = 10**12

pytestmark = pytest.mark.usefixtures("fresh_oracle")  # no test starts on a stale oracle


@pytest.fixture
def market(w3: Web3) -> Any:
    return w3.eth.contract(address=A.OPTIONS_MARKET_ETH_USD,
                           abi=project_artifact("OptionsMarket").abi)


@pytest.fixture
def venue(w3: Web3) -> OptionsMarketVenue:
    return OptionsMarketVenue(w3)


def send_order(w3: Web3, order: OptionsOrder, sender: str) -> None:
    for tx in order.txs:
        transact(w3, tx.as_params(sender), tx.description)  # type: ignore[arg-type]


def now(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"])


def reverts(call: Any, sender: str, reason: str) -> None:
    with pytest.raises(ContractLogicError, match=reason):
        call.call({"from": sender})


def new_series(w3: Web3, market: Any, operator: str, strike_usd: int, is_call: bool,
               days: int = 7) -> tuple[int, int]:
    """List a fresh series; (series id, expiry)."""
    expiry = now(w3) + days * DAY
    send(w3, market.functions.create_series(strike_usd * WAD, expiry, is_call), operator)
    return int(market.functions.series_count().call()), expiry


def write(w3: Web3, market: Any, token: Any, fund: Any, writer: str, sid: int,
          amount: int, collateral: int) -> None:
    fund(token.address, writer, collateral)
    send(w3, token.functions.approve(market.address, collateral), writer)
    send(w3, market.functions.write(sid, amount), writer)


def expire_and_settle(w3: Web3, market: Any, driver: MarketDriver, expiry: int, usd: int,
                      sid: int, keeper: str) -> None:
    driver.advance(expiry - now(w3) + 60)
    driver.set_feed("ETH", usd)
    send(w3, market.functions.settle(sid), keeper)


def balance(token: Any, account: str) -> int:
    return int(token.functions.balanceOf(account).call())


def series(market: Any, sid: int) -> om.Series:
    return om.Series(sid, *market.functions.series(sid).call())


# -- the deployment --------------------------------------------------------------------------

def test_options_market__sits_at_its_canonical_address_owned_by_the_operator_with_two_sided_quotes(
        market: Any, usdc: Any, weth: Any, actors: Any, venue: OptionsMarketVenue) -> None:
    state = venue.market_state()
    assert market.functions.owner().call() == actors.operator
    assert (state.listing.base, state.listing.quote, state.listing.oracle) == (
        A.WETH, A.USDC, A.ETH_USD_FEED)
    assert state.params.max_oracle_age == DEFAULT_PARAMS.max_oracle_age
    assert state.params.settlement_window == DEFAULT_PARAMS.settlement_window
    assert len(state.books) == (len(DEFAULT_PARAMS.expiry_weeks) * 2
                                * len(DEFAULT_PARAMS.moneyness))
    for book in state.books:
        assert book.best_bid is not None and book.best_ask is not None
        assert book.best_bid.price < book.best_ask.price
        assert book.series.open_interest == DEFAULT_PARAMS.amount
    puts = sum(b.series.collateral for b in state.books if not b.series.is_call)
    escrow = sum(bid.escrow for b in state.books for bid in b.bids)
    calls = sum(b.series.collateral for b in state.books if b.series.is_call)
    assert balance(usdc, market.address) == puts + escrow
    assert balance(weth, market.address) == calls


# -- round trips -----------------------------------------------------------------------------

def test_put_round_trip__in_the_money__pays_intrinsic_value_and_returns_the_rest_to_the_wei(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any,
        driver: MarketDriver) -> None:
    writer, buyer = actors.lp, actors.trader
    w0, b0 = balance(usdc, writer), balance(usdc, buyer)
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=False)
    write(w3, market, usdc, fund, writer, sid, 3_500_000_000_000_000_000, 10_500 * USDC)
    assert balance(usdc, writer) == w0
    send(w3, market.functions.place_ask(sid, 3 * OPT, 125 * USDC), writer)
    fund(A.USDC, buyer, 250 * USDC)
    send(w3, usdc.functions.approve(market.address, 250 * USDC), buyer)
    send(w3, market.functions.buy(sid, writer, 2 * OPT, 125 * USDC), buyer)
    assert balance(usdc, writer) - w0 == 250 * USDC and balance(usdc, buyer) == b0
    expire_and_settle(w3, market, driver, expiry, 2600, sid, actors.keeper)
    assert series(market, sid).settlement_price == 2600 * WAD
    send(w3, market.functions.exercise(sid, 2 * OPT), buyer)
    assert balance(usdc, buyer) - b0 == 800 * USDC  # (3000 - 2600) * 2
    send(w3, market.functions.cancel_ask(sid), writer)
    send(w3, market.functions.exercise(sid, 1_500_000_000_000_000_000), writer)
    send(w3, market.functions.withdraw(sid), writer)
    # premium 250 + own 1.5 options 600 + collateral 10,500 - debt 1,400
    assert balance(usdc, writer) - w0 == 250 * USDC + 600 * USDC + 9_100 * USDC
    after = series(market, sid)
    assert (after.open_interest, after.written, after.collateral) == (0, 0, 0)


@pytest.mark.parametrize(("is_call", "strike", "settlement", "options", "collateral"), [
    (False, 2800, 3100, 2 * OPT, 5_600 * USDC),  # a put settled above its strike
    (True, 3500, 3499, 5 * OPT, 5 * OPT),  # a call settled below its strike
], ids=["put", "call"])
def test_round_trip__out_of_the_money__pays_nothing_and_returns_all_collateral(
        w3: Web3, market: Any, usdc: Any, weth: Any, fund: Any, actors: Any,
        driver: MarketDriver, is_call: bool, strike: int, settlement: int, options: int,
        collateral: int) -> None:
    writer, buyer = actors.lp, actors.trader
    token = weth if is_call else usdc
    w0, b0 = balance(token, writer), balance(token, buyer)
    sid, expiry = new_series(w3, market, actors.operator, strike, is_call=is_call)
    write(w3, market, token, fund, writer, sid, options, collateral)
    send(w3, market.functions.transfer(buyer, sid, options), writer)
    expire_and_settle(w3, market, driver, expiry, settlement, sid, actors.keeper)
    assert market.functions.exercise(sid, options).call({"from": buyer}) == 0
    send(w3, market.functions.exercise(sid, options), buyer)
    send(w3, market.functions.withdraw(sid), writer)
    assert balance(token, buyer) == b0
    assert balance(token, writer) - w0 == collateral
    assert series(market, sid).collateral == 0


def test_call_round_trip__in_the_money__pays_the_weth_worth_of_intrinsic_value_to_the_wei(
        w3: Web3, market: Any, usdc: Any, weth: Any, fund: Any, actors: Any,
        driver: MarketDriver) -> None:
    writer, buyer = actors.lp, actors.trader
    w0, b0, u0 = balance(weth, writer), balance(weth, buyer), balance(usdc, writer)
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=True)
    write(w3, market, weth, fund, writer, sid, 3 * OPT, 3 * OPT)
    send(w3, market.functions.place_ask(sid, 3 * OPT, 90 * USDC), writer)
    fund(A.USDC, buyer, 180 * USDC)
    send(w3, usdc.functions.approve(market.address, 180 * USDC), buyer)
    send(w3, market.functions.buy(sid, writer, 2 * OPT, 90 * USDC), buyer)
    expire_and_settle(w3, market, driver, expiry, 3600, sid, actors.keeper)
    send(w3, market.functions.exercise(sid, 2 * OPT), buyer)
    assert balance(weth, buyer) - b0 == 2 * OPT * 600 // 3600 == 333_333_333_333_333_333
    send(w3, market.functions.cancel_ask(sid), writer)
    send(w3, market.functions.exercise(sid, OPT), writer)
    send(w3, market.functions.withdraw(sid), writer)
    # 1/6 WETH for its own option, 3 WETH - ceil(3/6 WETH) of debt back
    assert balance(weth, writer) - w0 == 166_666_666_666_666_666 + 2_500_000_000_000_000_000
    assert balance(usdc, writer) - u0 == 180 * USDC
    # Holders round down, the writer's debt rounds up: one wei of dust stays, nothing is owed.
    assert series(market, sid).collateral == 1


def test_odd_amounts__every_payout_equals_the_twin_and_the_series_keeps_its_dust(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any,
        driver: MarketDriver) -> None:
    writers, holder = (actors.lp, actors.liquidator), actors.trader
    sid, expiry = new_series(w3, market, actors.operator, 3001, is_call=False)
    terms = series(market, sid)
    amounts = (1_234_567_891_234_567_891, 987_654_321_987_654_321)
    start = {a: balance(usdc, a) for a in (*writers, holder)}
    for writer, amount in zip(writers, amounts, strict=True):
        need = om.collateral_required(terms, amount, QUOTE_SCALE)
        write(w3, market, usdc, fund, writer, sid, amount, need)
        assert balance(usdc, writer) == start[writer]
        send(w3, market.functions.transfer(holder, sid, amount // 3), writer)
    expire_and_settle(w3, market, driver, expiry, 2_777, sid, actors.keeper)
    settled = series(market, sid)
    held = sum(a // 3 for a in amounts)
    send(w3, market.functions.exercise(sid, held), holder)
    assert balance(usdc, holder) - start[holder] == om.payout(settled, held, QUOTE_SCALE)
    for writer, amount in zip(writers, amounts, strict=True):
        own = amount - amount // 3
        send(w3, market.functions.exercise(sid, own), writer)
        send(w3, market.functions.withdraw(sid), writer)
        assert balance(usdc, writer) - start[writer] == (
            om.payout(settled, own, QUOTE_SCALE) + om.withdrawable(settled, amount, QUOTE_SCALE))
    locked = sum(om.collateral_required(terms, a, QUOTE_SCALE) for a in amounts)
    paid = sum(balance(usdc, a) - start[a] for a in start)
    assert 0 < paid <= locked
    assert series(market, sid).collateral == locked - paid


# -- settlement guards -----------------------------------------------------------------------

def test_settle__before_expiry__reverts(w3: Web3, market: Any, actors: Any,
                                        driver: MarketDriver) -> None:
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=True)
    driver.advance(expiry - now(w3) - 120)
    driver.set_feed("ETH", 3000)
    reverts(market.functions.settle(sid), actors.keeper, "options: not expired")


def test_settle__with_a_stale_oracle__reverts(w3: Web3, market: Any, actors: Any,
                                              driver: MarketDriver) -> None:
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=False)
    driver.advance(expiry - now(w3) + 60)
    driver.set_feed("ETH", 2900)
    driver.advance(DEFAULT_PARAMS.max_oracle_age + 1)
    reverts(market.functions.settle(sid), actors.keeper, "options: stale price")
    assert not series(market, sid).settled


def test_settle__on_a_round_from_before_expiry__reverts(
        w3: Web3, market: Any, actors: Any, driver: MarketDriver) -> None:
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=False)
    driver.set_feed("ETH", 2900)
    driver.advance(expiry - now(w3) + 5)
    reverts(market.functions.settle(sid), actors.keeper, "options: price before expiry")


def test_settle__after_the_window__reverts_and_settle_from_round_takes_the_first_round_after_expiry(
        w3: Web3, market: Any, actors: Any, driver: MarketDriver) -> None:
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=False)
    feed = w3.eth.contract(address=A.ETH_USD_FEED, abi=project_artifact("PriceFeed").abi)
    driver.advance(expiry - now(w3) + 30)
    driver.set_feed("ETH", 2950)
    first = int(feed.functions.latestRound().call())
    driver.advance(DEFAULT_PARAMS.settlement_window)
    driver.set_feed("ETH", 2500)
    reverts(market.functions.settle(sid), actors.keeper, "options: window closed")
    reverts(market.functions.settle_from_round(sid, first + 1), actors.keeper,
            "options: not first round")
    reverts(market.functions.settle_from_round(sid, first - 1), actors.keeper,
            "options: price before expiry")
    send(w3, market.functions.settle_from_round(sid, first), actors.keeper)
    assert series(market, sid).settlement_price == 2950 * WAD
    reverts(market.functions.settle(sid), actors.keeper, "options: settled")


# -- trading guards --------------------------------------------------------------------------

def test_buy__above_the_max_price_or_after_expiry__reverts(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any,
        driver: MarketDriver) -> None:
    writer, buyer = actors.lp, actors.trader
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=False)
    write(w3, market, usdc, fund, writer, sid, OPT, 3000 * USDC)
    send(w3, market.functions.place_ask(sid, OPT, 100 * USDC), writer)
    fund(A.USDC, buyer, 100 * USDC)
    send(w3, usdc.functions.approve(market.address, 100 * USDC), buyer)
    reverts(market.functions.buy(sid, writer, OPT, 99 * USDC), buyer, "options: price above max")
    reverts(market.functions.buy(sid, writer, 2 * OPT, 100 * USDC), buyer,
            "options: exceeds ask")
    driver.advance(expiry - now(w3))
    reverts(market.functions.buy(sid, writer, OPT, 100 * USDC), buyer, "options: expired")
    reverts(market.functions.write(sid, OPT), writer, "options: expired")


def test_sell_into_a_bid__pays_the_floored_premium_and_refunds_the_dust_when_filled(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any) -> None:
    writer, bidder = actors.lp, actors.trader
    sid, _ = new_series(w3, market, actors.operator, 3000, is_call=False)
    price, amount = 33_333_333, 3 * OPT // 7  # 33.333333 USDC per option
    escrow = om.bid_escrow(price, amount)
    w0, b0 = balance(usdc, writer), balance(usdc, bidder)
    fund(A.USDC, bidder, escrow)
    send(w3, usdc.functions.approve(market.address, escrow), bidder)
    send(w3, market.functions.place_bid(sid, amount, price), bidder)
    assert balance(usdc, bidder) == b0
    write(w3, market, usdc, fund, writer, sid, amount, om.ceil_div(3000 * WAD * amount,
                                                                   WAD * QUOTE_SCALE))
    part = amount // 2
    send(w3, market.functions.sell(sid, bidder, part, price), writer)
    send(w3, market.functions.sell(sid, bidder, amount - part, price), writer)
    got = om.bid_premium(price, part) + om.bid_premium(price, amount - part)
    assert balance(usdc, writer) - w0 == got
    assert balance(usdc, bidder) - b0 == escrow - got > 0  # the dust came back
    assert market.functions.balanceOf(bidder, sid).call() == amount
    assert tuple(market.functions.bids(sid, bidder).call()) == (0, 0, 0)


def test_unwrite__burns_held_options_and_releases_their_collateral_to_the_wei(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any) -> None:
    writer = actors.lp
    sid, _ = new_series(w3, market, actors.operator, 3001, is_call=False)
    amount = 1_000_000_000_000_000_001
    need = om.collateral_required(series(market, sid), amount, QUOTE_SCALE)
    w0 = balance(usdc, writer)
    write(w3, market, usdc, fund, writer, sid, amount, need)
    send(w3, market.functions.unwrite(sid, 1), writer)
    send(w3, market.functions.unwrite(sid, amount - 1), writer)
    assert balance(usdc, writer) - w0 == need
    assert series(market, sid).collateral == 0
    reverts(market.functions.unwrite(sid, 1), writer, "options: exceeds written")


# -- solvency --------------------------------------------------------------------------------

@pytest.mark.parametrize(("is_call", "settle_usd"), [(False, 1), (True, 10**9)])
def test_no_path_pays_out_more_than_the_series_collateral__at_extreme_settlement_prices(
        w3: Web3, market: Any, usdc: Any, weth: Any, fund: Any, actors: Any,
        driver: MarketDriver, is_call: bool, settle_usd: int) -> None:
    token = weth if is_call else usdc
    sid, expiry = new_series(w3, market, actors.operator, 3333, is_call=is_call)
    terms = series(market, sid)
    writers = (actors.lp, actors.liquidator)
    amounts = (7 * OPT // 3, 5 * OPT // 9)
    for writer, amount in zip(writers, amounts, strict=True):
        write(w3, market, token, fund, writer, sid, amount,
              om.collateral_required(terms, amount, QUOTE_SCALE))
        send(w3, market.functions.transfer(actors.trader, sid, amount), writer)
    other, _ = new_series(w3, market, actors.operator, 3333, is_call=is_call, days=30)
    write(w3, market, token, fund, actors.keeper, other, OPT,
          om.collateral_required(series(market, other), OPT, QUOTE_SCALE))
    held_before = balance(token, market.address)
    locked = series(market, sid).collateral
    start = {a: balance(token, a) for a in (actors.trader, *writers)}
    expire_and_settle(w3, market, driver, expiry, settle_usd, sid, actors.keeper)
    send(w3, market.functions.exercise(sid, sum(amounts)), actors.trader)
    for writer in writers:
        send(w3, market.functions.withdraw(sid), writer)
    paid = sum(balance(token, a) - start[a] for a in start)
    assert 0 < paid <= locked
    assert balance(token, market.address) == held_before - paid
    assert series(market, other).collateral == om.collateral_required(
        series(market, other), OPT, QUOTE_SCALE)
    reverts(market.functions.exercise(sid, 1), actors.trader, "options: balance")


# -- owner -----------------------------------------------------------------------------------

def test_owner_only_parameters_and_two_step_ownership(
        w3: Web3, market: Any, actors: Any) -> None:
    reverts(market.functions.set_oracle_params(1, 1), actors.attacker, "options: not owner")
    reverts(market.functions.create_series(WAD, now(w3) + DAY, True), actors.attacker,
            "options: not owner")
    reverts(market.functions.create_series(0, now(w3) + DAY, True), actors.operator,
            "options: zero strike")
    reverts(market.functions.create_series(WAD, now(w3) - 1, True), actors.operator,
            "options: expiry in the past")
    receipt = send(w3, market.functions.set_oracle_params(600, 3600), actors.operator)
    assert market.events.OracleParamsSet().process_receipt(receipt, errors=DISCARD)[0]["args"][
        "settlement_window"] == 3600
    send(w3, market.functions.transfer_ownership(actors.keeper), actors.operator)
    assert market.functions.owner().call() == actors.operator
    reverts(market.functions.accept_ownership(), actors.attacker, "options: not pending owner")
    send(w3, market.functions.accept_ownership(), actors.keeper)
    assert market.functions.owner().call() == actors.keeper
    reverts(market.functions.set_oracle_params(1, 1), actors.operator, "options: not owner")


# -- the adapter -----------------------------------------------------------------------------

def test_adapter_smile__from_asks_built_at_known_vols__recovers_those_vols_to_1e_6(
        w3: Web3, market: Any, actors: Any, venue: OptionsMarketVenue) -> None:
    maker = actors.operator
    expiry = now(w3) + 30 * DAY
    at = now(w3) + 100  # the valuation time the asks are priced for
    spot = venue.market_state().oracle_price / WAD
    T = (expiry - at) / (365 * DAY)
    known = {}
    for strike in range(2400, 4000, 200):
        k = math.log(strike / spot)
        vol = 0.6 + 0.2 * k * k
        is_call = strike >= spot
        send(w3, market.functions.create_series(strike * WAD, expiry, is_call), maker)
        sid = int(market.functions.series_count().call())
        bs = float(black_scholes(spot, strike, T, 0.0, vol, 0.0, "call" if is_call else "put"))
        price = round(bs * USDC)
        send(w3, market.functions.write(sid, OPT), maker)
        send(w3, market.functions.place_ask(sid, OPT, price), maker)
        known[sid] = (strike, vol)
    state = venue.market_state()
    for q in venue.quotes(state, now=at):
        if q.series_id in known:
            assert q.ask_vol == pytest.approx(known[q.series_id][1], abs=1e-6)
            assert q.bid is None
    fitted = venue.smile(state, expiry, side="ask", now=at)
    assert fitted.atm_vol == pytest.approx(0.6, abs=1e-6)
    assert fitted.skew == pytest.approx(0.0, abs=1e-6)
    assert fitted.curvature == pytest.approx(0.2, abs=1e-6)
    for strike, vol in known.values():
        assert fitted.vol(strike) == pytest.approx(vol, abs=1e-6)


def test_adapter_builders__write_ask_buy_settle_exercise_withdraw__effects_match_the_chain(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any, driver: MarketDriver,
        venue: OptionsMarketVenue) -> None:
    writer, buyer = actors.lp, actors.trader
    sid, expiry = new_series(w3, market, actors.operator, 3100, is_call=False)
    w0, b0 = balance(usdc, writer), balance(usdc, buyer)
    fund(A.USDC, writer, 10_000 * USDC)
    fund(A.USDC, buyer, 1_000 * USDC)

    def check(account: str, order: OptionsOrder) -> None:
        before = venue.account(account)
        send_order(w3, order, account)
        after = venue.account(account)
        h0, h1 = before.holding(sid), after.holding(sid)
        assert after.quote_balance - before.quote_balance == order.effect.quote
        assert h1.long - h0.long == order.effect.options
        assert h1.written - h0.written == order.effect.written
        assert h1.collateral - h0.collateral == order.effect.collateral

    order = venue.build_write_and_ask(venue.account(writer), sid, 2 * OPT, 150 * USDC)
    assert order.txs[0].to == A.USDC and order.effect.collateral == 6_200 * USDC
    assert order.txs[0].data[-32:] == (6_200 * USDC).to_bytes(32, "big")  # approve exactly
    check(writer, order)
    order = venue.build_buy(venue.account(buyer), sid, 3 * OPT // 2)
    assert len(order.txs) == 2  # an approval of 225 USDC, one fill
    check(buyer, order)
    assert venue.build_buy(venue.account(buyer), sid, OPT // 4).txs[0].to == A.USDC
    driver.advance(expiry - now(w3) + 60)
    driver.set_feed("ETH", 2900)
    send_order(w3, venue.build_settle(venue.market_state(), sid), actors.keeper)
    check(buyer, venue.build_exercise(venue.account(buyer), sid))
    assert venue.account(buyer).quote_balance - b0 == 1_000 * USDC - 225 * USDC + 300 * USDC
    check(writer, venue.build_exercise(venue.account(writer), sid))
    check(writer, venue.build_withdraw(venue.account(writer), sid))
    # premium 225 in, 300 out to the buyer (the writer's own 0.5 option is a wash)
    assert venue.account(writer).quote_balance - w0 == 10_000 * USDC + 225 * USDC - 300 * USDC


def test_adapter_builders__refuse_what_the_contract_would_reject(
        w3: Web3, market: Any, actors: Any, driver: MarketDriver,
        venue: OptionsMarketVenue) -> None:
    sid, expiry = new_series(w3, market, actors.operator, 3000, is_call=True)
    broke = venue.account(actors.attacker)
    with pytest.raises(ValueError, match="insufficient collateral"):
        venue.build_write(broke, sid, 10**9 * OPT)
    with pytest.raises(OptionsRevertError, match="options: not settled"):
        venue.build_exercise(broke, sid)
    with pytest.raises(OptionsRevertError, match="options: not expired"):
        venue.build_settle(broke.state, sid)
    driver.advance(expiry - now(w3) + 1)
    late = venue.account(actors.attacker)
    with pytest.raises(OptionsRevertError, match="options: expired"):
        venue.build_write(late, sid, OPT)
    with pytest.raises(OptionsRevertError, match="options: price before expiry"):
        venue.build_settle(late.state, sid)
    reverts(market.functions.settle(sid), actors.keeper, "options: price before expiry")


def test_adapter_risk__a_long_put_is_valued_and_hedged_by_black_scholes_at_its_mid_vol(
        w3: Web3, market: Any, usdc: Any, fund: Any, actors: Any,
        venue: OptionsMarketVenue) -> None:
    state = venue.market_state()
    book = next(b for b in state.open_series() if not b.series.is_call
                and b.series.strike >= state.oracle_price)
    fund(A.USDC, actors.trader, 10_000 * USDC)
    send_order(w3, venue.build_buy(venue.account(actors.trader), book.series.series_id,
                                   5 * OPT), actors.trader)
    acct = venue.account(actors.trader)
    risk = venue.risk(acct)
    (pos,) = risk.positions
    q = next(q for q in venue.quotes(acct.state) if q.series_id == book.series.series_id)
    assert pos.options == 5.0 and pos.vol == q.mid_vol
    price = float(black_scholes(q.spot, q.strike, q.expiry_years, 0.0, q.mid_vol, 0.0, "put"))
    assert risk.value == pytest.approx(5 * price, rel=1e-12)
    assert -5.0 < risk.delta < 0.0 and risk.gamma > 0 and risk.vega > 0 and risk.theta < 0
    assert q.bid is not None and q.ask is not None and q.bid * 5 < risk.value < q.ask * 5
