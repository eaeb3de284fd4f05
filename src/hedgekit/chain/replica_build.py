"""Build the local mainnet replica on an empty anvil chain: real protocol bytecode at the
canonical addresses, the project's tokens and feeds, funded operator, seeded pools."""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.aave_deploy import deploy_aave_v3
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.perp_deploy import deploy_perp_market
from hedgekit.chain.protocols import (
    deploy_feeds,
    deploy_multicall3,
    deploy_tokens,
    deploy_uniswap_v2,
    deploy_uniswap_v3,
)
from hedgekit.chain.replica_spec import ReplicaSpec
from hedgekit.chain.seed import PoolSeed, seed_v2_pair, seed_v3_pool

#: Whole tokens the operator (the replica's market maker) holds after the build, beyond what
#: it put into the pools: inventory for the market driver's arbitrage.
OPERATOR_INVENTORY = {A.USDC: 2_000_000_000, A.WBTC: 50_000, A.DAI: 1_000_000_000}
OPERATOR_WETH = 400_000
FEED_DECIMALS = 8
SPENDERS = (A.NONFUNGIBLE_POSITION_MANAGER, A.SWAP_ROUTER, A.UNISWAP_V2_ROUTER02)


def operator_of(w3: Web3) -> str:
    """The replica's operator: anvil's first dev account. It deploys the project's contracts,
    mints the project's tokens, pushes feed answers and owns the seeded liquidity."""
    return str(w3.eth.accounts[0])


def _fund_operator(w3: Web3, operator: str) -> None:
    token_abi = project_artifact("Token").abi
    for address, whole in OPERATOR_INVENTORY.items():
        token = w3.eth.contract(address=address, abi=token_abi)  # type: ignore[call-overload]
        decimals = token.functions.decimals().call()
        transact(w3, token.functions.mint(operator, whole * 10**decimals).build_transaction(
            {"from": operator}), f"minting {address}")
    weth = w3.eth.contract(address=A.WETH, abi=npm_artifact("WETH9").abi)  # type: ignore[call-overload]
    transact(w3, weth.functions.deposit().build_transaction(
        {"from": operator, "value": OPERATOR_WETH * 10**18}), "wrapping ETH")
    for address in (*OPERATOR_INVENTORY, A.WETH):
        token = w3.eth.contract(address=address, abi=token_abi)  # type: ignore[call-overload]
        for spender in SPENDERS:
            transact(w3, token.functions.approve(spender, 2**256 - 1).build_transaction(
                {"from": operator}), f"approving {spender}")


def pool_seeds(spec: ReplicaSpec) -> list[PoolSeed]:
    """The v3 pools of the replica with their start prices (token1 per token0)."""
    weth_per_usdc = 1 / spec.eth_usd
    weth_per_wbtc = spec.btc_usd / spec.eth_usd
    return [
        PoolSeed(A.USDC, A.WETH, 6, 18, 500, 10, weth_per_usdc,
                 spec.depth_usd_weth_usdc_005 / spec.eth_usd, spec.positions_weth_usdc_005),
        PoolSeed(A.USDC, A.WETH, 6, 18, 3000, 60, weth_per_usdc,
                 spec.depth_usd_weth_usdc_030 / spec.eth_usd, spec.positions_weth_usdc_030),
        PoolSeed(A.WBTC, A.WETH, 8, 18, 3000, 60, weth_per_wbtc,
                 spec.depth_usd_wbtc_weth_030 / spec.eth_usd, spec.positions_wbtc_weth_030),
    ]


def build_replica(
    w3: Web3, spec: ReplicaSpec, progress: Callable[[str], None] = lambda _: None
) -> None:
    """Deploy and seed everything on the empty chain behind ``w3``."""
    operator = operator_of(w3)
    progress("Multicall3, WETH9, tokens, feeds")
    deploy_multicall3(w3)
    deploy_tokens(w3, operator)
    usd = 10**FEED_DECIMALS
    deploy_feeds(w3, operator, {
        A.ETH_USD_FEED: int(spec.eth_usd * usd),
        A.BTC_USD_FEED: int(spec.btc_usd * usd),
        A.USDC_USD_FEED: usd,
    })
    progress("Uniswap v2 and v3")
    deploy_uniswap_v2(w3, operator)
    deploy_uniswap_v3(w3)
    _fund_operator(w3, operator)
    rng = random.Random(spec.rng_seed)
    for seed in pool_seeds(spec):
        progress(f"seeding {seed.positions} positions, fee {seed.fee}")
        seed_v3_pool(w3, operator, seed, rng)
    half = Fraction(spec.depth_usd_weth_usdc_v2, 2)
    progress("seeding the v2 pair")
    seed_v2_pair(w3, operator, A.USDC, A.WETH, int(half * 10**6),
                 int(half / spec.eth_usd * 10**18))
    progress("Aave v3: deploying, listing WETH/USDC/WBTC, seeding")
    deploy_aave_v3(w3, operator)
    progress("PerpMarket ETH-USD: deploying, configuring, funding")
    deploy_perp_market(w3, operator)
    progress("OptionsMarket ETH-USD: deploying, listing series, quoting")
    # imported here: its quotes need the option models (scipy), which a warm start and every
    # command that only starts or reads the replica would otherwise load for nothing
    from hedgekit.chain.options_deploy import deploy_options_market

    deploy_options_market(w3, operator)
