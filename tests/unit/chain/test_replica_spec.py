"""The replica's inputs and cache key."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from pathlib import Path

from hedgekit.chain.replica_spec import cache_key, default_spec, latest_eth_close


def test_latest_eth_close__reads_the_last_row(tmp_path: Path) -> None:
    csv = tmp_path / "eth.csv"
    csv.write_text("date,close_price,open_price,market_cap,total_volume\n"
                   "2020-01-01 00:00:00 UTC,130.5,129,0,0\n"
                   "2020-01-02 00:00:00 UTC,127.25,130.5,0,0\n")
    assert latest_eth_close(csv) == ("2020-01-02", Fraction("127.25"))


def test_default_spec__starts_at_midnight_of_the_price_date() -> None:
    spec = default_spec()
    assert spec.start_time % 86_400 == 0
    assert spec.eth_usd > 0


def test_cache_key__changes_with_any_input_of_the_build() -> None:
    spec = default_spec()
    assert cache_key(spec) == cache_key(replace(spec))
    assert cache_key(spec) != cache_key(replace(spec, eth_usd=spec.eth_usd + 1))
    assert cache_key(spec) != cache_key(replace(spec, positions_weth_usdc_005=10))
