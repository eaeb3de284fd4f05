"""Hand-built books for the risk unit tests (no chain): a USDC/WETH v3 pool around 3000 USD per
ETH with a few ranges, and an LP position on it in the reader's raw units."""

from __future__ import annotations

from fractions import Fraction

from hedgekit.amm.readers.v3_positions import PositionState
from hedgekit.amm.v3 import PoolState, get_amounts_for_liquidity, get_sqrt_ratio_at_tick
from hedgekit.chain import addresses as A
from hedgekit.portfolio import Portfolio, lp_from_position
from hedgekit.risk.exact import ExactBook
from hedgekit.types import Address, BlockNumber, Liquidity, SqrtPriceX96, Tick, Wei
from hedgekit.units import price_to_sqrt_price_x96, price_to_tick

POOL = Address(A.WETH_USDC_V3_005)
SPOT = Fraction(3000)
OWN_RANGE = (2700, 3300)  # USD per ETH
OWN_LIQUIDITY = 3 * 10**17


def _tick(usd: float) -> int:
    return price_to_tick(str(usd), 6, 18, invert=True) // 10 * 10


def make_pool(extra: list[tuple[int, int, int]] | None = None) -> PoolState:
    """The pool at SPOT: a deep wide range, a narrow one and our own position, with fee growth
    tracked (0 everywhere) so that the arbitrage fees can be measured."""
    sqrt = price_to_sqrt_price_x96(int(SPOT), 6, 18, invert=True)
    lo, hi = sorted((_tick(OWN_RANGE[0]), _tick(OWN_RANGE[1])))
    ranges = [(_tick(6000), _tick(1000), 10**19), (_tick(3600), _tick(2500), 2 * 10**18),
              (lo, hi, OWN_LIQUIDITY), *(extra or [])]
    ranges = [(min(a, b), max(a, b), liquidity) for a, b, liquidity in ranges]
    base = PoolState.from_positions(sqrt, 500, 10, ranges)
    zeros = dict.fromkeys(base.ticks, 0)
    return base.replace(fee_growth_global0_x128=0, fee_growth_global1_x128=0,
                        fee_growth_outside0_x128=zeros, fee_growth_outside1_x128=zeros,
                        address=POOL, token0=Address(A.USDC), token1=Address(A.WETH),
                        decimals0=6, decimals1=18)


def make_position(pool: PoolState) -> PositionState:
    lo, hi = sorted((_tick(OWN_RANGE[0]), _tick(OWN_RANGE[1])))
    a0, a1 = get_amounts_for_liquidity(pool.sqrt_price_x96, get_sqrt_ratio_at_tick(lo),
                                       get_sqrt_ratio_at_tick(hi), OWN_LIQUIDITY)
    return PositionState(7, Address("0x" + "11" * 20), POOL, Address(A.USDC), Address(A.WETH), 6,
                         18, 500, Tick(lo), Tick(hi), Liquidity(OWN_LIQUIDITY),
                         SqrtPriceX96(pool.sqrt_price_x96), pool.tick, a0, a1, Wei(0), Wei(0),
                         BlockNumber(1))


def make_exact_book() -> ExactBook:
    pool = make_pool()
    position = make_position(pool)
    portfolio = Portfolio(Address("0x" + "11" * 20), BlockNumber(1), 0, float(SPOT),
                          (lp_from_position(position, A.WETH),), (position,), None, None, {})
    return ExactBook(portfolio, {POOL: pool})
