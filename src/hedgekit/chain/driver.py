"""The market driver: moves the replica along a price path, for on-chain backtests.

A step sets the Chainlink-compatible feeds to a new USD price and arbitrages every replica pool
that quotes the asset to the price the feeds imply, with real swaps by the operator (the
replica's market maker) through the real routers: v3 pools with ``exactInputSingle`` bounded by
``sqrtPriceLimitX96`` (the pool stops exactly at the target), the v2 pair with the exact
constant-product input. Time moves with :meth:`MarketDriver.advance`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.replica_build import operator_of
from hedgekit.chain.rpc import rpc
from hedgekit.errors import ChainError, InputError
from hedgekit.units import price_to_sqrt_price_x96

FEED_DECIMALS = 8
PriceLike = Fraction | Decimal | int | str | float


@dataclass(frozen=True)
class V3Market:
    """A replica v3 pool and how its price follows the USD feeds: token1 per token0 =
    usd(token0) / usd(token1)."""

    pool: str
    token0: str
    token1: str
    decimals0: int
    decimals1: int
    fee: int


#: The pools the driver keeps in line with the feeds.
V3_MARKETS = (
    V3Market(A.WETH_USDC_V3_005, A.USDC, A.WETH, 6, 18, 500),
    V3Market(A.WETH_USDC_V3_030, A.USDC, A.WETH, 6, 18, 3000),
    V3Market(A.WBTC_WETH_V3_030, A.WBTC, A.WETH, 8, 18, 3000),
)
#: Which feed prices each token in USD (USDC is held at the USDC/USD feed's answer).
USD_FEED = {A.WETH: A.ETH_USD_FEED, A.WBTC: A.BTC_USD_FEED, A.USDC: A.USDC_USD_FEED}
ASSET_FEEDS = {"ETH": A.ETH_USD_FEED, "BTC": A.BTC_USD_FEED, "USDC": A.USDC_USD_FEED}


def _fraction(value: PriceLike, what: str) -> Fraction:
    try:
        price = Fraction(value)
    except (ValueError, TypeError) as err:
        raise InputError(f"{what} must be a number, got {value!r}") from err
    if price <= 0:
        raise InputError(f"{what} must be positive, got {value!r}")
    return price


@dataclass(frozen=True)
class PoolMove:
    """The outcome of arbitraging one pool: where it ended and the target it was sent to."""

    pool: str
    target_sqrt_price_x96: int
    sqrt_price_x96: int
    tick: int


class MarketDriver:
    """Moves feeds, pools and time on a replica (anvil) chain. Needs the replica's operator."""

    def __init__(self, w3: Web3, operator: str | None = None) -> None:
        self.w3 = w3
        self.operator = operator or operator_of(w3)
        self._feed_abi = project_artifact("PriceFeed").abi
        self._pool_abi = npm_artifact("UniswapV3Pool").abi
        self._router = w3.eth.contract(address=A.SWAP_ROUTER,  # type: ignore[call-overload]
                                       abi=npm_artifact("SwapRouter").abi)
        self._erc20_abi = project_artifact("Token").abi

    # -- feeds ---------------------------------------------------------------------------
    def feed_price(self, feed: str) -> Fraction:
        """The feed's latest answer in USD."""
        contract = self.w3.eth.contract(address=feed, abi=self._feed_abi)  # type: ignore[call-overload]
        answer = contract.functions.latestRoundData().call()[1]
        return Fraction(answer, 10**FEED_DECIMALS)

    def set_feed(self, asset: str, usd: PriceLike) -> None:
        """Push a new answer (rounded down to 8 decimals) to the asset's USD feed."""
        if asset not in ASSET_FEEDS:
            raise InputError(f"unknown asset {asset!r}; known: {', '.join(ASSET_FEEDS)}")
        answer = math.floor(_fraction(usd, f"{asset} price") * 10**FEED_DECIMALS)
        feed = self.w3.eth.contract(address=ASSET_FEEDS[asset],  # type: ignore[call-overload]
                                    abi=self._feed_abi)
        transact(self.w3, feed.functions.update(answer).build_transaction(
            {"from": self.operator}), f"updating the {asset}/USD feed")

    # -- pools ---------------------------------------------------------------------------
    def slot0(self, pool: str) -> tuple[int, int]:
        """(sqrtPriceX96, tick) of a v3 pool."""
        contract = self.w3.eth.contract(address=pool, abi=self._pool_abi)  # type: ignore[call-overload]
        sqrt_x96, tick, *_ = contract.functions.slot0().call()
        return int(sqrt_x96), int(tick)

    def move_v3_pool(self, market: V3Market, price: PriceLike) -> PoolMove:
        """Swap ``market``'s pool to ``price`` (token1 per token0, human units) with one
        exactInputSingle whose sqrtPriceLimitX96 is the target."""
        target = price_to_sqrt_price_x96(_fraction(price, "pool price"), market.decimals0,
                                market.decimals1)
        current, _ = self.slot0(market.pool)
        if target != current:
            zero_for_one = target < current
            token_in, token_out = ((market.token0, market.token1) if zero_for_one
                                   else (market.token1, market.token0))
            erc20 = self.w3.eth.contract(address=token_in, abi=self._erc20_abi)  # type: ignore[call-overload]
            amount_in = erc20.functions.balanceOf(self.operator).call()
            deadline = self.w3.eth.get_block("latest")["timestamp"] + 600
            params = (token_in, token_out, market.fee, self.operator, deadline, amount_in, 0,
                      target)
            transact(self.w3, self._router.functions.exactInputSingle(params).build_transaction(
                {"from": self.operator, "gas": 30_000_000}), f"arbitraging {market.pool}")
        sqrt_x96, tick = self.slot0(market.pool)
        if sqrt_x96 != target:
            raise ChainError(f"pool {market.pool} stopped at sqrtPriceX96 {sqrt_x96}, "
                             f"short of {target}: the operator's inventory ran out")
        return PoolMove(market.pool, target, sqrt_x96, tick)

    def move_v2_pair(self, pair: str, price: PriceLike) -> None:
        """Swap the v2 pair so that reserve1/reserve0 (human units) ends at ``price``, using
        the constant-product input grossed up for the 0.3% fee (the fee leaves the pair within
        0.3% of the target, on the side it came from)."""
        pair_abi = npm_artifact("UniswapV2Pair").abi
        contract = self.w3.eth.contract(address=pair, abi=pair_abi)  # type: ignore[call-overload]
        token0, token1 = contract.functions.token0().call(), contract.functions.token1().call()
        r0, r1, _ = contract.functions.getReserves().call()
        dec0 = self._decimals(token0)
        dec1 = self._decimals(token1)
        raw = _fraction(price, "pair price") * Fraction(10**dec1, 10**dec0)  # r1/r0 target
        k = r0 * r1
        new_r0 = math.isqrt(k * raw.denominator // raw.numerator)
        if new_r0 > r0:
            token_in, token_out, net_in = token0, token1, new_r0 - r0
        else:
            token_in, token_out, net_in = token1, token0, math.isqrt(k * raw.numerator
                                                                   // raw.denominator) - r1
        if net_in <= 0:
            return
        amount_in = -(-net_in * 1000 // 997)
        router = self.w3.eth.contract(address=A.UNISWAP_V2_ROUTER02,  # type: ignore[call-overload]
                                      abi=npm_artifact("UniswapV2Router02").abi)
        deadline = self.w3.eth.get_block("latest")["timestamp"] + 600
        transact(self.w3, router.functions.swapExactTokensForTokens(
            amount_in, 0, [token_in, token_out], self.operator, deadline).build_transaction(
            {"from": self.operator}), f"arbitraging {pair}")

    def _decimals(self, token: str) -> int:
        erc20 = self.w3.eth.contract(address=token, abi=self._erc20_abi)  # type: ignore[call-overload]
        return int(erc20.functions.decimals().call())

    def align_pools(self) -> list[PoolMove]:
        """Arbitrage every replica pool to the prices the feeds imply now."""
        usd = {token: self.feed_price(feed) for token, feed in USD_FEED.items()}
        moves = [self.move_v3_pool(m, usd[m.token0] / usd[m.token1]) for m in V3_MARKETS]
        self.move_v2_pair(A.WETH_USDC_V2, usd[A.USDC] / usd[A.WETH])
        return moves

    def set_price(self, asset: str, usd: PriceLike) -> list[PoolMove]:
        """Set ``asset``'s USD feed and bring every pool in line with the feeds."""
        self.set_feed(asset, usd)
        return self.align_pools()

    # -- time ----------------------------------------------------------------------------
    def advance(self, seconds: int, blocks: int = 1) -> int:
        """Move the chain ``seconds`` forward over ``blocks`` new blocks (evenly spaced);
        returns the new block timestamp."""
        if seconds < 0 or blocks < 1:
            raise InputError("advance needs seconds >= 0 and blocks >= 1")
        interval = seconds // blocks
        rpc(self.w3, "evm_increaseTime", seconds - interval * (blocks - 1))
        rpc(self.w3, "evm_mine")
        if blocks > 1:
            rpc(self.w3, "anvil_mine", hex(blocks - 1), hex(interval))
        return int(self.w3.eth.get_block("latest")["timestamp"])
