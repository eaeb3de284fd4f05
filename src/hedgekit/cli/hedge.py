"""``hedgekit hedge OWNER``: measure, plan, simulate and (with --execute) send a hedge."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from web3 import Web3

from hedgekit.chain.paths import cache_dir
from hedgekit.cli.network import network_options, open_network
from hedgekit.cli.options import json_option
from hedgekit.cli.strategy_options import strategy_options
from hedgekit.errors import InputError
from hedgekit.portfolio import read_portfolio
from hedgekit.strategy.execution import Outcome, execute, simulate
from hedgekit.strategy.planner import HedgePlan, Planner
from hedgekit.strategy.policy import HedgePolicy, LastHedge, load_policy
from hedgekit.strategy.signer import KeystoreSigner, NodeSigner, Signer
from hedgekit.strategy.strategies import StrategyParams, build_strategy


def _finite(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not math.isfinite(value):
        raise click.BadParameter("must be a finite number")
    return value


def _state_path(w3: Web3, owner: str) -> Path:
    return cache_dir() / f"last-hedge-{w3.eth.chain_id}-{owner}.json"


def _last(w3: Web3, owner: str) -> LastHedge | None:
    path = _state_path(w3, owner)
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    return LastHedge(int(data["timestamp"]), float(data["price"]))


@click.command()
@click.argument("owner")
@click.option("--position", "token_ids", type=click.IntRange(min=0), multiple=True,
              help="Hedge only this v3 NFT position (repeatable); default: all of OWNER's.")
@click.option("--venue", type=click.Choice(["perp", "aave", "auto"]), default=None,
              help="Where to hedge (default: the policy's, auto = the cheaper).")
@click.option("--target-delta", type=float, default=None, callback=_finite,
              help="Target delta (ETH, or a fraction with target_mode = ratio).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Policy file (TOML or YAML).")
@click.option("--sigma", type=float, default=None, callback=_finite,
              help="Annual volatility for the Greeks (default: the policy's).")
@click.option("--account", default=None,
              help="ape keystore alias to sign with (passphrase in $HEDGEKIT_PASSPHRASE); "
                   "default: the node's unlocked account (dev chains).")
@click.option("--execute", "execute_", is_flag=True,
              help="Send the transactions (default: dry run).")
@strategy_options
@network_options
@json_option
def hedge(owner: str, token_ids: tuple[int, ...], venue: str | None, target_delta: float | None,
          policy_file: Path | None, sigma: float | None, account: str | None, execute_: bool,
          rpc_url: str, network: str | None, as_json: bool,
          strategy: StrategyParams | None = None) -> None:
    """Bring OWNER's LP portfolio to the target delta, or build --strategy: dry run unless
    --execute."""
    policy = load_policy(policy_file, target_delta=target_delta, sigma=sigma, venue=venue)
    with open_network(rpc_url, network) as (w3, url):
        signer: Signer | None = None
        if execute_:
            signer = KeystoreSigner(account) if account else NodeSigner(w3, owner)
        report = run_hedge(w3, url, owner, policy, list(token_ids) or None, signer,
                           Console(stderr=True, quiet=as_json), strategy)
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
    else:
        print_report(report)


def run_hedge(w3: Web3, url: str, owner: str, policy: HedgePolicy, token_ids: list[int] | None,
              signer: Signer | None, console: Console,
              strategy: StrategyParams | None = None) -> dict[str, Any]:
    """Read, plan (the delta hedge, or ``strategy``), simulate on a fork and, with a
    ``signer``, send; the report as a dict."""
    with console.status("reading the portfolio and the venues") as status:
        portfolio = read_portfolio(w3, owner, token_ids)
        if strategy is not None:
            plan = build_strategy(w3, portfolio, strategy, policy).plan
        elif not portfolio.lps:
            raise InputError(f"{portfolio.owner} holds no LP position on a WETH/USD pool")
        else:
            plan = Planner(w3, policy).plan(portfolio, last=_last(w3, portfolio.owner))
        simulated = executed = None
        if plan.slices:
            status.update("simulating the plan on a fork")
            simulated = simulate(plan, url, policy.sigma)
            if signer is not None:
                status.update("sending")
                executed = execute(plan, w3, signer, policy.sigma, progress=status.update)
                if strategy is None:  # the delta hedge's triggers count from its last trade
                    _state_path(w3, portfolio.owner).write_text(json.dumps(
                        {"timestamp": executed.portfolio_after.timestamp,
                         "price": executed.portfolio_after.oracle_price}))
    return _report(plan, simulated, executed, signer is not None)


def _outcome(outcome: Outcome | None) -> dict[str, Any] | None:
    if outcome is None:
        return None
    return {"delta_after": outcome.delta_after, "gas_used": outcome.gas_used,
            "block": outcome.portfolio_after.block_number,
            "transactions": [asdict(t) for t in outcome.txs]}


def _report(plan: HedgePlan, simulated: Outcome | None, executed: Outcome | None,
            execute_: bool) -> dict[str, Any]:
    d = plan.decision
    return {
        "owner": plan.owner, "block": plan.block_number, "dry_run": not execute_,
        "portfolio": {"legs": [asdict(g) for g in plan.legs], "total": asdict(plan.greeks)},
        "decision": {"trade": d.trade, "delta": d.delta, "target": d.target, "band": d.band,
                     "reasons": list(d.reasons)},
        "plan": {"venue": plan.venue, "size_eth": plan.size,
                 "expected_delta": plan.expected_delta, "notes": list(plan.notes),
                 "costs": [asdict(c) for c in plan.costs],
                 "slices": [[{"to": t.to, "data": "0x" + t.data.hex(), "value": t.value,
                              "description": t.description, "effect": t.effect}
                             for t in group] for group in plan.slices]},
        "simulation": _outcome(simulated),
        "execution": _outcome(executed),
    }


def print_report(report: dict[str, Any]) -> None:
    """The report as rich tables and lines on stdout."""
    console = Console()
    legs = Table("leg", "value USD", "delta ETH", "gamma ETH/USD", "vega USD/vol-pt",
                 "theta USD/day", title=f"portfolio of {report['owner']} at block "
                                        f"{report['block']}")
    for g in [*report["portfolio"]["legs"], report["portfolio"]["total"]]:
        legs.add_row(g["label"], f"{g['value']:,.2f}", f"{g['delta']:+,.4f}",
                     f"{g['gamma']:+.3e}", f"{g['vega'] / 100:+,.2f}", f"{g['theta'] / 365:+,.2f}")
    console.print(legs)
    decision = report["decision"]
    for reason in decision["reasons"]:
        console.print(f"• {reason}")
    plan = report["plan"]
    if not plan["slices"]:
        return
    console.print(f"plan: {plan['venue']} {plan['size_eth']:+,.6f} ETH -> expected delta "
                  f"{plan['expected_delta']:+,.4f}")
    for note in plan["notes"]:
        console.print(f"  {note}")
    for cost in plan["costs"]:
        console.print(f"  cost {cost['venue']}: {cost['proportional']:.3%} per trade, carry "
                      f"{cost['carry_per_year']:+.2%}/yr, gas ${cost['gas_usd']:,.2f} "
                      f"({cost['note']})")
    for number, group in enumerate(plan["slices"], 1):
        for tx in group:
            console.print(f"  [{number}] {tx['description']}" +
                          (f"  ({tx['effect']})" if tx["effect"] else ""))
    sim = report["simulation"]
    if sim:
        console.print(f"simulated on a fork: delta after {sim['delta_after']:+,.4f} ETH, "
                      f"gas {sim['gas_used']:,}")
    done = report["execution"]
    if done:
        console.print(f"[green]executed[/green] {len(done['transactions'])} transactions "
                      f"(gas {done['gas_used']:,}); delta now {done['delta_after']:+,.4f} ETH "
                      f"at block {done['block']}")
    elif report["dry_run"]:
        console.print("dry run: nothing was sent (add --execute to send)")
