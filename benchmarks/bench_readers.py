"""Readers benchmark: plain per-call contract reads vs the batched Multicall3 readers.

Run: ``.venv/bin/python benchmarks/bench_readers.py`` (or ``make bench``). It starts a private
replica, creates 200 extra Uniswap v3 pools (50 new tokens x 4 fee tiers, once per run), then
prints, measured in this one run:
- reading 200 pools' state (slot0, liquidity, fee, spacing, tokens, fee growth) with one
  ``eth_call`` per getter vs ``read_pool_states(..., with_ticks=False)``;
- the full tick map of the WETH/USDC 0.05% pool (> 1,000 initialized ticks): a plain walk
  (one call per bitmap word, one per tick) vs ``read_tick_maps``;
with round trips counted at the HTTP provider.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from web3 import Web3

from hedgekit.amm.readers import read_pool_states, read_tick_maps
from hedgekit.amm.readers.v3_pool import POOL_FIELDS, bitmap_words
from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import deploy, transact
from hedgekit.chain.replica import start_replica
from rpc_counter import counting_web3

FEES = (100, 500, 3000, 10_000)


def create_pools(w3: Web3, operator: str, n_tokens: int = 50) -> list[str]:
    """n_tokens new ERC-20s, each paired with WETH at the four fee tiers, priced at 1."""
    npm = w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,
                          abi=npm_artifact("NonfungiblePositionManager").abi)
    factory = w3.eth.contract(address=A.UNISWAP_V3_FACTORY,
                              abi=npm_artifact("UniswapV3Factory").abi)
    pools = []
    for i in range(n_tokens):
        token = deploy(w3, operator, project_artifact("Token"), f"Bench {i}", f"B{i}", 18,
                       operator)
        t0, t1 = sorted([token, A.WETH], key=lambda a: int(a, 16))
        calls = [npm.encode_abi("createAndInitializePoolIfNecessary", args=[t0, t1, fee, 2**96])
                 for fee in FEES]
        transact(w3, npm.functions.multicall(calls).build_transaction(
            {"from": operator, "gas": 40_000_000}), "creating pools")
        pools += [factory.functions.getPool(t0, t1, fee).call() for fee in FEES]
    return pools


def plain_pool_reads(w3: Web3, pools: list[str], block: int) -> None:
    abi = npm_artifact("UniswapV3Pool").abi
    for pool in pools:
        contract = w3.eth.contract(address=pool, abi=abi)
        for signature, _ in POOL_FIELDS:
            getattr(contract.functions, signature[:-2])().call(block_identifier=block)


def plain_tick_walk(w3: Web3, pool: str, spacing: int, block: int) -> int:
    contract = w3.eth.contract(address=pool, abi=npm_artifact("UniswapV3Pool").abi)
    found = 0
    for word in bitmap_words(spacing):
        bits = contract.functions.tickBitmap(word).call(block_identifier=block)
        while bits:
            low = bits & -bits
            tick = ((word << 8) + low.bit_length() - 1) * spacing
            contract.functions.ticks(tick).call(block_identifier=block)
            found += 1
            bits ^= low
    return found


def timed(provider, fn, *args):
    start_trips = provider.round_trips
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start, provider.round_trips - start_trips


def main() -> None:
    replica = start_replica()
    try:
        w3, provider = counting_web3(replica.url)
        print("creating 200 pools ...", flush=True)
        pools = create_pools(w3, replica.operator)
        block = w3.eth.block_number
        _, plain_s, plain_rt = timed(provider, plain_pool_reads, w3, pools, block)
        states, batched_s, batched_rt = timed(provider, read_pool_states, w3, pools, block, False)
        decimals = {t: d for s in states for t, d in ((s.token0, s.decimals0),
                                                      (s.token1, s.decimals1))}
        _, warm_s, warm_rt = timed(provider, lambda: read_pool_states(
            w3, pools, block, with_ticks=False, decimals=decimals))
        print(f"200 pools, plain per-call reads : {plain_s:8.3f} s  {plain_rt:5d} round trips")
        print(f"200 pools, batched reader       : {batched_s:8.3f} s  {batched_rt:5d} round trips"
              f"   ({plain_s / batched_s:,.0f}x faster)")
        print(f"200 pools, batched, decimals known: {warm_s:6.3f} s  {warm_rt:5d} round trip "
              f"   ({plain_s / warm_s:,.0f}x faster)")
        count, walk_s, walk_rt = timed(provider, plain_tick_walk, w3, A.WETH_USDC_V3_005, 10,
                                       block)
        (_, (tick_map,)), map_s, map_rt = timed(provider, read_tick_maps, w3,
                                                [(A.WETH_USDC_V3_005, 10)], block)
        assert len(tick_map.liquidity_net) == count
        print(f"tick map ({count} initialized ticks), plain walk: {walk_s:8.3f} s  "
              f"{walk_rt:5d} round trips")
        print(f"tick map ({count} initialized ticks), batched   : {map_s:8.3f} s  "
              f"{map_rt:5d} round trips   ({walk_s / map_s:,.0f}x faster)")
    finally:
        assert replica.process is not None
        replica.process.stop()


if __name__ == "__main__":
    main()
