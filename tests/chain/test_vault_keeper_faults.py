"""The vault keeper behind a faulty RPC link: a JSON-RPC proxy on loopback between the keeper
and the replica drops responses (the node handled the request, the keeper never hears back:
the connection closes unanswered) and delays others on a seeded schedule, and the keeper is
killed mid-transaction (a step raising right after the send) and restarted on its journal.

Whatever happens, the chain and the journal agree: every keeper transaction mined on chain has
exactly one journal row with its hash and receipt, no nonce is used twice by the journal, and
no keeper step put two transactions on chain (no duplicate).
"""

from __future__ import annotations

import random
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from vault_support import DAY, USDC, VaultEnv, env
from web3 import HTTPProvider, Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.replica import Replica
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.strategy.signer import NodeSigner
from hedgekit.vault.journal import Journal
from hedgekit.vault.keeper import Keeper
from hedgekit.vault.plan import KeeperConfig

__all__ = ["env"]
SEED = 8
ROUNDS = 6  # price moves the keeper must act on
ATTEMPTS = 12  # keeper (re)starts per round
ROUND_SECONDS = 60.0
SENDS = ("eth_sendTransaction", "eth_sendRawTransaction")


class FaultyProxy:
    """A threaded JSON-RPC proxy on 127.0.0.1 forwarding to ``upstream``. Per request, from a
    seeded schedule: forward and answer; forward, then drop the answer (close unanswered);
    or delay, then forward. Sends have their answer dropped with ``send_drop`` (the case that
    tests the journal most: the transaction is in the node, the keeper saw an error)."""

    def __init__(self, upstream: str, seed: int, drop: float = 0.03, delay: float = 0.1,
                 send_drop: float = 0.5) -> None:
        self.upstream = upstream
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.drop, self.delay, self.send_drop = drop, delay, send_drop
        self.counts = {"forwarded": 0, "dropped": 0, "delayed": 0, "dropped_sends": 0}
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                fate, pause = proxy._fate(body)
                if pause:
                    time.sleep(pause)
                request = urllib.request.Request(
                    proxy.upstream, data=body, headers={"Content-Type": "application/json"})
                with urllib.request.urlopen(request, timeout=30) as reply:
                    answer = reply.read()
                if fate == "drop":
                    self.close_connection = True  # handled upstream, never answered
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _fate(self, body: bytes) -> tuple[str, float]:
        is_send = any(name.encode() in body for name in SENDS)
        with self.lock:
            roll, pause = self.rng.random(), self.rng.uniform(0.01, 0.2)
            if is_send and roll < self.send_drop:
                self.counts["dropped"] += 1
                self.counts["dropped_sends"] += 1
                return "drop", 0.0
            if not is_send and roll < self.drop:
                self.counts["dropped"] += 1
                return "drop", 0.0
            if roll > 1 - self.delay:
                self.counts["delayed"] += 1
                return "forward", pause
            self.counts["forwarded"] += 1
            return "forward", 0.0

    def __enter__(self) -> FaultyProxy:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def proxy(replica: Replica) -> Iterator[FaultyProxy]:
    with FaultyProxy(replica.url, SEED) as running:
        yield running


def _keeper(env: VaultEnv, url: str, path: Path) -> Keeper:
    w3 = Web3(HTTPProvider(url, request_kwargs={"timeout": 10}))
    return Keeper(w3, env.address, NodeSigner(w3, env.actors.keeper), Journal(path),
                  HedgePolicy(), KeeperConfig(width_ticks=500), execute=True,
                  receipt_timeout=2.0)


def _keeper_txs_on_chain(env: VaultEnv, first_block: int) -> list[dict[str, Any]]:
    w3, keeper = env.w3, env.actors.keeper
    found = []
    for number in range(first_block, int(w3.eth.block_number) + 1):
        for tx in w3.eth.get_block(number, full_transactions=True)["transactions"]:
            if isinstance(tx, Mapping) and tx["from"] == keeper:
                found.append({"hash": "0x" + bytes(tx["hash"]).hex(), "to": tx["to"],
                              "nonce": int(tx["nonce"]), "block": number})
    return found


def test_keeper_behind_a_dropping_delaying_proxy_and_killed_mid_send__no_duplicate_no_lost_entry(
        env: VaultEnv, proxy: FaultyProxy, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    for actor, amount in ((env.actors.trader, 40_000), (env.actors.lp, 60_000)):
        env.send(env.usdc.functions.mint(actor, amount * USDC), env.actors.operator, "mint")
        env.send(env.usdc.functions.approve(env.address, 2**256 - 1), actor, "approve")
        env.send(env.vault.functions.deposit(amount * USDC, actor), actor, "deposit")
    path = tmp_path / "journal.sqlite"
    first_block = int(env.w3.eth.block_number) + 1
    nonce_before = int(env.w3.eth.get_transaction_count(env.actors.keeper))
    kills = random.Random(SEED + 1)

    real_record_sent = Journal.record_sent
    killed = {"n": 0}

    def record_sent_or_die(self: Journal, tx_id: int, tx_hash: str) -> None:
        if kills.random() < 0.3:  # killed after the send, before the hash was journaled
            killed["n"] += 1
            raise KeyboardInterrupt
        real_record_sent(self, tx_id, tx_hash)

    monkeypatch.setattr(Journal, "record_sent", record_sent_or_die)
    keeper: Keeper | None = None
    restarts = 0
    start = float(env.driver.feed_price(A.ETH_USD_FEED))
    for round_ in range(ROUNDS):
        env.driver.advance(DAY // 4)
        env.driver.set_price("ETH", start * (1.07 if round_ % 2 == 0 else 0.96))
        deadline = time.monotonic() + ROUND_SECONDS
        for _ in range(ATTEMPTS):
            assert time.monotonic() < deadline, f"round {round_} did not settle"
            if keeper is None:
                keeper = _keeper(env, proxy.url, path)
            try:
                result = keeper.step()
            except (Exception, KeyboardInterrupt):  # a dropped answer or a kill: restart
                keeper.journal.close()
                keeper, restarts = None, restarts + 1
                continue
            if result.outcome in ("no action", "mined", "reverted", "skipped") \
                    and not keeper.journal.unresolved(env.address):
                break
        else:
            pytest.fail(f"round {round_}: no settled step in {ATTEMPTS} attempts")
    monkeypatch.setattr(Journal, "record_sent", real_record_sent)
    if keeper is not None:
        keeper.journal.close()

    # Settle what the last attempts left open, over a clean link.
    final = _keeper(env, env.w3.provider.endpoint_uri, path)  # type: ignore[attr-defined]
    for _ in range(20):
        if not final.journal.unresolved(env.address):
            break
        final.step()
        time.sleep(0.05)
    assert not final.journal.unresolved(env.address)

    on_chain = _keeper_txs_on_chain(env, first_block)
    rows = final.journal.txs(env.address)
    final.journal.close()
    assert proxy.server.server_address[0] == "127.0.0.1"  # loopback only
    assert proxy.counts["dropped_sends"] >= 1 and proxy.counts["delayed"] >= 1, proxy.counts
    assert killed["n"] + proxy.counts["dropped"] >= 1 and restarts >= 1
    assert all(tx["to"] == env.address for tx in on_chain)
    assert len(on_chain) == int(env.w3.eth.get_transaction_count(env.actors.keeper)) \
        - nonce_before
    # no lost journal entry: every keeper tx on chain has a row with its hash and receipt
    by_hash = {row.tx_hash: row for row in rows if row.tx_hash is not None}
    for tx in on_chain:
        row = by_hash.get(tx["hash"])
        assert row is not None, (tx, rows)
        assert row.status in ("mined", "reverted") and row.block == tx["block"]
        assert row.nonce == tx["nonce"] and row.gas_used
    # no duplicate: one row per chain tx, distinct nonces, at most one chain tx per step
    settled = [row for row in rows if row.status in ("mined", "reverted")]
    assert sorted(r.tx_hash for r in settled) == sorted(tx["hash"] for tx in on_chain)
    assert len({r.nonce for r in settled}) == len(settled)
    assert len({r.step_id for r in settled}) == len(settled)
    assert any(r.status == "mined" for r in settled)
