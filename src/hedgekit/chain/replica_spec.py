"""What the local mainnet replica is built from: start prices, start time and seeding sizes,
and the cache key that names its state dump."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path

from hedgekit.chain.anvil import find_anvil
from hedgekit.chain.paths import data_dir, project_root

#: ETH/USD used when shared/data is absent (a documented stand-in, not market data).
FALLBACK_ETH_USD = Fraction(3000)
FALLBACK_START = "2026-01-05"
#: BTC/USD start: shared/data has no BTC series, so this is a stated assumption.
DEFAULT_BTC_USD = Fraction(95_000)
#: The modules whose code decides what a build produces (part of the cache key).
BUILD_MODULES = ("artifacts", "deploy", "protocols", "seed", "replica_spec", "replica_build",
                 "aave_deploy", "perp_deploy", "options_deploy")


@dataclass(frozen=True)
class ReplicaSpec:
    """Inputs of a replica build. Prices are USD per whole token; ``start_time`` is the genesis
    timestamp (seconds, UTC midnight of ``price_date``)."""

    eth_usd: Fraction
    btc_usd: Fraction
    price_date: str
    start_time: int
    rng_seed: int = 20260105
    #: positions seeded in each v3 pool (plus one full-range position each)
    positions_weth_usdc_005: int = 1400
    positions_weth_usdc_030: int = 150
    positions_wbtc_weth_030: int = 60
    #: USD depth of each pool
    depth_usd_weth_usdc_005: int = 80_000_000
    depth_usd_weth_usdc_030: int = 30_000_000
    depth_usd_wbtc_weth_030: int = 20_000_000
    depth_usd_weth_usdc_v2: int = 20_000_000

    def to_json(self) -> str:
        fields = {k: str(v) for k, v in asdict(self).items()}
        return json.dumps(fields, sort_keys=True)


def _midnight(date: str) -> int:
    return int(datetime.strptime(date, "%Y-%m-%d").replace(tzinfo=UTC).timestamp())


def latest_eth_close(path: Path) -> tuple[str, Fraction]:
    """(date, close) of the last row of the CoinGecko ETH/USD csv in shared/data."""
    with path.open(newline="") as handle:
        last = None
        for last in csv.DictReader(handle):  # noqa: B007  (we want the last row)
            pass
    if last is None:
        raise ValueError(f"{path} has no rows")
    return last["date"][:10], Fraction(last["close_price"])


def default_spec() -> ReplicaSpec:
    """The spec of the default replica: ETH at the last close in shared/data (when present),
    genesis at that date."""
    csv_path = data_dir() / "eth-usd-daily.csv"
    if csv_path.is_file():
        date, eth = latest_eth_close(csv_path)
    else:
        date, eth = FALLBACK_START, FALLBACK_ETH_USD
    return ReplicaSpec(eth_usd=eth, btc_usd=DEFAULT_BTC_USD, price_date=date,
                       start_time=_midnight(date))


def cache_key(spec: ReplicaSpec) -> str:
    """sha256 (16 hex digits) over everything a build depends on: the spec, the npm lock file
    (protocol bytecode and anvil versions), the compiled project contracts, the anvil binary's
    identity and the source of the modules that build the replica."""
    root = project_root()
    digest = hashlib.sha256(spec.to_json().encode())
    anvil = find_anvil()
    digest.update(f"{anvil.resolve()}:{anvil.stat().st_size}".encode())
    inputs = [root / "package-lock.json", root / ".build" / "__local__.json"]
    here = Path(__file__).parent
    inputs += [here / f"{name}.py" for name in BUILD_MODULES]
    for path in inputs:
        digest.update(path.name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()[:16]
