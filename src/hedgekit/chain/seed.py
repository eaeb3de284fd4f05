"""Seed the replica's pools with a realistic liquidity distribution.

Each v3 pool gets many positions whose ranges are log-uniform in width (from two tick
spacings to ~±100% in price); half are centred near the start price (active LPs), half on
past prices (stale ranges), plus one full-range position. Liquidity is deep near the price and
thins out away from it, and the WETH/USDC 0.05% pool holds over 1,000 initialized ticks.
Positions are minted through the real
NonfungiblePositionManager, many per transaction (its ``multicall``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from fractions import Fraction

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact
from hedgekit.chain.deploy import transact
from hedgekit.units import price_to_sqrt_price_x96

MIN_TICK, MAX_TICK = -887272, 887272
#: Mints per NonfungiblePositionManager.multicall transaction (each ~0.3-0.5M gas).
MINTS_PER_TX = 60
DEADLINE = 2**64
#: Share of positions centred on the start price; the rest centre on past prices, spread with
#: this standard deviation in ticks (3000 ticks: about 35% in price).
ACTIVE_SHARE = 0.5
PAST_PRICE_SPREAD_TICKS = 3000


@dataclass(frozen=True)
class PoolSeed:
    """A v3 pool to create and fill.

    ``price`` is token1 per token0 in human units; ``depth`` is the value to spread over the
    positions, in whole units of token1 (each position asks for up to twice its share).
    """

    token0: str
    token1: str
    decimals0: int
    decimals1: int
    fee: int
    tick_spacing: int
    price: Fraction
    depth: Fraction
    positions: int


def _tick_of(sqrt_x96: int) -> int:
    # Float is fine here: it only centres the seeded ranges, it never reaches a position's
    # exact amounts (the pool computes those).
    return math.floor(math.log((sqrt_x96 / 2**96) ** 2, 1.0001))


def _ranges(seed: PoolSeed, rng: random.Random, tick: int) -> list[tuple[int, int, Fraction]]:
    """(tick_lower, tick_upper, share of depth) for each position, the last one full range."""
    spacing = seed.tick_spacing
    lo_usable = math.ceil(MIN_TICK / spacing) * spacing
    hi_usable = (MAX_TICK // spacing) * spacing
    out = []
    for _ in range(seed.positions):
        width = math.exp(rng.uniform(math.log(2 * spacing), math.log(14_000)))
        # half the LPs are active (ranges around today's price), half opened at past prices
        spread = width / 3 if rng.random() < ACTIVE_SHARE else PAST_PRICE_SPREAD_TICKS
        centre = tick + rng.gauss(0.0, spread)
        lower = math.floor((centre - width / 2) / spacing) * spacing
        upper = lower + max(1, round(width / spacing)) * spacing
        weight = Fraction(rng.lognormvariate(0.0, 0.6)).limit_denominator(10**6)
        out.append((max(lo_usable, lower), min(hi_usable, upper), weight))
    out.append((lo_usable, hi_usable, Fraction(seed.positions, 10)))
    return out


def seed_v3_pool(w3: Web3, operator: str, seed: PoolSeed, rng: random.Random) -> str:
    """Create and initialize the pool through the factory, then mint its positions (owned by
    ``operator``, who must hold and have approved the tokens). Returns the pool address."""
    npm = w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,  # type: ignore[call-overload]
                          abi=npm_artifact("NonfungiblePositionManager").abi)
    sqrt_x96 = price_to_sqrt_price_x96(seed.price, seed.decimals0, seed.decimals1)
    transact(w3, npm.functions.createAndInitializePoolIfNecessary(
        seed.token0, seed.token1, seed.fee, sqrt_x96).build_transaction({"from": operator}),
        f"creating the {seed.fee} pool")
    factory = w3.eth.contract(address=A.UNISWAP_V3_FACTORY,  # type: ignore[call-overload]
                              abi=npm_artifact("UniswapV3Factory").abi)
    pool = factory.functions.getPool(seed.token0, seed.token1, seed.fee).call()
    ranges = _ranges(seed, rng, _tick_of(sqrt_x96))
    total_weight = sum(w for _, _, w in ranges)
    calls = []
    for lower, upper, weight in ranges:
        share = seed.depth * weight / total_weight  # in token1
        amount1 = int(share * 10**seed.decimals1)
        amount0 = int(share / seed.price * 10**seed.decimals0)
        params = (seed.token0, seed.token1, seed.fee, lower, upper, amount0, amount1, 0, 0,
                  operator, DEADLINE)
        calls.append(npm.encode_abi("mint", args=[params]))
    for start in range(0, len(calls), MINTS_PER_TX):
        batch = calls[start : start + MINTS_PER_TX]
        transact(w3, npm.functions.multicall(batch).build_transaction(
            {"from": operator, "gas": 60_000_000}), f"minting positions in pool {pool}")
    return str(pool)


def seed_v2_pair(w3: Web3, operator: str, token_a: str, token_b: str,
                 amount_a: int, amount_b: int) -> str:
    """Create the v2 pair through Router02.addLiquidity; returns the pair address."""
    router = w3.eth.contract(address=A.UNISWAP_V2_ROUTER02,  # type: ignore[call-overload]
                             abi=npm_artifact("UniswapV2Router02").abi)
    transact(w3, router.functions.addLiquidity(
        token_a, token_b, amount_a, amount_b, 0, 0, operator, DEADLINE).build_transaction(
        {"from": operator, "gas": 5_000_000}), "adding v2 liquidity")
    factory = w3.eth.contract(address=A.UNISWAP_V2_FACTORY,  # type: ignore[call-overload]
                              abi=npm_artifact("UniswapV2Factory").abi)
    return str(factory.functions.getPair(token_a, token_b).call())
