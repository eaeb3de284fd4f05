"""LP positions in the model's orientation: the base asset (WETH) quoted in USD.

A Uniswap position is liquidity L on a price range of token1 per token0. The models take
price P = quote per base in human units. Liquidity is symmetric under the flip of orientation
(x = L(1/sqrt(P) - 1/sqrt(Pb)) in one orientation is y' = L(sqrt(P') - sqrt(Pa')) in the other,
with P' = 1/P and Pa' = 1/Pb), and in human units it is L_raw / 10**((dec0 + dec1) / 2). So a
position becomes ``LPHolding(L_human, lower', upper')`` with the range flipped when the base
is token1. This module is the only place that flip happens. Stablecoins count at par (1 USD).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hedgekit.amm.readers.v2_pair import V2PairState
from hedgekit.amm.readers.v3_positions import PositionState
from hedgekit.errors import InputError
from hedgekit.types import Address
from hedgekit.units import from_base_units_float, sqrt_price_x96_to_price, tick_to_price


@dataclass(frozen=True)
class LPHolding:
    """One LP position in model terms.

    ``liquidity`` is L in human units (sqrt(base * quote)); ``lower``/``upper`` bound the range
    in quote per base (0 and inf for v2); ``price`` is the pool's own price. Amounts and fees are
    in whole tokens, converted once from the exact reader values.
    """

    label: str
    kind: str
    pool: Address
    token_id: int | None
    liquidity: float
    lower: float
    upper: float
    price: float
    base_amount: float
    quote_amount: float
    fees_base: float
    fees_quote: float

    @property
    def in_range(self) -> bool:
        return self.lower <= self.price < self.upper

    @property
    def value(self) -> float:
        """Principal plus uncollected fees, in quote at the pool price."""
        base = self.base_amount + self.fees_base
        return base * self.price + self.quote_amount + self.fees_quote


def _orientation(token0: str, token1: str, base: str) -> bool:
    """True when the base token is token1 (the pool's price must be inverted)."""
    if base.lower() == token1.lower():
        return True
    if base.lower() == token0.lower():
        return False
    raise InputError(f"pool of {token0}/{token1} does not hold the base token {base}")


def lp_from_position(position: PositionState, base: str) -> LPHolding:
    """A v3 NFT position as an LPHolding with ``base`` quoted in the other token."""
    invert = _orientation(position.token0, position.token1, base)
    d0, d1 = position.decimals0, position.decimals1
    lo = tick_to_price(position.tick_lower, d0, d1, invert)
    hi = tick_to_price(position.tick_upper, d0, d1, invert)
    amounts = (from_base_units_float(position.amount0, d0),
               from_base_units_float(position.amount1, d1))
    fees = (from_base_units_float(position.fees0, d0), from_base_units_float(position.fees1, d1))
    b, q = (1, 0) if invert else (0, 1)
    return LPHolding(
        label=f"v3 #{position.token_id} ({position.fee / 10_000:g}%)",
        kind="v3", pool=position.pool, token_id=position.token_id,
        liquidity=position.liquidity / 10 ** ((d0 + d1) / 2),
        lower=min(lo, hi), upper=max(lo, hi),
        price=sqrt_price_x96_to_price(position.pool_sqrt_price_x96, d0, d1, invert),
        base_amount=amounts[b], quote_amount=amounts[q], fees_base=fees[b], fees_quote=fees[q])


def lp_from_v2_share(pair: V2PairState, base: str) -> LPHolding:
    """The owner's v2 LP tokens as a full-range LPHolding: a share f = balance / supply of the
    reserves is liquidity f * sqrt(reserve0 * reserve1) (protocol fee not yet minted ignored)."""
    if pair.total_supply == 0 or pair.lp_balance == 0:
        raise InputError(f"no LP share of {pair.address} to value")
    invert = _orientation(pair.token0, pair.token1, base)
    r0 = from_base_units_float(pair.reserve0, pair.decimals0)
    r1 = from_base_units_float(pair.reserve1, pair.decimals1)
    share = pair.lp_balance / pair.total_supply
    amounts = (share * r0, share * r1)
    b, q = (1, 0) if invert else (0, 1)
    price = r0 / r1 if invert else r1 / r0
    return LPHolding(
        label="v2 share", kind="v2", pool=pair.address, token_id=None,
        liquidity=share * math.sqrt(r0 * r1), lower=0.0, upper=math.inf, price=price,
        base_amount=amounts[b], quote_amount=amounts[q], fees_base=0.0, fees_quote=0.0)
