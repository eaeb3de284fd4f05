"""The audit as a rich terminal report (tables for positions, Greeks, carry, liquidation,
stress, cascades and the Monte Carlo)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from hedgekit.risk.audit import AuditReport
from hedgekit.risk.liquidation import LiquidationLevel


def _usd(x: float | None, digits: int = 0) -> str:
    if x is None or x != x:  # None or NaN
        return "-"
    return f"{x:,.{digits}f}"


def _pct(x: float | None, digits: int = 1) -> str:
    if x is None or x != x:
        return "-"
    return f"{x * 100:+.{digits}f}%"


def _level(level: LiquidationLevel | None) -> str:
    if level is None:
        return "none"
    side = "at or above" if level.above else "at or below"
    return f"{level.venue} {side} {level.price:,.2f} ({_pct(level.move)})"


def render(report: AuditReport, console: Console) -> None:
    """Print the report."""
    p, price = report.portfolio, report.portfolio.oracle_price
    s = report.settings
    console.print(f"[bold]hedgekit audit[/bold] {p.owner} at block {p.block_number} "
                  f"(ETH/USD {price:,.2f}; sigma {report.sigma:.1%} {report.sigma_source}; "
                  f"horizon {s.horizon_label})")

    positions = Table("position", "range (USD/ETH)", "in range", "ETH", "USD", "value",
                      "fees earned", "IL vs hold", "entry", title="LP positions")
    for r in report.positions:
        h = r.holding
        positions.add_row(h.label, f"{h.lower:,.2f} – {h.upper:,.2f}",
                          "yes" if h.in_range else "[red]no[/red]", f"{h.base_amount:,.4f}",
                          _usd(h.quote_amount, 2), _usd(h.value, 2),
                          _usd(r.carry.fees_earned, 2),
                          f"{_usd(r.impermanent_loss, 2)} ({_pct(r.impermanent_loss_fraction, 2)})",
                          _usd(r.entry_price, 2))
    console.print(positions)

    greeks = Table("leg", "value $", "delta ETH", "delta $", "gamma $/1%", "vega $/vol pt",
                   "theta $/day", "LVR $/day", title="Greeks")
    rows = [r.greeks for r in report.positions] + list(report.hedges)
    for g in [*rows, report.unhedged, report.hedged]:
        greeks.add_row(g.label, _usd(g.value, 2), f"{g.delta:,.4f}", _usd(g.delta * price),
                       _usd(g.gamma * price * price / 100, 2), _usd(g.vega / 100, 2),
                       _usd(g.theta / 365, 2), _usd(g.lvr / 365, 2))
    console.print(greeks)
    console.print(f"wallet (not in the books): {p.spot_base:,.4f} ETH, {p.spot_quote:,.2f} USDC")

    c = report.carry
    carry = Table("fees", "LVR", "funding", "supply int.", "borrow int.", "net $/day",
                  "net $/year", "break-even vol", title="carry (USD per year unless stated)")
    carry.add_row(_usd(c.fees), _usd(-c.lvr), _usd(c.funding), _usd(c.supply_interest),
                  _usd(-c.borrow_interest), _usd(c.net_per_day, 2), _usd(c.net),
                  "-" if c.break_even_volatility != c.break_even_volatility
                  else f"{c.break_even_volatility:.1%}")
    console.print(carry)

    liq = report.liquidation
    console.print("[bold]liquidation[/bold]: perp " + _level(liq.perp)
                  + (f", leverage {liq.perp_leverage:.2f}x" if liq.perp_leverage else "")
                  + f"; Aave HF {_usd(liq.aave_health_factor, 3)}, " + _level(liq.aave)
                  + f"; first: {_level(liq.first)}")

    if report.options is not None:
        held = "; ".join(f"{o.options:+,.4f} {o.kind} K {o.strike:,.0f} "
                         f"T {o.expiry_years * 365:.1f}d vol {o.vol:.1%}"
                         for o in report.options.positions)
        console.print(f"[bold]options[/bold] (in the hedged book): {held}")
    with_options = report.options is not None
    stress = Table("move", "price", "unhedged P&L", "hedged P&L", "arb fees",
                   *(("options P&L",) if with_options else ()), "liquidated",
                   title="stress (exact re-valuation, one block"
                         + (f"; options at the {s.horizon_label} horizon)" if with_options
                            else ")"))
    for row in (*report.stress.grid, *report.stress.gaps):
        stress.add_row(row.label, _usd(row.price, 2), _usd(row.unhedged_pnl),
                       _usd(row.hedged_pnl), _usd(row.arb_fees, 2),
                       *((_usd(row.options_pnl),) if with_options else ()),
                       ", ".join(row.liquidated) or "-")
    console.print(stress)

    for cascade in report.cascades:
        run = cascade.result
        console.print(f"[bold]cascade[/bold] from {_level(cascade.trigger)}: "
                      f"{run.rounds} round(s), {len(run.events)} liquidation(s), price "
                      f"{run.start_price:,.2f} -> {run.final_price:,.2f}"
                      f"{'' if run.settled else ' (not settled)'}; hedged P&L "
                      f"{_usd(cascade.pnl_at_start)} -> {_usd(cascade.pnl_at_final)}")

    mc = report.montecarlo
    table = Table("book", "mean", "std", "VaR 95", "ES 95", "VaR 99", "ES 99",
                  title=f"Monte Carlo: {mc.config.paths:,} {mc.config.model} paths, "
                        f"{mc.config.n_steps} steps, seed {mc.config.seed}")
    for name, t in (("unhedged", mc.unhedged), ("hedged", mc.hedged)):
        table.add_row(name, _usd(t.mean), _usd(t.std), _usd(t.var95), _usd(t.es95),
                      _usd(t.var99), _usd(t.es99))
    console.print(table)
    leave = ", ".join(f"{k} {v:.1%}" for k, v in mc.p_leave_range.items()) or "-"
    liquidated = ", ".join(f"{k} {v:.1%}" for k, v in mc.p_liquidation.items()) or "-"
    console.print(f"P(leave range): {leave}; P(liquidation): {liquidated}")
    if p.excluded:
        console.print("not audited (no USD/ETH pool): " + ", ".join(p.excluded))
