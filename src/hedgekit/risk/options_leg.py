"""The audit's options leg: an owner's positions on the OptionsMarket (held and written) as a
:class:`~hedgekit.risk.book.Leg` of the float book, priced with Black-Scholes.

Each position keeps the vol the adapter values it at (:meth:`OptionsMarketVenue.risk`: the
series' own mid vol, else its expiry's fitted smile, else the audit's sigma) and its time to
expiry T (years) from the audit block's time. Valuation rules:

- **now / a jump** (:meth:`OptionsLeg.value`, the stress grid's base, the HTML plots):
  Black-Scholes at the price with the full T;
- **at the horizon h** (:meth:`OptionsLeg.value_at`, the stress grid and the Monte Carlo):
  the intrinsic value (K - P)+ / (P - K)+ if h >= T (the series has expired by then), else
  Black-Scholes with T - h left;
- a series already settled is worth its exact payout (a constant, read by the adapter); one
  expired but not yet settled is worth its intrinsic value at the price.

Units: prices P in USD per ETH, values in USD; Greeks as :class:`hedgekit.portfolio.Greeks`
(delta ETH, gamma ETH per USD, vega USD per 1.00 of vol (/100 per vol point), theta USD per
year (/365 per day)). Option amounts are whole options (the contract's 18 decimals / 1e18),
signed: > 0 held, < 0 written. The rate is the venue's (0 by default). Options never liquidate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from web3 import Web3

from hedgekit.chain.addresses import OPTIONS_MARKET_ETH_USD
from hedgekit.models._validate import FloatArray
from hedgekit.models.options import black_scholes, black_scholes_greeks
from hedgekit.portfolio import Greeks
from hedgekit.venues.options import OptionsMarketVenue
from hedgekit.venues.options_pricing import years_to_expiry

LABEL = "options"


@dataclass(frozen=True)
class OptionPosition:
    """``options`` (signed, whole options) of one series: ``kind`` "call"/"put", ``strike``
    USD, ``expiry_years`` T from the audit block, valued at ``vol`` (annualized);
    ``settled_value`` (USD) once the series has settled (then the rest is unused)."""

    series_id: int
    kind: str
    strike: float
    expiry_years: float
    options: float
    vol: float
    settled_value: float | None = None

    def intrinsic(self, P: FloatArray) -> FloatArray:
        """Payoff at expiry per the position, USD: options x (P - K)+ or (K - P)+."""
        payoff = P - self.strike if self.kind == "call" else self.strike - P
        return np.asarray(self.options * np.maximum(payoff, 0.0), dtype=np.float64)

    def value_at(self, P: FloatArray, elapsed: float, rate: float = 0.0,
                 vol_scale: float = 1.0) -> FloatArray:
        """USD value at price(s) ``P`` after ``elapsed`` years (module docstring), with the
        vol multiplied by ``vol_scale`` (the stress's vol shocks)."""
        if self.settled_value is not None:
            return np.full(P.shape, self.settled_value, dtype=np.float64)
        left = self.expiry_years - elapsed
        if left <= 0.0:
            return self.intrinsic(P)
        price = black_scholes(P, self.strike, left, rate, self.vol * vol_scale, 0.0, self.kind)
        return np.asarray(self.options * price, dtype=np.float64)


@dataclass(frozen=True)
class OptionsLeg:
    """The owner's option positions as one hedge leg of the book, marked at ``price``."""

    price: float
    positions: tuple[OptionPosition, ...]
    rate: float = 0.0
    label: str = LABEL
    hedge: bool = True

    def value_at(self, prices: npt.ArrayLike, elapsed: float, vol_scale: float = 1.0
                 ) -> FloatArray:
        """USD value of all positions at ``prices`` after ``elapsed`` years."""
        P = np.asarray(prices, dtype=np.float64)
        total = np.zeros(P.shape)
        for p in self.positions:
            total = total + p.value_at(P, elapsed, self.rate, vol_scale)
        return np.asarray(total, dtype=np.float64)

    def value(self, prices: npt.ArrayLike) -> FloatArray:
        return self.value_at(prices, 0.0)

    def horizon_value(self, paths: FloatArray, horizon: float) -> FloatArray:
        """Payoff at expiry (or Black-Scholes with the time left) at each path's end: European
        options depend on the terminal price only."""
        return self.value_at(paths[:, -1], horizon)

    def liquidated_on(self, paths: FloatArray) -> npt.NDArray[np.bool_]:
        return np.zeros(paths.shape[0], dtype=bool)

    def greeks(self) -> Greeks:
        """Value and Black-Scholes Greeks at ``price`` (units in the module docstring);
        expired or settled positions add their value only."""
        value = float(self.value(self.price))
        delta = gamma = vega = theta = 0.0
        for p in self.positions:
            if p.settled_value is not None or p.expiry_years <= 0.0:
                continue
            g = black_scholes_greeks(self.price, p.strike, p.expiry_years, self.rate, p.vol,
                                     0.0, p.kind)
            delta += p.options * float(g.delta)
            gamma += p.options * float(g.gamma)
            vega += p.options * float(g.vega)
            theta += p.options * float(g.theta)
        return Greeks(self.label, value, delta, gamma, vega, theta)


def read_options_leg(w3: Web3, owner: str, block: int, price: float, sigma: float,
                     market: str = OPTIONS_MARKET_ETH_USD) -> OptionsLeg | None:
    """``owner``'s net positions on ``market`` at ``block`` (None when there are none, or no
    market is deployed there), priced at the audit's ``price`` with the adapter's vols and
    ``sigma`` as the fallback vol."""
    if not w3.eth.get_code(market, block_identifier=block):  # type: ignore[arg-type]
        return None
    venue = OptionsMarketVenue(w3, market)
    acct = venue.account(owner, block)
    risk = venue.risk(acct, fallback_vol=sigma)
    now = acct.state.timestamp
    positions = []
    for r in risk.positions:
        series = acct.state.book(r.series_id).series
        T = years_to_expiry(r.expiry, now)
        settled = r.value if series.settled else None  # expired, unsettled: intrinsic
        positions.append(OptionPosition(r.series_id, r.kind, r.strike, T, r.options,
                                        sigma if r.vol is None else r.vol, settled))
    if not positions:
        return None
    return OptionsLeg(price, tuple(positions), venue.rate)


__all__ = ["OptionPosition", "OptionsLeg", "read_options_leg"]
