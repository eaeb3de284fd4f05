"""HedgedLPVault on the replica: a keeper hedging along a real ETH price path, exits that
conserve assets to the wei, and the security properties (roles, sandwich, inflation attack,
pause, shutdown, cap, ownership, fee)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from vault_support import DAY, USDC, VaultEnv, env, revert_reason
from web3 import Web3
from web3.logs import DISCARD

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.rpc import rpc
from hedgekit.models.price_history import load_price_history
from hedgekit.vault.math import net_of_buffer, to_assets, weth_value
from hedgekit.vault.plan import KeeperConfig
from hedgekit.vault.state import read_vault_state

__all__ = ["env"]
PATH_DAYS = 30


def _price_path(start: float) -> list[float]:
    """The last PATH_DAYS daily ETH/USD closes of the shared data, scaled to ``start``."""
    closes = load_price_history().close[-PATH_DAYS:]
    return [float(c) for c in closes / closes[0] * start]


NARROW = KeeperConfig(width_ticks=500)  # ±5 %: a 12 % move needs a re-range


def _rebalanced(env: VaultEnv, tmp_path: Path, config: KeeperConfig | None = None) -> None:
    for actor, amount in ((env.actors.trader, 20_000), (env.actors.lp, 30_000),
                          (env.actors.liquidator, 50_000)):
        env.deposit(actor, amount * USDC)
    result = env.keeper(tmp_path / "journal.sqlite", config=config, execute=True).step()
    assert result.outcome == "mined", result.detail


def test_keeper_along_real_price_path__delta_in_band_every_step_and_exits_conserve_assets(
        env: VaultEnv, tmp_path: Path) -> None:
    depositors = {env.actors.trader: 20_000 * USDC, env.actors.lp: 30_000 * USDC,
                  env.actors.liquidator: 50_000 * USDC}
    for actor, amount in depositors.items():
        env.deposit(actor, amount)
    journal_path = tmp_path / "journal.sqlite"
    keeper = env.keeper(journal_path, execute=True)
    path = _price_path(float(env.driver.feed_price(A.ETH_USD_FEED)))
    actions = []
    for day, price in enumerate(path):
        if day:
            env.driver.advance(DAY)
            env.driver.set_price("ETH", price)
        result = keeper.step()
        assert result.outcome in ("mined", "no action"), (day, result.detail)
        after = read_vault_state(env.w3, env.address)
        decision = result.plan.decision if result.plan else None
        assert decision is not None
        assert abs(after.delta_eth - decision.target) <= decision.band, (day, after.delta_eth)
        assert abs(after.delta) <= after.max_delta
        actions.append(result)
    mined = [r for r in actions if r.outcome == "mined"]
    assert {r.plan.kind for r in mined if r.plan} >= {"rebalance"}
    steps = keeper.journal.steps(env.address)
    assert len(steps) == PATH_DAYS
    assert [t.tx_hash for t in keeper.journal.txs(env.address)] == [r.tx_hash for r in mined]
    assert all(t.status == "mined" for t in keeper.journal.txs(env.address))

    # Exits: one block each, all at the timestamp of the last keeper block, so that funding
    # does not move totalAssets between them and every state in between can be read.
    w3, f = env.w3, env.vault.functions
    latest = w3.eth.get_block("latest")
    start, now = int(latest["number"]), int(latest["timestamp"])
    total_0 = f.totalAssets().call(block_identifier=start)
    paid, costs, block = 0, 0, start
    for actor in depositors:
        shares, supply = f.balanceOf(actor).call(), f.totalSupply().call()
        before = f.totalAssets().call(block_identifier=block)
        balance = env.usdc.functions.balanceOf(actor).call()
        rpc(w3, "evm_setNextBlockTimestamp", now)
        receipt = env.send(f.redeem(shares, actor, actor), actor, "redeeming")
        block = receipt["blockNumber"]
        assert w3.eth.get_block(block)["timestamp"] == now
        (event,) = [e["args"] for e in env.vault.events.Unwound().process_receipt(
            receipt, errors=DISCARD)]
        payout = env.usdc.functions.balanceOf(actor).call() - balance
        # priced on exactly the state the previous block left (no harvest step, no funding)
        assert event["total_assets_before"] == before
        assert event["gross"] == to_assets(shares, before, supply)  # the Python twin
        loss = max(before - event["total_assets_after"], 0)
        assert payout == event["payout"] == event["gross"] - loss
        assert payout >= net_of_buffer(event["gross"], 100)  # redeem's own bound
        # paying moves exactly the payout out of totalAssets
        assert f.totalAssets().call(block_identifier=block) == event["total_assets_after"] - payout
        paid += payout
        costs += before - event["total_assets_after"]
    remaining = f.totalAssets().call(block_identifier=block)
    assert f.totalSupply().call() == 0
    # conservation to the wei: what the depositors got + what the exits cost (swap and perp
    # fees against the oracle value, realized by the leavers) + what remains = total assets
    assert paid + costs + remaining == total_0
    assert 0 <= remaining < USDC  # dust: the virtual shares' part and rounding
    assert abs(costs) < total_0 // 100


def test_rebalance__from_non_keeper__reverts(env: VaultEnv, tmp_path: Path) -> None:
    _rebalanced(env, tmp_path)
    params = (0, 0, 0, 0, 0, 0, 0, 0, 2**64)
    reason = revert_reason(env.w3, env.vault.functions.rebalance(params), env.actors.attacker)
    assert "vault: not keeper" in reason
    reason = revert_reason(env.w3, env.vault.functions.tend(0, 0, 2**64), env.actors.attacker)
    assert "vault: not keeper" in reason


def _swap(env: VaultEnv, account: str, token_in: str, amount: int) -> int:
    """exactInputSingle on the 0.05 % pool from ``account``; returns the amount out."""
    from hedgekit.chain.artifacts import npm_artifact

    router = env.w3.eth.contract(address=A.SWAP_ROUTER, abi=npm_artifact("SwapRouter").abi)
    token_out = A.WETH if token_in == A.USDC else A.USDC
    erc20 = env.usdc if token_in == A.USDC else env.weth
    env.send(erc20.functions.approve(A.SWAP_ROUTER, 2**256 - 1), account, "approving")
    out_token = env.weth if token_out == A.WETH else env.usdc
    before = out_token.functions.balanceOf(account).call()
    deadline = env.w3.eth.get_block("latest")["timestamp"] + 600
    env.send(router.functions.exactInputSingle(
        (token_in, token_out, 500, account, deadline, amount, 0, 0)), account, "swapping")
    return int(out_token.functions.balanceOf(account).call() - before)


def _pending_rebalance(env: VaultEnv, tmp_path: Path) -> Any:
    """A keeper's re-range plan after the price moved out of the inner range."""
    _rebalanced(env, tmp_path, NARROW)
    env.driver.advance(DAY)
    env.driver.set_price("ETH", float(env.driver.feed_price(A.ETH_USD_FEED)) * 1.12)
    keeper = env.keeper(tmp_path / "journal.sqlite", config=NARROW)  # dry run: no send
    result = keeper.step()
    assert result.outcome == "dry run" and result.plan is not None
    assert result.plan.kind == "rebalance"
    return result.plan


def test_sandwich__pool_pushed_beyond_deviation__rebalance_reverts(env: VaultEnv,
                                                                   tmp_path: Path) -> None:
    plan = _pending_rebalance(env, tmp_path)
    attacker = env.actors.attacker
    env.mint_usdc(attacker, 5_000_000 * USDC)
    _swap(env, attacker, A.USDC, 5_000_000 * USDC)  # front-run: WETH up in the pool
    tx = {"from": env.actors.keeper, "to": env.address, "data": "0x" + plan.calldata().hex()}
    with pytest.raises(Exception, match="vault: pool deviation"):
        env.w3.eth.call(tx)  # type: ignore[arg-type]


def test_sandwich__within_deviation__leaves_attacker_at_a_loss(env: VaultEnv,
                                                                tmp_path: Path) -> None:
    plan = _pending_rebalance(env, tmp_path)
    attacker = env.actors.attacker
    stake = 200_000 * USDC
    env.mint_usdc(attacker, stake)
    bought = _swap(env, attacker, A.USDC, stake)  # front-run, within the 1 % deviation limit
    state = read_vault_state(env.w3, env.address)
    assert state.pool_sqrt_price_x96 != state.oracle_sqrt_price_x96
    tx = {"from": env.actors.keeper, "to": env.address, "data": "0x" + plan.calldata().hex(),
          "gas": 3_000_000}
    receipt = env.w3.eth.wait_for_transaction_receipt(env.w3.eth.send_transaction(tx))  # type: ignore[arg-type]
    assert receipt["status"] == 1
    back = _swap(env, attacker, A.WETH, bought)  # back-run
    assert back < stake


def test_inflation_attack__donation_does_not_steal_the_victims_deposit(env: VaultEnv) -> None:
    attacker, victim = env.actors.attacker, env.actors.trader
    env.deposit(attacker, 1)
    donation = 100_000 * USDC
    env.mint_usdc(attacker, donation)
    env.send(env.usdc.functions.transfer(env.address, donation), attacker, "donating")
    deposit = 10_000 * USDC
    shares = env.deposit(victim, deposit)
    assert shares > 0
    total = env.vault.functions.totalAssets().call()
    supply = env.vault.functions.totalSupply().call()
    victim_assets = to_assets(shares, total, supply)
    assert victim_assets >= deposit * 999 // 1000
    attacker_assets = to_assets(env.vault.functions.balanceOf(attacker).call(), total, supply)
    assert attacker_assets < donation  # the donation is mostly lost to the virtual shares


def test_pause__blocks_deposits_and_keeper_but_not_withdrawals(env: VaultEnv,
                                                                tmp_path: Path) -> None:
    _rebalanced(env, tmp_path)
    env.send(env.vault.functions.pause(), env.actors.liquidator, "pausing")  # the guardian
    trader = env.actors.trader
    assert env.vault.functions.maxDeposit(trader).call() == 0
    assert "vault: paused" in revert_reason(env.w3, env.vault.functions.deposit(USDC, trader),
                                            trader)
    env.driver.advance(2 * 3_600)
    env.driver.set_feed("ETH", env.driver.feed_price(A.ETH_USD_FEED))
    assert "vault: paused" in revert_reason(env.w3, env.vault.functions.tend(0, 0, 2**64),
                                            env.actors.keeper)
    shares = env.vault.functions.balanceOf(trader).call()
    before = env.usdc.functions.balanceOf(trader).call()
    env.send(env.vault.functions.redeem(shares, trader, trader), trader, "redeeming")
    assert env.usdc.functions.balanceOf(trader).call() - before > 19_500 * USDC
    assert "vault: not owner" in revert_reason(env.w3, env.vault.functions.unpause(),
                                               env.actors.liquidator)


def test_shutdown__unwinds_to_usdc_and_returns_assets_pro_rata(env: VaultEnv,
                                                                tmp_path: Path) -> None:
    _rebalanced(env, tmp_path)
    assert "vault: not guardian" in revert_reason(env.w3, env.vault.functions.shut_down(),
                                                  env.actors.attacker)
    env.send(env.vault.functions.shut_down(), env.actors.liquidator, "shutting down")
    state = read_vault_state(env.w3, env.address)
    assert (state.liquidity, state.perp_size, state.perp_margin, state.idle_weth) == (0, 0, 0, 0)
    assert state.total_assets == state.idle_usdc > 99_000 * USDC
    trader = env.actors.trader
    assert "vault: shut down" in revert_reason(env.w3, env.vault.functions.deposit(USDC, trader),
                                               trader)
    shares = env.vault.functions.balanceOf(trader).call()
    expected = env.vault.functions.previewRedeem(shares).call()
    assert expected == env.vault.functions.convertToAssets(shares).call()  # no exit buffer
    before = env.usdc.functions.balanceOf(trader).call()
    env.send(env.vault.functions.redeem(shares, trader, trader), trader, "redeeming")
    assert env.usdc.functions.balanceOf(trader).call() - before == expected


def test_withdraw__max_withdraw_of_the_only_holder__closes_the_hedge_it_would_leave_as_dust(
        env: VaultEnv, tmp_path: Path) -> None:
    holder = env.actors.trader
    env.deposit(holder, 40_000 * USDC)
    assert env.keeper(tmp_path / "j.sqlite", execute=True).step().outcome == "mined"
    perp = env.w3.eth.contract(address=read_vault_state(env.w3, env.address).perp,
                               abi=project_artifact("PerpMarket").abi)
    assert perp.functions.positions(env.address).call()[0] < 0  # hedged: a short
    assets = env.vault.functions.maxWithdraw(holder).call()
    balance = env.usdc.functions.balanceOf(holder).call()
    # maxWithdraw holds for the block it was read at: a second of funding can lower it
    rpc(env.w3, "evm_setNextBlockTimestamp", env.w3.eth.get_block("latest")["timestamp"])
    env.send(env.vault.functions.withdraw(assets, holder, holder), holder, "withdrawing")
    assert env.usdc.functions.balanceOf(holder).call() - balance == assets
    assert env.vault.functions.balanceOf(holder).call() > 0  # the buffer's shares stay
    assert tuple(perp.functions.positions(env.address).call()[:2]) == (0, 0)  # closed, no margin


def test_deposit_and_redeem__to_the_zero_address__revert(env: VaultEnv) -> None:
    holder, zero = env.actors.trader, "0x" + "00" * 20
    env.deposit(holder, 1_000 * USDC)
    env.mint_usdc(holder, USDC)
    assert "vault: zero address" in revert_reason(
        env.w3, env.vault.functions.deposit(USDC, zero), holder)
    assert "vault: zero address" in revert_reason(
        env.w3, env.vault.functions.mint(10**12, zero), holder)
    shares = env.vault.functions.balanceOf(holder).call()
    assert "zero address" in revert_reason(
        env.w3, env.vault.functions.redeem(shares, zero, holder), holder)


def test_deposit__above_the_cap__reverts(env: VaultEnv) -> None:
    env.send(env.vault.functions.set_deposit_cap(1_000 * USDC), env.actors.operator, "cap")
    trader = env.actors.trader
    env.deposit(trader, 600 * USDC)
    assert env.vault.functions.maxDeposit(trader).call() == 400 * USDC
    env.mint_usdc(trader, 600 * USDC)
    assert "vault: deposit cap" in revert_reason(
        env.w3, env.vault.functions.deposit(600 * USDC, trader), trader)


def test_ownership__two_steps__only_the_pending_owner_accepts(env: VaultEnv) -> None:
    owner, new = env.actors.operator, env.actors.lp
    env.send(env.vault.functions.transfer_ownership(new), owner, "proposing")
    assert env.vault.functions.owner().call() == owner
    assert "vault: not pending owner" in revert_reason(
        env.w3, env.vault.functions.accept_ownership(), env.actors.attacker)
    env.send(env.vault.functions.accept_ownership(), new, "accepting")
    assert env.vault.functions.owner().call() == new
    assert "vault: not owner" in revert_reason(env.w3, env.vault.functions.set_deposit_cap(0),
                                               owner)


def test_management_fee__mints_the_recipient_its_yearly_fraction(env: VaultEnv) -> None:
    recipient = env.actors.attacker
    env.send(env.vault.functions.set_role("fee_recipient", recipient), env.actors.operator, "r")
    env.deposit(env.actors.trader, 10_000 * USDC)
    env.driver.advance(30 * DAY)  # without a fee: nothing accrues for these days
    env.send(env.vault.functions.set_management_fee(2 * 10**16), env.actors.operator, "fee")
    env.driver.advance(365 * DAY // 2)
    env.driver.set_feed("ETH", env.driver.feed_price(A.ETH_USD_FEED))
    env.deposit(env.actors.lp, USDC)  # accrues the fee
    supply = env.vault.functions.totalSupply().call()
    owned = env.vault.functions.balanceOf(recipient).call() / supply
    assert owned == pytest.approx(0.01, rel=1e-3)  # 2 %/yr for half a year
    assert "vault: fee too high" in revert_reason(
        env.w3, env.vault.functions.set_management_fee(6 * 10**16), env.actors.operator)


def test_views__breakdown_sums_to_total_assets_and_lp_matches_the_python_twin(
        env: VaultEnv, tmp_path: Path, w3: Web3) -> None:
    from hedgekit.amm.v3 import get_sqrt_ratio_at_tick
    from hedgekit.vault.math import lp_amounts

    _rebalanced(env, tmp_path)
    env.driver.set_price("ETH", float(env.driver.feed_price(A.ETH_USD_FEED)) * 1.03)
    s = read_vault_state(w3, env.address)
    assert s.lp_value + s.perp_value + s.idle_usdc + s.idle_weth_value == s.total_assets
    twin = lp_amounts(s.liquidity, s.oracle_sqrt_price_x96, get_sqrt_ratio_at_tick(s.tick_lower),
                      get_sqrt_ratio_at_tick(s.tick_upper), True)
    assert (s.lp_usdc, s.lp_weth) == twin
    assert s.delta == s.lp_weth + s.fees_weth + s.idle_weth + s.perp_size
    assert np.isfinite(s.delta_eth)


def test_views__uncollected_fees_are_what_collect_pays_and_count_in_total_assets(
        env: VaultEnv, tmp_path: Path, w3: Web3) -> None:
    from hedgekit.amm.readers.v3_positions import read_positions
    from hedgekit.chain.artifacts import npm_artifact

    _rebalanced(env, tmp_path)
    feed = float(env.driver.feed_price(A.ETH_USD_FEED))
    env.driver.set_price("ETH", feed * 1.02)  # swaps through the vault's range: it earns fees
    env.driver.set_price("ETH", feed)
    s = read_vault_state(w3, env.address)
    assert s.fees_usdc > 0 and s.fees_weth > 0
    (position,) = read_positions(w3, env.address, [s.token_id], s.block_number)
    assert (s.fees_usdc, s.fees_weth) == (position.fees0, position.fees1)  # USDC is token0
    npm = w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,
                          abi=npm_artifact("NonfungiblePositionManager").abi)
    paid = npm.functions.collect((s.token_id, env.address, 2**128 - 1, 2**128 - 1)).call(
        {"from": env.address}, block_identifier=s.block_number)
    assert tuple(paid) == (s.fees_usdc, s.fees_weth)
    # the fees are in totalAssets: the LP principal, the fees and idle WETH converted at once
    answer = s.oracle_answer
    weth = s.lp_weth + s.fees_weth + s.idle_weth
    assert s.total_assets == (s.lp_usdc + s.fees_usdc + s.idle_usdc + s.perp_value
                              + weth_value(weth, answer, 6, 18, 8))
