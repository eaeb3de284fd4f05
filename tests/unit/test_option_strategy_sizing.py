"""The option strategies' pure sizing pieces: parameter validation, lot rounding, the stress
re-valuation of an LP portfolio and the overlay's strip weights (no chain)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hedgekit.chain import addresses as A
from hedgekit.errors import InputError
from hedgekit.models import lp as lp_model
from hedgekit.portfolio import LPHolding, Portfolio
from hedgekit.strategy.options_strategies import overlay_weights, portfolio_value, stress_loss
from hedgekit.strategy.strategy_common import LOT, StrategyParams, ceil_lot, floor_lot
from hedgekit.types import Address, BlockNumber, Wei

SPOT = 3_000.0


def _portfolio(lower: float = 2_600.0, upper: float = 3_400.0, liquidity: float = 5_000.0,
               usdc: int = 0) -> Portfolio:
    x, y = lp_model.amounts(SPOT, liquidity, lower, upper)
    lp = LPHolding("v3 #1", "v3", Address(A.WETH_USDC_V3_005), 1, liquidity, lower, upper,
                   SPOT, float(x), float(y), 0.0, 0.0)
    return Portfolio(Address("0x" + "11" * 20), BlockNumber(1), 0, SPOT, (lp,), (), None, None,
                     {Address(A.USDC): Wei(usdc)})


@pytest.mark.parametrize("kwargs", [
    {"name": "straddle"}, {"name": "tail-puts", "loss_limit": 0.0},
    {"name": "tail-puts", "loss_limit": -5.0}, {"name": "tail-puts", "loss_limit": math.nan},
    {"name": "basis", "size": 0.0}, {"name": "covered-call", "moneyness": -1.0},
    {"name": "covered-call", "expiry_days": math.inf}, {"name": "tail-puts", "shock": 1.0},
    {"name": "covered-call", "option_delta": 1.5},
])
def test_strategy_params__bad_values__raise_input_error(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError):
        StrategyParams(**kwargs)  # type: ignore[arg-type]


def test_lots__round_down_what_we_write_and_up_what_we_need() -> None:
    assert floor_lot(1.0000019) == 10**18 + LOT
    assert ceil_lot(1.0000011) == 10**18 + 2 * LOT
    assert floor_lot(2.0) == ceil_lot(2.0) == 2 * 10**18


def test_stress_loss__of_an_lp_and_cash__is_the_lp_value_change_at_the_shocked_price() -> None:
    portfolio = _portfolio(usdc=1_000 * 10**6)
    expected = float(lp_model.value(SPOT, 5_000.0, 2_600.0, 3_400.0)
                     - lp_model.value(SPOT * 0.7, 5_000.0, 2_600.0, 3_400.0))
    assert stress_loss(portfolio, None, 0.3) == pytest.approx(expected, rel=1e-12)
    assert portfolio_value(portfolio, None, 1.0) == pytest.approx(
        float(lp_model.value(SPOT, 5_000.0, 2_600.0, 3_400.0)) + 1_000.0)


def test_overlay_weights__buy_the_strip_on_the_listed_strikes_nearest_the_range() -> None:
    strikes = [2_400.0, 2_700.0, 2_850.0, 3_000.0, 3_150.0, 3_300.0, 3_600.0]
    weights = overlay_weights(_portfolio(), strikes, 1.0)
    assert sorted(weights) == [2_700.0, 2_850.0, 3_000.0, 3_150.0, 3_300.0]  # snapped range
    assert all(w > 0 for w in weights.values())  # long puts: the LP is short them
    lo, hi = 2_700.0, 3_300.0
    total = 5_000.0 * (1 / np.sqrt(lo) - 1 / np.sqrt(hi))  # the strip's whole weight
    assert sum(weights.values()) == pytest.approx(total, rel=1e-12)
    half = overlay_weights(_portfolio(), strikes, 0.5)
    assert half == pytest.approx({k: w / 2 for k, w in weights.items()})


def test_overlay_weights__range_inside_one_strike_gap__raises_input_error() -> None:
    with pytest.raises(InputError, match="spans no"):
        overlay_weights(_portfolio(2_990.0, 3_010.0), [2_500.0, 3_000.0, 3_500.0], 1.0)
