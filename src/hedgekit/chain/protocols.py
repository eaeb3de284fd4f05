"""Deploy the real protocol bytecode at its canonical mainnet addresses (dev chains only).

Three placement methods, chosen per contract by what its bytecode holds:
- the real deployer at the real nonce (impersonated): Uniswap v3, whose factory keeps its own
  address as an immutable (NoDelegateCall) and whose periphery embeds the factory; Multicall3;
- deploy anywhere, then ``anvil_setCode`` + storage at the canonical address: contracts whose
  immutables name only other contracts (Uniswap v2 router, WETH9, v2 factory) and the project's
  own ERC-20s and feeds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import Artifact, npm_artifact, project_artifact
from hedgekit.chain.deploy import deploy, deploy_at_nonce, impersonate, place_at, transact
from hedgekit.chain.paths import node_modules
from hedgekit.errors import ArtifactError


@dataclass(frozen=True)
class TokenSpec:
    """An ERC-20 of the replica: canonical address and metadata."""

    address: str
    name: str
    symbol: str
    decimals: int


#: The project's ERC-20 stand-ins, with mainnet's metadata.
TOKENS = (
    TokenSpec(A.USDC, "USD Coin", "USDC", 6),
    TokenSpec(A.WBTC, "Wrapped BTC", "WBTC", 8),
    TokenSpec(A.DAI, "Dai Stablecoin", "DAI", 18),
)


@dataclass(frozen=True)
class FeedSpec:
    """A Chainlink-compatible feed of the replica (8 decimals, like Chainlink's USD feeds)."""

    address: str
    description: str
    decimals: int = 8


FEEDS = (
    FeedSpec(A.ETH_USD_FEED, "ETH / USD"),
    FeedSpec(A.BTC_USD_FEED, "BTC / USD"),
    FeedSpec(A.USDC_USD_FEED, "USDC / USD"),
)

#: Uniswap v3 contracts in deployment order: (nonce of UNISWAP_V3_DEPLOYER, artifact, address).
UNISWAP_V3_NONCES = (
    (0, "UniswapV3Factory", A.UNISWAP_V3_FACTORY),
    (2, "TickLens", A.TICK_LENS),
    (4, "SwapRouter", A.SWAP_ROUTER),
    (6, "NFTDescriptor", A.NFT_DESCRIPTOR_LIBRARY),
    (7, "NonfungibleTokenPositionDescriptor", A.NFT_POSITION_DESCRIPTOR),
    (8, "NonfungiblePositionManager", A.NONFUNGIBLE_POSITION_MANAGER),
    (13, "QuoterV2", A.QUOTER_V2),
)


def multicall3_artifact() -> Artifact:
    """Multicall3's real creation code, as shipped by the npm package ``viem``
    (``multicall3Bytecode``), with the ABI in ``abis/Multicall3.json``."""
    from hedgekit.chain.artifacts import abi

    source = node_modules() / "viem" / "_esm" / "constants" / "contracts.js"
    if not source.is_file():
        raise ArtifactError(f"{source} is missing; run `npm ci`")
    found = re.search(r"multicall3Bytecode\s*=\s*'0x([0-9a-fA-F]+)'", source.read_text())
    if not found:
        raise ArtifactError(f"no multicall3Bytecode in {source}")
    return Artifact("Multicall3", abi("Multicall3"), bytes.fromhex(found.group(1)))


def deploy_multicall3(w3: Web3) -> None:
    """Multicall3 at nonce 0 of its deployer, as on every EVM chain."""
    impersonate(w3, A.MULTICALL3_DEPLOYER)
    deploy_at_nonce(w3, A.MULTICALL3_DEPLOYER, 0, multicall3_artifact())


def deploy_tokens(w3: Web3, operator: str) -> None:
    """WETH9 (real bytecode) and the project's ERC-20s at the canonical token addresses; the
    operator is the minter of the project's tokens."""
    weth = deploy(w3, operator, npm_artifact("WETH9"))
    place_at(w3, weth, A.WETH)
    token = project_artifact("Token")
    for spec in TOKENS:
        temp = deploy(w3, operator, token, spec.name, spec.symbol, spec.decimals, operator)
        place_at(w3, temp, spec.address)


def deploy_feeds(w3: Web3, operator: str, answers: dict[str, int]) -> None:
    """Chainlink-compatible feeds at Chainlink's proxy addresses; ``answers`` maps feed address
    to its first answer (8 decimals). Only ``operator`` may push later answers."""
    feed = project_artifact("PriceFeed")
    for spec in FEEDS:
        temp = deploy(w3, operator, feed, spec.decimals, spec.description, operator)
        place_at(w3, temp, spec.address)
        contract = w3.eth.contract(address=spec.address, abi=feed.abi)  # type: ignore[call-overload]
        transact(w3, contract.functions.update(answers[spec.address]).build_transaction(
            {"from": operator}), f"first answer of {spec.description}")


def deploy_uniswap_v2(w3: Web3, operator: str) -> None:
    """Uniswap v2 factory (fee setter: operator) and Router02 at their mainnet addresses. The
    pair init code hash, and so every pair address, equals mainnet's."""
    factory = deploy(w3, operator, npm_artifact("UniswapV2Factory"), operator)
    place_at(w3, factory, A.UNISWAP_V2_FACTORY)
    router = deploy(w3, operator, npm_artifact("UniswapV2Router02"), A.UNISWAP_V2_FACTORY, A.WETH)
    place_at(w3, router, A.UNISWAP_V2_ROUTER02)


def deploy_uniswap_v3(w3: Web3) -> None:
    """Uniswap v3 core and periphery from the impersonated mainnet deployer at mainnet's nonces,
    so each contract and each immutable inside it is canonical. The factory owner (the
    deployer) also enables the 0.01% tier, as mainnet governance did."""
    deployer = A.UNISWAP_V3_DEPLOYER
    impersonate(w3, deployer, ether=100)
    args: dict[str, tuple[object, ...]] = {
        "SwapRouter": (A.UNISWAP_V3_FACTORY, A.WETH),
        "NonfungibleTokenPositionDescriptor": (A.WETH, b"ETH".ljust(32, b"\0")),
        "NonfungiblePositionManager": (A.UNISWAP_V3_FACTORY, A.WETH, A.NFT_POSITION_DESCRIPTOR),
        "QuoterV2": (A.UNISWAP_V3_FACTORY, A.WETH),
    }
    libraries = {"NFTDescriptor": A.NFT_DESCRIPTOR_LIBRARY}
    for nonce, name, _address in UNISWAP_V3_NONCES:
        deploy_at_nonce(w3, deployer, nonce, npm_artifact(name), *args.get(name, ()),
                        libraries=libraries)
    factory = w3.eth.contract(address=A.UNISWAP_V3_FACTORY,  # type: ignore[call-overload]
                              abi=npm_artifact("UniswapV3Factory").abi)
    transact(w3, factory.functions.enableFeeAmount(100, 1).build_transaction({"from": deployer}),
             "enabling the 0.01% fee tier")
