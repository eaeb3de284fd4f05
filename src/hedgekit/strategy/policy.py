"""The hedge policy: the target delta, when to rebalance, and how.

A policy comes from a TOML or YAML file (keys as the fields below; unknown keys are an error)
and/or command-line overrides. All deltas are in ETH (the base asset), prices in USD.

When to trade (:func:`evaluate`), in order:
1. **Margin buffer**: the perp's leverage above ``max_leverage`` or the Aave health factor
   below ``min_health_factor`` forces a trade (the planner restores the buffer).
2. **Delta band**: trade when |delta - target| exceeds the no-trade half-width
   ``h = max(min_band, band_fraction * |LP delta|, h_ww)``, where ``h_ww`` is the
   **cost-aware** Whalley-Wilmott (1997) band of an option book with gamma Γ (ETH per USD),
   proportional cost λ (fraction of notional per trade), price S and risk aversion γ (1/USD):
   ``h_ww = (3 λ S Γ² / (2 γ)) ** (1/3)``. The band widens with cost and with gamma (a
   short-gamma LP re-hedges more often the narrower its range, so the optimal band balances
   hedging error against cost). Trades go back to the target (the centre of the band), so the
   next trade needs a full half-width of drift: that is the hysteresis.
3. **Sign flip**: the hedge is on the wrong side of the target (e.g. short while the LP delta
   turned negative) and ``trade_on_sign_flip``.
4. **Price move** since the last hedge beyond ``max_price_move``, or **time** since it beyond
   ``max_interval_hours`` (both need the last hedge, kept by the caller: CLI state file or the
   vault keeper's journal).
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hedgekit.errors import ConfigError


class HedgePolicy(BaseModel):
    """Hedge policy. Every field has a sane default; see the module docstring for the rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target_delta: float = 0.0
    """Target portfolio delta: ETH (``target_mode = "absolute"``) or a fraction of the LP
    delta left unhedged (``"ratio"``: 0 = fully hedged, 1 = not hedged)."""
    target_mode: Literal["absolute", "ratio"] = "absolute"
    min_band: float = Field(0.05, ge=0)
    """Smallest no-trade half-width, ETH."""
    band_fraction: float = Field(0.02, ge=0, le=1)
    """Half-width as a fraction of |LP delta|."""
    cost_aware: bool = True
    """Widen the band with the Whalley-Wilmott cost/gamma rule."""
    risk_aversion: float = Field(1e-4, gt=0)
    """γ of the Whalley-Wilmott band, 1/USD."""
    trade_on_sign_flip: bool = True
    max_price_move: float = Field(0.10, gt=0)
    """Rebalance after this relative price move since the last hedge."""
    max_interval_hours: float = Field(24 * 7, gt=0)
    """Rebalance at least this often (hours) while the delta is off target at all."""
    venue: Literal["perp", "aave", "auto"] = "auto"
    holding_days: float = Field(7.0, gt=0)
    """Expected holding period used to compare venue costs (funding vs borrow APR)."""
    slippage_bps: int = Field(30, ge=1, le=1_000)
    """Bound on execution price vs the oracle, basis points."""
    deadline_seconds: int = Field(300, ge=15, le=86_400)
    max_leverage: float = Field(3.0, gt=1, le=20)
    """Perp margin is sized so the hedge's leverage stays at or below this."""
    min_health_factor: float = Field(1.6, gt=1.05, le=10)
    """Aave collateral is sized so the health factor stays at or above this."""
    max_impact_bps: float = Field(15.0, gt=0)
    """Largest price impact of one slice of a pool trade; larger hedges are sliced."""
    max_slices: int = Field(8, ge=1, le=100)
    sigma: float = Field(0.65, gt=0, le=5)
    """Annual volatility used for the Greeks (vega/theta) and the band."""

    @field_validator("target_delta")
    @classmethod
    def _finite(cls, value: float) -> float:
        if not math.isfinite(value):
            raise ValueError("must be a finite number")
        if value < 0:
            raise ValueError("must be >= 0 (a hedge reduces exposure; it does not go net short)")
        return value


def load_policy(path: Path | None = None, **overrides: Any) -> HedgePolicy:
    """The policy in ``path`` (TOML or YAML, optionally under a ``[hedge]`` table) with
    ``overrides`` (None values ignored) applied on top; ConfigError naming the bad key."""
    data: dict[str, Any] = {}
    if path is not None:
        try:
            text = path.read_text()
        except OSError as err:
            raise ConfigError(f"cannot read policy file {path}: {err.strerror}") from err
        try:
            parsed = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
        except (tomllib.TOMLDecodeError, yaml.YAMLError) as err:
            raise ConfigError(f"policy file {path} is not valid {path.suffix[1:]}: "
                              f"{str(err).splitlines()[0]}") from err
        if not isinstance(parsed, dict):
            raise ConfigError(f"policy file {path} must hold a table of settings")
        data = dict(parsed.get("hedge", parsed))
    data |= {k: v for k, v in overrides.items() if v is not None}
    try:
        return HedgePolicy(**data)
    except ValidationError as err:
        first = err.errors()[0]
        key = ".".join(str(p) for p in first["loc"]) or "policy"
        raise ConfigError(f"policy: {key}: {first['msg']}") from err


def whalley_wilmott_band(gamma: float, price: float, cost: float, risk_aversion: float) -> float:
    """Half-width of the Whalley-Wilmott no-trade band in ETH: (3 λ S Γ² / (2 γ))^(1/3)."""
    return float((1.5 * cost * price * gamma * gamma / risk_aversion) ** (1 / 3))


@dataclass(frozen=True)
class LastHedge:
    """The last executed hedge: when (unix seconds) and at which oracle price (USD)."""

    timestamp: int
    price: float


@dataclass(frozen=True)
class Decision:
    """Whether to trade now, towards which delta, and why (each reason one sentence)."""

    trade: bool
    target: float
    delta: float
    band: float
    reasons: tuple[str, ...]

    @property
    def gap(self) -> float:
        """ETH to add to the delta to reach the target (negative: sell/short)."""
        return self.target - self.delta


def target_delta(policy: HedgePolicy, lp_delta: float) -> float:
    """The target portfolio delta in ETH."""
    return policy.target_delta * lp_delta if policy.target_mode == "ratio" else policy.target_delta


def evaluate(policy: HedgePolicy, *, delta: float, lp_delta: float, gamma: float, price: float,
             hedge_delta: float, cost: float, now: int, last: LastHedge | None = None,
             leverage: float | None = None, health_factor: float | None = None) -> Decision:
    """Apply the policy's triggers (module docstring) to the portfolio's numbers.

    ``hedge_delta`` is the delta of the hedge legs alone (perp + Aave), ``cost`` the venue's
    proportional cost per trade (fraction of notional), ``leverage``/``health_factor`` the
    perp's and Aave's current ones (None when there is no such leg).
    """
    target = target_delta(policy, lp_delta)
    band = max(policy.min_band, policy.band_fraction * abs(lp_delta))
    if policy.cost_aware and gamma != 0.0:
        band = max(band, whalley_wilmott_band(gamma, price, cost, policy.risk_aversion))
    gap = target - delta
    reasons = []
    if leverage is not None and leverage > policy.max_leverage:
        reasons.append(f"perp leverage {leverage:.2f}x is above the {policy.max_leverage:g}x cap")
    if health_factor is not None and health_factor < policy.min_health_factor:
        reasons.append(f"Aave health factor {health_factor:.2f} is below "
                       f"{policy.min_health_factor:g}")
    if abs(gap) > band:
        reasons.append(f"delta {delta:+.4f} ETH is {abs(gap):.4f} from the target "
                       f"{target:+.4f}, outside the band ±{band:.4f}")
    needed = target - (delta - hedge_delta)  # what the hedge legs should hold
    if (policy.trade_on_sign_flip and hedge_delta != 0.0 and needed != 0.0
            and math.copysign(1, hedge_delta) != math.copysign(1, needed)
            and abs(gap) > policy.min_band):
        reasons.append("the hedge is on the wrong side of the target (sign flip)")
    if last is not None and abs(gap) > policy.min_band:
        moved = abs(price / last.price - 1)
        if moved > policy.max_price_move:
            reasons.append(f"price moved {moved:.1%} since the last hedge")
        hours = (now - last.timestamp) / 3600
        if hours > policy.max_interval_hours:
            reasons.append(f"{hours:.0f} h since the last hedge")
    if reasons:
        return Decision(True, target, delta, band, tuple(reasons))
    return Decision(False, target, delta, band, (
        f"delta {delta:+.4f} ETH is within ±{band:.4f} of the target {target:+.4f}: "
        "no trade",))
