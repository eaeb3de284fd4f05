"""FullMath and UnsafeMath of Uniswap v3-core, plus the integer-range checks of the ports.

Solidity's ``FullMath.mulDiv`` computes ``floor(a * b / d)`` with a 512-bit intermediate and
reverts when ``d == 0`` or the result does not fit in 256 bits. Python ints have no width, so the
port is the exact formula plus those two checks.
"""

from __future__ import annotations

from hedgekit.errors import InputError

Q96 = 1 << 96
Q128 = 1 << 128
MAX_UINT128 = (1 << 128) - 1
MAX_UINT160 = (1 << 160) - 1
MAX_UINT256 = (1 << 256) - 1
MIN_INT128 = -(1 << 127)
MAX_INT128 = (1 << 127) - 1
MIN_INT256 = -(1 << 255)
MAX_INT256 = (1 << 255) - 1


def require_uint(name: str, value: int, bits: int) -> int:
    """Return ``value`` if it is a ``uint<bits>``; raise :class:`InputError` otherwise.

    This is the check an ABI decoder (or a Solidity downcast with ``require``) applies.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be an int, got {type(value).__name__}")
    if value < 0 or value >> bits:
        raise InputError(f"{name} out of uint{bits} range: {value}")
    return value


def require_int(name: str, value: int, bits: int) -> int:
    """Return ``value`` if it is an ``int<bits>``; raise :class:`InputError` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(f"{name} must be an int, got {type(value).__name__}")
    bound = 1 << (bits - 1)
    if not -bound <= value < bound:
        raise InputError(f"{name} out of int{bits} range: {value}")
    return value


def mul_div(a: int, b: int, denominator: int) -> int:
    """``floor(a * b / denominator)`` over uint256, as ``FullMath.mulDiv``.

    Rounds down. Reverts (raises ``InputError``) if ``denominator == 0`` or the result overflows
    uint256.
    """
    if denominator == 0:
        raise InputError("full_math: mul_div by zero")
    result = a * b // denominator
    if result > MAX_UINT256:
        raise InputError("full_math: mul_div overflows uint256")
    return result


def mul_div_rounding_up(a: int, b: int, denominator: int) -> int:
    """``ceil(a * b / denominator)`` over uint256, as ``FullMath.mulDivRoundingUp``.

    Rounds up. Reverts like :func:`mul_div`, and also when rounding up would overflow uint256.
    """
    result = mul_div(a, b, denominator)
    if (a * b) % denominator:
        if result == MAX_UINT256:
            raise InputError("full_math: mul_div_rounding_up overflows uint256")
        result += 1
    return result


def div_rounding_up(x: int, y: int) -> int:
    """``ceil(x / y)`` as ``UnsafeMath.divRoundingUp``.

    EVM division by zero yields 0 instead of reverting; the port keeps that (every caller in
    v3-core guarantees ``y > 0`` before calling).
    """
    if y == 0:
        return 0
    return x // y + (1 if x % y else 0)


__all__ = [
    "MAX_INT128",
    "MAX_INT256",
    "MAX_UINT128",
    "MAX_UINT160",
    "MAX_UINT256",
    "MIN_INT128",
    "MIN_INT256",
    "Q96",
    "Q128",
    "div_rounding_up",
    "mul_div",
    "mul_div_rounding_up",
    "require_int",
    "require_uint",
]
