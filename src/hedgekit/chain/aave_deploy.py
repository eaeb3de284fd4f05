"""The real Aave v3 protocol on the replica, from the npm ``@aave/core-v3`` artifacts.

Laid out as on Ethereum mainnet: the PoolAddressesProvider lives at its canonical address
(deployed anywhere, then moved there with its two constructor-written slots: owner and market
id), and everything else hangs off it. The provider itself creates the Pool and PoolConfigurator
proxies (``setPoolImpl`` / ``setPoolConfiguratorImpl``), so their immutable admin is the
canonical provider and readers discover them through ``getPool()`` as on mainnet.

Reserve parameters are mainnet-like (Aave v3 Ethereum market, 2024 governance values, rounded);
they are stated in :data:`RESERVES` and the chain tests read them back from the Pool. The
replica's operator is ACL admin, pool admin, risk admin and emergency admin, and seeds the
reserves: it supplies each asset and borrows some of each, so utilization and rates are
non-zero from the first block.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3
from web3.contract import Contract

from hedgekit.chain.addresses import (
    AAVE_V3_POOL_ADDRESSES_PROVIDER,
    BTC_USD_FEED,
    ETH_USD_FEED,
    USDC,
    USDC_USD_FEED,
    WBTC,
    WETH,
)
from hedgekit.chain.artifacts import npm_artifact
from hedgekit.chain.deploy import deploy, place_at, transact

MARKET_ID = "Aave Ethereum Market"
#: Oracle base currency: USD with 8 decimals, as mainnet's AaveOracle (base currency address 0).
BASE_CURRENCY = "0x0000000000000000000000000000000000000000"
BASE_CURRENCY_UNIT = 10**8
#: Receiver of the reserve factor: mainnet's Aave Collector address (no code on the replica;
#: the aTokens minted to it just accrue there).
AAVE_COLLECTOR = "0x464C71f6c2F760DdA6093dCB91C24c39e5d6e18c"
#: Flash-loan premium, in bps (mainnet: 0.05 %).
FLASHLOAN_PREMIUM_TOTAL = 5
RAY = 10**27
_PCT = RAY // 100  # one percent in ray

#: Libraries the Pool links, in deployment order (FlashLoanLogic links BorrowLogic).
POOL_LIBRARIES = ("BorrowLogic", "BridgeLogic", "EModeLogic", "LiquidationLogic", "PoolLogic",
                  "SupplyLogic", "FlashLoanLogic")


@dataclass(frozen=True)
class RateStrategy:
    """DefaultReserveInterestRateStrategy parameters, rates in ray (per year).

    Variable borrow rate at utilization U: ``base + slope1 * U / optimal`` below the optimal
    usage ratio, ``base + slope1 + slope2 * (U - optimal) / (1 - optimal)`` above it. Stable
    borrowing is disabled on the replica (as on mainnet v3), so the stable parameters only
    satisfy the constructor.
    """

    optimal_usage_ratio: int
    base_variable_borrow_rate: int
    variable_rate_slope1: int
    variable_rate_slope2: int
    stable_rate_slope1: int = 0
    stable_rate_slope2: int = 0
    base_stable_rate_offset: int = 2 * _PCT
    stable_rate_excess_offset: int = 8 * _PCT
    optimal_stable_to_total_debt_ratio: int = 20 * _PCT

    def constructor_args(self) -> tuple[int, ...]:
        return (self.optimal_usage_ratio, self.base_variable_borrow_rate,
                self.variable_rate_slope1, self.variable_rate_slope2, self.stable_rate_slope1,
                self.stable_rate_slope2, self.base_stable_rate_offset,
                self.stable_rate_excess_offset, self.optimal_stable_to_total_debt_ratio)


@dataclass(frozen=True)
class ReserveParams:
    """One reserve's listing: risk parameters in bps (Aave's PercentageMath, 10_000 = 100 %),
    caps in whole tokens, the rate strategy, and the seed the operator supplies and borrows."""

    asset: str
    symbol: str
    decimals: int
    ltv: int
    liquidation_threshold: int
    liquidation_bonus: int
    reserve_factor: int
    liquidation_protocol_fee: int
    supply_cap: int
    borrow_cap: int
    strategy: RateStrategy
    seed_supply: int
    seed_borrow: int


#: Mainnet-like reserves (Aave v3 Ethereum, 2024):
#: - WETH: LTV 80.5 %, LT 83 %, bonus 5 %, RF 15 %; rates: optimal 90 %, base 0, slope1 2.7 %,
#:   slope2 80 %. Seeded 100k supplied, 40k borrowed (40 % utilization, ~1.2 % APR borrow).
#: - USDC: LTV 77 %, LT 80 %, bonus 4.5 %, RF 10 %; optimal 90 %, base 0, slope1 6 %, slope2
#:   60 %. Seeded 200M supplied, 120M borrowed (60 %, ~4 % APR borrow).
#: - WBTC: LTV 73 %, LT 78 %, bonus 5 %, RF 20 %; optimal 45 %, base 0, slope1 4 %, slope2
#:   300 %. Seeded 2k supplied, 300 borrowed (15 %, ~1.3 % APR borrow).
#: Liquidation protocol fee 10 % of the bonus everywhere; flash loans enabled.
RESERVES = (
    ReserveParams(WETH, "WETH", 18, 8050, 8300, 10500, 1500, 1000, 1_800_000, 1_400_000,
                  RateStrategy(90 * _PCT, 0, 27 * _PCT // 10, 80 * _PCT), 100_000, 40_000),
    ReserveParams(USDC, "USDC", 6, 7700, 8000, 10450, 1000, 1000, 3_000_000_000,
                  2_700_000_000, RateStrategy(90 * _PCT, 0, 6 * _PCT, 60 * _PCT),
                  200_000_000, 120_000_000),
    ReserveParams(WBTC, "WBTC", 8, 7300, 7800, 10500, 2000, 1000, 43_000, 28_000,
                  RateStrategy(45 * _PCT, 0, 4 * _PCT, 300 * _PCT), 2_000, 300),
)
#: The AaveOracle's source per asset: the replica's Chainlink-compatible USD feeds.
ORACLE_SOURCES = {WETH: ETH_USD_FEED, USDC: USDC_USD_FEED, WBTC: BTC_USD_FEED}


@dataclass(frozen=True)
class AaveDeployment:
    """Where the replica's Aave v3 contracts ended up (all discoverable from the provider)."""

    provider: str
    acl_manager: str
    pool: str
    pool_configurator: str
    oracle: str
    data_provider: str
    strategies: dict[str, str]


class _Sender:
    """Sends the operator's transactions with short descriptions."""

    def __init__(self, w3: Web3, operator: str) -> None:
        self.w3 = w3
        self.operator = operator

    def contract(self, address: str, name: str) -> Contract:
        return self.w3.eth.contract(address=address, abi=npm_artifact(name).abi)  # type: ignore[call-overload, no-any-return]

    def send(self, call: Any, what: str) -> None:
        transact(self.w3, call.build_transaction({"from": self.operator, "gas": 8_000_000}),
                 what)

    def deploy(self, name: str, *args: Any, libraries: dict[str, str] | None = None) -> str:
        return deploy(self.w3, self.operator, npm_artifact(name), *args, libraries=libraries)


def _deploy_core(s: _Sender) -> tuple[Contract, str]:
    """Provider at its canonical address, ACL, Pool and PoolConfigurator proxies."""
    temp = s.deploy("PoolAddressesProvider", MARKET_ID, s.operator)
    place_at(s.w3, temp, AAVE_V3_POOL_ADDRESSES_PROVIDER)
    provider = s.contract(AAVE_V3_POOL_ADDRESSES_PROVIDER, "PoolAddressesProvider")
    s.send(provider.functions.setACLAdmin(s.operator), "setting the Aave ACL admin")
    acl_address = s.deploy("ACLManager", provider.address)
    s.send(provider.functions.setACLManager(acl_address), "registering the ACLManager")
    acl = s.contract(acl_address, "ACLManager")
    for role in ("addPoolAdmin", "addRiskAdmin", "addEmergencyAdmin"):
        s.send(getattr(acl.functions, role)(s.operator), f"ACLManager.{role}")

    libraries: dict[str, str] = {}
    for name in POOL_LIBRARIES:
        libraries[name] = s.deploy(name, libraries=libraries)
    pool_impl = s.deploy("Pool", provider.address, libraries=libraries)
    # Initialize the implementation too (as Aave's deploy scripts do): nobody else can.
    s.send(s.contract(pool_impl, "Pool").functions.initialize(provider.address),
           "initializing the Pool implementation")
    s.send(provider.functions.setPoolImpl(pool_impl), "setting the Pool implementation")

    configurator_impl = s.deploy("PoolConfigurator", libraries={
        "ConfiguratorLogic": s.deploy("ConfiguratorLogic")})
    s.send(s.contract(configurator_impl, "PoolConfigurator").functions.initialize(
        provider.address), "initializing the PoolConfigurator implementation")
    s.send(provider.functions.setPoolConfiguratorImpl(configurator_impl),
           "setting the PoolConfigurator implementation")
    return provider, acl_address


def _list_reserves(s: _Sender, pool: str, configurator: Contract) -> dict[str, str]:
    """Token implementations, one rate strategy per asset, initReserves, risk parameters."""
    a_token = s.deploy("AToken", pool)
    variable_debt = s.deploy("VariableDebtToken", pool)
    stable_debt = s.deploy("StableDebtToken", pool)
    strategies = {r.asset: s.deploy("DefaultReserveInterestRateStrategy",
                                    AAVE_V3_POOL_ADDRESSES_PROVIDER,
                                    *r.strategy.constructor_args()) for r in RESERVES}
    inputs = [(a_token, stable_debt, variable_debt, r.decimals, strategies[r.asset], r.asset,
               AAVE_COLLECTOR, BASE_CURRENCY,  # no incentives controller
               f"Aave Ethereum {r.symbol}", f"aEth{r.symbol}",
               f"Aave Ethereum Variable Debt {r.symbol}", f"variableDebtEth{r.symbol}",
               f"Aave Ethereum Stable Debt {r.symbol}", f"stableDebtEth{r.symbol}", b"")
              for r in RESERVES]
    s.send(configurator.functions.initReserves(inputs), "Aave initReserves")
    f = configurator.functions
    for r in RESERVES:
        s.send(f.configureReserveAsCollateral(r.asset, r.ltv, r.liquidation_threshold,
                                              r.liquidation_bonus), f"{r.symbol} collateral")
        s.send(f.setReserveBorrowing(r.asset, True), f"{r.symbol} borrowing")
        s.send(f.setReserveFlashLoaning(r.asset, True), f"{r.symbol} flash loans")
        s.send(f.setReserveFactor(r.asset, r.reserve_factor), f"{r.symbol} reserve factor")
        s.send(f.setLiquidationProtocolFee(r.asset, r.liquidation_protocol_fee),
               f"{r.symbol} liquidation protocol fee")
        s.send(f.setSupplyCap(r.asset, r.supply_cap), f"{r.symbol} supply cap")
        s.send(f.setBorrowCap(r.asset, r.borrow_cap), f"{r.symbol} borrow cap")
    s.send(f.updateFlashloanPremiumTotal(FLASHLOAN_PREMIUM_TOTAL), "flash-loan premium")
    return strategies


def _seed(s: _Sender, pool_address: str) -> None:
    """The operator supplies each reserve's seed and borrows part of it (variable rate)."""
    pool = s.contract(pool_address, "Pool")
    for r in RESERVES:
        token = s.contract(r.asset, "IERC20")
        amount = r.seed_supply * 10**r.decimals
        s.send(token.functions.approve(pool_address, amount), f"approving {r.symbol} to Aave")
        s.send(pool.functions.supply(r.asset, amount, s.operator, 0),
               f"supplying {r.symbol} to Aave")
    for r in RESERVES:
        s.send(pool.functions.borrow(r.asset, r.seed_borrow * 10**r.decimals, 2, 0, s.operator),
               f"borrowing {r.symbol} from Aave")


def deploy_aave_v3(w3: Web3, operator: str) -> AaveDeployment:
    """Deploy, configure and seed Aave v3 on the replica (the operator must hold the seeds)."""
    s = _Sender(w3, operator)
    provider, acl = _deploy_core(s)
    pool = provider.functions.getPool().call()
    configurator = s.contract(provider.functions.getPoolConfigurator().call(), "PoolConfigurator")

    assets = list(ORACLE_SOURCES)
    oracle = s.deploy("AaveOracle", provider.address, assets,
                      [ORACLE_SOURCES[a] for a in assets], BASE_CURRENCY, BASE_CURRENCY,
                      BASE_CURRENCY_UNIT)
    s.send(provider.functions.setPriceOracle(oracle), "registering the AaveOracle")
    data_provider = s.deploy("AaveProtocolDataProvider", provider.address)
    s.send(provider.functions.setPoolDataProvider(data_provider), "registering the data provider")

    strategies = _list_reserves(s, pool, configurator)
    _seed(s, pool)
    return AaveDeployment(provider.address, acl, pool, configurator.address, oracle,
                          data_provider, strategies)
