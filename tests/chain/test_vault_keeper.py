"""The vault keeper's fault handling: dry run by default, restart without resending, the
single-keeper lock, the gas price cap, a clean stop on SIGTERM, no key in the logs."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from eth_account import Account
from vault_support import USDC, VaultEnv, env

from hedgekit.chain.replica import Replica
from hedgekit.chain.rpc import rpc
from hedgekit.errors import ConfigError
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.strategy.signer import KeystoreSigner
from hedgekit.vault.journal import Journal
from hedgekit.vault.keeper import Keeper, KeeperLock

__all__ = ["env"]


def _funded(env: VaultEnv) -> None:
    for actor in (env.actors.trader, env.actors.lp):
        env.deposit(actor, 50_000 * USDC)


def _nonce(env: VaultEnv) -> int:
    return int(env.w3.eth.get_transaction_count(env.actors.keeper))


def test_keeper__by_default__simulates_and_sends_nothing(env: VaultEnv, tmp_path: Path) -> None:
    _funded(env)
    before = _nonce(env)
    keeper = env.keeper(tmp_path / "j.sqlite")
    result = keeper.step()
    assert result.outcome == "dry run" and "gas simulated" in result.detail
    assert _nonce(env) == before
    assert keeper.journal.txs(env.address) == []
    (step,) = keeper.journal.steps(env.address)
    assert step.action == "rebalance" and step.outcome.startswith("dry run")


def test_keeper__restarted_while_its_tx_is_pending__waits_for_it_and_never_resends(
        env: VaultEnv, tmp_path: Path) -> None:
    _funded(env)
    path, before = tmp_path / "j.sqlite", _nonce(env)
    rpc(env.w3, "evm_setAutomine", False)
    try:
        first = env.keeper(path, execute=True, receipt_timeout=0.3)
        assert first.step().outcome == "waiting"  # sent, then "crashed" before the receipt
        (row,) = first.journal.unresolved(env.address)
        assert row.status == "pending" and row.tx_hash is not None
        first.journal.close()
        restarted = env.keeper(path, execute=True, receipt_timeout=0.3)
        assert restarted.step().outcome == "waiting"  # still pending: nothing new is sent
        assert int(env.w3.eth.get_transaction_count(env.actors.keeper, "pending")) == before + 1
    finally:
        rpc(env.w3, "evm_setAutomine", True)
    rpc(env.w3, "evm_mine")
    result = restarted.step()
    assert result.outcome in ("no action", "skipped"), result.detail
    (tx,) = restarted.journal.txs(env.address)
    assert (tx.tx_hash, tx.status) == (row.tx_hash, "mined")
    assert _nonce(env) == before + 1
    assert restarted.journal.last_hedge(env.address) is not None


def test_keeper__crash_before_the_hash_was_journaled__finds_its_tx_by_nonce(
        env: VaultEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _funded(env)
    path, before = tmp_path / "j.sqlite", _nonce(env)

    def crash(*_: Any) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(Journal, "record_sent", crash)
        with pytest.raises(KeyboardInterrupt):
            env.keeper(path, execute=True).step()
    (row,) = Journal(path).unresolved(env.address)
    assert row.status == "sending" and row.tx_hash is None
    restarted = env.keeper(path, execute=True)
    for _ in range(20):  # the node may show the nonce used before the block that holds it
        restarted.step()
        if not restarted.journal.unresolved(env.address):
            break
        time.sleep(0.05)
    (tx,) = restarted.journal.txs(env.address)
    assert tx.status == "mined" and tx.tx_hash is not None
    assert _nonce(env) == before + 1


def test_keeper_lock__a_second_keeper_for_the_same_vault_is_refused(tmp_path: Path) -> None:
    vault = "0x" + "11" * 20
    first = KeeperLock(tmp_path / "j.sqlite", vault)
    first.acquire()
    try:
        with pytest.raises(ConfigError, match=f"another keeper runs.*pid {os.getpid()}"):
            KeeperLock(tmp_path / "j.sqlite", vault).acquire()
        KeeperLock(tmp_path / "j.sqlite", "0x" + "22" * 20).acquire()  # another vault: free
    finally:
        first.release()
    again = KeeperLock(tmp_path / "j.sqlite", vault)
    again.acquire()
    again.release()


def test_keeper__gas_price_above_the_cap__does_not_send(env: VaultEnv, tmp_path: Path) -> None:
    _funded(env)
    before = _nonce(env)
    result = env.keeper(tmp_path / "j.sqlite", execute=True, max_fee_per_gas=1).step()
    assert result.outcome == "skipped" and "above the cap 1" in result.detail
    assert _nonce(env) == before


def _journal_steps(path: Path) -> int:
    if not path.is_file():
        return 0
    try:
        return len(Journal(path)._db.execute("SELECT id FROM steps").fetchall())
    except Exception:  # the keeper may be creating the file
        return 0


def test_keeper_process__sigterm__stops_after_its_step_and_releases_the_lock(
        env: VaultEnv, replica: Replica, tmp_path: Path) -> None:
    _funded(env)
    path = tmp_path / "j.sqlite"
    command = [sys.executable, "-m", "hedgekit", "vault", "keeper", env.address, "--journal",
               str(path), "--interval", "0.2", "--rpc-url", replica.url,
               "--from", env.actors.keeper]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        deadline = time.monotonic() + 60
        while _journal_steps(path) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the keeper took no step"
            time.sleep(0.2)
        second = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2 and "another keeper runs" in second.stderr
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "received SIGTERM" in stderr and "stopped after" in stderr
    KeeperLock(path, env.address).acquire()  # released


def test_keeper_with_a_keystore_account__logs_never_contain_its_key(
        env: VaultEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    _funded(env)
    account = Account.create()
    key_hex = account.key.hex().removeprefix("0x")
    (tmp_path / "accounts").mkdir()
    (tmp_path / "accounts" / "bot.json").write_text(json.dumps(
        Account.encrypt(account.key, "passphrase")))
    monkeypatch.setenv("APE_DATA_FOLDER", str(tmp_path))
    monkeypatch.setenv("HEDGEKIT_PASSPHRASE", "passphrase")
    rpc(env.w3, "anvil_setBalance", account.address, hex(10**18))
    env.send(env.vault.functions.set_role("keeper", account.address), env.actors.operator, "r")
    signer = KeystoreSigner("bot")
    keeper = Keeper(env.w3, env.address, signer, Journal(tmp_path / "j.sqlite"), HedgePolicy(),
                    execute=True)
    with caplog.at_level(logging.DEBUG):
        result = keeper.step()
        logging.getLogger("hedgekit").info("signer %r", signer)
    assert result.outcome == "mined", result.detail
    assert key_hex not in caplog.text and key_hex not in repr(signer)
    assert account.address in caplog.text or result.tx_hash in caplog.text
    journal_text = (tmp_path / "j.sqlite").read_bytes().hex()
    assert key_hex not in journal_text


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hedgekit", "vault", *args], capture_output=True,
                          text=True, timeout=120)


def test_cli__deposit_keeper_status_history__report_the_same_vault(
        env: VaultEnv, replica: Replica, tmp_path: Path) -> None:
    trader = env.actors.trader
    env.mint_usdc(trader, 1_000 * USDC)
    url = ("--rpc-url", replica.url)
    dry = _cli("deposit", env.address, "1000", "--from", trader, "--json", *url)
    assert dry.returncode == 0, dry.stderr
    assert [s["sent"] for s in json.loads(dry.stdout)["steps"]] == [False]  # approve only
    done = _cli("deposit", env.address, "1000", "--from", trader, "--execute", "--json", *url)
    assert done.returncode == 0, done.stderr
    assert [s["status"] for s in json.loads(done.stdout)["steps"]] == [1, 1]
    journal = str(tmp_path / "j.sqlite")
    keeper = _cli("keeper", env.address, "--journal", journal, "--max-steps", "1",
                  "--interval", "0", "--from", env.actors.keeper, *url)
    assert keeper.returncode == 0 and "dry run" in keeper.stderr, keeper.stderr
    status = json.loads(_cli("status", env.address, "--json", *url).stdout)
    assert status["total_assets"] == 1_000 * USDC and status["delta"] == 0
    history = json.loads(_cli("history", env.address, "--journal", journal, "--json").stdout)
    assert [s["action"] for s in history["steps"]] == ["rebalance"]
    assert history["transactions"] == []


def test_cli__withdraw_all__dry_run_then_redeems_with_a_floor_under_the_preview(
        env: VaultEnv, replica: Replica) -> None:
    _funded(env)
    holder, url = env.actors.trader, ("--rpc-url", replica.url)
    shares = env.vault.functions.balanceOf(holder).call()
    dry = _cli("withdraw", env.address, "--all", "--from", holder, "--json", *url)
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["sent"] is False and report["shares"] == shares
    assert report["min_assets"] == report["preview"] * 9_990 // 10_000
    assert env.vault.functions.balanceOf(holder).call() == shares  # nothing sent
    before = env.usdc.functions.balanceOf(holder).call()
    done = _cli("withdraw", env.address, "--all", "--from", holder, "--execute", "--json", *url)
    assert done.returncode == 0, done.stderr
    sent = json.loads(done.stdout)
    assert sent["status"] == 1 and env.vault.functions.balanceOf(holder).call() == 0
    paid = env.usdc.functions.balanceOf(holder).call() - before
    assert paid >= sent["min_assets"] > 0
    tx = env.w3.eth.get_transaction(sent["tx_hash"])
    args = env.vault.decode_function_input(tx["input"])[1]
    assert (args["shares"], args["min_assets"]) == (shares, sent["min_assets"])
    bad = _cli("withdraw", env.address, "--shares", str(shares), "--from", holder, *url)
    assert bad.returncode == 2 and "holds 0 shares" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
