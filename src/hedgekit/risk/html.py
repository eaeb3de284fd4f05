"""The audit as one self-contained HTML page: tables plus four plots embedded as base64 PNG
(matplotlib, Agg backend; nothing loaded from the network):

1. value vs ETH price, hedged and unhedged, with the LP ranges and liquidation prices marked;
2. Greeks vs price (delta and gamma of the hedged and unhedged book, finite differences of the
   book's value);
3. the Monte Carlo P&L distribution with the VaR and ES lines;
4. the stress heat-map: hedged P&L over the horizon by price move and volatility.

Each plot is an ``<img class="plot" id=...>``; a small inline script marks the page with
``data-plots-rendered`` = the number of images the browser decoded (for the headless check).
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from hedgekit.models._validate import FloatArray
from hedgekit.risk.audit import AuditReport
from hedgekit.risk.document import to_json

PLOTS = ("value-vs-price", "greeks-vs-price", "pnl-distribution", "stress-heatmap")


def _png(fig: Figure) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _price_grid(report: AuditReport) -> FloatArray:
    price = report.book.price
    return np.asarray(np.linspace(price * 0.4, price * 1.6, 400), dtype=np.float64)


def _marks(ax: Axes, report: AuditReport) -> None:
    for leg in report.book.lps:
        if np.isfinite(leg.upper) and leg.lower > 0:
            ax.axvspan(leg.lower, leg.upper, alpha=0.08, color="tab:green")
    for level in report.liquidation.levels:
        ax.axvline(level.price, color="tab:red", ls="--", lw=1)
        ax.annotate(f"{level.venue} liq.", (level.price, 0.95), xycoords=("data", "axes fraction"),
                    color="tab:red", fontsize=8, rotation=90, va="top")
    ax.axvline(report.book.price, color="grey", lw=0.8)


def value_plot(report: AuditReport) -> str:
    prices = _price_grid(report)
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(prices, report.book.value(prices, hedged=False), label="unhedged (LPs)")
    ax.plot(prices, report.book.value(prices, hedged=True), label="hedged")
    _marks(ax, report)
    ax.set_xlabel("ETH price (USD)")
    ax.set_ylabel("value (USD)")
    ax.set_title("value vs price (green: LP ranges, red: liquidation)")
    ax.legend()
    return _png(fig)


def greeks_plot(report: AuditReport) -> str:
    prices = _price_grid(report)
    h = prices * 1e-3
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 5), sharex=True)
    smooth = None
    for hedged, name in ((False, "unhedged"), (True, "hedged")):
        up = report.book.value(prices + h, hedged)
        mid = report.book.value(prices, hedged)
        down = report.book.value(prices - h, hedged)
        second = up - 2 * mid + down
        # the LP book is C1 and the hedge linear between liquidations, so away from a
        # liquidation (a jump in value) the hedged second difference is the unhedged one:
        # mask where it is not instead of plotting the jump as a spike
        jump = (np.zeros(prices.shape, dtype=bool) if smooth is None
                else np.abs(second - smooth) > 1e-6 * np.abs(mid) + 1e-9)
        smooth = second if smooth is None else smooth
        delta = np.where(jump, np.nan, (up - down) / (2 * h))
        gamma = np.where(jump, np.nan, second / (h * h) * prices**2 / 100)
        top.plot(prices, delta, label=name)
        bottom.plot(prices, gamma, label=name)
    top.set_ylabel("delta (ETH)")
    bottom.set_ylabel("gamma ($ per 1%)")
    bottom.set_xlabel("ETH price (USD)")
    for ax in (top, bottom):
        _marks(ax, report)
        ax.legend()
    top.set_title("Greeks vs price")
    return _png(fig)


def pnl_plot(report: AuditReport) -> str:
    mc = report.montecarlo
    fig, ax = plt.subplots(figsize=(7, 4))
    edges = np.histogram_bin_edges(np.concatenate([mc.pnl_unhedged, mc.pnl_hedged]), bins=80)
    for pnl, tail, name, color in ((mc.pnl_unhedged, mc.unhedged, "unhedged", "tab:blue"),
                                   (mc.pnl_hedged, mc.hedged, "hedged", "tab:orange")):
        ax.hist(pnl, bins=list(edges), alpha=0.5, label=name, color=color)
        ax.axvline(-tail.var95, color=color, ls="--", lw=1, label=f"{name} VaR95")
        ax.axvline(-tail.es95, color=color, ls=":", lw=1, label=f"{name} ES95")
        ax.axvline(-tail.var99, color=color, ls="-.", lw=1, label=f"{name} VaR99")
    ax.set_xlabel(f"P&L over {report.settings.horizon_label} (USD)")
    ax.set_ylabel("paths")
    ax.set_title(f"P&L distribution ({mc.config.model}, {mc.config.paths:,} paths)")
    ax.legend(fontsize=7)
    return _png(fig)


def heatmap_plot(report: AuditReport) -> str:
    vol = report.stress.vol
    data = np.array(vol.hedged)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    limit = float(np.abs(data).max()) or 1.0
    image = ax.imshow(data, cmap="RdYlGn", vmin=-limit, vmax=limit, aspect="auto")
    ax.set_xticks(range(len(vol.moves)), [f"{m:+.0%}" for m in vol.moves], fontsize=7)
    ax.set_yticks(range(len(vol.sigmas)), [f"{s:.0%}" for s in vol.sigmas])
    ax.set_xlabel("price move")
    ax.set_ylabel("volatility")
    ax.set_title(f"hedged P&L over {report.settings.horizon_label} (USD)")
    fig.colorbar(image, ax=ax)
    return _png(fig)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_SCRIPT = """<script>
window.addEventListener('load', function () {
  var ok = Array.from(document.querySelectorAll('img.plot'))
    .filter(function (i) { return i.complete && i.naturalWidth > 0; }).length;
  document.body.setAttribute('data-plots-rendered', String(ok));
});
</script>"""


def render_html(report: AuditReport) -> str:
    """The page as a string."""
    doc = to_json(report)
    plots = dict(zip(PLOTS, (value_plot(report), greeks_plot(report), pnl_plot(report),
                             heatmap_plot(report)), strict=True))
    images = "".join(f'<figure><img class="plot" id="{name}" alt="{name}" '
                     f'src="data:image/png;base64,{data}"></figure>'
                     for name, data in plots.items())
    positions = _table(["position", "range", "value $", "fees earned $", "IL $"], [
        [p["label"], f"{p['range']['lower']:,.2f} – {p['range']['upper'] or float('inf'):,.2f}",
         f"{p['value_usd']:,.2f}", f"{p['fees']['earned_usd']:,.2f}",
         "-" if p["impermanent_loss"]["il_usd"] is None
         else f"{p['impermanent_loss']['il_usd']:,.2f}"] for p in doc["positions"]])
    mc = doc["montecarlo"]
    tails = _table(["book", "VaR 95", "ES 95", "VaR 99", "ES 99"], [
        [name, *(f"{mc[name][k]:,.0f}" for k in ("var95", "es95", "var99", "es99"))]
        for name in ("unhedged", "hedged")])
    stress = _table(["move", "price", "unhedged P&L", "hedged P&L", "liquidated"], [
        [s["label"], f"{s['price']:,.2f}", f"{s['unhedged_pnl']:,.0f}",
         f"{s['hedged_pnl']:,.0f}", ", ".join(s["liquidated"]) or "-"]
        for s in doc["stress"]["grid"] + doc["stress"]["gaps"]])
    title = f"hedgekit audit {doc['owner']} at block {doc['block']}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:960px;margin:2em auto}}
table{{border-collapse:collapse;margin:1em 0}}td,th{{border:1px solid #ccc;padding:2px 6px;
text-align:right}}img.plot{{max-width:100%}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>ETH/USD {doc['price']['oracle']:,.2f}; sigma {doc['settings']['sigma']:.1%}
({html.escape(doc['settings']['sigma_source'])}); horizon {doc['settings']['horizon']}.</p>
<h2>Positions</h2>{positions}<h2>Plots</h2>{images}
<h2>Monte Carlo</h2>{tails}<h2>Stress</h2>{stress}
{_SCRIPT}</body></html>
"""


def write_html(report: AuditReport, path: str | Path) -> Path:
    """Write the page to ``path``."""
    target = Path(path)
    target.write_text(render_html(report), encoding="utf-8")
    return target
