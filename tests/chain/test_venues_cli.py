"""`hedgekit venues`: rates, open interest and the cost of carrying a short, per venue."""

from __future__ import annotations

import json

import pytest

from hedgekit.cli import main
from hedgekit.venues.aave import AaveV3


def test_venues_json__reports_both_venues_and_prices_the_short(
    w3, replica, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["venues", "--rpc-url", replica.url, "--short", "10", "--days", "30", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["perp"]["max_leverage"] > 1
    weth = next(r for r in report["aave"] if r["symbol"] == "WETH")
    assert weth["borrow_apr"] == pytest.approx(AaveV3(w3).reserve(
        "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2").borrow_apr)
    costs = {c["venue"]: c for c in report["short_cost"]}
    assert set(costs) == {"perp", "aave"}
    perp = costs["perp"]
    notional = 10 * report["eth_usd"]
    expected = notional * (perp["per_trade"] + perp["carry_per_year"] * 30 / 365) + perp["gas_usd"]
    assert perp["total_usd"] == pytest.approx(expected)


def test_venues__bad_short_size__exits_2(replica, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["venues", "--rpc-url", replica.url, "--short", "-5"])
    assert done.value.code == 2
    assert capsys.readouterr().err.startswith("error: ")
