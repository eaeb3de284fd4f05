"""The ``hedgekit audit --json`` document: :func:`to_json` builds it, :data:`SCHEMA` (JSON Schema
draft 2020-12) documents it, :func:`validate` checks a document against the schema's
``required``/``type``/``items`` keywords (no third-party validator needed).

Units everywhere: prices in USD per ETH; values, P&L, VaR/ES in USD (VaR/ES as positive losses);
moves as fractions (0.1 = +10 %); rates ``*_per_year`` in USD per year; volatilities annualized
(0.6 = 60 %); probabilities in [0, 1]. Greeks objects (``$defs/greeks``) carry
``delta_eth`` (dV/dP in ETH), ``delta_usd`` (delta x P), ``gamma_eth_per_usd`` (d2V/dP2),
``gamma_usd_1pct`` (change of delta_usd for a +1 % move), ``vega_usd_per_vol_point`` (per 0.01
of vol), ``theta_usd_per_day`` and ``lvr_usd_per_day``. Numbers that do not exist (no perp, a
break-even vol out of range) are ``null``. The ``options`` hedge (option positions held and
written) lists its ``positions``; each stress scenario's ``options_pnl`` is their share of
``hedged_pnl``.
"""

from __future__ import annotations

import math
from typing import Any

SCHEMA_ID = "hedgekit.audit/1"

_NUM = {"type": ["number", "null"]}
_STR = {"type": "string"}
_INT = {"type": "integer"}


def _obj(*required: str, **props: Any) -> dict[str, Any]:
    properties = {name: props.get(name, _NUM) for name in required}
    properties.update(props)
    return {"type": "object", "required": list(required), "properties": properties}


def _arr(items: Any) -> dict[str, Any]:
    return {"type": "array", "items": items}


_GREEKS = _obj("value_usd", "delta_eth", "delta_usd", "gamma_eth_per_usd", "gamma_usd_1pct",
               "vega_usd_per_vol_point", "theta_usd_per_day", "lvr_usd_per_day")
_LEVEL = {"type": ["object", "null"], "required": ["venue", "price", "move", "side"],
          "properties": {"venue": _STR, "price": _NUM, "move": _NUM, "side": _STR}}
_SCENARIO = _obj("label", "move", "price", "unhedged_pnl", "hedged_pnl", "arb_fees_usd",
                 "liquidated", "aave_health_factor", label=_STR, liquidated=_arr(_STR),
                 options_pnl=_NUM)
_OPTION = _obj("series_id", "kind", "strike", "expiry_years", "options", "vol",
               "settled_value_usd", series_id=_INT, kind=_STR)
_TAIL = _obj("mean", "std", "var95", "es95", "var99", "es99")

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": SCHEMA_ID,
    "title": "hedgekit audit report",
    **_obj(
        "schema", "owner", "block", "timestamp", "price", "settings", "positions", "hedges",
        "wallet", "greeks", "carry", "liquidation", "stress", "cascades", "montecarlo",
        "excluded",
        schema=_STR, owner=_STR, block=_INT, timestamp=_INT,
        price=_obj("oracle", "pools", pools={"type": "object"}),
        settings=_obj("horizon", "horizon_years", "sigma", "sigma_source", "model", "paths",
                      "steps", "seed", horizon=_STR, sigma_source=_STR, model=_STR,
                      paths=_INT, steps=_INT, seed=_INT),
        positions=_arr(_obj(
            "label", "kind", "pool", "token_id", "range", "in_range", "pool_price", "tokens",
            "value_usd", "greeks", "fees", "impermanent_loss", "carry",
            label=_STR, kind=_STR, pool=_STR, token_id={"type": ["integer", "null"]},
            range=_obj("lower", "upper"), in_range={"type": "boolean"},
            tokens=_obj("base", "quote", "fees_base", "fees_quote"), greeks=_GREEKS,
            fees=_obj("collected_usd", "uncollected_usd", "earned_usd", "raw",
                      raw={"type": ["object", "null"]}),
            impermanent_loss=_obj("opened_block", "opened_timestamp", "entry_price",
                                  "hold_value_usd", "principal_value_usd", "il_usd",
                                  "il_fraction",
                                  opened_block={"type": ["integer", "null"]},
                                  opened_timestamp={"type": ["integer", "null"]}),
            carry=_obj("fee_rate_per_year", "lvr_per_year", "net_per_year", "net_per_day",
                       "break_even_volatility", "age_days"))),
        hedges=_arr(_obj("label", "greeks", label=_STR, greeks=_GREEKS,
                         positions=_arr(_OPTION))),
        wallet=_obj("eth", "usdc", "greeks", greeks=_GREEKS),
        greeks=_obj("unhedged", "hedged", unhedged=_GREEKS, hedged=_GREEKS),
        carry=_obj("fees_per_year", "lvr_per_year", "funding_per_year",
                   "supply_interest_per_year", "borrow_interest_per_year", "net_per_year",
                   "net_per_day", "break_even_volatility"),
        liquidation=_obj("perp", "aave", "aave_health_factor", "perp_leverage",
                         "first_above", "first_below", "first", perp=_LEVEL, aave=_LEVEL,
                         first_above=_LEVEL, first_below=_LEVEL, first=_LEVEL),
        stress=_obj("base_price", "base_value_unhedged", "base_value_hedged", "grid", "gaps",
                    "vol", grid=_arr(_SCENARIO), gaps=_arr(_SCENARIO),
                    vol=_obj("sigmas", "moves", "unhedged_pnl", "hedged_pnl",
                             sigmas=_arr(_NUM), moves=_arr(_NUM),
                             unhedged_pnl=_arr(_arr(_NUM)), hedged_pnl=_arr(_arr(_NUM)))),
        cascades=_arr(_obj(
            "trigger", "start_price", "final_price", "rounds", "settled", "events",
            "losses_usd", "pnl_at_start_usd", "pnl_at_final_usd", trigger=_LEVEL,
            rounds=_INT, settled={"type": "boolean"}, losses_usd={"type": "object"},
            events=_arr(_obj("round", "label", "price", "eth_flow", "loss_usd", round=_INT,
                             label=_STR)))),
        montecarlo=_obj("model", "paths", "steps", "seed", "horizon_years", "unhedged",
                        "hedged", "p_leave_range", "p_liquidation", "histogram", model=_STR,
                        paths=_INT, steps=_INT, seed=_INT, unhedged=_TAIL, hedged=_TAIL,
                        p_leave_range={"type": "object"}, p_liquidation={"type": "object"},
                        histogram=_obj("edges", "unhedged", "hedged", edges=_arr(_NUM),
                                       unhedged=_arr(_INT), hedged=_arr(_INT))),
        excluded=_arr(_STR),
    ),
}

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),)}


def validate(document: Any, schema: dict[str, Any] = SCHEMA, path: str = "$") -> list[str]:
    """Problems of ``document`` against ``schema`` (``type``, ``required``, ``properties``,
    ``items``); an empty list when it conforms."""
    problems = []
    kinds = schema.get("type")
    if kinds is not None:
        allowed = [kinds] if isinstance(kinds, str) else kinds
        ok = any(isinstance(document, _TYPES[k]) and not (
            k in ("integer", "number") and isinstance(document, bool)) for k in allowed)
        if not ok:
            return [f"{path}: expected {allowed}, got {type(document).__name__}"]
    if isinstance(document, dict):
        for name in schema.get("required", []):
            if name not in document:
                problems.append(f"{path}: missing {name!r}")
        for name, sub in schema.get("properties", {}).items():
            if name in document:
                problems += validate(document[name], sub, f"{path}.{name}")
    if isinstance(document, list) and "items" in schema:
        for i, item in enumerate(document):
            problems += validate(item, schema["items"], f"{path}[{i}]")
    return problems


def finite(value: float | None) -> float | None:
    """JSON has no NaN or infinity: those become null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
