# pragma version 0.4.3
"""
@title v3_math
@notice The Uniswap v3 math HedgedLPVault needs to value its position at the oracle price:
        FullMath.mulDiv (512-bit intermediate), TickMath.getSqrtRatioAtTick and
        LiquidityAmounts.getAmount{0,1}ForLiquidity, plus the oracle answer as a sqrt price.
@dev Bit for bit equal to the Python ports in `hedgekit.amm.v3` (full_math, tick_math,
     liquidity_amounts) and `hedgekit.vault.math.oracle_sqrt_price_x96`; tests/chain/
     test_vault_math.py checks them against each other on random inputs.
"""

Q96: constant(uint256) = 2**96
Q192: constant(uint256) = 2**192
MAX_TICK: constant(uint256) = 887_272

# 2**128 / sqrt(1.0001) ** (2**i), i = 1..19, as Q128.128: the hex literals of TickMath.sol
# (0xfff97272...213a, ...) written in decimal.
BIT_FACTORS: constant(uint256[19]) = [
    340248342086729790484326174814286782778,
    340214320654664324051920982716015181260,
    340146287995602323631171512101879684304,
    340010263488231146823593991679159461444,
    339738377640345403697157401104375502016,
    339195258003219555707034227454543997025,
    338111622100601834656805679988414885971,
    335954724994790223023589805789778977700,
    331682121138379247127172139078559817300,
    323299236684853023288211250268160618739,
    307163716377032989948697243942600083929,
    277268403626896220162999269216087595045,
    225923453940442621947126027127485391333,
    149997214084966997727330242082538205943,
    66119101136024775622716233608466517926,
    12847376061809297530290974190478138313,
    485053260817066172746253684029974020,
    691415978906521570653435304214168,
    1404880482679654955896180642,
]


@pure
@internal
def mul_div(x: uint256, y: uint256, denominator: uint256) -> uint256:
    """
    @notice floor(x * y / denominator) with a 512-bit product, as FullMath.mulDiv.
    @dev Reverts on a zero denominator or a result above 2**256 - 1. Remco Bloemen's
         algorithm: the product as [prod1 prod0] by the Chinese remainder theorem, the
         remainder subtracted, powers of two factored out, then multiplication by the
         denominator's inverse mod 2**256 (Newton-Raphson from a 4-bit seed).
    """
    assert denominator != 0, "v3_math: mul_div by zero"
    mm: uint256 = uint256_mulmod(x, y, max_value(uint256))
    # Wrapping on purpose: the low 256 bits of x * y.
    prod0: uint256 = unsafe_mul(x, y)
    prod1: uint256 = 0
    # Wrapping on purpose: prod1 = (mm - prod0 - borrow) mod 2**256 is the high word.
    if mm < prod0:
        prod1 = unsafe_sub(unsafe_sub(mm, prod0), 1)
    else:
        prod1 = unsafe_sub(mm, prod0)
    if prod1 == 0:
        return prod0 // denominator
    assert denominator > prod1, "v3_math: mul_div overflow"
    remainder: uint256 = uint256_mulmod(x, y, denominator)
    # Wrapping on purpose: 512-bit subtraction of the remainder (borrow taken from prod1,
    # which is > 0 here).
    if remainder > prod0:
        prod1 = unsafe_sub(prod1, 1)
    prod0 = unsafe_sub(prod0, remainder)
    # Largest power of two dividing the denominator (>= 1, the denominator is non-zero).
    twos: uint256 = unsafe_sub(0, denominator) & denominator
    # Cannot divide by zero: twos >= 1.
    denominator_odd: uint256 = unsafe_div(denominator, twos)
    prod0 = unsafe_div(prod0, twos)
    # Wrapping on purpose: 2**256 / twos, computed as (0 - twos) / twos + 1.
    twos = unsafe_add(unsafe_div(unsafe_sub(0, twos), twos), 1)
    prod0 |= unsafe_mul(prod1, twos)
    # Inverse of the odd denominator mod 2**256; every step doubles the correct bits (mod 2**n
    # arithmetic, so wrapping is intended throughout).
    inverse: uint256 = unsafe_mul(3, denominator_odd) ^ 2
    for j: uint256 in range(6):
        inverse = unsafe_mul(inverse, unsafe_sub(2, unsafe_mul(denominator_odd, inverse)))
    # Exact division by multiplication with the inverse; the result fits (checked above).
    return unsafe_mul(prod0, inverse)


@pure
@internal
def get_sqrt_ratio_at_tick(tick: int24) -> uint256:
    """
    @notice sqrt(1.0001 ** tick) * 2**96 as Q64.96, as TickMath.getSqrtRatioAtTick.
    @dev Reverts "v3_math: T" if |tick| > 887272. Rounds up in the last shift so that
         getTickAtSqrtRatio of the result is `tick`.
    """
    abs_tick: uint256 = convert(abs(convert(tick, int256)), uint256)
    assert abs_tick <= MAX_TICK, "v3_math: T"
    ratio: uint256 = 2**128
    if abs_tick & 1 != 0:
        ratio = 340265354078544963557816517032075149313
    for i: uint256 in range(19):
        if abs_tick & (2 << i) != 0:
            # Cannot overflow: ratio <= 2**128 and every factor < 2**128.
            ratio = (ratio * BIT_FACTORS[i]) >> 128
    if tick > 0:
        ratio = max_value(uint256) // ratio
    rounded: uint256 = 0
    if ratio % 2**32 != 0:
        rounded = 1
    return (ratio >> 32) + rounded


@pure
@internal
def get_amount0_for_liquidity(sqrt_a: uint256, sqrt_b: uint256, liquidity: uint256) -> uint256:
    """
    @notice Token0 of `liquidity` between two sqrt prices (sorted here):
            L * (P_b - P_a) / (P_a * P_b) as mulDiv(L << 96, P_b - P_a, P_b) / P_a, rounded down.
    """
    lower: uint256 = min(sqrt_a, sqrt_b)
    upper: uint256 = max(sqrt_a, sqrt_b)
    assert lower > 0, "v3_math: zero sqrt price"
    return self.mul_div(liquidity << 96, upper - lower, upper) // lower


@pure
@internal
def get_amount1_for_liquidity(sqrt_a: uint256, sqrt_b: uint256, liquidity: uint256) -> uint256:
    """
    @notice Token1 of `liquidity` between two sqrt prices: L * (P_b - P_a) / 2**96, rounded
            down.
    """
    return self.mul_div(liquidity, max(sqrt_a, sqrt_b) - min(sqrt_a, sqrt_b), Q96)


@pure
@internal
def get_amounts_for_liquidity(sqrt_price: uint256, sqrt_a: uint256, sqrt_b: uint256,
                              liquidity: uint256) -> (uint256, uint256):
    """
    @notice (amount0, amount1) a position of `liquidity` on [sqrt_a, sqrt_b] holds at
            `sqrt_price`, as LiquidityAmounts.getAmountsForLiquidity; both round down.
    """
    lower: uint256 = min(sqrt_a, sqrt_b)
    upper: uint256 = max(sqrt_a, sqrt_b)
    if sqrt_price <= lower:
        return self.get_amount0_for_liquidity(lower, upper, liquidity), 0
    if sqrt_price < upper:
        return (self.get_amount0_for_liquidity(sqrt_price, upper, liquidity),
                self.get_amount1_for_liquidity(lower, sqrt_price, liquidity))
    return 0, self.get_amount1_for_liquidity(lower, upper, liquidity)


@pure
@internal
def sqrt_price_of_ratio(num: uint256, den: uint256) -> uint256:
    """
    @notice floor(sqrt(num / den) * 2**96): the Q64.96 sqrt price of the raw price num / den.
    @dev floor(num * 2**192 / den) exactly, without a 512-bit product: with
         2**192 = q * den + r, it is num * q + floor(num * r / den). Needs num * r < 2**256
         (num and den are 10**decimals times an oracle answer) and a result below 2**256.
    """
    assert den > 0, "v3_math: zero denominator"
    return isqrt(num * (Q192 // den) + num * (Q192 % den) // den)
