"""`hedgekit pools`, `positions` and `range-preview` on the replica: output equals the readers
and the pool math; bad input gives one line and exit 2."""

from __future__ import annotations

import json

import pytest

from hedgekit.amm.readers import read_pool_states
from hedgekit.amm.v3 import get_amounts_for_liquidity_delta
from hedgekit.chain import addresses as A


def test_pools_json__equals_the_reader(w3, replica, cli) -> None:
    code, out, _ = cli("pools", A.WETH_USDC_V3_005, "--rpc-url", replica.url, "--json")
    (row,) = json.loads(out)
    (state,) = read_pool_states(w3, [A.WETH_USDC_V3_005])
    assert code == 0
    assert (int(row["sqrt_price_x96"]), row["tick"], row["initialized_ticks"]) == (
        state.sqrt_price_x96, state.tick, len(state.ticks))
    assert row["initialized_ticks"] >= 1_000
    assert 1_000 < row["price"] < 10_000  # USD per ETH, though USDC is token0


def test_range_preview__amounts_equal_the_pool_math(w3, replica, cli) -> None:
    (state,) = read_pool_states(w3, [A.WETH_USDC_V3_005], with_ticks=False)
    lower, upper = (state.tick // 10 - 50) * 10, (state.tick // 10 + 50) * 10
    code, out, _ = cli("range-preview", A.WETH_USDC_V3_005, str(lower), str(upper),
                        "--liquidity", "10000000000000", "--rpc-url", replica.url, "--json")
    report = json.loads(out)
    assert code == 0
    assert (int(report["amount0"]), int(report["amount1"])) == get_amounts_for_liquidity_delta(
        state.sqrt_price_x96, state.tick, lower, upper, 10**13)


BAD = [
    ("pools", "0x1234"),                                       # malformed address
    ("pools", "0x0000000000000000000000000000000000000001"),   # no code (EOA / nothing)
    ("pools", A.WETH),                                         # a contract, not a pool
    ("positions", "nobody"),                                   # malformed owner
    ("positions", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--position", "1"),  # not theirs
    ("positions", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--position", "99999999"),
    ("range-preview", A.WETH_USDC_V3_005, "-887280", "0", "--liquidity", "1"),  # below MIN_TICK
    ("range-preview", A.WETH_USDC_V3_005, "0", "887280", "--liquidity", "1"),   # above MAX_TICK
    ("range-preview", A.WETH_USDC_V3_005, "5", "100", "--liquidity", "1"),      # off spacing
    ("range-preview", A.WETH_USDC_V3_005, "100", "100", "--liquidity", "1"),    # empty range
    ("range-preview", A.WETH_USDC_V3_005, "0", "100", "--liquidity", "0"),      # zero liquidity
    ("range-preview", A.WETH_USDC_V3_005, "0", "100"),                          # no size
    ("range-preview", A.WETH_USDC_V3_005, "0", "100", "--amount0", "0", "--amount1", "0"),
]


@pytest.mark.parametrize("args", BAD, ids=[" ".join(a)[:60] for a in BAD])
def test_bad_input__one_line_and_exit_2(replica, cli, args: tuple[str, ...]) -> None:
    code, _, err = cli(*args, "--rpc-url", replica.url)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), err
