"""A snapshot of the replica (or any mainnet-like chain): canonical contracts, pools, feeds,
read in one Multicall3 round trip at one block."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.multicall import Call, multicall
from hedgekit.units import sqrt_price_x96_to_price

#: Contracts whose presence the status reports.
CONTRACTS = {
    "WETH9": A.WETH, "USDC": A.USDC, "WBTC": A.WBTC, "DAI": A.DAI,
    "Multicall3": A.MULTICALL3,
    "UniswapV2Factory": A.UNISWAP_V2_FACTORY, "UniswapV2Router02": A.UNISWAP_V2_ROUTER02,
    "UniswapV3Factory": A.UNISWAP_V3_FACTORY, "TickLens": A.TICK_LENS,
    "SwapRouter": A.SWAP_ROUTER, "NonfungiblePositionManager": A.NONFUNGIBLE_POSITION_MANAGER,
    "QuoterV2": A.QUOTER_V2,
    "ETH/USD feed": A.ETH_USD_FEED, "BTC/USD feed": A.BTC_USD_FEED,
    "USDC/USD feed": A.USDC_USD_FEED,
}
#: v3 pools reported: (label, address, decimals0, decimals1, quote in token0 per token1?)
V3_POOLS = (
    ("WETH/USDC 0.05%", A.WETH_USDC_V3_005, 6, 18, True),
    ("WETH/USDC 0.30%", A.WETH_USDC_V3_030, 6, 18, True),
    ("WBTC/WETH 0.30%", A.WBTC_WETH_V3_030, 8, 18, False),
)
FEEDS = (("ETH/USD", A.ETH_USD_FEED), ("BTC/USD", A.BTC_USD_FEED), ("USDC/USD", A.USDC_USD_FEED))
SLOT0 = ("uint160", "int24", "uint16", "uint16", "uint16", "uint8", "bool")
ROUND = ("uint80", "int256", "uint256", "uint256", "uint80")


@dataclass(frozen=True)
class ChainStatus:
    """What ``hedgekit replica status`` prints; prices as floats for display only."""

    block: int
    timestamp: int
    chain_id: int
    contracts: dict[str, dict[str, Any]]
    pools: list[dict[str, Any]]
    feeds: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"block": self.block, "timestamp": self.timestamp, "chain_id": self.chain_id,
                "contracts": self.contracts, "pools": self.pools, "feeds": self.feeds}


def read_status(w3: Web3) -> ChainStatus:
    """Read contracts' code sizes, pool slot0/liquidity, v2 reserves and feed rounds at the
    latest block: code sizes through one JSON-RPC batch, the rest through one Multicall3."""
    block = w3.eth.block_number
    header = w3.eth.get_block(block)
    with w3.batch_requests() as batch:
        for address in CONTRACTS.values():
            batch.add(w3.eth.get_code(address, block))  # type: ignore[arg-type]
        codes = batch.execute()
    contracts = {name: {"address": addr, "code_bytes": len(code)}  # type: ignore[arg-type]
                 for (name, addr), code in zip(CONTRACTS.items(), codes, strict=True)}
    calls = []
    for _, pool, *_ in V3_POOLS:
        calls += [Call(pool, "slot0()", (), SLOT0, allow_failure=True),
                  Call(pool, "liquidity()", (), ("uint128",), allow_failure=True)]
    calls.append(Call(A.WETH_USDC_V2, "getReserves()", (), ("uint112", "uint112", "uint32"),
                      allow_failure=True))
    calls += [Call(feed, "latestRoundData()", (), ROUND, allow_failure=True) for _, feed in FEEDS]
    answers = multicall(w3, calls, block=block) if contracts["Multicall3"]["code_bytes"] else []
    pools: list[dict[str, Any]] = []
    for i, (label, pool, dec0, dec1, invert) in enumerate(V3_POOLS):
        slot0, liquidity = (answers[2 * i], answers[2 * i + 1]) if answers else (None, None)
        entry: dict[str, Any] = {"name": label, "address": pool, "version": 3}
        if slot0 and liquidity:
            entry |= {"sqrt_price_x96": slot0[0], "tick": slot0[1], "liquidity": liquidity[0],
                      "price": sqrt_price_x96_to_price(slot0[0], dec0, dec1, invert)}
        pools.append(entry)
    v2 = answers[2 * len(V3_POOLS)] if answers else None
    entry = {"name": "WETH/USDC v2", "address": A.WETH_USDC_V2, "version": 2}
    if v2:
        entry |= {"reserve0": v2[0], "reserve1": v2[1],
                  "price": float(Fraction(v2[0], 10**6) / Fraction(v2[1], 10**18))}
    pools.append(entry)
    feeds = []
    for (label, feed), answer in zip(FEEDS, answers[-len(FEEDS):] if answers else
                                     [None] * len(FEEDS), strict=True):
        item: dict[str, Any] = {"name": label, "address": feed}
        if answer:
            item |= {"round_id": answer[0], "answer": answer[1], "updated_at": answer[3],
                     "price": answer[1] / 10**8}
        feeds.append(item)
    return ChainStatus(block, int(header["timestamp"]), w3.eth.chain_id, contracts, pools, feeds)
