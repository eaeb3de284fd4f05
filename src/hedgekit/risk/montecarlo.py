"""Monte Carlo of the book's P&L over the horizon: GBM, Merton jumps, bootstrap of real returns.

Paths start at the book's price and run ``steps`` equal steps to the horizon. Each leg values
itself at the end of each path (:meth:`hedgekit.risk.book.Leg.horizon_value`): LP fees accrue
while the path is in range, the perp and Aave are liquidated on the first step that crosses
their liquidation condition. Losses are -P&L (USD); VaR at level a is the a-quantile of the
loss, ES the mean loss at or beyond it. Paths are drawn in fixed-size chunks from one seeded
generator, so a seed reproduces every number, and memory stays bounded at any path count.

Models (``processes``): ``gbm`` driftless at ``sigma``; ``merton`` driftless with compensated
jumps (``jump_*`` per year) and a diffusion volatility chosen so that the total variance is
``sigma``**2 per year; ``bootstrap`` resamples the daily log returns of the real ETH/USD
history (last ``lookback_days``), rescaled to the step by sqrt(step / day).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from hedgekit.errors import InputError
from hedgekit.models._validate import FloatArray
from hedgekit.models.price_history import PriceHistory, load_price_history
from hedgekit.models.processes import bootstrap_paths, gbm_paths, merton_paths, time_grid
from hedgekit.risk.book import Book

MODELS = ("gbm", "merton", "bootstrap")
LEVELS = (0.95, 0.99)
DEFAULT_PATHS = 20_000
CHUNK = 10_000
#: Merton defaults: about 8 jumps a year of mean -4 % and 6 % dispersion (fat left tail).
JUMP_INTENSITY, JUMP_MEAN, JUMP_VOL = 8.0, -0.04, 0.06
LOOKBACK_DAYS = 3 * 365
HISTOGRAM_BINS = 60


def default_steps(horizon: float) -> int:
    """Hourly steps, at least 1 and at most 365 (then coarser)."""
    return min(max(math.ceil(horizon * 365 * 24), 1), 365)


@dataclass(frozen=True)
class MonteCarloConfig:
    model: str = "gbm"
    paths: int = DEFAULT_PATHS
    horizon: float = 7 / 365
    sigma: float = 0.6
    seed: int = 0
    steps: int | None = None
    jump_intensity: float = JUMP_INTENSITY
    jump_mean: float = JUMP_MEAN
    jump_vol: float = JUMP_VOL
    lookback_days: int = LOOKBACK_DAYS
    history: PriceHistory | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise InputError(f"unknown model {self.model!r}; choose one of {', '.join(MODELS)}")
        if self.paths < 1:
            raise InputError(f"paths must be at least 1, got {self.paths}")
        if not (self.horizon > 0 and math.isfinite(self.horizon)):
            raise InputError(f"horizon must be positive, got {self.horizon}")
        if not (self.sigma >= 0 and math.isfinite(self.sigma)):
            raise InputError(f"sigma must be >= 0, got {self.sigma}")

    @property
    def n_steps(self) -> int:
        return self.steps if self.steps is not None else default_steps(self.horizon)

    @property
    def diffusion_sigma(self) -> float:
        """Merton's diffusion volatility: total variance sigma**2 less the jumps' share (at
        least a quarter of it)."""
        jumps = self.jump_intensity * (self.jump_mean**2 + self.jump_vol**2)
        return math.sqrt(max(self.sigma**2 - jumps, 0.25 * self.sigma**2))


@dataclass(frozen=True)
class TailRisk:
    """Moments and tail of one P&L distribution (USD; VaR and ES as positive losses)."""

    mean: float
    std: float
    var95: float
    es95: float
    var99: float
    es99: float


@dataclass(frozen=True)
class MonteCarloResult:
    config: MonteCarloConfig
    unhedged: TailRisk
    hedged: TailRisk
    p_leave_range: dict[str, float]
    p_liquidation: dict[str, float]
    pnl_unhedged: FloatArray = field(repr=False, compare=False)
    pnl_hedged: FloatArray = field(repr=False, compare=False)

    def histograms(self) -> tuple[list[float], list[int], list[int]]:
        """(bin edges, unhedged counts, hedged counts) of the P&L (USD), on shared bins."""
        edges = np.histogram_bin_edges(np.concatenate([self.pnl_unhedged, self.pnl_hedged]),
                                       bins=HISTOGRAM_BINS)
        unhedged, _ = np.histogram(self.pnl_unhedged, edges)
        hedged, _ = np.histogram(self.pnl_hedged, edges)
        return [float(e) for e in edges], [int(c) for c in unhedged], [int(c) for c in hedged]


def var_es(pnl: npt.ArrayLike, level: float) -> tuple[float, float]:
    """(VaR, ES) at ``level`` of a P&L sample, as positive losses: VaR = the level-quantile of
    -P&L (linear interpolation), ES = the mean of the losses >= VaR."""
    if not 0 < level < 1:
        raise InputError(f"level must be in (0, 1), got {level}")
    loss = -np.asarray(pnl, dtype=np.float64)
    if loss.size == 0:
        raise InputError("no P&L sample")
    var = float(np.quantile(loss, level))
    return var, float(loss[loss >= var].mean())


def tail_risk(pnl: FloatArray) -> TailRisk:
    (v95, e95), (v99, e99) = (var_es(pnl, level) for level in LEVELS)
    return TailRisk(float(pnl.mean()), float(pnl.std()), v95, e95, v99, e99)


def _returns(config: MonteCarloConfig) -> tuple[FloatArray, FloatArray]:
    history = config.history or load_price_history()
    returns, dt = history.log_returns()
    days = np.cumsum(dt[::-1])[::-1] * 365  # days from each return to the end of the series
    keep = days <= config.lookback_days
    return returns[keep], dt[keep]


def price_paths(config: MonteCarloConfig, s0: float, n: int, rng: np.random.Generator,
                returns: tuple[FloatArray, FloatArray] | None = None) -> FloatArray:
    """``n`` paths of shape (n, steps + 1) from ``s0`` under the configured model."""
    steps = config.n_steps
    times = time_grid(config.horizon, steps)
    if config.model == "gbm":
        return gbm_paths(s0, 0.0, config.sigma, times, n, rng=rng)
    if config.model == "merton":
        return merton_paths(s0, 0.0, config.diffusion_sigma, config.jump_intensity,
                            config.jump_mean, config.jump_vol, times, n, rng=rng)
    r, dt = returns if returns is not None else _returns(config)
    return bootstrap_paths(s0, r, dt, steps, n, rng=rng, step=config.horizon / steps)


def simulate(book: Book, config: MonteCarloConfig) -> MonteCarloResult:
    """Simulate the (un)hedged P&L of ``book`` over the horizon (module docstring)."""
    rng = np.random.default_rng(config.seed)
    returns = _returns(config) if config.model == "bootstrap" else None
    unhedged, hedged = [], []
    left = {leg.label: 0 for leg in book.lps}
    liquidated = {leg.label: 0 for leg in book.legs if leg.hedge}
    any_liquidation = 0
    done = 0
    while done < config.paths:
        n = min(CHUNK, config.paths - done)
        paths = price_paths(config, book.price, n, rng, returns)
        unhedged.append(book.horizon_pnl(paths, config.horizon, hedged=False))
        hedged.append(book.horizon_pnl(paths, config.horizon, hedged=True))
        for lp_leg in book.lps:
            left[lp_leg.label] += int(lp_leg.left_range(paths).sum())
        hit_any = np.zeros(n, dtype=bool)
        for leg in book.legs:
            if leg.hedge:
                hit = leg.liquidated_on(paths)
                liquidated[leg.label] += int(hit.sum())
                hit_any |= hit
        any_liquidation += int(hit_any.sum())
        done += n
    pnl_u, pnl_h = np.concatenate(unhedged), np.concatenate(hedged)
    total = config.paths
    p_liq = {label: count / total for label, count in liquidated.items()}
    p_liq["any"] = any_liquidation / total
    return MonteCarloResult(config, tail_risk(pnl_u), tail_risk(pnl_h),
                            {label: count / total for label, count in left.items()}, p_liq,
                            pnl_u, pnl_h)
