"""`hedgekit audit` on the replica, against independent computations: an LP account with two v3
positions (0.05 % and 0.3 % pools), a v2 share, a perp short and an Aave WETH borrow.

Checked: amounts and fees against the contracts (the position manager's collect, the mint's
IncreaseLiquidity), Greeks against finite differences of the exact AMM math, the health factor
against Aave's getUserAccountData, the liquidation prices against the venues, the stress P&L
against the chain after the market driver moves ETH there, and the CLI's --json (schema) and
--html (rendered by headless Chromium)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3
from web3.logs import DISCARD

from hedgekit.amm.readers import read_positions
from hedgekit.amm.v3 import get_amounts_for_liquidity, get_sqrt_ratio_at_tick
from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.driver import MarketDriver
from hedgekit.portfolio import read_portfolio
from hedgekit.risk.audit import AuditReport, AuditSettings, run_audit
from hedgekit.risk.document import to_json
from hedgekit.risk.exact import revalue, target_sqrt_price
from hedgekit.risk.schema import validate
from hedgekit.units import from_base_units_float
from hedgekit.venues.aave import AaveV3
from hedgekit.venues.perp import PerpMarketVenue
from hedgekit.venues.tx import UnsignedTx

ETH, USDC = 10**18, 10**6
MAX = 2**256 - 1
FAST = AuditSettings(paths=2_000, seed=7, sigma=0.6)


def _erc20(w3: Web3, token: str) -> Any:
    return w3.eth.contract(address=token, abi=project_artifact("Token").abi)


def _npm(w3: Web3) -> Any:
    return w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,
                           abi=npm_artifact("NonfungiblePositionManager").abi)


def _deadline(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"]) + 600


def _send(w3: Web3, sender: str, txs: tuple[UnsignedTx, ...]) -> None:
    for tx in txs:
        transact(w3, tx.as_params(sender) | {"gas": 3_000_000}, tx.description)  # type: ignore[arg-type]


def _mint(w3: Web3, owner: str, fee: int, width_ticks: int) -> tuple[int, tuple[int, int]]:
    """A v3 position centred on the pool's tick; (token id, amounts the mint deposited)."""
    pool = {500: A.WETH_USDC_V3_005, 3000: A.WETH_USDC_V3_030}[fee]
    spacing = {500: 10, 3000: 60}[fee]
    _, tick = MarketDriver(w3).slot0(pool)
    lower = (tick - width_ticks) // spacing * spacing
    upper = (tick + width_ticks) // spacing * spacing
    params = (A.USDC, A.WETH, fee, lower, upper, 30_000 * USDC, 10 * ETH, 0, 0, owner,
              _deadline(w3))
    receipt = transact(w3, _npm(w3).functions.mint(params).build_transaction(
        {"from": owner, "gas": 2_000_000}), "mint")
    (event,) = _npm(w3).events.IncreaseLiquidity().process_receipt(receipt, errors=DISCARD)
    return int(event["args"]["tokenId"]), (int(event["args"]["amount0"]),
                                           int(event["args"]["amount1"]))


def _swap(w3: Web3, trader: str, usdc_in: bool, amount: int, fee: int = 500) -> None:
    router = w3.eth.contract(address=A.SWAP_ROUTER, abi=npm_artifact("SwapRouter").abi)
    token_in, token_out = (A.USDC, A.WETH) if usdc_in else (A.WETH, A.USDC)
    transact(w3, router.functions.exactInputSingle(
        (token_in, token_out, fee, trader, _deadline(w3), amount, 0, 0)).build_transaction(
        {"from": trader, "gas": 5_000_000}), "swap")


@pytest.fixture
def account(w3: Web3, actors: Any, fund: Any) -> dict[str, Any]:
    """The audited account, built through the real contracts and the venues' builders."""
    lp, trader = actors.lp, actors.trader
    driver = MarketDriver(w3, actors.operator)
    driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED))  # a fresh oracle round
    fund(A.USDC, lp, 200_000 * USDC)
    fund(A.WETH, lp, 60 * ETH)
    for spender in (A.NONFUNGIBLE_POSITION_MANAGER, A.UNISWAP_V2_ROUTER02):
        for token in (A.USDC, A.WETH):
            transact(w3, _erc20(w3, token).functions.approve(spender, MAX).build_transaction(
                {"from": lp}), "approve")
    narrow, deposit = _mint(w3, lp, 500, 1_000)
    wide, _ = _mint(w3, lp, 3000, 3_000)
    router = w3.eth.contract(address=A.UNISWAP_V2_ROUTER02,
                             abi=npm_artifact("UniswapV2Router02").abi)
    transact(w3, router.functions.addLiquidity(
        A.USDC, A.WETH, 10_000 * USDC, 10 * ETH, 0, 0, lp, _deadline(w3)).build_transaction(
        {"from": lp, "gas": 3_000_000}), "v2 add liquidity")
    # trades through the narrow range, a collect, then more trades: fees collected + owed
    fund(A.USDC, trader, 10**12)
    fund(A.WETH, trader, 300 * ETH)
    for token in (A.USDC, A.WETH):
        transact(w3, _erc20(w3, token).functions.approve(A.SWAP_ROUTER, MAX).build_transaction(
            {"from": trader}), "approve")
    _swap(w3, trader, True, 400_000 * USDC)
    _swap(w3, trader, False, 130 * ETH)
    before = _erc20(w3, A.USDC).functions.balanceOf(lp).call()
    before_weth = _erc20(w3, A.WETH).functions.balanceOf(lp).call()
    transact(w3, _npm(w3).functions.collect((narrow, lp, 2**128 - 1, 2**128 - 1))
             .build_transaction({"from": lp}), "collect")
    collected = (_erc20(w3, A.USDC).functions.balanceOf(lp).call() - before,
                 _erc20(w3, A.WETH).functions.balanceOf(lp).call() - before_weth)
    _swap(w3, trader, True, 300_000 * USDC)
    driver.align_pools()  # back to the oracle: the audit starts from a consistent market
    driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED))
    venue = PerpMarketVenue(w3)
    fund(A.USDC, lp, 4_000 * USDC)
    order = venue.build_open(venue.position(lp), -8 * ETH, 4_000 * USDC)
    _send(w3, lp, order.txs)
    aave = AaveV3(w3)
    _send(w3, lp, aave.build_supply(lp, A.USDC, 20_000 * USDC))
    _send(w3, lp, aave.build_borrow(lp, A.WETH, 4 * ETH))
    return {"owner": lp, "narrow": narrow, "wide": wide, "deposit": deposit,
            "collected": collected}


def _report(w3: Web3, account: dict[str, Any]) -> AuditReport:
    return run_audit(w3, account["owner"], FAST)


def test_audit__values_fees_greeks_and_health__match_the_contracts_and_finite_differences(
        w3: Web3, account: dict[str, Any]) -> None:
    report = _report(w3, account)
    block = report.portfolio.block_number
    kinds = sorted(r.holding.kind for r in report.positions)
    assert kinds == ["v2", "v3", "v3"] and {"perp", "aave"} == {g.label for g in report.hedges}
    reader = {p.token_id: p for p in read_positions(w3, account["owner"], block=block)}
    for r in report.positions:
        h = r.holding
        if h.kind != "v3":
            continue
        p = reader[h.token_id]
        usd = from_base_units_float(p.amount0 + p.fees0, 6)
        eth = from_base_units_float(p.amount1 + p.fees1, 18)
        assert h.value == pytest.approx(usd + eth * h.price, rel=1e-15)
        # the model's closed form equals the contract's integer amounts to their rounding
        # (getAmountsForLiquidity rounds down: at most 1 base unit of each token)
        assert abs(r.greeks.value - h.value) <= 1e-6 + 1e-18 * h.price + 1e-12 * h.value
        # finite differences of the exact amounts at shifted sqrt prices (pool state math)
        pool = report.exact.pools[p.pool]
        lower, upper = get_sqrt_ratio_at_tick(p.tick_lower), get_sqrt_ratio_at_tick(p.tick_upper)

        def value(price: float, p=p, pool=pool, lower=lower, upper=upper) -> float:
            a0, a1 = get_amounts_for_liquidity(target_sqrt_price(pool, Fraction(price)),
                                               lower, upper, p.liquidity)
            return a0 / 1e6 + a1 / 1e18 * price
        step = h.price * 1e-3
        fd_delta = (value(h.price + step) - value(h.price - step)) / (2 * step)
        fd_gamma = (value(h.price + step) - 2 * value(h.price) + value(h.price - step)) / step**2
        assert r.greeks.delta - h.fees_base == pytest.approx(fd_delta, rel=1e-3)
        assert r.greeks.gamma == pytest.approx(fd_gamma, rel=2e-2)
    narrow = next(r for r in report.positions if r.holding.token_id == account["narrow"])
    assert narrow.history is not None
    # fees earned = what collect() paid + what is owed now (the reader, exact)
    owed = reader[account["narrow"]]
    assert narrow.history.fees_collected == account["collected"]
    assert narrow.history.fees_earned(owed) == (account["collected"][0] + owed.fees0,
                                                account["collected"][1] + owed.fees1)
    assert min(account["collected"]) > 0 and owed.fees0 > 0
    # IL against holding what the mint deposited, valued at today's pool price
    dep0, dep1 = account["deposit"]
    hold = dep0 / 1e6 + dep1 / 1e18 * narrow.holding.price
    assert narrow.hold_value == pytest.approx(hold, rel=1e-12)
    assert narrow.impermanent_loss is not None and narrow.impermanent_loss <= 0
    # Aave's own getUserAccountData for the health factor; the venue's liquidation price
    pool = w3.eth.contract(address=AaveV3(w3).pool, abi=npm_artifact("Pool").abi)
    data = pool.functions.getUserAccountData(account["owner"]).call(block_identifier=block)
    assert report.liquidation.aave_health_factor == data[5] / 1e18
    position = PerpMarketVenue(w3).position(account["owner"], block)
    assert report.liquidation.perp is not None and position.liquidation_price is not None
    assert report.liquidation.perp.price == position.liquidation_price / 1e18
    assert report.liquidation.perp.above and report.liquidation.first is not None
    assert report.hedged.delta == pytest.approx(
        report.unhedged.delta + position.size / 1e18 - 4.0, rel=1e-6)
    doc = to_json(report)
    assert validate(json.loads(json.dumps(doc, allow_nan=False))) == []
    assert abs(report.hedged.delta) < abs(report.unhedged.delta)
    assert report.montecarlo.hedged.var95 < report.montecarlo.unhedged.var95


def test_stress_at_plus_5_percent__equals_the_chain_after_the_driver_moves_eth_there(
        w3: Web3, account: dict[str, Any], actors: Any) -> None:
    report = _report(w3, account)
    row = next(s for s in report.stress.grid if s.label == "+5%")
    predicted = revalue(report.exact, row.exact_price)
    assert predicted.value(True) - report.stress.base_hedged == pytest.approx(row.hedged_pnl)
    before = report.portfolio
    MarketDriver(w3, actors.operator).set_price("ETH", row.exact_price)
    after = read_portfolio(w3, account["owner"])
    assert after.oracle_price == float(row.exact_price)
    # v3 positions: amounts exact; fees = owed before + the arbitrage's fees, to 1 base unit
    # (the manager floors fees since its last update, the stress floors the swap's share)
    chain = {p.token_id: p for p in after.positions}
    for value in predicted.positions:
        p = chain[value.token_id]
        assert (p.amount0, p.amount1) == (value.amount0, value.amount1)
        assert abs(p.fees0 - value.fees0) <= 1 and abs(p.fees1 - value.fees1) <= 1
        assert value.arb_fees0 + value.arb_fees1 > 0 or not p.in_range
    # perp: the stress marks at the audit block's time; the chain has accrued funding for the
    # seconds since, bounded by |size| x price x max|funding rate| x elapsed
    assert before.perp is not None and after.perp is not None
    elapsed = after.perp.state.timestamp - before.perp.state.timestamp
    rate = max(abs(before.perp.state.funding_rate), abs(after.perp.state.funding_rate)) / 1e18
    funding_bound = abs(before.perp_size) * float(row.exact_price) * rate * elapsed / 86_400
    assert abs(after.perp.remaining_margin / 1e18 - predicted.perp_value) <= funding_bound + 1e-6
    # Aave: interest accrues for the same seconds (borrow APR on the debt bounds it)
    assert before.aave is not None and after.aave is not None
    debt = 4.0 * float(row.exact_price)
    apr = after.aave.reserve(A.WETH).borrow_apr + after.aave.reserve(A.USDC).supply_apr
    interest_bound = (debt + 20_000) * apr * elapsed / (365 * 86_400)
    chain_aave = (after.aave.totals.total_collateral_base - after.aave.totals.total_debt_base) / 1e8
    assert abs(chain_aave - predicted.aave_value) <= interest_bound + 2e-8
    # v2: the driver's swap pays the pair's 0.3 % fee (the stress uses the fee-less constant
    # product), so the share may be worth up to 0.3 % of the traded value more
    v2_chain = next(h for h in after.lps if h.kind == "v2")
    assert v2_chain.value == pytest.approx(predicted.v2_value, rel=3e-3)


def test_cli_json_and_html__parse_to_the_schema_and_render_the_plots_in_chromium(
        w3: Web3, account: dict[str, Any], replica: Any) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("no chromium binary on PATH: the HTML check needs a headless browser")
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "report.html"
        done = subprocess.run(
            [sys.executable, "-m", "hedgekit", "audit", account["owner"], "--paths", "500",
             "--horizon", "3d", "--model", "merton", "--json", "--html", str(page),
             "--rpc-url", replica.url], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        doc = json.loads(done.stdout)
        assert validate(doc) == [] and doc["schema"] == "hedgekit.audit/1"
        assert doc["montecarlo"]["model"] == "merton" and doc["montecarlo"]["paths"] == 500
        dom = subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-background-networking", "--no-first-run",
             f"--user-data-dir={tmp}/profile", "--virtual-time-budget=5000", "--dump-dom",
             page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    assert 'data-plots-rendered="4"' in dom
    for name in ("value-vs-price", "greeks-vs-price", "pnl-distribution", "stress-heatmap"):
        assert f'id="{name}"' in dom


def test_cli_audit__owner_with_nothing__prints_one_error_line_and_exits_2(
        replica: Any, actors: Any) -> None:
    done = subprocess.run([sys.executable, "-m", "hedgekit", "audit", actors.keeper,
                           "--rpc-url", replica.url], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "holds no" in lines[0]
