"""Hedge cold-run benchmark: anvil start from the cached replica state, then read + plan +
simulate a hedge of one LP position, and the same through the CLI as a fresh process.

Run: ``.venv/bin/python benchmarks/bench_hedge.py`` (or ``make bench``). Minting the LP
position is setup and is not timed.
"""

from __future__ import annotations

import subprocess
import sys
import time

from hedgekit.chain.demo import fund, mint_position
from hedgekit.chain.replica import start_replica
from hedgekit.portfolio import read_portfolio
from hedgekit.strategy.execution import simulate
from hedgekit.strategy.planner import Planner
from hedgekit.strategy.policy import load_policy


def main() -> None:
    started = time.perf_counter()
    replica = start_replica()
    up = time.perf_counter() - started
    try:
        owner = replica.w3.eth.accounts[3]
        token_id = mint_position(replica.w3, owner, 1_500, 200_000 * 10**6, 50 * 10**18)
        fund(replica.w3, owner, usdc=1_000_000 * 10**6)
        policy = load_policy()
        t0 = time.perf_counter()
        portfolio = read_portfolio(replica.w3, owner, [token_id])
        t1 = time.perf_counter()
        plan = Planner(replica.w3, policy).plan(portfolio)
        t2 = time.perf_counter()
        outcome = simulate(plan, replica.url, policy.sigma)
        t3 = time.perf_counter()
        cli_start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "hedgekit", "hedge", owner, "--position",
                        str(token_id), "--rpc-url", replica.url, "--json"], check=True,
                       capture_output=True)
        cli = time.perf_counter() - cli_start
    finally:
        assert replica.process is not None
        replica.process.stop()
    print(f"anvil start + cached replica state : {up:6.2f} s "
          f"({'built' if replica.built else 'loaded'})")
    print(f"read portfolio                     : {t1 - t0:6.2f} s")
    print(f"plan ({plan.venue}, {plan.size:+.2f} ETH)          : {t2 - t1:6.2f} s")
    print(f"simulate on a fork ({len(plan.transactions)} txs)        : {t3 - t2:6.2f} s "
          f"(delta after {outcome.delta_after:+.4f} ETH)")
    print(f"cold run total (start + read + plan + simulate): {up + t3 - t0:6.2f} s  "
          f"(goal < 10 s)")
    print(f"`hedgekit hedge` dry run as a new process     : {cli:6.2f} s")


if __name__ == "__main__":
    main()
