"""Deploy hedgekit's PerpMarket (ETH-USD) on a dev chain: the replica, or a mainnet fork where
the same impersonated deployer puts it at the same address.

The market is created by ``HEDGEKIT_DEPLOYER`` at its fixed nonce, so it lands at
``addresses.PERP_MARKET_ETH_USD``; ownership then moves to the operator (two steps), who sets
the parameters below and seeds the liquidity fund with freshly minted USDC.
"""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from hedgekit.chain.addresses import ETH_USD_FEED, HEDGEKIT_DEPLOYER, HEDGEKIT_NONCES, USDC
from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.deploy import deploy_at_nonce, impersonate, transact

WAD = 10**18
ONE_USDC = 10**6
ETH = 10**18


@dataclass(frozen=True)
class PerpParams:
    """Risk parameters of a PerpMarket, in the contract's units (wad fractions, collateral
    base units, base units with 18 decimals, seconds). Defaults: the ETH-USD market of the
    replica, mainnet-like for a mid-size perp venue."""

    #: fee on the part of a trade that reduces |skew| (2 bps)
    maker_fee: int = 2 * 10**14
    #: fee on the part of a trade that grows |skew| (5 bps)
    taker_fee: int = 5 * 10**14
    #: 25x: an open position needs margin >= 4 % of its notional
    max_leverage: int = 25 * WAD
    #: 2 % of the notional, on top of the keeper fee, before liquidation
    maintenance_margin_ratio: int = 2 * 10**16
    #: 50 USDC minimum margin of an open position (keeps liquidations worth a keeper's gas)
    min_margin: int = 50 * ONE_USDC
    #: keeper fee: 0.5 % of the notional, clamped to [20, 1000] USDC
    liquidation_fee_ratio: int = 5 * 10**15
    min_keeper_fee: int = 20 * ONE_USDC
    max_keeper_fee: int = 1_000 * ONE_USDC
    #: skew at which the funding velocity saturates: 1,000,000 ETH
    skew_scale: int = 1_000_000 * ETH
    #: funding velocity at full skew: 9 (900 %) per day, per day; a 10,000 ETH skew moves
    #: the daily rate by 0.09 % per day
    max_funding_velocity: int = 9 * WAD
    #: 10,000 ETH of open interest per side
    max_open_interest: int = 10_000 * ETH
    #: Chainlink ETH/USD heartbeat (3600 s) plus 25 %
    max_oracle_age: int = 4_500
    #: circuit breaker: at most 20 % between consecutive oracle rounds
    max_price_deviation: int = 2 * 10**17
    #: the fund keeps 10 % of the skew's notional beyond the traders' net profit
    liquidity_reserve_ratio: int = 10**17
    #: the liquidity fund seeded by the operator: 20M USDC
    initial_liquidity: int = 20_000_000 * ONE_USDC


DEFAULT_PARAMS = PerpParams()


def configure_perp_market(w3: Web3, market: str, owner: str, params: PerpParams) -> None:
    """Set every risk parameter of ``market`` from its ``owner`` (order matters: the margin
    parameters come before the liquidation ones, which are checked against them)."""
    contract = w3.eth.contract(address=market,  # type: ignore[call-overload]
                               abi=project_artifact("PerpMarket").abi)
    fn = contract.functions
    calls = [
        ("fees", fn.set_fees(params.maker_fee, params.taker_fee)),
        ("margin params", fn.set_margin_params(
            params.max_leverage, params.maintenance_margin_ratio, params.min_margin)),
        ("liquidation params", fn.set_liquidation_params(
            params.liquidation_fee_ratio, params.min_keeper_fee, params.max_keeper_fee)),
        ("funding params", fn.set_funding_params(params.skew_scale,
                                                 params.max_funding_velocity)),
        ("max open interest", fn.set_max_open_interest(params.max_open_interest)),
        ("oracle params", fn.set_oracle_params(params.max_oracle_age,
                                               params.max_price_deviation)),
        ("liquidity reserve", fn.set_liquidity_reserve_ratio(params.liquidity_reserve_ratio)),
    ]
    for what, call in calls:
        transact(w3, call.build_transaction({"from": owner}), f"setting PerpMarket {what}")


def fund_perp_market(w3: Web3, market: str, operator: str, amount: int) -> None:
    """Mint ``amount`` USDC to the operator (the USDC minter) and add it to the fund."""
    usdc = w3.eth.contract(address=USDC,  # type: ignore[call-overload]
                           abi=project_artifact("Token").abi)
    perp = w3.eth.contract(address=market,  # type: ignore[call-overload]
                           abi=project_artifact("PerpMarket").abi)
    for what, call in (("minting USDC", usdc.functions.mint(operator, amount)),
                       ("approving the PerpMarket", usdc.functions.approve(market, amount)),
                       ("funding the PerpMarket", perp.functions.fund(amount))):
        transact(w3, call.build_transaction({"from": operator}), what)


def deploy_perp_market(w3: Web3, operator: str, params: PerpParams = DEFAULT_PARAMS) -> str:
    """Deploy, configure and fund PerpMarket ETH-USD at ``PERP_MARKET_ETH_USD``; ``operator``
    ends as its owner. Returns the market's address."""
    deployer = HEDGEKIT_DEPLOYER
    impersonate(w3, deployer)
    market = deploy_at_nonce(w3, deployer, HEDGEKIT_NONCES["PerpMarket ETH-USD"],
                             project_artifact("PerpMarket"), USDC, ETH_USD_FEED, "ETH-USD")
    contract = w3.eth.contract(address=market,  # type: ignore[call-overload]
                               abi=project_artifact("PerpMarket").abi)
    transact(w3, contract.functions.transfer_ownership(operator).build_transaction(
        {"from": deployer}), "handing the PerpMarket to the operator")
    transact(w3, contract.functions.accept_ownership().build_transaction(
        {"from": operator}), "accepting the PerpMarket")
    configure_perp_market(w3, market, operator, params)
    fund_perp_market(w3, market, operator, params.initial_liquidity)
    return market


__all__ = ["DEFAULT_PARAMS", "PerpParams", "configure_perp_market", "deploy_perp_market",
           "fund_perp_market"]
