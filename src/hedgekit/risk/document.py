"""The audit report as the JSON document described by :mod:`hedgekit.risk.schema`."""

from __future__ import annotations

from typing import Any

from hedgekit.portfolio import Greeks
from hedgekit.risk.audit import AuditReport, PositionReport
from hedgekit.risk.liquidation import LiquidationLevel
from hedgekit.risk.schema import SCHEMA_ID, finite
from hedgekit.risk.stress import Scenario


def greeks_json(g: Greeks, price: float) -> dict[str, Any]:
    """A Greeks object in the schema's units (module docstring of ``risk.schema``)."""
    return {
        "value_usd": finite(g.value),
        "delta_eth": finite(g.delta),
        "delta_usd": finite(g.delta * price),
        "gamma_eth_per_usd": finite(g.gamma),
        "gamma_usd_1pct": finite(g.gamma * price * price / 100),
        "vega_usd_per_vol_point": finite(g.vega / 100),
        "theta_usd_per_day": finite(g.theta / 365),
        "lvr_usd_per_day": finite(g.lvr / 365),
    }


def level_json(level: LiquidationLevel | None) -> dict[str, Any] | None:
    if level is None:
        return None
    return {"venue": level.venue, "price": finite(level.price), "move": finite(level.move),
            "side": "above" if level.above else "below"}


def scenario_json(s: Scenario) -> dict[str, Any]:
    return {"label": s.label, "move": finite(s.move), "price": finite(s.price),
            "unhedged_pnl": finite(s.unhedged_pnl), "hedged_pnl": finite(s.hedged_pnl),
            "arb_fees_usd": finite(s.arb_fees), "liquidated": list(s.liquidated),
            "aave_health_factor": finite(s.health_factor),
            "options_pnl": finite(s.options_pnl)}


def _hedge_json(report: AuditReport, g: Greeks, price: float) -> dict[str, Any]:
    """A hedge leg; the options leg also lists its positions (one per series)."""
    out: dict[str, Any] = {"label": g.label, "greeks": greeks_json(g, price)}
    if report.options is not None and g.label == report.options.label:
        out["positions"] = [{"series_id": p.series_id, "kind": p.kind,
                             "strike": finite(p.strike), "expiry_years": finite(p.expiry_years),
                             "options": finite(p.options), "vol": finite(p.vol),
                             "settled_value_usd": finite(p.settled_value)}
                            for p in report.options.positions]
    return out


def _position_json(r: PositionReport) -> dict[str, Any]:
    h, c = r.holding, r.carry
    raw: dict[str, Any] | None = None
    if r.position is not None and r.history is not None:
        earned = r.history.fees_earned(r.position)
        raw = {"token0": r.position.token0, "token1": r.position.token1,
               "earned0": str(earned[0]), "earned1": str(earned[1]),
               "collected0": str(r.history.fees_collected[0]),
               "collected1": str(r.history.fees_collected[1]),
               "owed0": str(r.position.fees0), "owed1": str(r.position.fees1),
               "amount0": str(r.position.amount0), "amount1": str(r.position.amount1)}
    return {
        "label": h.label, "kind": h.kind, "pool": h.pool, "token_id": h.token_id,
        "range": {"lower": finite(h.lower), "upper": finite(h.upper)},
        "in_range": h.in_range, "pool_price": finite(h.price),
        "tokens": {"base": h.base_amount, "quote": h.quote_amount, "fees_base": h.fees_base,
                   "fees_quote": h.fees_quote},
        "value_usd": h.value, "greeks": greeks_json(r.greeks, h.price),
        "fees": {"collected_usd": c.fees_collected, "uncollected_usd": c.fees_uncollected,
                 "earned_usd": c.fees_earned, "raw": raw},
        "impermanent_loss": {
            "opened_block": r.history.opened_block if r.history else None,
            "opened_timestamp": r.history.opened_timestamp if r.history else None,
            "entry_price": finite(r.entry_price), "hold_value_usd": finite(r.hold_value),
            "principal_value_usd": r.principal_value, "il_usd": finite(r.impermanent_loss),
            "il_fraction": finite(r.impermanent_loss_fraction)},
        "carry": {"fee_rate_per_year": c.fee_rate, "lvr_per_year": c.lvr_rate,
                  "net_per_year": c.net, "net_per_day": c.net / 365,
                  "break_even_volatility": finite(c.break_even_volatility),
                  "age_days": finite(c.age_days)},
    }


def to_json(report: AuditReport) -> dict[str, Any]:
    """The ``--json`` document (schema ``hedgekit.audit/1``)."""
    p, s, price = report.portfolio, report.settings, report.portfolio.oracle_price
    carry, liq, stress, mc = report.carry, report.liquidation, report.stress, report.montecarlo
    edges, counts_u, counts_h = mc.histograms()
    return {
        "schema": SCHEMA_ID, "owner": p.owner, "block": int(p.block_number),
        "timestamp": p.timestamp,
        "price": {"oracle": price, "pools": {h.pool: h.price for h in p.lps}},
        "settings": {"horizon": s.horizon_label, "horizon_years": s.horizon,
                     "sigma": report.sigma, "sigma_source": report.sigma_source,
                     "model": s.model, "paths": s.paths, "steps": mc.config.n_steps,
                     "seed": s.seed},
        "positions": [_position_json(r) for r in report.positions],
        "hedges": [_hedge_json(report, g, price) for g in report.hedges],
        "wallet": {"eth": p.spot_base, "usdc": p.spot_quote,
                   "greeks": greeks_json(report.wallet, price)},
        "greeks": {"unhedged": greeks_json(report.unhedged, price),
                   "hedged": greeks_json(report.hedged, price)},
        "carry": {"fees_per_year": carry.fees, "lvr_per_year": carry.lvr,
                  "funding_per_year": carry.funding,
                  "supply_interest_per_year": carry.supply_interest,
                  "borrow_interest_per_year": carry.borrow_interest,
                  "net_per_year": carry.net, "net_per_day": carry.net_per_day,
                  "break_even_volatility": finite(carry.break_even_volatility)},
        "liquidation": {"perp": level_json(liq.perp), "aave": level_json(liq.aave),
                        "aave_health_factor": finite(liq.aave_health_factor),
                        "perp_leverage": finite(liq.perp_leverage),
                        "first_above": level_json(liq.first_above),
                        "first_below": level_json(liq.first_below),
                        "first": level_json(liq.first)},
        "stress": {"base_price": stress.base_price,
                   "base_value_unhedged": stress.base_unhedged,
                   "base_value_hedged": stress.base_hedged,
                   "grid": [scenario_json(x) for x in stress.grid],
                   "gaps": [scenario_json(x) for x in stress.gaps],
                   "vol": {"sigmas": list(stress.vol.sigmas), "moves": list(stress.vol.moves),
                           "unhedged_pnl": [list(r) for r in stress.vol.unhedged],
                           "hedged_pnl": [list(r) for r in stress.vol.hedged]}},
        "cascades": [{
            "trigger": level_json(c.trigger), "start_price": c.result.start_price,
            "final_price": c.result.final_price, "rounds": c.result.rounds,
            "settled": c.result.settled, "losses_usd": c.result.losses,
            "pnl_at_start_usd": c.pnl_at_start, "pnl_at_final_usd": c.pnl_at_final,
            "events": [{"round": e.round, "label": e.label, "price": e.price,
                        "eth_flow": e.base_flow, "loss_usd": e.loss} for e in c.result.events],
        } for c in report.cascades],
        "montecarlo": {
            "model": mc.config.model, "paths": mc.config.paths, "steps": mc.config.n_steps,
            "seed": mc.config.seed, "horizon_years": mc.config.horizon,
            "unhedged": vars(mc.unhedged), "hedged": vars(mc.hedged),
            "p_leave_range": mc.p_leave_range, "p_liquidation": mc.p_liquidation,
            "histogram": {"edges": edges, "unhedged": counts_u, "hedged": counts_h},
        },
        "excluded": list(p.excluded),
    }

