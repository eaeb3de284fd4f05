"""Static option strip replicating a v3 position (hedgekit.models.replication)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from models_strategies import position_and_price
from scipy import integrate

from hedgekit.errors import InputError
from hedgekit.models import lp, lp_expected
from hedgekit.models.replication import (
    replicating_strip,
    replicating_strip_on_strikes,
    strip_density,
)

FAST = settings(max_examples=100, deadline=None)
ranges = position_and_price("inside")


@FAST
@given(ranges, st.integers(2, 80), st.sampled_from(["put", "call"]))
def test_strip_payoff__at_strikes_and_outside_range__reproduces_v3_value(
    pos: tuple[float, float, float, float], n: int, kind: str
) -> None:
    _, L, pa, pb = pos
    strip = replicating_strip(L, pa, pb, n, kind)
    P = np.concatenate([strip.strikes, [pa / 3, pa / 1.5, pb * 1.5, pb * 3]])
    np.testing.assert_allclose(
        strip.payoff(P), lp.value(P, L, pa, pb), rtol=1e-9, atol=1e-12 * L * math.sqrt(pb)
    )


@FAST
@given(ranges, st.integers(2, 80))
def test_strip_payoff__between_strikes__within_interpolation_error_bound(
    pos: tuple[float, float, float, float], n: int
) -> None:
    _, L, pa, pb = pos
    strip = replicating_strip(L, pa, pb, n)
    K = strip.strikes
    mids = 0.5 * (K[:-1] + K[1:])
    bound = L * np.diff(K) ** 2 / (16 * K[:-1] ** 1.5)  # max|V''| h^2 / 8
    err = lp.value(mids, L, pa, pb) - strip.payoff(mids)
    assert (err >= -1e-9 * L * math.sqrt(pb)).all()  # concave V lies above its chords
    assert (err <= bound * (1 + 1e-9) + 1e-12 * L * math.sqrt(pb)).all()


@FAST
@given(ranges, st.integers(2, 80))
def test_strip_weights__are_short_and_sum_to_minus_delta_below_range(
    pos: tuple[float, float, float, float], n: int
) -> None:
    _, L, pa, pb = pos
    strip = replicating_strip(L, pa, pb, n)
    assert (strip.weights <= 1e-12 * L / math.sqrt(pa)).all()
    assert float(strip.weights.sum()) == pytest.approx(
        -float(lp.delta(pa / 2, L, pa, pb)), rel=1e-9
    )


def test_strip_price__driftless_and_refined__converges_to_expected_value() -> None:
    L, pa, pb, P, s, T = 3.0, 1000.0, 2000.0, 1400.0, 0.8, 0.5
    exact = float(lp_expected.expected_value(P, L, pa, pb, sigma=s, horizon=T))
    errors = [
        abs(float(replicating_strip(L, pa, pb, n).price(P, T, 0.0, s)) - exact)
        for n in (16, 64, 256)
    ]
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-5 * exact
    call_form = float(replicating_strip(L, pa, pb, 256, kind="call").price(P, T, 0.0, s))
    assert call_form == pytest.approx(
        float(replicating_strip(L, pa, pb, 256).price(P, T, 0, s)), rel=1e-12
    )


def test_strip_density__integrated_against_puts__reproduces_value() -> None:
    L, pa, pb = 2.0, 100.0, 400.0
    for P in (50.0, 150.0, 300.0, 900.0):
        puts = integrate.quad(
            lambda K, P=P: float(strip_density(K, L, pa, pb)) * max(K - P, 0.0),
            pa,
            pb,
            points=[P] if pa < P < pb else None,
            epsrel=1e-12,
        )[0]
        assert L * (math.sqrt(pb) - math.sqrt(pa)) + puts == pytest.approx(
            float(lp.value(P, L, pa, pb)), rel=1e-10
        )


def test_replicating_strip__broadcast_positions__one_strip_per_position() -> None:
    strip = replicating_strip(
        [1.0, 2.0, 3.0], [1000.0, 900.0, 1100.0], [2000.0, 1800.0, 1500.0], 16
    )
    assert strip.strikes.shape == (3, 16) and strip.weights.shape == (3, 16)
    np.testing.assert_allclose(
        strip.payoff(np.array([900.0, 1800.0, 1500.0])),
        lp.value(
            [900.0, 1800.0, 1500.0],
            [1.0, 2.0, 3.0],
            [1000.0, 900.0, 1100.0],
            [2000.0, 1800.0, 1500.0],
        ),
    )


def test_replicating_strip_on_strikes__listed_grid__adds_range_edges() -> None:
    strip = replicating_strip_on_strikes(5.0, 1500.0, 2500.0, [1000, 1600, 1800, 2000, 2400, 3000])
    np.testing.assert_array_equal(strip.strikes, [1500, 1600, 1800, 2000, 2400, 2500])
    np.testing.assert_allclose(
        strip.payoff(strip.strikes), lp.value(strip.strikes, 5.0, 1500.0, 2500.0)
    )


def test_replicating_strip__full_range_or_one_strike__raises_input_error() -> None:
    with pytest.raises(InputError, match="finite range"):
        replicating_strip(1.0, 0.0, np.inf)
    with pytest.raises(InputError, match="n_strikes"):
        replicating_strip(1.0, 1.0, 2.0, 1)
