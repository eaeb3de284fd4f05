"""`hedgekit hedge` end to end on the replica: execute, rebalance after a move, no trade in
the band, simulation failures stop before sending, and bad input exits 2 with one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.demo import fund, mint_position
from hedgekit.chain.driver import MarketDriver
from hedgekit.portfolio import portfolio_greeks, read_portfolio
from hedgekit.strategy.policy import HedgePolicy

POLICY = HedgePolicy()



@pytest.fixture()
def lp_position(w3: Web3, actors) -> int:
    token_id = mint_position(w3, actors.lp, 1_500, 200_000 * 10**6, 50 * 10**18)
    fund(w3, actors.lp, usdc=1_000_000 * 10**6)
    return token_id


def _delta(w3: Web3, owner: str, token_id: int) -> float:
    _, total = portfolio_greeks(read_portfolio(w3, owner, [token_id]), POLICY.sigma)
    return total.delta


@pytest.mark.parametrize("venue", ["perp", "aave"])
def test_hedge_execute__then_move_10pct__rebalances_and_restores_delta(
    w3: Web3, replica, actors, lp_position: int, venue: str,
    cli,
) -> None:
    args = ["hedge", actors.lp, "--position", str(lp_position), "--venue", venue,
            "--rpc-url", replica.url, "--json"]
    assert _delta(w3, actors.lp, lp_position) > 40  # an unhedged LP holds ETH
    code, out, err = cli(*args, "--execute")
    assert code == 0, err
    report = json.loads(out)
    assert report["decision"]["trade"] and report["execution"] is not None
    after = _delta(w3, actors.lp, lp_position)
    assert abs(after) <= POLICY.min_band, read_portfolio(w3, actors.lp, [lp_position])
    assert report["execution"]["delta_after"] == pytest.approx(after, abs=1e-9)
    assert report["simulation"]["delta_after"] == pytest.approx(after, abs=1e-6)

    driver = MarketDriver(w3)
    driver.set_price("ETH", driver.feed_price(A.ETH_USD_FEED) * 11 / 10)
    moved = _delta(w3, actors.lp, lp_position)
    assert abs(moved) > POLICY.min_band  # the LP sold ETH into the rally: short now
    code, out, err = cli(*args, "--execute")
    assert code == 0, err
    assert json.loads(out)["decision"]["trade"]
    assert abs(_delta(w3, actors.lp, lp_position)) <= POLICY.min_band


def test_hedge__within_the_band__does_nothing_and_says_why(
    w3: Web3, replica, actors, lp_position: int, cli,
) -> None:
    base = ["hedge", actors.lp, "--position", str(lp_position), "--rpc-url", replica.url]
    assert cli(*base, "--venue", "perp", "--execute")[0] == 0
    nonce = w3.eth.get_transaction_count(actors.lp)
    code, out, _ = cli(*base)
    assert code == 0
    assert "no trade" in out
    assert w3.eth.get_transaction_count(actors.lp) == nonce


def test_hedge_dry_run__sends_nothing(
    w3: Web3, replica, actors, lp_position: int, cli,
) -> None:
    nonce = w3.eth.get_transaction_count(actors.lp)
    block = w3.eth.block_number
    code, out, _ = cli("hedge", actors.lp, "--rpc-url", replica.url, "--json")
    assert code == 0
    report = json.loads(out)
    assert report["dry_run"] and report["simulation"] and report["execution"] is None
    assert w3.eth.get_transaction_count(actors.lp) == nonce
    assert w3.eth.block_number == block


def test_hedge__slippage_bound_too_tight__stops_before_sending(
    w3: Web3, replica, actors, lp_position: int, tmp_path: Path,
    cli,
) -> None:
    policy = tmp_path / "tight.toml"
    policy.write_text("[hedge]\nslippage_bps = 1\nvenue = 'aave'\n")  # below the 5 bps pool fee
    nonce = w3.eth.get_transaction_count(actors.lp)
    code, _, err = cli("hedge", actors.lp, "--policy", str(policy), "--execute",
                       "--rpc-url", replica.url)
    assert code == 2
    assert err.strip().startswith("error: simulation of swap") and "Too little received" in err
    assert len(err.strip().splitlines()) == 1
    assert w3.eth.get_transaction_count(actors.lp) == nonce


def test_hedge__without_usdc_for_margin__stops_with_one_line(
    w3: Web3, replica, actors, cli,
) -> None:
    token_id = mint_position(w3, actors.keeper, 1_500, 200_000 * 10**6, 50 * 10**18)
    code, _, err = cli("hedge", actors.keeper, "--position", str(token_id), "--venue",
                       "perp", "--rpc-url", replica.url)
    assert code == 2
    assert err.startswith("error: insufficient USDC for perp margin")


def _bad_inputs(tmp: Path) -> list[tuple[str, ...]]:
    files = {
        "missing.toml": None,
        "broken.toml": "[hedge\nslippage_bps = 3",
        "unknown.toml": "[hedge]\nslipage_bps = 30\n",
        "type.toml": "[hedge]\nmax_leverage = 'high'\n",
        "range.toml": "[hedge]\nslippage_bps = 0\n",
        "list.yaml": "- 1\n- 2\n",
        "empty.yaml": "",
        "negative.yaml": "target_delta: -3\n",
        "mode.toml": "[hedge]\ntarget_mode = 'percent'\n",
        "hf.toml": "[hedge]\nmin_health_factor = 0.5\n",
    }
    for name, text in files.items():
        if text is not None:
            (tmp / name).write_text(text)
    cases: list[tuple[str, ...]] = [(f"--policy={tmp / name}",) for name in files]
    cases += [("--target-delta", v) for v in ("nan", "inf", "-inf", "abc", "-1")]
    cases += [("--sigma", v) for v in ("0", "-0.5", "nan", "99")]
    cases += [("--venue", "dydx"), ("--position", "-1"), ("--position", "abc"),
              ("--position", "999999"), ("--frobnicate",), ("--network", "nosuch:net"),
              ("--rpc-url", "http://127.0.0.1:1"), ("--account", "no-such-alias", "--execute")]
    return cases


BAD_OWNERS = ["0x123", "not-an-address", "", "0xZZZ0000000000000000000000000000000000000"]


@pytest.mark.parametrize("index", range(len(_bad_inputs(Path("/")))))
def test_hedge_bad_input__one_line_and_exit_2(
    replica, actors, lp_position: int, tmp_path: Path, index: int,
    cli,
) -> None:
    extra = _bad_inputs(tmp_path)[index]
    args = ["hedge", actors.lp, *extra]
    if not any(a.startswith("--rpc-url") or a.startswith("--network") for a in extra):
        args += ["--rpc-url", replica.url]
    code, out, err = cli(*args)
    assert code == 2, (extra, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), (extra, err)
    assert "Traceback" not in err


@pytest.mark.parametrize("owner", [*BAD_OWNERS, "another-owner", "no-lp"])
def test_hedge_bad_owner__one_line_and_exit_2(
    replica, actors, lp_position: int, owner: str,
    cli,
) -> None:
    args = ["hedge", owner, "--rpc-url", replica.url]
    if owner == "another-owner":  # the LP's position asked for under another account
        args = ["hedge", actors.trader, "--position", str(lp_position), "--rpc-url", replica.url]
    elif owner == "no-lp":
        args = ["hedge", actors.attacker, "--rpc-url", replica.url]
    code, _, err = cli(*args)
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err


def test_weth_usdc_pool__is_where_the_aave_leg_trades() -> None:
    from hedgekit.strategy.planner import HEDGE_POOL

    assert HEDGE_POOL == A.WETH_USDC_V3_005


def test_hedge_on_an_ape_network__reads_the_same_chain(
    w3: Web3, replica, actors, lp_position: int, cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # ape's foundry provider connects to a running node at APE_FOUNDRY_HOST: the replica
    monkeypatch.setenv("APE_FOUNDRY_HOST", replica.url)
    code, out, err = cli("hedge", actors.lp, "--position", str(lp_position), "--network",
                         "ethereum:local:foundry", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["block"] == w3.eth.block_number
    assert report["decision"]["trade"] and report["execution"] is None


def test_perp_hedge__after_a_fall__adds_margin_to_keep_leverage_under_the_cap(
    w3: Web3, replica, actors, lp_position: int, cli,
) -> None:
    args = ["hedge", actors.lp, "--position", str(lp_position), "--venue", "perp",
            "--rpc-url", replica.url, "--json"]
    assert cli(*args, "--execute")[0] == 0
    driver = MarketDriver(w3)
    driver.set_price("ETH", driver.feed_price(A.ETH_USD_FEED) * 88 / 100)
    code, out, err = cli(*args, "--execute")
    assert code == 0, err
    descriptions = [tx["description"] for group in json.loads(out)["plan"]["slices"]
                    for tx in group]
    assert any(d.startswith("deposit") for d in descriptions), descriptions
    perp = read_portfolio(w3, actors.lp, [lp_position]).perp
    assert perp is not None and perp.leverage is not None
    assert perp.leverage / 10**18 <= POLICY.max_leverage
    assert abs(_delta(w3, actors.lp, lp_position)) <= POLICY.min_band
