"""The audit's options leg against Black-Scholes: its value and Greeks are the positions' sums
of black_scholes_greeks; at or past expiry the Monte Carlo pays the intrinsic value; before it,
Black-Scholes with the time left; the leg joins the book's hedged side only."""

from __future__ import annotations

import numpy as np
import pytest

from hedgekit.models.options import black_scholes, black_scholes_greeks
from hedgekit.risk.book import Book, LPLeg
from hedgekit.risk.montecarlo import MonteCarloConfig, price_paths, simulate
from hedgekit.risk.options_leg import OptionPosition, OptionsLeg
from hedgekit.risk.stress import options_pnl

SPOT = 3_000.0
WEEK = 7 / 365
PUT = OptionPosition(1, "put", 2_700.0, 14 / 365, 5.0, 0.7)
CALL = OptionPosition(2, "call", 3_300.0, 30 / 365, -2.0, 0.6)


def test_value_and_greeks__equal_the_sum_of_black_scholes_greeks_times_the_signed_amounts(
) -> None:
    leg = OptionsLeg(SPOT, (PUT, CALL))
    g = leg.greeks()
    bs = [black_scholes_greeks(SPOT, p.strike, p.expiry_years, 0.0, p.vol, 0.0, p.kind)
          for p in (PUT, CALL)]
    for field in ("price", "delta", "gamma", "vega", "theta"):
        expected = sum(p.options * float(getattr(b, field)) for p, b in zip((PUT, CALL), bs,
                                                                           strict=True))
        got = g.value if field == "price" else getattr(g, field)
        assert got == pytest.approx(expected, rel=1e-12), field
    assert g.label == "options" and g.lvr == 0.0
    assert float(leg.value(SPOT)) == pytest.approx(g.value, rel=1e-15)


def test_delta_and_gamma__match_finite_differences_of_the_leg_value() -> None:
    leg = OptionsLeg(SPOT, (PUT, CALL))
    g, h = leg.greeks(), SPOT * 1e-4
    up, mid, down = (float(leg.value(SPOT + d)) for d in (h, 0.0, -h))
    assert g.delta == pytest.approx((up - down) / (2 * h), rel=1e-6)
    assert g.gamma == pytest.approx((up - 2 * mid + down) / h**2, rel=1e-4)


def test_horizon_value__past_expiry__pays_the_intrinsic_value_of_each_path_end() -> None:
    short_put = OptionPosition(3, "put", 2_900.0, 3 / 365, 4.0, 0.8)
    leg = OptionsLeg(SPOT, (short_put, OptionPosition(4, "call", 3_050.0, 5 / 365, -1.5, 0.8)))
    config = MonteCarloConfig(paths=4_000, horizon=WEEK, sigma=0.8, seed=3)
    paths = price_paths(config, SPOT, 4_000, np.random.default_rng(3))
    end = paths[:, -1]
    intrinsic = 4.0 * np.maximum(2_900.0 - end, 0.0) - 1.5 * np.maximum(end - 3_050.0, 0.0)
    np.testing.assert_allclose(leg.horizon_value(paths, WEEK), intrinsic, rtol=0, atol=1e-9)
    assert not leg.liquidated_on(paths).any()


def test_horizon_value__before_expiry__is_black_scholes_with_the_time_left() -> None:
    leg = OptionsLeg(SPOT, (PUT,))
    ends = np.array([[SPOT, 2_400.0], [SPOT, 3_000.0], [SPOT, 3_600.0]])
    expected = 5.0 * black_scholes(ends[:, -1], 2_700.0, 14 / 365 - WEEK, 0.0, 0.7, 0.0, "put")
    np.testing.assert_allclose(leg.horizon_value(ends, WEEK), expected, rtol=1e-13)
    # the stress grid's options P&L uses the same value at the horizon
    assert options_pnl(leg, 2_400.0, WEEK) == pytest.approx(
        float(expected[0]) - float(leg.value(SPOT)), rel=1e-12)


def test_settled_position__is_worth_its_payout_at_any_price() -> None:
    leg = OptionsLeg(SPOT, (OptionPosition(5, "put", 2_800.0, 0.0, 2.0, 0.6, 300.0),))
    np.testing.assert_array_equal(leg.value([1_000.0, 5_000.0]), [300.0, 300.0])
    g = leg.greeks()
    assert (g.value, g.delta, g.gamma, g.vega, g.theta) == (300.0, 0.0, 0.0, 0.0, 0.0)


def test_book_with_a_long_put__monte_carlo_hedged_pnl_adds_the_put_pnl_and_cuts_the_var(
) -> None:
    lp = LPLeg("lp", 3_000.0, 2_500.0, 3_600.0)
    put = OptionsLeg(SPOT, (OptionPosition(1, "put", 2_850.0, 30 / 365, 10.0, 0.7),))
    book = Book(SPOT, (lp, put))
    config = MonteCarloConfig(paths=5_000, horizon=WEEK, sigma=0.7, seed=11, steps=24)
    result = simulate(book, config)
    paths = price_paths(config, SPOT, 5_000, np.random.default_rng(11))
    put_pnl = put.horizon_value(paths, WEEK) - float(put.value(SPOT))
    np.testing.assert_allclose(result.pnl_hedged - result.pnl_unhedged, put_pnl, atol=1e-8)
    assert result.hedged.var95 < result.unhedged.var95
    assert book.selected(False) == (lp,)
