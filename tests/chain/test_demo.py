"""``hedgekit demo``, the README's first command, end to end on a replica of its own port: it
mints the demo LP position, hedges it for real and leaves the replica running for ``replica
down``; bad input is one line and exit status 2, before any replica starts."""

from __future__ import annotations

import json
import re
import subprocess
import sys

from hedgekit.chain.anvil import free_port


def _hedgekit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hedgekit", *args], capture_output=True,
                          text=True, timeout=300)


def test_demo__hedges_the_demo_position_to_zero_delta_and_leaves_the_replica_up() -> None:
    port = str(free_port())
    url = f"http://127.0.0.1:{port}"
    try:
        done = _hedgekit("demo", "--port", port, "--eth", "5")
        assert done.returncode == 0, done.stderr
        totals = re.findall(r"│ total\s+│ [\d,.]+\s+│ ([+-][\d.]+)", done.stdout)
        assert len(totals) == 3, done.stdout  # before, the hedge's report, after
        assert float(totals[0]) == 5.0 and float(totals[-1]) == 0.0
        status = _hedgekit("replica", "status", "--rpc-url", url, "--json")
        assert status.returncode == 0 and json.loads(status.stdout)["block"] > 0, status.stderr
    finally:
        _hedgekit("replica", "down", "--port", port)
    assert _hedgekit("replica", "status", "--rpc-url", url).returncode == 2  # stopped


def test_demo__eth_out_of_range__exits_2_with_one_line_before_starting_anything() -> None:
    done = _hedgekit("demo", "--port", str(free_port()), "--eth", "0.01")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --eth must be between 0.1 and 10,000, got '0.01'"]
