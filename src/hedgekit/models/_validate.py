"""Input coercion and validation shared by the models (private).

Every public model function turns its inputs into float64 numpy arrays with :func:`as_float`
and checks them with the ``require_*`` helpers, which raise :class:`~hedgekit.errors.InputError`
naming the offending argument. Checks are vectorized (one pass over each array) so that they cost
little next to the maths when a call prices 1e6 positions.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import numpy.typing as npt

from hedgekit.errors import InputError

FloatArray = npt.NDArray[np.float64]
OptionKind = Literal["call", "put"]


def as_float(value: npt.ArrayLike, name: str) -> FloatArray:
    """``value`` as a float64 array (a 0-d array for a scalar); InputError if not numeric."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise InputError(f"{name}: expected a number or an array of numbers") from err
    if np.isnan(arr).any():
        raise InputError(f"{name}: must not be NaN")
    return arr


def require_positive(arr: FloatArray, name: str, *, allow_inf: bool = False) -> None:
    """InputError unless every element is > 0 (and finite unless ``allow_inf``)."""
    bad = ~(arr > 0.0) if allow_inf else ~((arr > 0.0) & np.isfinite(arr))
    if bad.any():
        raise InputError(f"{name}: must be positive and finite, got {arr[bad].flat[0]!r}")


def require_non_negative(arr: FloatArray, name: str, *, allow_inf: bool = False) -> None:
    """InputError unless every element is >= 0 (and finite unless ``allow_inf``)."""
    bad = ~(arr >= 0.0) if allow_inf else ~((arr >= 0.0) & np.isfinite(arr))
    if bad.any():
        raise InputError(f"{name}: must be non-negative and finite, got {arr[bad].flat[0]!r}")


def require_finite(arr: FloatArray, name: str) -> None:
    """InputError unless every element is finite."""
    if not np.isfinite(arr).all():
        raise InputError(f"{name}: must be finite")


def require_range(lower: FloatArray, upper: FloatArray) -> None:
    """InputError unless 0 <= lower < upper <= inf elementwise (v2 is lower=0, upper=inf)."""
    require_non_negative(lower, "lower")
    bad = ~(upper > lower)
    if bad.any():
        lo = np.broadcast_to(lower, bad.shape)[bad][0]
        hi = np.broadcast_to(upper, bad.shape)[bad][0]
        raise InputError(f"range: lower must be below upper, got lower={lo!r} >= upper={hi!r}")


def check_kind(kind: str) -> OptionKind:
    """``kind`` if it is ``"call"`` or ``"put"``; InputError otherwise."""
    if kind == "call":
        return "call"
    if kind == "put":
        return "put"
    raise InputError(f"kind: expected 'call' or 'put', got {kind!r}")
