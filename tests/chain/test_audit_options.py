"""`hedgekit audit` with option positions on the replica: an LP that buys puts from the
OptionsMarket's listed asks is audited before and after the purchase. The puts' Black-Scholes
Greeks (the adapter's) join the hedged book, the stress grid pays their value at each price
(intrinsic if they expire within the horizon), and they cut the hedged Monte Carlo VaR."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rich.console import Console
from web3 import Web3

from hedgekit.chain.demo import fund as demo_fund
from hedgekit.chain.demo import mint_position
from hedgekit.chain.deploy import transact
from hedgekit.models.options import black_scholes
from hedgekit.risk.audit import AuditReport, AuditSettings, run_audit
from hedgekit.risk.document import to_json
from hedgekit.risk.report import render
from hedgekit.risk.schema import validate
from hedgekit.venues.options import OptionsMarketVenue
from hedgekit.venues.options_pricing import years_to_expiry
from hedgekit.venues.tx import UnsignedTx

OPT = 10**18
WAD = 10**18
USDC = 10**6
PUTS = 5
FAST = AuditSettings(paths=4_000, seed=5, sigma=0.6)


pytestmark = pytest.mark.usefixtures("fresh_oracle")  # the market needs a fresh oracle


def _send(w3: Web3, sender: str, txs: tuple[UnsignedTx, ...]) -> None:
    for tx in txs:
        transact(w3, tx.as_params(sender) | {"gas": 3_000_000}, tx.description)  # type: ignore[arg-type]


@pytest.fixture
def audits(w3: Web3, actors: Any) -> dict[str, Any]:
    """An LP audited, then the same LP holding PUTS near-the-money puts bought from the asks."""
    owner = actors.lp
    mint_position(w3, owner, 1_500, 20_000 * USDC, 5 * WAD)
    demo_fund(w3, owner, usdc=20_000 * USDC)
    before = run_audit(w3, owner, FAST)
    venue = OptionsMarketVenue(w3)
    state = venue.market_state()
    spot = state.oracle_price
    book = min((b for b in state.open_series() if not b.series.is_call and b.asks),
               key=lambda b: (abs(b.series.strike - spot), -b.series.expiry))
    _send(w3, owner, venue.build_buy(venue.account(owner), book.series.series_id,
                                     PUTS * OPT).txs)
    after = run_audit(w3, owner, FAST)
    acct = venue.account(owner, after.portfolio.block_number)
    return {"owner": owner, "before": before, "after": after, "series": book.series,
            "risk": venue.risk(acct, fallback_vol=FAST.sigma), "acct": acct}


def test_audit_with_a_bought_put__hedged_delta_and_gamma_add_the_puts_black_scholes_greeks(
        audits: dict[str, Any]) -> None:
    before: AuditReport = audits["before"]
    after: AuditReport = audits["after"]
    risk = audits["risk"]
    assert [g.label for g in before.hedges] == [] and before.options is None
    (options,) = [g for g in after.hedges if g.label == "options"]
    (pos,) = risk.positions
    assert pos.options == PUTS and pos.series_id == audits["series"].series_id
    # the adapter's Black-Scholes Greeks (its smile vol, at the market's oracle)
    assert options.value == pytest.approx(risk.value, rel=1e-9)
    assert options.delta == pytest.approx(risk.delta, rel=1e-9) and options.delta < 0
    assert options.gamma == pytest.approx(risk.gamma, rel=1e-9) and options.gamma > 0
    assert options.vega == pytest.approx(risk.vega, rel=1e-9)
    assert options.theta == pytest.approx(risk.theta, rel=1e-9)
    assert after.hedged.delta == pytest.approx(after.unhedged.delta + risk.delta, rel=1e-12)
    assert after.hedged.gamma == pytest.approx(after.unhedged.gamma + risk.gamma, rel=1e-12)
    assert after.unhedged.delta == pytest.approx(before.unhedged.delta, rel=1e-9)
    doc = json.loads(json.dumps(to_json(after), allow_nan=False))
    assert validate(doc) == []
    (entry,) = [h for h in doc["hedges"] if h["label"] == "options"]
    assert entry["positions"][0]["options"] == PUTS
    assert entry["greeks"]["vega_usd_per_vol_point"] == pytest.approx(risk.vega / 100)
    console = Console(record=True, width=200)
    render(after, console)
    text = console.export_text()
    assert "options P&L" in text and f"+{PUTS:,.4f} put" in text


def test_stress_at_minus_20_percent__hedged_pnl_includes_the_puts_value_at_the_horizon(
        audits: dict[str, Any]) -> None:
    before: AuditReport = audits["before"]
    after: AuditReport = audits["after"]
    series, (pos,) = audits["series"], audits["risk"].positions
    row = next(s for s in after.stress.grid if s.label == "-20%")
    row0 = next(s for s in before.stress.grid if s.label == "-20%")
    strike = series.strike / WAD
    left = years_to_expiry(series.expiry, audits["acct"].state.timestamp) - FAST.horizon
    if left <= 0:
        put_then = PUTS * max(strike - row.price, 0.0)
    else:
        put_then = PUTS * float(black_scholes(row.price, strike, left, 0.0, pos.vol, 0.0, "put"))
    assert row.options_pnl == pytest.approx(put_then - pos.value, rel=1e-9)
    assert row.hedged_pnl - row.unhedged_pnl == pytest.approx(row.options_pnl, rel=1e-9)
    assert row.unhedged_pnl == pytest.approx(row0.unhedged_pnl, rel=1e-9)
    assert row.options_pnl > 0 and row.hedged_pnl > row0.hedged_pnl
    assert after.stress.base_hedged == pytest.approx(after.stress.base_unhedged + pos.value)


def test_monte_carlo__the_hedged_var_with_the_put_is_lower_than_without(
        audits: dict[str, Any]) -> None:
    before: AuditReport = audits["before"]
    after: AuditReport = audits["after"]
    assert after.montecarlo.unhedged.var95 == pytest.approx(before.montecarlo.unhedged.var95,
                                                            rel=1e-6)
    assert after.montecarlo.hedged.var95 < before.montecarlo.hedged.var95
    assert after.montecarlo.hedged.var99 < before.montecarlo.hedged.var99
