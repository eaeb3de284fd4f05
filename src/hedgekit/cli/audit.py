"""``hedgekit audit OWNER``: the LP risk report (terminal, ``--json``, ``--html``)."""

from __future__ import annotations

import json
import re

import click
from rich.console import Console

from hedgekit.amm.readers import require_address
from hedgekit.chain.connection import connect
from hedgekit.cli.options import json_option, rpc_url_option
from hedgekit.errors import InputError
from hedgekit.risk.montecarlo import DEFAULT_PATHS, MODELS

_UNITS = {"h": 1 / 24, "d": 1.0, "w": 7.0, "y": 365.0}
_HORIZON = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdwy])\s*$")


def parse_horizon(text: str) -> float:
    """``7d``, ``12h``, ``2w``, ``1y`` -> years (365 days); InputError unless positive."""
    found = _HORIZON.match(text)
    if found is None:
        raise InputError(f"bad horizon {text!r}: use a number and a unit h, d, w or y (e.g. 7d)")
    years = float(found.group(1)) * _UNITS[found.group(2)] / 365
    if years <= 0:
        raise InputError(f"horizon must be positive, got {text!r}")
    return years


@click.command()
@click.argument("owner")
@click.option("--horizon", default="7d", show_default=True,
              help="Risk horizon: a number and h, d, w or y.")
@click.option("--paths", type=int, default=DEFAULT_PATHS, show_default=True,
              help="Monte Carlo paths.")
@click.option("--model", default="gbm", show_default=True,
              help=f"Price process: {', '.join(MODELS)}.")
@click.option("--sigma", type=float, default=None,
              help="Annual volatility (0.6 = 60%%; default: realized, last 365 days).")
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed.")
@click.option("--steps", type=int, default=None, help="Monte Carlo steps (default: hourly).")
@click.option("--cascade-account", "cascade_accounts", multiple=True,
              help="Another account whose perp/Aave positions join the cascade (repeatable).")
@click.option("--block", type=int, default=None, help="Block to audit (default: latest).")
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write a self-contained HTML report with plots.")
@rpc_url_option
@json_option
def audit(owner: str, horizon: str, paths: int, model: str, sigma: float | None, seed: int,
          steps: int | None, cascade_accounts: tuple[str, ...], block: int | None,
          html_path: str | None, rpc_url: str, as_json: bool) -> None:
    """Risk report of OWNER's LP positions and hedges, all read at one block."""
    from hedgekit.risk.audit import AuditSettings, run_audit
    from hedgekit.risk.document import to_json

    require_address(owner, "owner")
    years = parse_horizon(horizon)
    if model not in MODELS:
        raise InputError(f"unknown model {model!r}; choose one of {', '.join(MODELS)}")
    if paths < 1:
        raise InputError(f"--paths must be at least 1, got {paths}")
    if sigma is not None and not sigma >= 0:
        raise InputError(f"--sigma must be >= 0, got {sigma}")
    if steps is not None and steps < 1:
        raise InputError(f"--steps must be at least 1, got {steps}")
    if block is not None and block < 0:
        raise InputError(f"--block must be >= 0, got {block}")
    settings = AuditSettings(years, horizon.strip(), model, paths, seed, sigma, steps,
                             cascade_accounts)
    console = Console(stderr=True)
    w3 = connect(rpc_url)
    with console.status("auditing") as status:
        report = run_audit(w3, owner, settings, block, progress=lambda msg: status.update(msg))
        if html_path:
            from hedgekit.risk.html import write_html

            status.update("writing the HTML report")
            write_html(report, html_path)
    if as_json:
        click.echo(json.dumps(to_json(report), indent=2, allow_nan=False))
    else:
        from hedgekit.risk.report import render

        render(report, Console())
    if html_path:
        console.print(f"HTML report written to {html_path}")
