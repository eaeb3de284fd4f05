"""The audited book in model terms: float legs valued in USD at an ETH/USD price, vectorized.

The exact re-valuation (integer AMM math, the venues' twins) lives in :mod:`hedgekit.risk.exact`;
this float model serves what needs many prices at once: the Monte Carlo, the value-vs-price
curves of the HTML report. Every leg implements :class:`Leg`, so a new instrument (options,
issue 9) joins the book, the Monte Carlo and the plots by implementing it, with no change here.

Units: prices P in USD per ETH; values in USD; ``horizon`` in years; carry rates in USD per year.

Liquidation model (static, at the price reached; documented in the report):
- perp: at or beyond its liquidation price the whole margin goes to the fund: value 0;
- Aave: below HF 1 a liquidator repays the close factor (50 %, 100 % below HF 0.95) of the debt
  and seizes collateral worth that plus the liquidation bonus: the account loses the bonus on
  the repaid value, and afterwards holds the rest (debt x (1 - f), collateral less the seized).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from hedgekit.models import lp
from hedgekit.models._validate import FloatArray

#: Aave v3 close factors: 50 % of the debt (DEFAULT_LIQUIDATION_CLOSE_FACTOR), 100 % when the
#: health factor is below 0.95 (CLOSE_FACTOR_HF_THRESHOLD).
AAVE_CLOSE_FACTOR = 0.5
AAVE_FULL_CLOSE_HF = 0.95


def _arr(prices: npt.ArrayLike) -> FloatArray:
    return np.asarray(prices, dtype=np.float64)


class Leg(Protocol):
    """One position of the book. ``hedge`` legs are left out of the unhedged book."""

    @property
    def label(self) -> str: ...
    @property
    def hedge(self) -> bool: ...

    def value(self, prices: npt.ArrayLike) -> FloatArray:
        """USD value right after the price jumps to ``prices`` (liquidations at that price)."""
        ...

    def horizon_value(self, paths: FloatArray, horizon: float) -> FloatArray:
        """USD value at the end of each price path (rows; columns equally spaced over
        ``horizon`` years), with carry accrued and path-dependent liquidations."""
        ...

    def liquidated_on(self, paths: FloatArray) -> npt.NDArray[np.bool_]:
        """Whether each path liquidates the leg (all False for legs that cannot be)."""
        ...


@dataclass(frozen=True)
class LPLeg:
    """A v2/v3 LP position: liquidity L (human units) on [lower, upper] USD per ETH, fees owed
    (whole tokens) and the fee income rate while in range (USD per year)."""

    label: str
    liquidity: float
    lower: float
    upper: float
    fees_base: float = 0.0
    fees_quote: float = 0.0
    fee_rate: float = 0.0
    hedge: bool = False

    def value(self, prices: npt.ArrayLike) -> FloatArray:
        P = _arr(prices)
        principal = lp.value(P, self.liquidity, self.lower, self.upper)
        return np.asarray(principal + self.fees_base * P + self.fees_quote, dtype=np.float64)

    def in_range(self, paths: FloatArray) -> FloatArray:
        """Share of each path's steps (after the start) spent in the range."""
        inside = (paths[:, 1:] >= self.lower) & (paths[:, 1:] <= self.upper)
        return np.asarray(inside.mean(axis=1), dtype=np.float64)

    def left_range(self, paths: FloatArray) -> npt.NDArray[np.bool_]:
        """Whether each path leaves [lower, upper] at some step."""
        return np.asarray((paths.min(axis=1) < self.lower) | (paths.max(axis=1) > self.upper))

    def horizon_value(self, paths: FloatArray, horizon: float) -> FloatArray:
        fees = self.fee_rate * horizon * self.in_range(paths) if self.fee_rate else 0.0
        return np.asarray(self.value(paths[:, -1]) + fees, dtype=np.float64)

    def liquidated_on(self, paths: FloatArray) -> npt.NDArray[np.bool_]:
        return np.zeros(paths.shape[0], dtype=bool)


def _crossed(paths: FloatArray, price: float | None, above: bool) -> npt.NDArray[np.bool_]:
    if price is None:
        return np.zeros(paths.shape[0], dtype=bool)
    hit = paths >= price if above else paths <= price
    return np.asarray(hit.any(axis=1))


@dataclass(frozen=True)
class PerpLeg:
    """A perp position: ``size`` ETH (negative = short), ``margin`` = remaining margin now
    (USD, funding to date included), marked at ``price``; liquidatable at or beyond
    ``liquidation_price`` (above for a short); ``funding`` received per year (USD)."""

    label: str
    size: float
    margin: float
    price: float
    liquidation_price: float | None
    funding: float = 0.0
    hedge: bool = True

    @property
    def liquidatable_above(self) -> bool:
        return self.size < 0

    def _liquidated(self, P: FloatArray) -> npt.NDArray[np.bool_]:
        if self.liquidation_price is None:
            return np.zeros(P.shape, dtype=bool)
        level = self.liquidation_price
        return np.asarray(np.greater_equal(P, level) if self.liquidatable_above
                          else np.less_equal(P, level))

    def value(self, prices: npt.ArrayLike) -> FloatArray:
        P = _arr(prices)
        alive = self.margin + self.size * (P - self.price)
        return np.asarray(np.where(self._liquidated(P), 0.0, alive), dtype=np.float64)

    def liquidated_on(self, paths: FloatArray) -> npt.NDArray[np.bool_]:
        return _crossed(paths, self.liquidation_price, self.liquidatable_above)

    def horizon_value(self, paths: FloatArray, horizon: float) -> FloatArray:
        alive = self.margin + self.size * (paths[:, -1] - self.price) + self.funding * horizon
        return np.asarray(np.where(self.liquidated_on(paths), 0.0, alive), dtype=np.float64)


@dataclass(frozen=True)
class AaveLeg:
    """An Aave account reduced to ETH and USD: collateral and debt in ETH (WETH) and in USD (the
    other reserves at their oracle prices, held fixed). ``weighted_*`` are collateral times the
    liquidation threshold (the health factor's numerator); ``bonus`` the liquidation bonus as a
    fraction (0.05 = 5 %); ``carry`` the supply minus borrow interest per year (USD)."""

    label: str
    collateral_base: float
    collateral_usd: float
    debt_base: float
    debt_usd: float
    weighted_base: float
    weighted_usd: float
    bonus: float
    carry: float = 0.0
    hedge: bool = True

    def health_factor(self, prices: npt.ArrayLike) -> FloatArray:
        """HF = (sum C_i LT_i P_i) / (sum D_j P_j) at the ETH price (inf without debt)."""
        P = _arr(prices)
        debt = self.debt_usd + self.debt_base * P
        with np.errstate(divide="ignore"):
            hf = (self.weighted_usd + self.weighted_base * P) / debt
        return np.asarray(np.where(debt > 0, hf, np.inf), dtype=np.float64)

    def liquidation_price(self) -> tuple[float | None, bool]:
        """(ETH price at HF = 1 or None, liquidatable above it)."""
        denominator = self.weighted_base - self.debt_base
        if denominator == 0:
            return None, False
        price = (self.debt_usd - self.weighted_usd) / denominator
        return (price, denominator < 0) if price > 0 else (None, False)

    def _net(self, P: FloatArray, keep_collateral: FloatArray | float = 1.0,
             keep_debt: FloatArray | float = 1.0) -> FloatArray:
        collateral = self.collateral_usd + self.collateral_base * P
        debt = self.debt_usd + self.debt_base * P
        return np.asarray(keep_collateral * collateral - keep_debt * debt, dtype=np.float64)

    def _liquidation(self, P: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """(liquidated?, collateral kept, debt kept) fractions after a liquidation at P."""
        hf = self.health_factor(P)
        hit = hf < 1.0
        close = np.where(hf < AAVE_FULL_CLOSE_HF, 1.0, AAVE_CLOSE_FACTOR)
        collateral = self.collateral_usd + self.collateral_base * P
        debt = self.debt_usd + self.debt_base * P
        with np.errstate(divide="ignore", invalid="ignore"):
            seized = np.where(collateral > 0, close * debt * (1.0 + self.bonus) / collateral, 0.0)
        keep_c = np.where(hit, np.clip(1.0 - seized, 0.0, 1.0), 1.0)
        keep_d = np.where(hit, 1.0 - close, 1.0)
        return hit.astype(np.float64), keep_c, keep_d

    def value(self, prices: npt.ArrayLike) -> FloatArray:
        P = _arr(prices)
        _, keep_c, keep_d = self._liquidation(P)
        return self._net(P, keep_c, keep_d)

    def liquidated_on(self, paths: FloatArray) -> npt.NDArray[np.bool_]:
        return np.asarray((self.health_factor(paths) < 1.0).any(axis=1))

    def horizon_value(self, paths: FloatArray, horizon: float) -> FloatArray:
        below = self.health_factor(paths) < 1.0
        hit = below.any(axis=1)
        first = np.argmax(below, axis=1)
        at_hit = paths[np.arange(paths.shape[0]), first]  # the price of the (first) liquidation
        _, keep_c, keep_d = self._liquidation(at_hit)
        keep_c, keep_d = np.where(hit, keep_c, 1.0), np.where(hit, keep_d, 1.0)
        end = paths[:, -1]
        return np.asarray(self._net(end, keep_c, keep_d) + self.carry * horizon,
                          dtype=np.float64)


@dataclass(frozen=True)
class Book:
    """The audited legs and the ETH/USD price they are marked at."""

    price: float
    legs: tuple[Leg, ...]

    def selected(self, hedged: bool) -> tuple[Leg, ...]:
        return self.legs if hedged else tuple(leg for leg in self.legs if not leg.hedge)

    @property
    def lps(self) -> tuple[LPLeg, ...]:
        return tuple(leg for leg in self.legs if isinstance(leg, LPLeg))

    def value(self, prices: npt.ArrayLike, hedged: bool = True) -> FloatArray:
        """USD value of the (un)hedged book right after a jump to ``prices``."""
        P = _arr(prices)
        total = np.zeros(P.shape)
        for leg in self.selected(hedged):
            total = total + leg.value(P)
        return np.asarray(total, dtype=np.float64)

    def pnl(self, prices: npt.ArrayLike, hedged: bool = True) -> FloatArray:
        return np.asarray(self.value(prices, hedged) - self.value(self.price, hedged),
                          dtype=np.float64)

    def horizon_pnl(self, paths: FloatArray, horizon: float, hedged: bool = True) -> FloatArray:
        """P&L over the horizon of each path: value at the end (carry, liquidations) minus the
        value now."""
        total = np.zeros(paths.shape[0])
        for leg in self.selected(hedged):
            total = total + leg.horizon_value(paths, horizon)
        return np.asarray(total - self.value(self.price, hedged), dtype=np.float64)

    def delta(self, hedged: bool = True, bump: float = 1e-4) -> float:
        """dV/dP (ETH) by central difference of :meth:`value` (a relative bump)."""
        h = self.price * bump
        up, down = self.value([self.price + h, self.price - h], hedged)
        return float((up - down) / (2 * h))
