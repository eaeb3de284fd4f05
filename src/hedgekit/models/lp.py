"""Value and price Greeks of a Uniswap v2/v3 liquidity position (closed form, vectorized).

Conventions
-----------
* ``price`` P is token1 per token0 in human units (decimals applied); values are in token1.
* A v3 position is liquidity L on the price range [Pa, Pb] (``lower``, ``upper``); v2 is the
  range [0, inf). Write s = sqrt(P), sa = sqrt(Pa), sb = sqrt(Pb).
* Every function broadcasts its array arguments (numpy rules) and returns float64 arrays.

Holdings (Uniswap v3 whitepaper, eq. 6.29-6.30, in human units)::

    region          token0 x                 token1 y
    P <= Pa         L (1/sa - 1/sb)          0
    Pa < P < Pb     L (1/s  - 1/sb)          L (s - sa)
    P >= Pb         0                        L (sb - sa)

Value V(P) = x P + y (token1)::

    P <= Pa         V = P L (1/sa - 1/sb)
    Pa < P < Pb     V = L (2 s - sa - P / sb)
    P >= Pb         V = L (sb - sa)

V is C1: delta dV/dP = x (token0 held) is continuous. Gamma d2V/dP2 = -L / (2 P^(3/2)) inside
the range and 0 outside; it jumps at the edges. **Edge convention**: gamma uses the closed range
[Pa, Pb], i.e. at P = Pa it is the right-hand limit and at P = Pb the left-hand limit (the value
seen from inside the range).

Impermanent loss (IL) is the value of the position minus the value of holding the tokens it held
at the reference price P0: IL(P) = V(P) - (x0 P + y0), in token1; as a fraction of the holding
value it does not depend on L. For v2, with r = P / P0: IL/hold = 2 sqrt(r) / (1 + r) - 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from hedgekit.errors import InputError
from hedgekit.models._validate import (
    FloatArray,
    as_float,
    require_non_negative,
    require_positive,
    require_range,
)

__all__ = [
    "LPRange",
    "amounts",
    "delta",
    "gamma",
    "impermanent_loss",
    "impermanent_loss_delta",
    "impermanent_loss_fraction",
    "impermanent_loss_v2",
    "value",
]


@dataclass(frozen=True)
class LPRange:
    """A liquidity position: ``liquidity`` L on [``lower``, ``upper``] (token1 per token0).

    Fields may be scalars or arrays (one LPRange can hold 1e6 positions). Use
    :meth:`v2` for a full-range (Uniswap v2) position. Validated on construction.
    """

    liquidity: npt.ArrayLike
    lower: npt.ArrayLike = 0.0
    upper: npt.ArrayLike = np.inf

    def __post_init__(self) -> None:
        _position(self.liquidity, self.lower, self.upper)

    @classmethod
    def v2(cls, liquidity: npt.ArrayLike) -> LPRange:
        """Full-range position [0, inf): L = sqrt(x y) of the v2 pair share."""
        return cls(liquidity, 0.0, np.inf)

    def value(self, price: npt.ArrayLike) -> FloatArray:
        """V(P) in token1; see :func:`value`."""
        return value(price, self.liquidity, self.lower, self.upper)

    def delta(self, price: npt.ArrayLike) -> FloatArray:
        """dV/dP in token0 (per 1 unit of token1 price move); see :func:`delta`."""
        return delta(price, self.liquidity, self.lower, self.upper)

    def gamma(self, price: npt.ArrayLike) -> FloatArray:
        """d2V/dP2 in token0 per (token1/token0); see :func:`gamma`."""
        return gamma(price, self.liquidity, self.lower, self.upper)


def _position(
    liquidity: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    L = as_float(liquidity, "liquidity")
    Pa = as_float(lower, "lower")
    Pb = as_float(upper, "upper")
    require_non_negative(L, "liquidity")
    require_range(Pa, Pb)
    return L, Pa, Pb


def _inputs(
    price: npt.ArrayLike, liquidity: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    P = as_float(price, "price")
    require_positive(P, "price")
    L, Pa, Pb = _position(liquidity, lower, upper)
    return P, L, Pa, Pb


def _inv_sqrt(x: FloatArray) -> FloatArray:
    """1/sqrt(x) with 1/sqrt(0) = inf and 1/sqrt(inf) = 0, without warnings."""
    with np.errstate(divide="ignore"):
        return np.asarray(1.0 / np.sqrt(x), dtype=np.float64)


def amounts(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
) -> tuple[FloatArray, FloatArray]:
    """Token amounts (x token0, y token1) held by L on [Pa, Pb] at price P (table above).

    Float model of the amounts; the exact integer amounts (with Uniswap's rounding) live in
    ``hedgekit.amm``.
    """
    P, L, Pa, Pb = _inputs(price, liquidity, lower, upper)
    s = np.sqrt(np.clip(P, Pa, Pb))  # sqrt of the price seen by the position: clamped to range
    x = L * (1.0 / s - _inv_sqrt(Pb))
    y = L * (s - np.sqrt(Pa))
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def value(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
) -> FloatArray:
    """Value V(P) = x P + y of L on [Pa, Pb], in token1 (v2: V = 2 L sqrt(P))."""
    P = as_float(price, "price")
    x, y = amounts(P, liquidity, lower, upper)
    return np.asarray(x * P + y, dtype=np.float64)


def delta(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
) -> FloatArray:
    """Delta dV/dP = x, the token0 held (token1 value change per 1 unit of token1 price move).

    L (1/sa - 1/sb) below the range, L (1/sqrt(P) - 1/sb) inside, 0 above; continuous.
    """
    return amounts(price, liquidity, lower, upper)[0]


def gamma(
    price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
) -> FloatArray:
    """Gamma d2V/dP2 = -L / (2 P^(3/2)) on the closed range [Pa, Pb], 0 outside.

    Unit: token0 per 1 unit of token1 price move (change of delta per unit price move).
    At the edges it is the one-sided limit from inside the range (see module docstring).
    """
    P, L, Pa, Pb = _inputs(price, liquidity, lower, upper)
    inside = (Pa <= P) & (Pb >= P)
    return np.asarray(np.where(inside, -0.5 * L * P**-1.5, 0.0), dtype=np.float64)


def impermanent_loss(
    price: npt.ArrayLike,
    reference_price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
) -> FloatArray:
    """IL(P) = V(P) - (x0 P + y0) in token1, with (x0, y0) held at ``reference_price`` P0.

    Always <= 0 (V is concave and the hold portfolio is its tangent at P0).
    """
    P = as_float(price, "price")
    x0, y0 = amounts(reference_price, liquidity, lower, upper)
    return np.asarray(value(P, liquidity, lower, upper) - (x0 * P + y0), dtype=np.float64)


def impermanent_loss_delta(
    price: npt.ArrayLike,
    reference_price: npt.ArrayLike,
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
) -> FloatArray:
    """dIL/dP = x(P) - x0 in token0 (per 1 unit of token1 price move).

    The IL gamma equals the LP gamma (:func:`gamma`): the hold portfolio is linear in P.
    """
    x0, _ = amounts(reference_price, liquidity, lower, upper)
    return np.asarray(delta(price, liquidity, lower, upper) - x0, dtype=np.float64)


def impermanent_loss_fraction(
    price: npt.ArrayLike,
    reference_price: npt.ArrayLike,
    lower: npt.ArrayLike = 0.0,
    upper: npt.ArrayLike = np.inf,
) -> FloatArray:
    """IL as a fraction of the hold value: V(P) / (x0 P + y0) - 1 (independent of L).

    Dimensionless, in [-1, 0]; -0.0572 means 5.72 % less than holding.
    """
    P = as_float(price, "price")
    x0, y0 = amounts(reference_price, 1.0, lower, upper)
    return np.asarray(value(P, 1.0, lower, upper) / (x0 * P + y0) - 1.0, dtype=np.float64)


def impermanent_loss_v2(price_ratio: npt.ArrayLike) -> FloatArray:
    """v2 (full range) impermanent loss as a fraction: 2 sqrt(r) / (1 + r) - 1, r = P / P0.

    r = 2 gives -0.0572 (-5.72 %), r = 4 gives -0.2; symmetric in r <-> 1/r.
    """
    r = as_float(price_ratio, "price_ratio")
    if not ((r > 0.0) & np.isfinite(r)).all():
        raise InputError("price_ratio: must be positive and finite")
    return np.asarray(2.0 * np.sqrt(r) / (1.0 + r) - 1.0, dtype=np.float64)
