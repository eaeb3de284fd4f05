"""Static replication of a v3 LP payoff by a strip of European options (Carr-Madan).

For a twice-differentiable payoff f, Carr and Madan (1998) give, for any expansion point::

    f(P) = f(0) + f'(0) P + int_0^inf f''(K) (P - K)^+ dK                     (calls)
         = f(inf) + int_0^inf f''(K) (K - P)^+ dK      when f is flat at inf   (puts)

The v3 value V (see ``lp``) has V'' = -L / (2 K^(3/2)) on (Pa, Pb) and 0 elsewhere, V(0) = 0,
V'(0) = L (1/sa - 1/sb), V(inf) = L (sb - sa). So a v3 position is

* cash L (sb - sa) (token1 at expiry) **minus** puts with density L / (2 K^(3/2)) dK on [Pa, Pb], or
* L (1/sa - 1/sb) token0 **minus** calls with the same density.

Discrete strip: on strikes Pa = K_0 < ... < K_(n-1) = Pb the options replicate exactly the
piecewise-linear interpolant of V through the nodes (V itself at every strike, and outside the
range); between nodes the error is at most max|V''| h^2 / 8 = L h^2 / (16 K_i^(3/2)) on a
segment of width h. The weight at K_i is the change of slope of the interpolant there,
w_i = s_i - s_(i-1) (s_-1 = L (1/sa - 1/sb) below the range, s_(n-1) = 0 above): all weights
are <= 0 (short options) and sum to -L (1/sa - 1/sb). Weights count options on one token0 each
(payoff in token1); the same weights serve the put and the call form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from hedgekit.errors import InputError
from hedgekit.models import lp
from hedgekit.models._validate import FloatArray, as_float, check_kind, require_positive
from hedgekit.models.options.black_scholes import black_scholes

__all__ = ["OptionStrip", "replicating_strip", "replicating_strip_on_strikes", "strip_density"]


@dataclass(frozen=True)
class OptionStrip:
    """A static portfolio: ``cash`` token1 paid at expiry + ``underlying`` token0 + options.

    ``strikes`` and ``weights`` have shape (..., n); ``cash`` and ``underlying`` shape (...).
    ``weights`` are signed option counts (negative = short) of ``kind`` options on 1 token0.
    """

    strikes: FloatArray
    weights: FloatArray
    cash: FloatArray
    underlying: FloatArray
    kind: Literal["call", "put"]

    def payoff(self, price: npt.ArrayLike) -> FloatArray:
        """Value at expiry for terminal price(s) P (token1); P broadcasts against (...)."""
        P = as_float(price, "price")[..., np.newaxis]
        opt = (
            np.maximum(self.strikes - P, 0.0)
            if self.kind == "put"
            else np.maximum(P - self.strikes, 0.0)
        )
        return np.asarray(
            self.cash + self.underlying * P[..., 0] + np.sum(self.weights * opt, axis=-1),
            dtype=np.float64,
        )

    def price(
        self,
        S: npt.ArrayLike,
        T: npt.ArrayLike,
        r: npt.ArrayLike,
        sigma: npt.ArrayLike,
        q: npt.ArrayLike = 0.0,
    ) -> FloatArray:
        """Black-Scholes value today: cash e^(-rT) + underlying S e^(-qT) + sum w BS(K).

        With r = q = 0 this is the strip's E[payoff] under the driftless lognormal of
        ``lp_expected`` (and tends to ``expected_value`` as the strike grid is refined).
        """
        S_, T_, r_, q_ = (as_float(a, n) for a, n in ((S, "S"), (T, "T"), (r, "r"), (q, "q")))
        sig = as_float(sigma, "sigma")
        ext = (..., np.newaxis)
        opts = black_scholes(S_[ext], self.strikes, T_[ext], r_[ext], sig[ext], q_[ext], self.kind)
        return np.asarray(
            self.cash * np.exp(-r_ * T_)
            + self.underlying * S_ * np.exp(-q_ * T_)
            + np.sum(self.weights * opts, axis=-1),
            dtype=np.float64,
        )


def strip_density(
    strike: npt.ArrayLike, liquidity: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike
) -> FloatArray:
    """Continuous Carr-Madan weight V''(K) = -L / (2 K^(3/2)) on (Pa, Pb), 0 elsewhere
    (options on 1 token0 per unit of strike)."""
    K = as_float(strike, "strike")
    require_positive(K, "strike")
    Pa, Pb = as_float(lower, "lower"), as_float(upper, "upper")
    return np.asarray(lp.gamma(K, liquidity, Pa, Pb) * ((Pa < K) & (Pb > K)), dtype=np.float64)


def _finite_range(
    liquidity: npt.ArrayLike, lower: npt.ArrayLike, upper: npt.ArrayLike
) -> tuple[FloatArray, FloatArray, FloatArray]:
    L, Pa, Pb = lp._position(liquidity, lower, upper)
    if not ((Pa > 0.0).all() and np.isfinite(Pb).all()):
        raise InputError(
            "replication: needs a finite range 0 < lower < upper < inf (a v2 position needs "
            "infinitely many strikes; truncate it to a range first)"
        )
    return L, Pa, Pb


def _weights(
    strikes: FloatArray, L: FloatArray, Pa: FloatArray, Pb: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """(weights, slope below the range) for strikes[..., 0] = Pa, strikes[..., -1] = Pb."""
    V = lp.value(strikes, L[..., np.newaxis], Pa[..., np.newaxis], Pb[..., np.newaxis])
    seg = np.diff(V, axis=-1) / np.diff(strikes, axis=-1)
    below = L * (1.0 / np.sqrt(Pa) - 1.0 / np.sqrt(Pb))
    shape = (*seg.shape[:-1], 1)
    slopes = np.concatenate(
        [np.broadcast_to(below[..., np.newaxis], shape), seg, np.zeros(shape)], axis=-1
    )
    return np.asarray(np.diff(slopes, axis=-1), dtype=np.float64), below


def _strip(
    strikes: FloatArray, L: FloatArray, Pa: FloatArray, Pb: FloatArray, kind: str
) -> OptionStrip:
    k = check_kind(kind)
    w, below = _weights(strikes, L, Pa, Pb)
    if k == "put":
        cash, under = L * (np.sqrt(Pb) - np.sqrt(Pa)), np.zeros_like(below)
    else:
        cash, under = np.zeros_like(below), below
    return OptionStrip(
        strikes, w, np.asarray(cash, dtype=np.float64), np.asarray(under, dtype=np.float64), k
    )


def replicating_strip(
    liquidity: npt.ArrayLike,
    lower: npt.ArrayLike,
    upper: npt.ArrayLike,
    n_strikes: int = 64,
    kind: str = "put",
) -> OptionStrip:
    """Strip on ``n_strikes`` geometrically spaced strikes Pa (Pb/Pa)^(i/(n-1)), i = 0..n-1.

    Position arguments broadcast (one strip per position: strikes of shape (..., n)).
    ``kind="put"``: cash L (sb - sa) + puts; ``kind="call"``: L (1/sa - 1/sb) token0 + calls.
    """
    if n_strikes < 2:
        raise InputError(f"n_strikes: need at least 2 (the range edges), got {n_strikes}")
    L, Pa, Pb = _finite_range(liquidity, lower, upper)
    L, Pa, Pb = np.broadcast_arrays(L, Pa, Pb)
    u = np.linspace(0.0, 1.0, n_strikes)
    strikes = Pa[..., np.newaxis] * (Pb / Pa)[..., np.newaxis] ** u
    strikes[..., 0], strikes[..., -1] = Pa, Pb  # exact edges despite rounding in the power
    return _strip(strikes, L, Pa, Pb, kind)


def replicating_strip_on_strikes(
    liquidity: float,
    lower: float,
    upper: float,
    strikes: npt.ArrayLike,
    kind: str = "put",
) -> OptionStrip:
    """Strip for one position on listed strikes: those strictly inside (Pa, Pb) plus the two
    edges (an exact replication outside the range needs options struck at Pa and Pb)."""
    L, Pa, Pb = _finite_range(liquidity, lower, upper)
    if L.ndim or Pa.ndim or Pb.ndim:
        raise InputError("replicating_strip_on_strikes: takes one position (scalars)")
    K = as_float(strikes, "strikes").ravel()
    require_positive(K, "strikes")
    inner = K[(Pa < K) & (Pb > K)]
    grid = np.unique(np.concatenate([[float(Pa)], inner, [float(Pb)]]))
    return _strip(grid, L, Pa, Pb, kind)
