"""Deploy hedgekit's OptionsMarket (ETH-USD) on a dev chain and give it a book to trade.

The market is created by ``HEDGEKIT_DEPLOYER`` at its fixed nonce, so it lands at
``addresses.OPTIONS_MARKET_ETH_USD``; ownership moves to the operator (two steps), who sets
the oracle parameters, lists series and makes a market in them: for every series it writes
``OptionsParams.amount`` options, offers them at an ask and bids for as many, both priced by
Black-Scholes (r = q = 0, forward = the oracle price) at the stated smile plus / minus half a
spread. The book is a stand-in for real dealers, not market data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from web3 import Web3

from hedgekit.chain.addresses import ETH_USD_FEED, HEDGEKIT_DEPLOYER, HEDGEKIT_NONCES, USDC, WETH
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import deploy_at_nonce, impersonate, transact
from hedgekit.models.options import black_scholes
from hedgekit.units import to_base_units

WAD = 10**18
DAY = 86_400
YEAR = 365 * DAY
#: Unix time of Friday 1970-01-02 08:00 UTC: expiries fall on Fridays at 08:00 UTC (Deribit).
FRIDAY_0800 = DAY + 8 * 3600
WEEK = 7 * DAY


@dataclass(frozen=True)
class ReplicaSmile:
    """The replica dealers' smile: sigma(k) = atm_vol + skew * k + curvature * k^2 with
    k = ln(K / F) (annualised vols). Defaults: ETH-like, 65 % ATM, puts richer than calls."""

    atm_vol: float = 0.65
    skew: float = -0.10
    curvature: float = 0.50

    def vol(self, log_moneyness: float) -> float:
        k = log_moneyness
        return self.atm_vol + self.skew * k + self.curvature * k * k


@dataclass(frozen=True)
class OptionsParams:
    """The replica's OptionsMarket ETH-USD: parameters in contract units and its book."""

    #: the settlement round may be at most this old: Chainlink's heartbeat (3600 s) + 25 %
    max_oracle_age: int = 4_500
    #: `settle` takes the latest round for one day after expiry (then: first round after it)
    settlement_window: int = DAY
    #: strikes as multiples of the start price, rounded to `strike_step` USD
    moneyness: tuple[float, ...] = (0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2)
    strike_step: int = 50
    #: expiries: the first Friday 08:00 UTC at least `min_days` ahead, then these weeks later
    min_days: int = 2
    expiry_weeks: tuple[int, ...] = (0, 1, 4)
    smile: ReplicaSmile = ReplicaSmile()
    #: ask at smile + spread / 2, bid at smile - spread / 2 (vol points, 0.04 = 4)
    vol_spread: float = 0.04
    #: options written, offered and bid for per series (18 decimals)
    amount: int = 20 * WAD


DEFAULT_PARAMS = OptionsParams()


def expiries(now: int, params: OptionsParams) -> list[int]:
    """The listed expiries (unix seconds) for a chain whose clock reads ``now``."""
    first = FRIDAY_0800 + -(-(now + params.min_days * DAY - FRIDAY_0800) // WEEK) * WEEK
    return [first + weeks * WEEK for weeks in params.expiry_weeks]


def strikes(spot: float, params: OptionsParams) -> list[int]:
    """The listed strikes (USD wads) around ``spot``, distinct and ascending."""
    step = params.strike_step
    whole = {max(step, round(spot * m / step) * step) for m in params.moneyness}
    return sorted(usd * WAD for usd in whole)


def premium(spot: float, strike: int, expiry: int, now: int, is_call: bool, vol: float,
            round_up: bool) -> int:
    """Black-Scholes premium (r = q = 0) in USDC base units per whole option, rounded up
    (asks) or down (bids), at least one unit."""
    price = black_scholes(spot, strike / WAD, (expiry - now) / YEAR, 0.0, vol, 0.0,
                          "call" if is_call else "put")
    rounding = ROUND_CEILING if round_up else ROUND_FLOOR
    return max(1, to_base_units(Decimal(float(price)), 6, rounding))


def _contract(w3: Web3, address: str, name: str) -> object:
    abi = npm_artifact("WETH9").abi if name == "WETH9" else project_artifact(name).abi
    return w3.eth.contract(address=address, abi=abi)  # type: ignore[call-overload]


def make_market(w3: Web3, market: str, operator: str, params: OptionsParams) -> list[int]:
    """List the series and quote them from ``operator`` (the owner); returns the series ids."""
    fn = _contract(w3, market, "OptionsMarket").functions  # type: ignore[attr-defined]
    feed = _contract(w3, ETH_USD_FEED, "PriceFeed").functions  # type: ignore[attr-defined]
    answer = int(feed.latestRoundData().call()[1])
    spot = answer / 10**8
    now = int(w3.eth.get_block("latest")["timestamp"])
    for token in (USDC, WETH):
        erc20 = _contract(w3, token, "Token").functions  # type: ignore[attr-defined]
        transact(w3, erc20.approve(market, 2**256 - 1).build_transaction({"from": operator}),
                 f"approving {token} to the OptionsMarket")
    ids: list[int] = []
    for expiry in expiries(now, params):
        for strike in strikes(spot, params):
            vol = params.smile.vol(math.log(strike / WAD / spot))
            for is_call in (False, True):
                sid = int(fn.series_count().call()) + 1
                ask = premium(spot, strike, expiry, now, is_call, vol + params.vol_spread / 2,
                              round_up=True)
                bid = premium(spot, strike, expiry, now, is_call,
                              max(vol - params.vol_spread / 2, 0.01), round_up=False)
                what = f"series {sid} ({strike // WAD} {'call' if is_call else 'put'})"
                for step, call in (("listing", fn.create_series(strike, expiry, is_call)),
                                   ("writing", fn.write(sid, params.amount)),
                                   ("offering", fn.place_ask(sid, params.amount, ask)),
                                   ("bidding", fn.place_bid(sid, params.amount, bid))):
                    transact(w3, call.build_transaction({"from": operator}), f"{step} {what}")
                ids.append(sid)
    return ids


def deploy_options_market(w3: Web3, operator: str, params: OptionsParams = DEFAULT_PARAMS
                          ) -> str:
    """Deploy OptionsMarket ETH-USD at ``OPTIONS_MARKET_ETH_USD`` (WETH-collateralised calls,
    USDC puts and premiums), hand it to ``operator``, set its oracle parameters and make a
    market in its series. Returns the market's address."""
    deployer = HEDGEKIT_DEPLOYER
    impersonate(w3, deployer)
    market = deploy_at_nonce(w3, deployer, HEDGEKIT_NONCES["OptionsMarket ETH-USD"],
                             project_artifact("OptionsMarket"), WETH, USDC, ETH_USD_FEED,
                             "ETH-USD")
    fn = _contract(w3, market, "OptionsMarket").functions  # type: ignore[attr-defined]
    for what, call, sender in (
            ("handing the OptionsMarket to the operator", fn.transfer_ownership(operator),
             deployer),
            ("accepting the OptionsMarket", fn.accept_ownership(), operator),
            ("setting OptionsMarket oracle params",
             fn.set_oracle_params(params.max_oracle_age, params.settlement_window), operator)):
        transact(w3, call.build_transaction({"from": sender}), what)
    make_market(w3, market, operator, params)
    return market


__all__ = ["DEFAULT_PARAMS", "OptionsParams", "ReplicaSmile", "deploy_options_market",
           "expiries", "make_market", "premium", "strikes"]
