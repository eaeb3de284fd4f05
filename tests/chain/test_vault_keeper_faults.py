"""The vault keeper behind a faulty RPC link: a JSON-RPC proxy on loopback between the keeper
and the replica drops responses (the node handled the request, the keeper never hears back:
the connection closes unanswered) and delays others on a seeded schedule, and the keeper is
killed mid-transaction (a step raising right after the send) and restarted on its journal.

Whatever happens, the chain and the journal agree: every keeper transaction mined on chain has
exactly one journal row with its hash and receipt, no nonce is used twice by the journal, and
no keeper step put two transactions on chain (no duplicate).

The same holds for the real keeper process (``python -m hedgekit vault keeper ... --execute``
on the proxy) SIGKILLed (no cleanup) while the proxy holds its send unanswered (before or after
forwarding it to the node), and at seeded random moments, then restarted on its journal: each
restart takes the single-keeper lock again (the OS releases a killed holder's flock).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
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
from hedgekit.vault.journal import Journal, TxRow
from hedgekit.vault.keeper import Keeper, KeeperLock
from hedgekit.vault.plan import KeeperConfig

__all__ = ["env"]
SEED = 8
ROUNDS = 6  # price moves the keeper must act on
ATTEMPTS = 12  # keeper (re)starts per round
ROUND_SECONDS = 60.0
SENDS = ("eth_sendTransaction", "eth_sendRawTransaction")


@dataclass
class Trap:
    """Hold one request unanswered until ``release``: the first send (``on_send``) or the
    ``nth`` request after :meth:`FaultyProxy.arm`, forwarded to the node first (``forward``:
    the node has it, the client never hears back) or never (the request was lost on the way).
    ``hit`` is set while the request is held; released, the connection closes unanswered."""

    forward: bool
    on_send: bool = False
    nth: int | None = None
    method: str = ""
    sprung: bool = False
    hit: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


class FaultyProxy:
    """A threaded JSON-RPC proxy on 127.0.0.1 forwarding to ``upstream``. Per request, from a
    seeded schedule: forward and answer; forward, then drop the answer (close unanswered);
    or delay, then forward. Sends have their answer dropped with ``send_drop`` (the case that
    tests the journal most: the transaction is in the node, the keeper saw an error). An armed
    :class:`Trap` takes its request out of the schedule and holds it."""

    def __init__(self, upstream: str, seed: int, drop: float = 0.03, delay: float = 0.1,
                 send_drop: float = 0.5) -> None:
        self.upstream = upstream
        self.rng = random.Random(seed)
        self.lock = threading.Lock()
        self.drop, self.delay, self.send_drop = drop, delay, send_drop
        self.counts = {"forwarded": 0, "dropped": 0, "delayed": 0, "dropped_sends": 0}
        self.trap: Trap | None = None
        self.seen = 0  # requests since the last arm()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                trap = proxy._spring(body)
                if trap is not None:
                    if trap.forward:
                        proxy._forward(body)
                    trap.hit.set()
                    trap.release.wait(120)
                    self.close_connection = True  # held, then never answered
                    return
                fate, pause = proxy._fate(body)
                if pause:
                    time.sleep(pause)
                answer = proxy._forward(body)
                if fate == "drop":
                    self.close_connection = True  # handled upstream, never answered
                    return
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):  # the client was killed
                    self.close_connection = True

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _forward(self, body: bytes) -> bytes:
        request = urllib.request.Request(
            self.upstream, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            return bytes(reply.read())

    def arm(self, trap: Trap | None) -> None:
        """Hold the request ``trap`` describes (None: disarm); counts requests from now."""
        with self.lock:
            self.trap, self.seen = trap, 0

    def _spring(self, body: bytes) -> Trap | None:
        try:
            method = str(json.loads(body).get("method", ""))
        except (ValueError, AttributeError):  # a batch, or not JSON: never trapped
            method = ""
        with self.lock:
            self.seen += 1
            trap = self.trap
            if trap is None or trap.sprung:
                return None
            if (trap.on_send and method in SENDS) or trap.nth == self.seen:
                trap.sprung, trap.method = True, method
                return trap
            return None

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
        trap = self.trap
        if trap is not None:
            trap.release.set()
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
                              "nonce": int(tx["nonce"]), "block": number,
                              "input": "0x" + bytes(tx["input"]).hex()})
    return found


def _fund_depositors(env: VaultEnv) -> None:
    for actor, amount in ((env.actors.trader, 40_000), (env.actors.lp, 60_000)):
        env.deposit(actor, amount * USDC)


def _move_market(env: VaultEnv, start: float, round_: int) -> None:
    """Round ``round_``'s price move (past the cooldown), one the keeper must act on."""
    env.driver.advance(DAY // 4)
    env.driver.set_price("ETH", start * (1.07 if round_ % 2 == 0 else 0.96))


def _assert_chain_and_journal_agree(env: VaultEnv, first_block: int, nonce_before: int,
                                    rows: list[TxRow]) -> list[dict[str, Any]]:
    """The invariants; returns the keeper's transactions on chain since ``first_block``."""
    on_chain = _keeper_txs_on_chain(env, first_block)
    assert all(tx["to"] == env.address for tx in on_chain)
    assert len(on_chain) == int(env.w3.eth.get_transaction_count(env.actors.keeper)) \
        - nonce_before
    # no lost journal entry: every keeper tx on chain has a row with its hash and receipt
    by_hash = {row.tx_hash: row for row in rows if row.tx_hash is not None}
    for tx in on_chain:
        row = by_hash.get(tx["hash"])
        assert row is not None, (tx, rows)
        receipt = env.w3.eth.get_transaction_receipt(tx["hash"])
        assert row.status == ("mined" if receipt["status"] == 1 else "reverted"), (tx, row)
        assert row.block == tx["block"] and row.nonce == tx["nonce"] and row.gas_used
        assert row.calldata == tx["input"], (tx, row)  # the row of this very transaction
    # no duplicate: one row per chain tx, distinct nonces, at most one chain tx per step
    settled = [row for row in rows if row.status in ("mined", "reverted")]
    assert sorted(r.tx_hash for r in settled) == sorted(tx["hash"] for tx in on_chain)
    assert len({r.nonce for r in settled}) == len(settled)
    assert len({r.step_id for r in settled}) == len(settled)
    assert any(r.status == "mined" for r in settled)
    return on_chain


def test_keeper_behind_a_dropping_delaying_proxy_and_killed_mid_send__no_duplicate_no_lost_entry(
        env: VaultEnv, proxy: FaultyProxy, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _fund_depositors(env)
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
        _move_market(env, start, round_)
        deadline = time.monotonic() + ROUND_SECONDS
        for _ in range(ATTEMPTS):
            assert time.monotonic() < deadline, f"round {round_} did not settle"
            try:
                if keeper is None:  # its signer asks the node for its accounts
                    keeper = _keeper(env, proxy.url, path)
                result = keeper.step()
            except (Exception, KeyboardInterrupt):  # a dropped answer or a kill: restart
                if keeper is not None:
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

    rows = final.journal.txs(env.address)
    final.journal.close()
    assert proxy.server.server_address[0] == "127.0.0.1"  # loopback only
    assert proxy.counts["dropped_sends"] >= 1 and proxy.counts["delayed"] >= 1, proxy.counts
    assert killed["n"] + proxy.counts["dropped"] >= 1 and restarts >= 1
    _assert_chain_and_journal_agree(env, first_block, nonce_before, rows)


# -- the keeper process, SIGKILLed --------------------------------------------------------------
PROCESS_SEED = SEED + 2
PHASE_SECONDS = 60.0  # failure guard: one phase (start, maybe restart, kill) ends by then
PROCESS_ATTEMPTS = 6  # processes per phase: one may exit if an answer drops before its lock
#: step outcomes after which the keeper has nothing left to do this round (a skip for a failed
#: simulation, e.g. a dropped eth_call answer, is retried at the next step: not settled)
SETTLED = ("no action", "skipped: cooldown", "mined", "reverted")
KillPlan = tuple[Trap | None, float | None]


def _keeper_command(env: VaultEnv, path: Path, url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "hedgekit", "vault", "keeper", env.address, "--journal",
            str(path), "--width-ticks", "500", "--rpc-url", url, "--from", env.actors.keeper,
            "--execute", *extra]


class KeeperProcesses:
    """The keeper CLI (``--execute``) on ``url`` and one journal: started, SIGKILLed when a
    phase's plan says so, restarted; it counts what happened."""

    def __init__(self, env: VaultEnv, url: str, path: Path, logs: Path) -> None:
        self.env, self.path, self.logs = env, path, logs
        self.command = _keeper_command(env, path, url, "--interval", "0.2")
        self.lock_path = KeeperLock(path, env.address).path
        self.journal = Journal(path)  # the test's reader (WAL: reads beside the keeper's writes)
        self.counts = dict.fromkeys(("starts", "locks_taken", "exits", "kills_mid_send",
                                     "kills_mid_send_forwarded", "kills_random", "kills_idle"),
                                    0)

    def _holds_lock(self, process: subprocess.Popen[bytes]) -> bool:
        try:
            return self.lock_path.read_text().strip() == f"pid {process.pid}"
        except FileNotFoundError:
            return False

    def _assert_lock_free(self) -> None:
        lock = KeeperLock(self.path, self.env.address)
        lock.acquire()  # ConfigError if a dead keeper's lock still blocks
        lock.release()

    def _settled_since(self, step_id: int) -> bool:
        """A step after ``step_id`` that settled, and nothing unresolved."""
        steps = [s for s in self.journal.steps(self.env.address, 10) if s.id > step_id]
        return any(s.outcome.startswith(SETTLED) for s in steps) \
            and not self.journal.unresolved(self.env.address)

    def _kill(self, process: subprocess.Popen[bytes], log: Path, kind: str) -> str:
        assert self._holds_lock(process), f"killed before it took the lock:\n{log.read_text()}"
        process.kill()  # SIGKILL: no handler, no finally, no lock release by the keeper
        process.wait(timeout=10)
        self.counts[kind] += 1
        self._assert_lock_free()
        return kind

    def phase(self, plan: Callable[[], KillPlan], proxy: FaultyProxy, *,
              until_settled: bool = True) -> str:
        """Run keeper processes until one is SIGKILLed: when the plan's trap holds its request
        (a send trap is armed from the start, an nth-request trap once the keeper took the
        lock), the plan's delay after it took the lock, or (``until_settled``) once the journal
        settled (idle). A process may exit by itself only before it took the lock (a dropped
        answer while it connects: one error line, exit 2), and is then restarted; once it runs,
        a dropped answer is retried, never fatal. Returns the kill's kind."""
        mark = self.journal.steps(self.env.address, 1)
        since = mark[-1].id if mark else 0
        deadline = time.monotonic() + PHASE_SECONDS
        for _ in range(PROCESS_ATTEMPTS):
            trap, delay = plan()
            proxy.arm(trap if trap is not None and trap.on_send else None)
            log = self.logs / f"keeper-{self.counts['starts']}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(self.command, stdout=out, stderr=subprocess.STDOUT)
            self.counts["starts"] += 1
            locked_at: float | None = None
            try:
                while process.poll() is None:
                    assert time.monotonic() < deadline, \
                        f"the phase did not end:\n{log.read_text()[-4000:]}"
                    if locked_at is None and self._holds_lock(process):
                        locked_at = time.monotonic()
                        self.counts["locks_taken"] += 1
                        if trap is not None and not trap.on_send:
                            proxy.arm(trap)  # its nth request from now
                    if trap is not None and trap.hit.is_set():
                        if trap.method not in SENDS:
                            return self._kill(process, log, "kills_random")
                        if trap.forward:
                            self.counts["kills_mid_send_forwarded"] += 1
                        return self._kill(process, log, "kills_mid_send")  # a send held
                    if locked_at is not None and delay is not None \
                            and time.monotonic() >= locked_at + delay:
                        return self._kill(process, log, "kills_random")
                    if until_settled and locked_at is not None and self._settled_since(since):
                        return self._kill(process, log, "kills_idle")
                    time.sleep(0.01)
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait(timeout=10)
                if trap is not None:
                    trap.release.set()  # the held request's connection closes unanswered
                proxy.arm(None)
            output = log.read_text()
            assert "another keeper runs" not in output, output
            assert locked_at is None and process.returncode == 2, output
            lines = output.strip().splitlines()  # one error line, no traceback
            assert len(lines) == 1 and lines[0].startswith("error: "), output
            self.counts["exits"] += 1
            self._assert_lock_free()
        pytest.fail(f"no phase ended in {PROCESS_ATTEMPTS} keeper processes")


def test_keeper_process_sigkilled_mid_send_and_at_random__restarts_no_duplicate_no_lost_entry(
        env: VaultEnv, replica: Replica, tmp_path: Path) -> None:
    _fund_depositors(env)
    path = tmp_path / "journal.sqlite"
    first_block = int(env.w3.eth.block_number) + 1
    nonce_before = int(env.w3.eth.get_transaction_count(env.actors.keeper))
    rng = random.Random(PROCESS_SEED)
    start = float(env.driver.feed_price(A.ETH_USD_FEED))
    rounds: list[tuple[int, int]] = []

    def at_random() -> KillPlan:
        """A seeded random moment: the nth request after the lock held (forwarded to the node
        or not), or a delay after the lock, whichever comes first."""
        return (Trap(forward=rng.random() < 0.5, nth=rng.randint(1, 30)),
                rng.uniform(0.05, 1.5))

    with FaultyProxy(replica.url, PROCESS_SEED, drop=0.01, send_drop=0.25) as proxy:
        keepers = KeeperProcesses(env, proxy.url, path, tmp_path)
        for round_ in range(ROUNDS):
            _move_market(env, start, round_)
            round_start = int(env.w3.eth.block_number) + 1
            # a random moment, before the round's decision or after its send
            if round_ % 2 == 0:
                keepers.phase(at_random, proxy, until_settled=False)
            # the send lost on its way (the keeper must abandon it), then the send reaching the
            # node with its answer lost (the keeper must find it by nonce and not resend)
            keepers.phase(lambda: (Trap(forward=False, on_send=True), None), proxy)
            keepers.phase(lambda: (Trap(forward=True, on_send=True), None), proxy)
            if round_ % 2 == 1:
                keepers.phase(at_random, proxy, until_settled=False)
            keepers.phase(lambda: (None, None), proxy)  # settles, then killed idle
            rounds.append((round_start, int(env.w3.eth.block_number)))
        keepers.journal.close()
    assert proxy.server.server_address[0] == "127.0.0.1"  # loopback only

    # A final clean run (no proxy) settles what is left open and stops by itself.
    final = subprocess.run(_keeper_command(env, path, replica.url, "--max-steps", "3",
                                           "--interval", "0.1"),
                           capture_output=True, text=True, timeout=60)
    assert final.returncode == 0 and "stopped after 3 steps" in final.stderr, final.stderr
    journal = Journal(path)
    try:
        assert not journal.unresolved(env.address)
        rows = journal.txs(env.address)
    finally:
        journal.close()
    on_chain = _assert_chain_and_journal_agree(env, first_block, nonce_before, rows)
    assert all(row.status in ("mined", "abandoned") for row in rows), rows
    # one transaction per price move, whatever the kills: the cooldown allows one action per
    # round, so a second would be a duplicate, and none would be a lost decision
    per_round = [[tx for tx in on_chain if first <= tx["block"] <= last]
                 for first, last in rounds]
    assert [len(txs) for txs in per_round] == [1] * ROUNDS, on_chain
    counts = keepers.counts
    kills = sum(n for kind, n in counts.items() if kind.startswith("kills_")) \
        - counts["kills_mid_send_forwarded"]
    print(f"\nkeeper processes: {counts} ({kills} SIGKILLs, {counts['starts'] - 1} restarts);"
          f" proxy: {proxy.counts}; keeper txs mined: {len(on_chain)}; journal rows: "
          f"{[(r.status, r.nonce) for r in rows]}")
    assert counts["kills_mid_send_forwarded"] >= 1  # the send on chain, its answer lost
    assert counts["kills_mid_send"] > counts["kills_mid_send_forwarded"]  # the send lost
    assert counts["locks_taken"] >= kills  # every killed keeper had taken the lock
    assert any(row.status == "abandoned" for row in rows)
