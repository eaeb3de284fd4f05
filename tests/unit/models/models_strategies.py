"""Hypothesis strategies shared by the model tests: positions and prices by region."""

from __future__ import annotations

from typing import Literal

from hypothesis import strategies as st

Region = Literal["below", "inside", "above", "lower_edge", "upper_edge"]
REGIONS: tuple[Region, ...] = ("below", "inside", "above", "lower_edge", "upper_edge")


def log_uniform(lo_exp: float, hi_exp: float) -> st.SearchStrategy[float]:
    """10**x for x uniform-ish in [lo_exp, hi_exp]."""
    return st.floats(lo_exp, hi_exp, allow_nan=False).map(lambda x: 10.0**x)


@st.composite
def position_and_price(draw: st.DrawFn, region: Region) -> tuple[float, float, float, float]:
    """(price, liquidity, lower, upper) with the price in ``region`` of a finite v3 range."""
    lower = draw(log_uniform(-2.0, 4.0))
    width = draw(log_uniform(0.01, 2.0))  # upper / lower in [1.023, 100]
    upper = lower * width
    liquidity = draw(log_uniform(-2.0, 6.0))
    if region == "inside":
        price = lower * width ** draw(st.floats(0.02, 0.98))
    elif region == "below":
        price = lower / draw(log_uniform(0.005, 2.0))
    elif region == "above":
        price = upper * draw(log_uniform(0.005, 2.0))
    elif region == "lower_edge":
        price = lower
    else:
        price = upper
    return price, liquidity, lower, upper


any_region = st.sampled_from(REGIONS).flatmap(position_and_price)
