"""Canonical Ethereum mainnet addresses of the contracts hedgekit reads and the replica hosts.

On the local mainnet replica the same contracts sit at these same addresses, so code written
for mainnet runs unchanged (see ``hedgekit.chain.replica``).
"""

from __future__ import annotations

from typing import Final

# Tokens
WETH: Final = "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2"
USDC: Final = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"
WBTC: Final = "0x2260FAC5E5542a773Aa44fBCfeDf7C193bc2C599"
DAI: Final = "0x6B175474E89094C44Da98b954EedeAC495271d0F"

# Chainlink aggregator proxies (AggregatorV3Interface)
ETH_USD_FEED: Final = "0x5f4eC3Df9cbd43714FE2740f5E3616155c5b8419"
BTC_USD_FEED: Final = "0xF4030086522a5bEEa4988F8cA5B36dbC97BeE88c"
USDC_USD_FEED: Final = "0x8fFfFfd4AfB6115b954Bd326cbe7B4BA576818f6"

# Multicall3, deployed by its presigned transaction: nonce 0 of MULTICALL3_DEPLOYER
MULTICALL3: Final = "0xcA11bde05977b3631167028862bE2a173976CA11"
MULTICALL3_DEPLOYER: Final = "0x05f32B3cC3888453ff71B01135B34FF8e41263F2"

# Uniswap v2
UNISWAP_V2_FACTORY: Final = "0x5C69bEe701ef814a2B6a3EDD4B1652CB9cc5aA6f"
UNISWAP_V2_ROUTER02: Final = "0x7a250d5630B4cF539739dF2C5dAcb4c659F2488D"
UNISWAP_V2_PAIR_INIT_CODE_HASH: Final = (
    "0x96e8ac4277198ff8b6f785478aa9a39f403cb768dd02cbee326c3e7da348845f"
)

# Uniswap v3: every address is the CREATE address of UNISWAP_V3_DEPLOYER at the nonce noted
UNISWAP_V3_DEPLOYER: Final = "0x6C9FC64A53c1b71FB3f9Af64d1ae3A4931A5f4E9"
UNISWAP_V3_FACTORY: Final = "0x1F98431c8aD98523631AE4a59f267346ea31F984"  # nonce 0
TICK_LENS: Final = "0xbfd8137f7d1516D3ea5cA83523914859ec47F573"  # nonce 2
SWAP_ROUTER: Final = "0xE592427A0AEce92De3Edee1F18E0157C05861564"  # nonce 4
NFT_DESCRIPTOR_LIBRARY: Final = "0x91ae842A5Ffd8d12023116943e72A606179294f3"  # nonce 6
NFT_POSITION_DESCRIPTOR: Final = "0xEe6A57eC80ea46401049E92587E52f5Ec1c24785"  # nonce 7
NONFUNGIBLE_POSITION_MANAGER: Final = "0xC36442b4a4522E871399CD717aBDD847Ab11FE88"  # nonce 8
QUOTER_V2: Final = "0x61fFE014bA17989E743c5F6cB21bF9697530B21e"  # nonce 13
UNISWAP_V3_POOL_INIT_CODE_HASH: Final = (
    "0xe34f199b19b2b4f47f68442619d555527d244f78a3297ea89325f843f87b8b54"
)

# Pools (mainnet addresses; the replica's factories create them at the same addresses)
WETH_USDC_V3_005: Final = "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640"
WETH_USDC_V3_030: Final = "0x8ad599c3A0ff1De082011EFDDc58f1908eb6e6D8"
WBTC_WETH_V3_030: Final = "0xCBCdF9626bC03E24f779434178A73a0B4bad62eD"
WETH_USDC_V2: Final = "0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc"

# Aave v3 (Ethereum market): the addresses provider is canonical; everything else (Pool,
# PoolConfigurator proxies, oracle, tokens) is discovered through it.
AAVE_V3_POOL_ADDRESSES_PROVIDER: Final = "0x2f39d218133AFaB8F2B819B1066c7E434Ad94E9e"

# hedgekit's own venues have no mainnet address. On the replica (and on a fork, where the
# deployer is impersonated too) they are deployed by HEDGEKIT_DEPLOYER, an address with no
# known key (last 20 bytes of keccak("hedgekit.replica.deployer")), at fixed nonces, so their
# addresses are fixed: PERP_MARKET_ETH_USD = create_address(HEDGEKIT_DEPLOYER, 0), and so on.
HEDGEKIT_DEPLOYER: Final = "0x020725dd1b6E4418012812b8889207537a81afb1"
HEDGEKIT_NONCES: Final = {"PerpMarket ETH-USD": 0, "OptionsMarket ETH-USD": 1}
PERP_MARKET_ETH_USD: Final = "0xDb6EdA93c6C85Ab56b4dc10eb0302DBFA12259dD"  # nonce 0
OPTIONS_MARKET_ETH_USD: Final = "0xA549B76D47ffc7D5Aa18EA6E379C73A0C6B1Dea3"  # nonce 1
