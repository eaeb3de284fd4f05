"""Pure twins of HedgedLPVault's integer math (``contracts/HedgedLPVault.vy`` and
``contracts/v3_math.vy``), bit for bit: the oracle answer as a pool sqrt price, share
conversions with the virtual offset, the exit payout, the management fee shares.

Everything here is exact ints; the Uniswap v3 parts come from :mod:`hedgekit.amm.v3`.
"""

from __future__ import annotations

import math

from hedgekit.amm.v3 import get_amounts_for_liquidity, mul_div
from hedgekit.errors import InputError
from hedgekit.types import SqrtPriceX96

Q192 = 1 << 192
BPS = 10_000
WAD = 10**18
YEAR = 365 * 86_400
#: The vault's virtual shares (OpenZeppelin decimals offset 6) and virtual asset (1 unit).
VIRTUAL_SHARES = 10**6
VIRTUAL_ASSETS = 1


def sqrt_price_of_ratio(num: int, den: int) -> SqrtPriceX96:
    """floor(sqrt(num / den) * 2**96), as ``v3_math.sqrt_price_of_ratio``."""
    if den <= 0 or num < 0:
        raise InputError("vault math: the ratio needs num >= 0 and den > 0")
    return SqrtPriceX96(math.isqrt(num * Q192 // den))


def oracle_sqrt_price_x96(answer: int, asset_decimals: int, weth_decimals: int,
                          feed_decimals: int, weth_is_token1: bool) -> SqrtPriceX96:
    """The feed's ``answer`` (USD per ETH, ``feed_decimals``) as the pool's Q64.96 sqrt price
    (token1 per token0 in raw units), rounded down, as ``HedgedLPVault._oracle_sqrt``."""
    if answer <= 0:
        raise InputError(f"oracle answer must be positive, got {answer}")
    weth_side = 10**weth_decimals * 10**feed_decimals
    usdc_side = answer * 10**asset_decimals
    if weth_is_token1:
        return sqrt_price_of_ratio(weth_side, usdc_side)
    return sqrt_price_of_ratio(usdc_side, weth_side)


def weth_value(amount: int, answer: int, asset_decimals: int, weth_decimals: int,
               feed_decimals: int) -> int:
    """WETH base units in asset base units at the oracle, rounded down."""
    return int(amount * answer * 10**asset_decimals // (10**feed_decimals * 10**weth_decimals))


def lp_amounts(liquidity: int, sqrt_price: int, sqrt_lower: int, sqrt_upper: int,
               weth_is_token1: bool) -> tuple[int, int]:
    """(USDC, WETH) a position holds at ``sqrt_price`` (both rounded down)."""
    if liquidity == 0:
        return 0, 0
    amount0, amount1 = get_amounts_for_liquidity(sqrt_price, sqrt_lower, sqrt_upper, liquidity)
    return (amount0, amount1) if weth_is_token1 else (amount1, amount0)


def to_shares(assets: int, total_assets: int, supply: int, round_up: bool = False) -> int:
    """assets * (supply + 10**6) / (total_assets + 1), rounded as asked."""
    numerator, denominator = assets * (supply + VIRTUAL_SHARES), total_assets + VIRTUAL_ASSETS
    return -(-numerator // denominator) if round_up else numerator // denominator


def to_assets(shares: int, total_assets: int, supply: int, round_up: bool = False) -> int:
    """shares * (total_assets + 1) / (supply + 10**6), rounded as asked."""
    numerator, denominator = shares * (total_assets + VIRTUAL_ASSETS), supply + VIRTUAL_SHARES
    return -(-numerator // denominator) if round_up else numerator // denominator


def net_of_buffer(gross: int, buffer_bps: int) -> int:
    """previewRedeem: gross less the exit buffer, rounded down."""
    return gross * (BPS - buffer_bps) // BPS


def withdraw_shares(assets: int, total_assets: int, supply: int, buffer_bps: int) -> int:
    """previewWithdraw: ``assets`` grossed up by the buffer (rounded up), then converted to
    shares rounding up."""
    gross = -(-assets * BPS // (BPS - buffer_bps))
    return to_shares(gross, total_assets, supply, round_up=True)


def exit_payout(gross: int, total_before: int, total_after: int) -> int:
    """What an exit pays: gross less the unwind's loss (a gain stays in the vault); raises
    InputError where the contract reverts "vault: exit cost"."""
    loss = max(total_before - total_after, 0)
    if gross <= loss:
        raise InputError("vault: exit cost")
    return gross - loss


def fee_shares(supply: int, fee_wad: int, elapsed: int) -> int:
    """Management fee shares for ``elapsed`` seconds: supply * f / (1 - f) with
    f = min(fee * elapsed / year, 1/2), so that the recipient owns f of the vault."""
    if fee_wad == 0 or supply == 0:
        return 0
    fraction = min(fee_wad * elapsed // YEAR, WAD // 2)
    return supply * fraction // (WAD - fraction)


__all__ = [
    "VIRTUAL_ASSETS",
    "VIRTUAL_SHARES",
    "exit_payout",
    "fee_shares",
    "lp_amounts",
    "mul_div",
    "net_of_buffer",
    "oracle_sqrt_price_x96",
    "sqrt_price_of_ratio",
    "to_assets",
    "to_shares",
    "weth_value",
    "withdraw_shares",
]
