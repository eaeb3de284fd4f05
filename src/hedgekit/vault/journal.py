"""The keeper's SQLite journal: every decision, every transaction (intent, hash, receipt) and
the vault state after it, so a restarted keeper resumes instead of resending.

A transaction goes through ``sending`` (written with its nonce *before* it is sent) ->
``pending`` (hash known) -> ``mined`` | ``reverted``; or ``abandoned`` (never reached the
chain) / ``dropped`` (its hash vanished and its nonce was not used). Each step is committed
before the next action, so a crash loses nothing that happened on chain: on restart an
unresolved row is looked up by hash, or (``sending``) by the sender's nonce.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hedgekit.errors import ConfigError
from hedgekit.strategy.policy import LastHedge

SCHEMA = """
CREATE TABLE IF NOT EXISTS steps (
    id INTEGER PRIMARY KEY,
    vault TEXT NOT NULL,
    block INTEGER NOT NULL,
    timestamp INTEGER NOT NULL,
    action TEXT NOT NULL,
    trade INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    decision TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS txs (
    id INTEGER PRIMARY KEY,
    step_id INTEGER NOT NULL REFERENCES steps(id),
    vault TEXT NOT NULL,
    action TEXT NOT NULL,
    sender TEXT NOT NULL,
    nonce INTEGER NOT NULL,
    from_block INTEGER NOT NULL,
    calldata TEXT NOT NULL,
    tx_hash TEXT UNIQUE,
    status TEXT NOT NULL,
    block INTEGER,
    gas_used INTEGER,
    receipt TEXT,
    state_after TEXT,
    note TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS txs_open ON txs(vault, status);
"""
UNRESOLVED = ("sending", "pending")


@dataclass(frozen=True)
class TxRow:
    """One journaled transaction."""

    id: int
    step_id: int
    vault: str
    action: str
    sender: str
    nonce: int
    from_block: int
    calldata: str
    tx_hash: str | None
    status: str
    block: int | None
    gas_used: int | None
    note: str


@dataclass(frozen=True)
class StepRow:
    """One journaled keeper step (a decision, acted on or not)."""

    id: int
    vault: str
    block: int
    timestamp: int
    action: str
    trade: bool
    reasons: tuple[str, ...]
    outcome: str
    state: dict[str, Any]


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


class Journal:
    """The journal file at ``path`` (created with its tables if missing)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, timeout=10.0, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise ConfigError(f"cannot open the keeper journal {path}: {err}") from err

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    # -- writes ----------------------------------------------------------------------------
    def record_step(self, vault: str, block: int, timestamp: int, action: str, trade: bool,
                    reasons: tuple[str, ...], decision: dict[str, Any],
                    state: dict[str, Any]) -> int:
        """A decision; returns its step id."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO steps (vault, block, timestamp, action, trade, reasons, decision,"
                " state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (vault, block, timestamp, action, int(trade), _json(list(reasons)),
                 _json(decision), _json(state), time.time()))
            return int(cur.lastrowid or 0)

    def set_outcome(self, step_id: int, outcome: str) -> None:
        """What came of a step ("dry run", "sent 0x..", "simulation failed: ...")."""
        with self._tx() as db:
            db.execute("UPDATE steps SET outcome = ? WHERE id = ?", (outcome, step_id))

    def record_intent(self, step_id: int, vault: str, action: str, sender: str, nonce: int,
                      from_block: int, calldata: bytes) -> int:
        """A transaction about to be sent with ``nonce`` (status ``sending``)."""
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO txs (step_id, vault, action, sender, nonce, from_block, calldata,"
                " status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?)",
                (step_id, vault, action, sender, nonce, from_block, "0x" + calldata.hex(), now,
                 now))
            return int(cur.lastrowid or 0)

    def record_sent(self, tx_id: int, tx_hash: str) -> None:
        """The node accepted the transaction: its hash (status ``pending``)."""
        self._update(tx_id, status="pending", tx_hash=tx_hash)

    def record_receipt(self, tx_id: int, receipt: dict[str, Any],
                       state_after: dict[str, Any] | None) -> None:
        """The receipt (status ``mined`` or ``reverted``) and the vault state after it."""
        self._update(tx_id, status="mined" if receipt.get("status") == 1 else "reverted",
                     block=int(receipt["blockNumber"]), gas_used=int(receipt["gasUsed"]),
                     receipt=_json(receipt),
                     state_after=None if state_after is None else _json(state_after))

    def mark(self, tx_id: int, status: str, note: str) -> None:
        """Close a row that never made it on chain (``abandoned``/``dropped``)."""
        self._update(tx_id, status=status, note=note)

    def _update(self, tx_id: int, **fields: Any) -> None:
        columns = ", ".join(f"{k} = ?" for k in fields)
        with self._tx() as db:
            db.execute(f"UPDATE txs SET {columns}, updated_at = ? WHERE id = ?",
                       (*fields.values(), time.time(), tx_id))

    # -- reads -----------------------------------------------------------------------------
    def unresolved(self, vault: str) -> list[TxRow]:
        """Transactions of ``vault`` still ``sending`` or ``pending``, oldest first."""
        return self._txs("WHERE vault = ? AND status IN ('sending', 'pending') ORDER BY id",
                         (vault,))

    def txs(self, vault: str) -> list[TxRow]:
        return self._txs("WHERE vault = ? ORDER BY id", (vault,))

    def _txs(self, where: str, args: tuple[Any, ...]) -> list[TxRow]:
        rows = self._db.execute(
            "SELECT id, step_id, vault, action, sender, nonce, from_block, calldata, tx_hash,"
            f" status, block, gas_used, note FROM txs {where}", args).fetchall()
        return [TxRow(*row) for row in rows]

    def steps(self, vault: str, limit: int | None = None) -> list[StepRow]:
        """Steps of ``vault``, newest last (the last ``limit`` of them)."""
        rows = self._db.execute(
            "SELECT id, vault, block, timestamp, action, trade, reasons, outcome, state"
            " FROM steps WHERE vault = ? ORDER BY id DESC LIMIT ?",
            (vault, -1 if limit is None else limit)).fetchall()
        return [StepRow(r[0], r[1], r[2], r[3], r[4], bool(r[5]), tuple(json.loads(r[6])),
                        r[7], json.loads(r[8])) for r in reversed(rows)]

    def last_hedge(self, vault: str) -> LastHedge | None:
        """Time and oracle price after the last mined keeper transaction (for the policy)."""
        row = self._db.execute(
            "SELECT state_after FROM txs WHERE vault = ? AND status = 'mined'"
            " AND state_after IS NOT NULL ORDER BY id DESC LIMIT 1", (vault,)).fetchone()
        if row is None:
            return None
        state = json.loads(row[0])
        return LastHedge(int(state["timestamp"]), float(state["price"]))


__all__ = ["UNRESOLVED", "Journal", "StepRow", "TxRow"]
