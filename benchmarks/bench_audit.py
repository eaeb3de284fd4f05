"""Audit benchmark: ``run_audit`` end to end on a test account of the replica (two v3
positions and a perp short), and the Monte Carlo alone at 100k paths x 365 steps of Merton
jump-diffusion LP + hedge P&L (goal < 10 s).

Run: ``.venv/bin/python benchmarks/bench_audit.py`` (or ``make bench``). Building the account
(minting, hedging) is setup and is not timed.
"""

from __future__ import annotations

import time
from dataclasses import replace

from rich.console import Console

from hedgekit.chain.demo import fund, mint_position
from hedgekit.chain.replica import start_replica
from hedgekit.cli.hedge import run_hedge
from hedgekit.risk.audit import AuditSettings, run_audit
from hedgekit.risk.montecarlo import MonteCarloConfig, simulate
from hedgekit.strategy.policy import load_policy
from hedgekit.strategy.signer import NodeSigner


def main() -> None:
    replica = start_replica()
    try:
        w3 = replica.w3
        owner = w3.eth.accounts[4]
        first = mint_position(w3, owner, 1_500, 200_000 * 10**6, 50 * 10**18)
        mint_position(w3, owner, 6_000, 100_000 * 10**6, 20 * 10**18)
        fund(w3, owner, usdc=1_000_000 * 10**6)
        run_hedge(w3, replica.url, owner, load_policy(venue="perp"), [first],
                  NodeSigner(w3, owner), Console(quiet=True))
        settings = AuditSettings()
        start = time.perf_counter()
        report = run_audit(w3, owner, settings)
        audit_s = time.perf_counter() - start
        config = MonteCarloConfig(model="merton", paths=100_000, steps=365, horizon=1.0,
                                  sigma=0.65, seed=1)
        start = time.perf_counter()
        result = simulate(report.book, config)
        mc_s = time.perf_counter() - start
        small = replace(config, paths=10_000)
        start = time.perf_counter()
        simulate(report.book, small)
        small_s = time.perf_counter() - start
    finally:
        assert replica.process is not None
        replica.process.stop()
    print(f"audit end to end ({settings.paths:,} {settings.model} paths, {len(report.positions)} "
          f"positions): {audit_s:6.2f} s")
    print(f"Monte Carlo, Merton, 100,000 paths x 365 steps  : {mc_s:6.2f} s  (goal < 10 s)")
    print(f"Monte Carlo, Merton,  10,000 paths x 365 steps  : {small_s:6.2f} s  "
          f"(100k/10k time ratio {mc_s / small_s:.1f})")
    print(f"  hedged VaR99 {result.hedged.var99:,.0f} USD vs unhedged "
          f"{result.unhedged.var99:,.0f} USD")


if __name__ == "__main__":
    main()
