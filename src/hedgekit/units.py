"""The one boundary between raw on-chain integers and human numbers.

Everything that reaches a transaction is an exact ``int``; models work in floats of human units
(token1 per token0, adjusted for decimals). Conversions happen here and nowhere else, with the
rounding stated: round **down** what we send, round **up** what we need.

Prices follow the pool: ``price`` is token1 per token0 in human units. ``invert=True`` gives
token0 per token1, e.g. USDC per WETH on the WETH/USDC pool where USDC is token0.
"""

from __future__ import annotations

import math
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_DOWN,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    InvalidOperation,
)
from fractions import Fraction

from hedgekit.amm.v3.tick_math import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    get_sqrt_ratio_at_tick,
    get_tick_at_sqrt_ratio,
)
from hedgekit.errors import InputError
from hedgekit.types import SqrtPriceX96, Tick

WAD = 10**18
"""1.0 as an 18-decimals fixed-point number (DS-Math, Aave, most ERC-20s)."""
RAY = 10**27
"""1.0 as a 27-decimals fixed-point number (Aave rates and indexes)."""
HALF_WAD = WAD // 2
HALF_RAY = RAY // 2
WAD_RAY_RATIO = RAY // WAD
Q96 = 1 << 96
Q192 = 1 << 192

MAX_DECIMALS = 255
"""ERC-20 ``decimals()`` is a uint8."""

_ROUNDINGS = frozenset(
    {
        ROUND_DOWN,
        ROUND_UP,
        ROUND_FLOOR,
        ROUND_CEILING,
        ROUND_HALF_UP,
        ROUND_HALF_DOWN,
        ROUND_HALF_EVEN,
    }
)

Amount = Decimal | str | int


def _check_decimals(decimals: int) -> None:
    if isinstance(decimals, bool) or not isinstance(decimals, int):
        raise InputError(f"decimals must be an int, got {type(decimals).__name__}")
    if not 0 <= decimals <= MAX_DECIMALS:
        raise InputError(f"decimals out of range 0..{MAX_DECIMALS}: {decimals}")


def _to_fraction(value: Decimal | str | int | float | Fraction, what: str) -> Fraction:
    if isinstance(value, bool):
        raise InputError(f"{what} must be a number, got bool")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{what} must be finite, got {value}")
        return Fraction(value)
    if isinstance(value, str):
        try:
            value = Decimal(value.strip().replace("_", ""))
        except InvalidOperation as err:
            raise InputError(f"{what} is not a number: {value!r}") from err
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InputError(f"{what} must be finite, got {value}")
        return Fraction(value)
    raise InputError(f"{what} must be a Decimal, str or int, got {type(value).__name__}")


def _round(value: Fraction, rounding: str) -> int:
    """Round an exact fraction to an int with a ``decimal`` rounding mode."""
    if rounding not in _ROUNDINGS:
        raise InputError(f"unsupported rounding mode: {rounding!r}")
    floor = value.numerator // value.denominator
    if floor == value:
        return floor
    ceil = floor + 1
    toward_zero = floor if value > 0 else ceil
    away = ceil if value > 0 else floor
    if rounding == ROUND_FLOOR:
        return floor
    if rounding == ROUND_CEILING:
        return ceil
    if rounding == ROUND_DOWN:
        return toward_zero
    if rounding == ROUND_UP:
        return away
    twice = 2 * (value - floor)
    if twice != 1:
        return ceil if twice > 1 else floor
    if rounding == ROUND_HALF_UP:
        return away
    if rounding == ROUND_HALF_DOWN:
        return toward_zero
    return floor if floor % 2 == 0 else ceil


def to_base_units(amount: Amount, decimals: int, rounding: str = ROUND_DOWN) -> int:
    """Human amount -> raw token units: ``amount * 10**decimals`` rounded to an int.

    ``amount`` is a ``Decimal``, a decimal string (``"1.5"``, ``"1_000"``) or an int; floats are
    refused because their binary value is rarely the amount meant. Rounds **down** (toward zero)
    by default, the safe way for amounts we send; pass ``rounding=decimal.ROUND_UP`` (or
    ``ROUND_CEILING``) for amounts we need. Exact for any size (no ``decimal`` context involved).
    """
    _check_decimals(decimals)
    if isinstance(amount, float):
        raise InputError("to_base_units takes a Decimal, str or int, not a float")
    return _round(_to_fraction(amount, "amount") * 10**decimals, rounding)


def from_base_units(amount: int, decimals: int) -> Decimal:
    """Raw token units -> exact human ``Decimal``: ``amount / 10**decimals`` (no rounding)."""
    _check_decimals(decimals)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InputError(f"amount must be an int, got {type(amount).__name__}")
    return Decimal(amount).scaleb(-decimals, context=Context(prec=len(str(abs(amount))) + 2))


def from_base_units_float(amount: int, decimals: int) -> float:
    """Raw token units -> human ``float`` (correctly rounded ``amount / 10**decimals``)."""
    _check_decimals(decimals)
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise InputError(f"amount must be an int, got {type(amount).__name__}")
    return float(Fraction(amount, 10**decimals))


def _price_fraction(sqrt_price_x96: int, decimals0: int, decimals1: int) -> Fraction:
    """Exact human price token1/token0 of a sqrt price."""
    _check_decimals(decimals0)
    _check_decimals(decimals1)
    if isinstance(sqrt_price_x96, bool) or not isinstance(sqrt_price_x96, int):
        raise InputError("sqrt_price_x96 must be an int")
    if sqrt_price_x96 <= 0:
        raise InputError(f"sqrt_price_x96 must be positive, got {sqrt_price_x96}")
    return Fraction(sqrt_price_x96 * sqrt_price_x96 * 10**decimals0, Q192 * 10**decimals1)


def sqrt_price_x96_to_price(
    sqrt_price_x96: SqrtPriceX96 | int, decimals0: int, decimals1: int, invert: bool = False
) -> float:
    """Human price of a Q64.96 sqrt price: ``(sqrt_price_x96 / 2**96)**2 * 10**(decimals0 -
    decimals1)`` token1 per token0, or its reciprocal with ``invert``. Computed exactly, then
    correctly rounded to a float once."""
    price = _price_fraction(sqrt_price_x96, decimals0, decimals1)
    return float(1 / price if invert else price)


def price_to_sqrt_price_x96(
    price: Decimal | str | int | float | Fraction,
    decimals0: int,
    decimals1: int,
    invert: bool = False,
    rounding: str = ROUND_FLOOR,
) -> SqrtPriceX96:
    """Q64.96 sqrt price of a human price (token1 per token0, or token0 per token1 with
    ``invert``): ``sqrt(price * 10**(decimals1 - decimals0)) * 2**96``.

    Exact square root of the exact value (a float is taken at its exact binary value), rounded
    down by default (``ROUND_CEILING`` rounds up). Raises ``InputError`` outside
    [MIN_SQRT_RATIO, MAX_SQRT_RATIO].
    """
    _check_decimals(decimals0)
    _check_decimals(decimals1)
    value = _to_fraction(price, "price")
    if value <= 0:
        raise InputError(f"price must be positive, got {price}")
    if invert:
        value = 1 / value
    raw = value * Fraction(10**decimals1, 10**decimals0) * Q192
    floor_sqrt = math.isqrt(raw.numerator // raw.denominator)
    if rounding == ROUND_FLOOR:
        result = floor_sqrt
    elif rounding == ROUND_CEILING:
        result = floor_sqrt if floor_sqrt * floor_sqrt == raw else floor_sqrt + 1
    else:
        raise InputError("price_to_sqrt_price_x96 rounds ROUND_FLOOR or ROUND_CEILING")
    if not MIN_SQRT_RATIO <= result <= MAX_SQRT_RATIO:
        raise InputError(f"price {price} is outside the range a v3 pool can represent")
    return SqrtPriceX96(result)


def tick_to_price(tick: Tick | int, decimals0: int, decimals1: int, invert: bool = False) -> float:
    """Human price at a tick, from the pool's own ``get_sqrt_ratio_at_tick`` (so it equals
    :func:`sqrt_price_x96_to_price` of that tick's sqrt price), about 1.0001**tick adjusted for
    decimals."""
    return sqrt_price_x96_to_price(get_sqrt_ratio_at_tick(tick), decimals0, decimals1, invert)


def price_to_tick(
    price: Decimal | str | int | float, decimals0: int, decimals1: int, invert: bool = False
) -> Tick:
    """The greatest tick whose price (token1 per token0) is <= the given price, i.e.
    ``get_tick_at_sqrt_ratio`` of the floor sqrt price. With ``invert`` the given price is token0
    per token1 and is converted first, so the tick is still floored in the pool's orientation."""
    sqrt_price = price_to_sqrt_price_x96(price, decimals0, decimals1, invert)
    if sqrt_price >= MAX_SQRT_RATIO:
        return Tick(MAX_TICK)
    return get_tick_at_sqrt_ratio(sqrt_price)


def nearest_usable_tick(tick: Tick | int, tick_spacing: int) -> Tick:
    """The multiple of ``tick_spacing`` nearest to ``tick`` (ties round up, as the v3-sdk's
    ``nearestUsableTick``), moved one spacing inwards if it falls outside [MIN_TICK, MAX_TICK]."""
    if isinstance(tick_spacing, bool) or not isinstance(tick_spacing, int) or tick_spacing <= 0:
        raise InputError(f"tick_spacing must be a positive int, got {tick_spacing}")
    if not MIN_TICK <= tick <= MAX_TICK:
        raise InputError(f"tick out of range: {tick}")
    rounded = _round(Fraction(tick, tick_spacing), ROUND_HALF_UP if tick >= 0 else ROUND_HALF_DOWN)
    rounded *= tick_spacing
    if rounded < MIN_TICK:
        rounded += tick_spacing
    elif rounded > MAX_TICK:
        rounded -= tick_spacing
    return Tick(rounded)


def wad_mul(a: int, b: int) -> int:
    """``a * b / WAD`` rounded half up, as Aave v3 ``WadRayMath.wadMul``."""
    return (a * b + HALF_WAD) // WAD


def wad_div(a: int, b: int) -> int:
    """``a * WAD / b`` rounded half up, as Aave v3 ``WadRayMath.wadDiv``."""
    if b == 0:
        raise InputError("wad_div by zero")
    return (a * WAD + b // 2) // b


def ray_mul(a: int, b: int) -> int:
    """``a * b / RAY`` rounded half up, as Aave v3 ``WadRayMath.rayMul``."""
    return (a * b + HALF_RAY) // RAY


def ray_div(a: int, b: int) -> int:
    """``a * RAY / b`` rounded half up, as Aave v3 ``WadRayMath.rayDiv``."""
    if b == 0:
        raise InputError("ray_div by zero")
    return (a * RAY + b // 2) // b


def wad_to_ray(a: int) -> int:
    """WAD -> RAY: ``a * 10**9`` (exact)."""
    return a * WAD_RAY_RATIO


def ray_to_wad(a: int) -> int:
    """RAY -> WAD: ``a / 10**9`` rounded half up, as Aave v3 ``WadRayMath.rayToWad``."""
    return (a + WAD_RAY_RATIO // 2) // WAD_RAY_RATIO


def wad_to_float(a: int) -> float:
    """A WAD fixed-point int as a float (correctly rounded)."""
    return from_base_units_float(a, 18)


def ray_to_float(a: int) -> float:
    """A RAY fixed-point int as a float (correctly rounded)."""
    return from_base_units_float(a, 27)


__all__ = [
    "HALF_RAY",
    "HALF_WAD",
    "Q96",
    "Q192",
    "RAY",
    "WAD",
    "WAD_RAY_RATIO",
    "from_base_units",
    "from_base_units_float",
    "nearest_usable_tick",
    "price_to_sqrt_price_x96",
    "price_to_tick",
    "ray_div",
    "ray_mul",
    "ray_to_float",
    "ray_to_wad",
    "sqrt_price_x96_to_price",
    "tick_to_price",
    "to_base_units",
    "wad_div",
    "wad_mul",
    "wad_to_float",
    "wad_to_ray",
]
