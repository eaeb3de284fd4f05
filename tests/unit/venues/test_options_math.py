"""The OptionsMarket twin without a chain: collateral and payout rounding, the solvency bound
(holders plus writers never take more than the series holds), premiums and escrow, and the
settlement guards' reasons in the contract's order."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.venues import options_math as om
from hedgekit.venues.options_math import MarketParams, OptionsRevertError, Series

WAD = 10**18
OPT = 10**18
USDC = 10**6
QS = 10**12  # USDC's quote scale
EXPIRY = 1_768_550_400
PARAMS = MarketParams(max_oracle_age=4_500, settlement_window=86_400)

amounts = st.integers(1, 10**24)
prices = st.integers(1, 10**25)  # 1e-18 .. 1e7 USD (wad)


def put(strike: int = 3_000 * WAD, **kw: object) -> Series:
    return Series(1, strike, EXPIRY, False, **kw)  # type: ignore[arg-type]


def call(strike: int = 3_000 * WAD, **kw: object) -> Series:
    return Series(2, strike, EXPIRY, True, **kw)  # type: ignore[arg-type]


def settled(s: Series, price: int) -> Series:
    return replace(s, settled=True, settlement_price=price)


def test_collateral_required__put_locks_the_strike_in_usdc_rounded_up_call_locks_one_weth() -> None:
    assert om.collateral_required(put(), 2 * OPT, QS) == 6_000 * USDC
    assert om.collateral_required(put(3_000 * WAD + 1), OPT, QS) == 3_000 * USDC + 1
    assert om.collateral_required(put(), 1, QS) == 1  # 3e-15 USDC rounds up to one unit
    assert om.collateral_required(call(), 7 * OPT // 3, QS) == 7 * OPT // 3


def test_payout__put_pays_strike_minus_price_and_call_pays_its_weth_worth() -> None:
    assert om.payout(settled(put(), 2_600 * WAD), 2 * OPT, QS) == 800 * USDC
    assert om.payout(settled(put(), 3_000 * WAD), 2 * OPT, QS) == 0
    assert om.payout(settled(call(), 3_600 * WAD), 2 * OPT, QS) == 333_333_333_333_333_333
    assert om.payout(settled(call(), 3_600 * WAD), 2 * OPT, QS, round_up=True) == (
        333_333_333_333_333_334)
    assert om.payout(settled(call(), 2_999 * WAD), OPT, QS) == 0


@given(strike=prices, price=prices, written=st.lists(amounts, min_size=1, max_size=5),
       is_call=st.booleans(), data=st.data())
def test_solvency__holders_plus_writers_never_take_more_than_the_series_holds(
        strike: int, price: int, written: list[int], is_call: bool, data: st.DataObject) -> None:
    terms = Series(1, strike, EXPIRY, is_call)
    locked = sum(om.collateral_required(terms, w, QS) for w in written)
    total = sum(written)
    cuts = sorted(data.draw(st.lists(st.integers(0, total), max_size=4)))
    holders = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    s = replace(settled(terms, price), open_interest=total)
    paid = (sum(om.payout(s, h, QS) for h in holders)
            + sum(om.withdrawable(s, w, QS) for w in written))
    assert paid <= locked
    assert om.claims(s, written, QS) <= locked
    for w in written:  # no writer's debt exceeds its collateral
        assert om.payout(s, w, QS, round_up=True) <= om.collateral_required(s, w, QS)


@given(strike=prices, price=prices, amount=amounts, is_call=st.booleans())
def test_payout__is_the_exact_intrinsic_value_rounded_down(
        strike: int, price: int, amount: int, is_call: bool) -> None:
    s = settled(Series(1, strike, EXPIRY, is_call), price)
    if is_call:
        exact = Fraction(amount * max(price - strike, 0), price)
    else:
        exact = Fraction(amount * max(strike - price, 0), WAD * QS)
    assert om.payout(s, amount, QS) == exact.numerator // exact.denominator
    assert om.payout(s, amount, QS, round_up=True) == -(-exact.numerator // exact.denominator)


@given(strike=prices, steps=st.lists(amounts, min_size=1, max_size=6), is_call=st.booleans())
def test_write_charges__add_up_to_the_collateral_of_the_total_written(
        strike: int, steps: list[int], is_call: bool) -> None:
    s = Series(1, strike, EXPIRY, is_call)
    written, charged = 0, 0
    for a in steps:
        charged += om.write_charge(s, written, a, QS)
        written += a
    assert charged == om.collateral_required(s, written, QS)
    released = om.unwrite_release(s, written, steps[0], QS)
    assert charged - released == om.collateral_required(s, written - steps[0], QS)


@given(price=st.integers(1, 10**15), total=amounts, data=st.data())
def test_bid_fills__never_pay_more_than_the_escrow(price: int, total: int,
                                                   data: st.DataObject) -> None:
    escrow, left = om.bid_escrow(price, total), total
    while left:
        take = data.draw(st.integers(1, left))
        got = om.bid_premium(price, take)
        left -= take
        escrow -= got
        assert escrow >= om.bid_escrow(price, left) >= 0


def test_ask_premium__rounds_up_for_the_buyer_and_bid_premium_down_for_the_seller() -> None:
    assert om.ask_premium(33_333_333, OPT // 3) == 11_111_111
    assert om.ask_premium(33_333_334, OPT // 3) == 11_111_112
    assert om.bid_premium(33_333_334, OPT // 3) == 11_111_111


def test_max_payout__is_the_worst_case_before_settlement_and_exact_after() -> None:
    assert om.max_payout(put(open_interest=2 * OPT), QS) == 6_000 * USDC
    assert om.max_payout(call(open_interest=2 * OPT), QS) == 2 * OPT
    assert om.max_payout(settled(put(open_interest=2 * OPT), 2_500 * WAD), QS) == 1_000 * USDC


@pytest.mark.parametrize(("s", "now", "updated_at", "reason"), [
    (put(), EXPIRY - 1, EXPIRY - 1, "options: not expired"),
    (put(settled=True), EXPIRY + 1, EXPIRY, "options: settled"),
    (put(), EXPIRY + 86_401, EXPIRY + 86_400, "options: window closed"),
    (put(), EXPIRY + 10, EXPIRY - 1, "options: price before expiry"),
    (put(), EXPIRY + 4_501, EXPIRY, "options: stale price"),
    (Series(9, 0, 0, False), EXPIRY, EXPIRY, "options: unknown series"),
])
def test_check_settle__rejects_with_the_contract_reason(s: Series, now: int, updated_at: int,
                                                       reason: str) -> None:
    with pytest.raises(OptionsRevertError, match=reason):
        om.check_settle(s, PARAMS, now, 3_000 * 10**8, updated_at)


def test_check_settle__in_the_window_on_a_fresh_round__gives_the_wad_price() -> None:
    assert om.check_settle(put(), PARAMS, EXPIRY + 4_500, 2_950 * 10**8, EXPIRY) == 2_950 * WAD
    with pytest.raises(OptionsRevertError, match="options: bad price"):
        om.check_settle(put(), PARAMS, EXPIRY + 1, 0, EXPIRY)


def test_check_settle_from_round__needs_the_window_closed_and_the_first_round_after_expiry(
) -> None:
    late = EXPIRY + 86_401
    assert om.check_settle_from_round(put(), PARAMS, late, 7, 2_900 * 10**8, EXPIRY + 5,
                                      EXPIRY - 5) == 2_900 * WAD
    assert om.check_settle_from_round(put(), PARAMS, late, 1, 2_900 * 10**8, EXPIRY,
                                      None) == 2_900 * WAD
    with pytest.raises(OptionsRevertError, match="options: window open"):
        om.check_settle_from_round(put(), PARAMS, late - 1, 7, 1, EXPIRY + 5, EXPIRY - 5)
    with pytest.raises(OptionsRevertError, match="options: not first round"):
        om.check_settle_from_round(put(), PARAMS, late, 7, 1, EXPIRY + 5, EXPIRY)
    with pytest.raises(OptionsRevertError, match="options: price before expiry"):
        om.check_settle_from_round(put(), PARAMS, late, 7, 1, EXPIRY - 1, EXPIRY - 9)


def test_check_open__refuses_unknown_and_expired_series() -> None:
    assert om.check_open(put(), EXPIRY - 1) == put()
    with pytest.raises(OptionsRevertError, match="options: expired"):
        om.check_open(put(), EXPIRY)
    with pytest.raises(OptionsRevertError, match="options: unknown series"):
        om.check_open(None, EXPIRY)
