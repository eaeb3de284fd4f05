"""Monte Carlo: VaR/ES of known distributions, seeded reproducibility, convergence at the
default path count, the hedge shrinking the tail, and the GBM mean matching the closed form."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hedgekit.errors import InputError
from hedgekit.models.lp_expected import expected_value
from hedgekit.risk.book import AaveLeg, Book, LPLeg, PerpLeg
from hedgekit.risk.montecarlo import DEFAULT_PATHS, MonteCarloConfig, simulate, var_es

PRICE = 3000.0
LP = LPLeg("v3", 3_000.0, 2_400.0, 3_600.0)
DELTA = float(LP.value(PRICE + 0.01) - LP.value(PRICE - 0.01)) / 0.02
HEDGED = Book(PRICE, (LP, PerpLeg("perp", -DELTA, 20_000.0, PRICE, 4_500.0)))


def test_var_es__of_losses_1_to_100__are_the_interpolated_quantile_and_the_tail_mean() -> None:
    pnl = -np.arange(1.0, 101.0)
    var, es = var_es(pnl, 0.95)
    assert var == pytest.approx(95.05)  # numpy's linear quantile of 1..100 at 0.95
    assert es == pytest.approx(98.0)  # mean of 96..100


def test_var_es__of_a_standard_normal__match_the_textbook_values() -> None:
    pnl = np.random.default_rng(1).standard_normal(2_000_000)
    var95, es95 = var_es(pnl, 0.95)
    var99, es99 = var_es(pnl, 0.99)
    # VaR = z_a, ES = phi(z_a) / (1 - a)
    assert var95 == pytest.approx(1.644854, abs=5e-3)
    assert es95 == pytest.approx(math.exp(-1.644854**2 / 2) / math.sqrt(2 * math.pi) / 0.05,
                                 abs=5e-3)
    assert var99 == pytest.approx(2.326348, abs=1e-2)
    assert es99 == pytest.approx(math.exp(-2.326348**2 / 2) / math.sqrt(2 * math.pi) / 0.01,
                                 abs=1e-2)


@pytest.mark.parametrize("model", ["gbm", "merton", "bootstrap"])
def test_simulate__same_seed__same_numbers_and_another_seed__other_numbers(model: str) -> None:
    config = MonteCarloConfig(model, paths=3_000, horizon=7 / 365, sigma=0.7, seed=11)
    first, again = simulate(HEDGED, config), simulate(HEDGED, config)
    assert np.array_equal(first.pnl_hedged, again.pnl_hedged) and first.hedged == again.hedged
    other = simulate(HEDGED, MonteCarloConfig(model, 3_000, 7 / 365, 0.7, seed=12))
    assert not np.array_equal(first.pnl_hedged, other.pnl_hedged)


def test_var__of_the_unhedged_lp__converges_at_the_default_paths_and_the_hedge_shrinks_it(
) -> None:
    runs = [simulate(HEDGED, MonteCarloConfig("merton", DEFAULT_PATHS, 7 / 365, 0.7, seed=s))
            for s in (1, 2)]
    a, b = (r.unhedged.var95 for r in runs)
    # the standard error of a 95 % quantile with 20k paths is ~1.5 % of it: 2 seeds within 5 %
    assert abs(a - b) / max(a, b) < 0.05
    assert abs(runs[0].unhedged.es99 - runs[1].unhedged.es99) / runs[0].unhedged.es99 < 0.08
    for run in runs:
        assert run.hedged.var95 < 0.5 * run.unhedged.var95
        assert run.hedged.es99 < run.unhedged.es99


def test_gbm_mean_pnl__of_an_lp_without_fees__is_minus_the_expected_lvr() -> None:
    horizon, sigma = 30 / 365, 0.8
    run = simulate(Book(PRICE, (LP,)), MonteCarloConfig("gbm", 100_000, horizon, sigma,
                                                        seed=5, steps=30))
    closed = float(expected_value(PRICE, LP.liquidity, LP.lower, LP.upper, sigma=sigma,
                                  horizon=horizon) - LP.value(PRICE))
    stderr = run.unhedged.std / math.sqrt(100_000)
    assert run.unhedged.mean == pytest.approx(closed, abs=4 * stderr)


def test_p_leave_range_and_p_liquidation__count_the_paths_that_cross() -> None:
    run = simulate(HEDGED, MonteCarloConfig("gbm", 5_000, 30 / 365, 0.9, seed=3))
    assert 0.3 < run.p_leave_range["v3"] < 1.0
    assert 0.0 < run.p_liquidation["perp"] == run.p_liquidation["any"] < run.p_leave_range["v3"]


def test_aave_leg__liquidation_price__is_where_the_health_factor_is_one() -> None:
    leg = AaveLeg("aave", 0.0, 20_000.0, 4.0, 0.0, 0.0, 16_000.0, 0.045)
    price, above = leg.liquidation_price()
    assert price == pytest.approx(4_000.0) and above
    assert float(leg.health_factor(price)) == pytest.approx(1.0)
    # just beyond it the liquidation takes the bonus on half the debt (close factor 50 %)
    after = float(leg.value(price * 1.001))
    before = 20_000.0 - 4.0 * price * 1.001
    assert after == pytest.approx(before - 0.5 * 4.0 * price * 1.001 * 0.045, rel=1e-9)


@pytest.mark.parametrize("bad", [{"model": "heston"}, {"paths": 0}, {"horizon": 0.0},
                                 {"sigma": -0.1}])
def test_config__bad_input__raises_input_error(bad: dict[str, object]) -> None:
    with pytest.raises(InputError):
        MonteCarloConfig(**bad)  # type: ignore[arg-type]
