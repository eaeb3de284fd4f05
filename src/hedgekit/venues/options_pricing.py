"""The models' view of an OptionsMarket snapshot: quotes with implied vols, the smile per
expiry, and an account's positions with value and Greeks.

Conventions (stated once): the underlying S is the oracle price (USD per ETH), the forward is
S e^(rT) with the venue's rate ``r`` (default 0: premiums are paid now, payoffs at expiry, no
carry on ETH is assumed), T = (expiry - now) / 365 days with ``now`` the snapshot's block time
unless given. A WETH-collateralised call pays (S_T - K)+ worth of WETH at the settlement
price, i.e. the USD payoff of a European call, so both kinds price with Black-Scholes.
Every number here is a float in human units; the exact integers stay in the snapshot.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from hedgekit.errors import InputError, VenueError
from hedgekit.models.options import (
    QuadraticSmile,
    SVISmile,
    black_scholes_greeks,
    fit_quadratic_smile,
    fit_svi,
    implied_vol,
)
from hedgekit.units import from_base_units_float, wad_to_float
from hedgekit.venues import options_math as om
from hedgekit.venues.options_state import OptionsAccount, OptionsMarketState, SeriesBook

YEAR = 365 * 86_400


def _quote_decimals(state: OptionsMarketState) -> int:
    return 18 - round(math.log10(state.params.quote_scale))


def years_to_expiry(expiry: int, now: int) -> float:
    """T in years (365 days) from block time ``now`` to ``expiry`` (0 once expired)."""
    return max(expiry - now, 0) / YEAR


@dataclass(frozen=True)
class SeriesQuote:
    """Best bid and ask of one series in USD per option (None when that side is empty)
    and their Black-Scholes implied vols (annualised; NaN when the price is outside the
    no-arbitrage bounds). ``spot`` and ``expiry_years`` are the inputs used."""

    series_id: int
    strike: float
    expiry: int
    kind: str
    spot: float
    expiry_years: float
    bid: float | None
    ask: float | None
    bid_size: float
    ask_size: float
    bid_vol: float | None
    ask_vol: float | None

    @property
    def mid_vol(self) -> float | None:
        """Mean of the two sides' vols, or the one side quoted; None with no quote."""
        sides = [v for v in (self.bid_vol, self.ask_vol) if v is not None and math.isfinite(v)]
        return sum(sides) / len(sides) if sides else None


def quote(state: OptionsMarketState, book: SeriesBook, now: int | None = None,
          rate: float = 0.0) -> SeriesQuote:
    """The :class:`SeriesQuote` of one series book."""
    s = book.series
    now = state.timestamp if now is None else now
    spot, strike = wad_to_float(state.oracle_price), wad_to_float(s.strike)
    T = years_to_expiry(s.expiry, now)
    dec = _quote_decimals(state)
    prices = [None if q is None else from_base_units_float(q.price, dec)
              for q in (book.best_bid, book.best_ask)]
    vols: list[float | None] = []
    for price in prices:
        if price is None or T <= 0.0 or spot <= 0.0:
            vols.append(None)
        else:
            vols.append(float(implied_vol(price, spot, strike, T, rate, 0.0, s.kind)))
    sizes = [0.0 if q is None else wad_to_float(q.amount) for q in (book.best_bid, book.best_ask)]
    return SeriesQuote(s.series_id, strike, s.expiry, s.kind, spot, T, prices[0], prices[1],
                       sizes[0], sizes[1], vols[0], vols[1])


def quotes(state: OptionsMarketState, now: int | None = None, rate: float = 0.0
           ) -> tuple[SeriesQuote, ...]:
    """Quotes of every series still trading, by series id."""
    return tuple(quote(state, b, now, rate) for b in state.open_series())


@dataclass(frozen=True)
class VolSmile:
    """The smile of one expiry: the out-of-the-money quotes' vols (puts below the forward,
    calls at or above it; the other kind where only it is quoted) with the quadratic fit in
    log-moneyness (and raw SVI when there are >= 5 points)."""

    expiry: int
    expiry_years: float
    forward: float
    strikes: tuple[float, ...]
    vols: tuple[float, ...]
    quadratic: QuadraticSmile
    svi: SVISmile | None

    def vol(self, strike: float) -> float:
        """The fitted (quadratic) vol at ``strike`` USD."""
        return float(self.quadratic.vol(strike))

    @property
    def atm_vol(self) -> float:
        """The fitted vol at the forward (k = 0)."""
        return self.quadratic.c0

    @property
    def skew(self) -> float:
        """d sigma / d k at the money, per unit of log-moneyness (negative: puts richer)."""
        return self.quadratic.c1

    @property
    def curvature(self) -> float:
        """(1/2) d^2 sigma / d k^2 at the money (the quadratic's k^2 coefficient)."""
        return self.quadratic.c2


def smile(state: OptionsMarketState, expiry: int, side: str = "mid", now: int | None = None,
          rate: float = 0.0) -> VolSmile:
    """Fit the smile of ``expiry`` from its quotes' ``side`` vols ("bid", "ask" or "mid").

    Raises VenueError with fewer than three usable quotes."""
    if side not in ("bid", "ask", "mid"):
        raise InputError(f"side must be 'bid', 'ask' or 'mid', got {side!r}")
    now = state.timestamp if now is None else now
    books = [b for b in state.books if b.series.expiry == expiry]
    if not books:
        raise InputError(f"no series expires at {expiry}; expiries: {state.expiries}")
    T = years_to_expiry(expiry, now)
    forward = wad_to_float(state.oracle_price) * math.exp(rate * T)
    by_strike: dict[float, dict[str, float]] = {}
    for b in books:
        q = quote(state, b, now, rate)
        v = {"bid": q.bid_vol, "ask": q.ask_vol, "mid": q.mid_vol}[side]
        if v is not None and math.isfinite(v) and v > 0.0:
            by_strike.setdefault(q.strike, {})[q.kind] = v
    strikes = sorted(by_strike)
    vols = []
    for k in strikes:
        kinds = by_strike[k]
        otm = "put" if k < forward else "call"
        vols.append(kinds.get(otm, next(iter(kinds.values()))))
    if len(strikes) < 3:
        raise VenueError(f"the smile of expiry {expiry} needs 3 quoted strikes, "
                         f"has {len(strikes)}")
    quad = fit_quadratic_smile(strikes, vols, forward)
    svi = fit_svi(strikes, vols, forward, T) if len(strikes) >= 5 else None
    return VolSmile(expiry, T, forward, tuple(strikes), tuple(vols), quad, svi)


@dataclass(frozen=True)
class PositionRisk:
    """An account's net position in one series (``options``: > 0 long, < 0 short) valued
    with Black-Scholes at ``vol``; after settlement, at its exact payout.

    Units: value in USD; delta in ETH (USD per 1 USD move of ETH); gamma in ETH per USD;
    vega in USD per 1.00 of vol (/100 per vol point); theta in USD per year of calendar time.
    """

    series_id: int
    kind: str
    strike: float
    expiry: int
    options: float
    vol: float | None
    value: float
    delta: float
    gamma: float
    vega: float
    theta: float


@dataclass(frozen=True)
class AccountRisk:
    """All of an account's option positions and their sums (units as :class:`PositionRisk`)."""

    block_number: int
    positions: tuple[PositionRisk, ...]

    @property
    def value(self) -> float:
        return sum(p.value for p in self.positions)

    @property
    def delta(self) -> float:
        return sum(p.delta for p in self.positions)

    @property
    def gamma(self) -> float:
        return sum(p.gamma for p in self.positions)

    @property
    def vega(self) -> float:
        return sum(p.vega for p in self.positions)

    @property
    def theta(self) -> float:
        return sum(p.theta for p in self.positions)


def _valuation_vol(state: OptionsMarketState, book: SeriesBook, now: int, rate: float,
                   fallback_vol: float | None) -> float:
    """The series' own mid vol, else its expiry's fitted smile, else ``fallback_vol``."""
    mid = quote(state, book, now, rate).mid_vol
    if mid is not None:
        return mid
    try:
        return smile(state, book.series.expiry, "mid", now, rate).vol(
            wad_to_float(book.series.strike))
    except VenueError:
        if fallback_vol is None:
            raise VenueError(f"series {book.series.series_id} has no quote and no smile; "
                             "pass fallback_vol") from None
        return fallback_vol


def account_risk(acct: OptionsAccount, now: int | None = None, rate: float = 0.0,
                 fallback_vol: float | None = None) -> AccountRisk:
    """Value and Greeks of every net position of ``acct`` (long balance + asks - written)."""
    state = acct.state
    now = state.timestamp if now is None else now
    spot = wad_to_float(state.oracle_price)
    out = []
    for h in acct.holdings:
        if h.net == 0:
            continue
        book = state.book(h.series_id)
        s = book.series
        n = wad_to_float(h.net) if h.net > 0 else -wad_to_float(-h.net)
        strike = wad_to_float(s.strike)
        if s.settled or now >= s.expiry:
            value = _settled_value(state, s, h.net)
            out.append(PositionRisk(s.series_id, s.kind, strike, s.expiry, n, None, value,
                                    0.0, 0.0, 0.0, 0.0))
            continue
        vol = _valuation_vol(state, book, now, rate, fallback_vol)
        g = black_scholes_greeks(spot, strike, years_to_expiry(s.expiry, now), rate, vol, 0.0,
                                 s.kind)
        out.append(PositionRisk(s.series_id, s.kind, strike, s.expiry, n, vol,
                                n * float(g.price), n * float(g.delta), n * float(g.gamma),
                                n * float(g.vega), n * float(g.theta)))
    return AccountRisk(state.block_number, tuple(out))


def _settled_value(state: OptionsMarketState, s: om.Series, net: int) -> float:
    """USD value of ``net`` options at expiry: the exact payout (once settled) or intrinsic
    value at the latest price, converted at that price for calls (paid in WETH)."""
    scale = state.params.quote_scale
    if not s.settled:
        s = om.Series(**{**s.__dict__, "settled": True, "settlement_price": state.oracle_price})
    price = wad_to_float(s.settlement_price)
    raw = om.payout(s, abs(net), scale, round_up=net < 0)
    usd = wad_to_float(raw) * price if s.is_call else from_base_units_float(
        raw, _quote_decimals(state))
    return float(np.copysign(usd, net))


__all__ = ["AccountRisk", "PositionRisk", "SeriesQuote", "VolSmile", "account_risk", "quote",
           "quotes", "smile", "years_to_expiry"]
