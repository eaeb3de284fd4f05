"""The vault keeper: read the vault and the market, ask the shared policy, build and simulate
(eth_call + gas estimate) the rebalance/tend call, send it (only with ``execute``), wait for
the receipt, and journal all of it (:mod:`hedgekit.vault.journal`).

Safety:
- **one keeper per vault**: an exclusive ``flock`` on ``<journal>.<vault>.lock`` (released by
  the OS if the process dies); the file names the holder's pid.
- **no duplicate transaction**: the intent (with its nonce) is journaled before sending and
  the hash right after; a restarted keeper first resolves every unresolved row by hash (or by
  the sender's nonce for a row that crashed before its hash was known) and sends nothing new
  until they are settled.
- **gas price cap**: no send while the max fee per gas would exceed ``max_fee_per_gas``.
- **dry run by default**; **clean stop**: SIGINT/SIGTERM finish the current step, then exit.
- **a lost connection is not fatal**: a step the node did not answer is logged and retried
  with a backoff (doubling from the interval, at most ``MAX_BACKOFF`` seconds); what it left
  unresolved in the journal is resolved first by the next step.
- logs name addresses, hashes and numbers only, never a key (signers hide theirs).
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from web3 import Web3
from web3.exceptions import TimeExhausted, TransactionNotFound

from hedgekit.amm.readers import read_pool_states
from hedgekit.chain.rpc import node_unreachable
from hedgekit.errors import ChainError, ConfigError, SimulationError
from hedgekit.strategy.execution import check_transaction, gas_limit
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.strategy.signer import Signer, fee_fields
from hedgekit.vault.journal import Journal, TxRow
from hedgekit.vault.plan import KeeperConfig, VaultPlan, plan
from hedgekit.vault.state import VaultState, read_vault_state
from hedgekit.venues.perp import PerpMarketVenue
from hedgekit.venues.tx import UnsignedTx

log = logging.getLogger("hedgekit.vault.keeper")
WAD = 10**18
#: A 'sending' row whose nonce is used but whose transaction is not found this many blocks
#: later went to another transaction.
STALE_BLOCKS = 64
#: Longest pause (seconds) between retries of steps the node did not answer.
MAX_BACKOFF = 30.0


@dataclass(frozen=True)
class StepResult:
    """What one keeper step did: ``outcome`` is one of "no action", "dry run", "mined",
    "reverted", "waiting", "skipped" (cooldown, gas cap, simulation failure)."""

    step_id: int | None
    plan: VaultPlan | None
    outcome: str
    detail: str
    tx_hash: str | None = None
    state_after: VaultState | None = None


class KeeperLock:
    """An exclusive, non-blocking flock per (journal, vault); ConfigError if held."""

    def __init__(self, journal_path: Path, vault: str) -> None:
        self.path = journal_path.with_name(f"{journal_path.name}.{vault.lower()}.lock")
        self._file: TextIO | None = None

    def acquire(self) -> None:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise ConfigError(f"another keeper runs for this vault ({holder}; lock "
                              f"{self.path})") from err
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class Keeper:
    """One vault's keeper. ``execute=False`` (the default) never sends."""

    def __init__(self, w3: Web3, vault: str, signer: Signer, journal: Journal,
                 policy: HedgePolicy, config: KeeperConfig | None = None, *,
                 execute: bool = False, max_fee_per_gas: int | None = None,
                 receipt_timeout: float = 120.0) -> None:
        self.w3 = w3
        self.vault = Web3.to_checksum_address(vault)
        self.signer = signer
        self.journal = journal
        self.policy = policy
        self.config = config or KeeperConfig()
        self.execute = execute
        self.max_fee_per_gas = max_fee_per_gas
        self.receipt_timeout = receipt_timeout
        self.stop_requested = threading.Event()
        self._market: tuple[int, int, float, int] | None = None

    # -- the loop --------------------------------------------------------------------------
    def run(self, interval: float, max_steps: int | None = None) -> int:
        """Step every ``interval`` seconds until SIGINT/SIGTERM (or ``max_steps``, failed steps
        included), holding the vault's lock; returns the number of steps taken."""
        lock = KeeperLock(self.journal.path, self.vault)
        lock.acquire()
        previous = {sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        steps = failures = 0
        try:
            log.info("keeper for %s started (%s, pid %d)", self.vault,
                     "executing" if self.execute else "dry run", os.getpid())
            while not self.stop_requested.is_set():
                pause = interval
                try:
                    result = self.step()
                except Exception as err:
                    if not node_unreachable(err):
                        raise
                    failures += 1
                    pause = min(max(interval, 0.1) * 2**failures, MAX_BACKOFF)
                    log.warning("step failed, the node did not answer (%s): retrying in %.1f s",
                                err, pause)
                else:
                    failures = 0
                    log.info("step %s: %s (%s)", result.step_id, result.outcome, result.detail)
                steps += 1
                if max_steps is not None and steps >= max_steps:
                    break
                self.stop_requested.wait(pause)
            log.info("keeper for %s stopped after %d steps", self.vault, steps)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            lock.release()
        return steps

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        log.info("received %s: stopping after this step", signal.Signals(signum).name)
        self.stop_requested.set()

    # -- one step --------------------------------------------------------------------------
    def step(self) -> StepResult:
        """Resolve unresolved transactions; then read, decide, simulate and (maybe) send."""
        for row in self.journal.unresolved(self.vault):
            if not self._resolve(row):
                return StepResult(None, None, "waiting",
                                  f"transaction {row.tx_hash or row.nonce} not settled yet")
        state = read_vault_state(self.w3, self.vault)
        spacing, fee, cost, min_margin = self._market_terms(state)
        decided = plan(state, self.policy, self.config, cost=cost,
                       last=self.journal.last_hedge(self.vault), tick_spacing=spacing,
                       pool_fee=fee, min_margin=min_margin)
        step_id = self.journal.record_step(
            self.vault, state.block_number, state.timestamp, decided.kind,
            decided.decision.trade, decided.reasons, asdict(decided.decision),
            state.as_dict())
        result = self._act(step_id, state, decided)
        self.journal.set_outcome(step_id, f"{result.outcome}: {result.detail}")
        return result

    def _act(self, step_id: int, state: VaultState, decided: VaultPlan) -> StepResult:
        if decided.args is None:
            return StepResult(step_id, decided, "no action", "; ".join(decided.reasons))
        if state.timestamp < state.last_action + state.cooldown:
            return StepResult(step_id, decided, "skipped",
                              f"cooldown until {state.last_action + state.cooldown}")
        sender = self.signer.address
        tx = UnsignedTx(self.vault, decided.calldata(), 0, f"{decided.kind} {self.vault}")
        fees = fee_fields(self.w3)
        if self.max_fee_per_gas is not None and fees["maxFeePerGas"] > self.max_fee_per_gas:
            return StepResult(step_id, decided, "skipped",
                              f"max fee per gas {fees['maxFeePerGas']} wei is above the cap "
                              f"{self.max_fee_per_gas}")
        try:
            gas = check_transaction(self.w3, sender, tx)
        except SimulationError as err:
            return StepResult(step_id, decided, "skipped", str(err))
        if not self.execute:
            return StepResult(step_id, decided, "dry run",
                              f"would send {decided.kind} ({gas} gas simulated)")
        nonce = self.w3.eth.get_transaction_count(sender, "pending")  # type: ignore[arg-type]
        tx_id = self.journal.record_intent(step_id, self.vault, decided.kind, sender, nonce,
                                           state.block_number, tx.data)
        params: dict[str, Any] = {**tx.as_params(sender), "gas": gas_limit(gas),
                                  "nonce": nonce}
        try:
            tx_hash = "0x" + self.signer.send(self.w3, params).hex()
        except Exception as err:
            # The node refused it, or accepted it and the answer was lost: the row stays
            # 'sending', and the next step resolves it by nonce (abandoned if unused).
            raise ChainError(f"sending {decided.kind} failed: {err}") from err
        self.journal.record_sent(tx_id, tx_hash)
        log.info("sent %s %s (nonce %d)", decided.kind, tx_hash, nonce)
        return self._settle(step_id, decided, tx_id, tx_hash)

    def _settle(self, step_id: int | None, decided: VaultPlan | None, tx_id: int,
                tx_hash: str) -> StepResult:
        try:
            receipt = self.w3.eth.wait_for_transaction_receipt(
                tx_hash, timeout=self.receipt_timeout, poll_latency=0.05)  # type: ignore[arg-type]
        except TimeExhausted:
            return StepResult(step_id, decided, "waiting", f"{tx_hash} not mined yet", tx_hash)
        after = read_vault_state(self.w3, self.vault, int(receipt["blockNumber"]))
        plain = {"status": int(receipt["status"]), "blockNumber": int(receipt["blockNumber"]),
                 "gasUsed": int(receipt["gasUsed"]), "transactionHash": tx_hash,
                 "effectiveGasPrice": int(receipt.get("effectiveGasPrice", 0))}
        self.journal.record_receipt(tx_id, plain, after.as_dict())
        outcome = "mined" if plain["status"] == 1 else "reverted"
        return StepResult(step_id, decided, outcome,
                          f"{tx_hash} in block {plain['blockNumber']}, gas {plain['gasUsed']}",
                          tx_hash, after)

    # -- restart ---------------------------------------------------------------------------
    def _resolve(self, row: TxRow) -> bool:
        """Settle an unresolved row from a previous run; True once it is settled."""
        tx_hash = row.tx_hash
        if tx_hash is None:
            tx_hash = self._find_by_nonce(row)
            if tx_hash is None:
                return self._gone(row, "abandoned", "crashed before it was sent")
            self.journal.record_sent(row.id, tx_hash)
            log.info("found %s by its nonce %d", tx_hash, row.nonce)
        try:
            self.w3.eth.get_transaction(tx_hash)  # type: ignore[arg-type]
        except TransactionNotFound:
            return self._gone(row, "dropped", "the node forgot the transaction")
        log.info("resuming: waiting for %s (not resent)", tx_hash)
        return self._settle(None, None, row.id, tx_hash).outcome != "waiting"

    def _gone(self, row: TxRow, status: str, why: str) -> bool:
        """A row whose transaction the node does not know: ``status`` if its nonce is still
        unused (nothing of it can land), 'dropped' once the nonce has gone to another
        transaction for STALE_BLOCKS blocks; True once marked, False to look again next
        step (a sent transaction may not be visible yet)."""
        used = self.w3.eth.get_transaction_count(row.sender, "pending")  # type: ignore[arg-type]
        if used <= row.nonce:
            self.journal.mark(row.id, status, why)
            return True
        if int(self.w3.eth.get_block("latest")["number"]) > row.from_block + STALE_BLOCKS:
            self.journal.mark(row.id, "dropped", "its nonce went to another transaction")
            return True
        return False

    def _find_by_nonce(self, row: TxRow) -> str | None:
        """The hash of ``row.sender``'s transaction with ``row.nonce``, mined since the row's
        block or pending at the node."""
        # Mined blocks since the row's, then the node's pending block.
        latest = int(self.w3.eth.get_block("latest")["number"])
        for number in [*range(row.from_block, latest + 1), "pending"]:
            block = self.w3.eth.get_block(number, full_transactions=True)  # type: ignore[arg-type]
            for tx in block["transactions"]:
                if (isinstance(tx, Mapping) and tx["from"] == row.sender
                        and int(tx["nonce"]) == row.nonce):
                    return "0x" + bytes(tx["hash"]).hex()
        return None

    def _market_terms(self, state: VaultState) -> tuple[int, int, float, int]:
        """(tick spacing, pool fee, perp taker fee as a fraction, perp min margin): read once."""
        if self._market is None:
            (pool,) = read_pool_states(self.w3, [state.pool], block=state.block_number,
                                       with_ticks=False)
            params = PerpMarketVenue(self.w3, state.perp).market_state(state.block_number).params
            self._market = (pool.tick_spacing, int(pool.fee), params.taker_fee / WAD,
                            params.min_margin)
        return self._market


__all__ = ["Keeper", "KeeperLock", "StepResult"]
