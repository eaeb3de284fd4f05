"""The keeper journal: rows survive a reopen, unresolved transactions are listed oldest first,
the last hedge comes from the last mined transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from hedgekit.errors import ConfigError
from hedgekit.vault.journal import Journal

VAULT = "0x" + "ab" * 20
SENDER = "0x" + "cd" * 20


def _step(journal: Journal, block: int = 10) -> int:
    return journal.record_step(VAULT, block, 1_000 + block, "tend", True, ("delta off",),
                               {"trade": True}, {"timestamp": 1_000 + block, "price": 3000.0})


def test_journal__reopened__keeps_steps_and_transactions(tmp_path: Path) -> None:
    path = tmp_path / "j.sqlite"
    journal = Journal(path)
    step = _step(journal)
    tx = journal.record_intent(step, VAULT, "tend", SENDER, 7, 10, b"\x01\x02")
    journal.record_sent(tx, "0x" + "11" * 32)
    journal.close()
    again = Journal(path)
    (row,) = again.unresolved(VAULT)
    assert (row.status, row.nonce, row.tx_hash, row.calldata) == ("pending", 7, "0x" + "11" * 32,
                                                                  "0x0102")
    (s,) = again.steps(VAULT)
    assert s.reasons == ("delta off",) and s.trade and s.state["price"] == 3000.0


def test_journal__receipt__resolves_the_row_and_sets_the_last_hedge(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    assert journal.last_hedge(VAULT) is None
    tx = journal.record_intent(_step(journal), VAULT, "tend", SENDER, 0, 10, b"")
    journal.record_sent(tx, "0x" + "22" * 32)
    journal.record_receipt(tx, {"status": 1, "blockNumber": 11, "gasUsed": 21_000},
                           {"timestamp": 1_234, "price": 2_999.5})
    assert journal.unresolved(VAULT) == []
    (row,) = journal.txs(VAULT)
    assert (row.status, row.block, row.gas_used) == ("mined", 11, 21_000)
    last = journal.last_hedge(VAULT)
    assert last is not None and (last.timestamp, last.price) == (1_234, 2_999.5)


def test_journal__reverted_and_abandoned_rows__are_not_a_hedge(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    first = journal.record_intent(_step(journal), VAULT, "tend", SENDER, 0, 10, b"")
    journal.record_receipt(first, {"status": 0, "blockNumber": 11, "gasUsed": 50_000},
                           {"timestamp": 1, "price": 1.0})
    second = journal.record_intent(_step(journal, 12), VAULT, "tend", SENDER, 1, 12, b"")
    journal.mark(second, "abandoned", "crashed before it was sent")
    assert [r.status for r in journal.txs(VAULT)] == ["reverted", "abandoned"]
    assert journal.last_hedge(VAULT) is None and journal.unresolved(VAULT) == []


def test_journal__steps_limit__returns_the_newest_in_order(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.sqlite")
    for block in range(5):
        _step(journal, block)
    assert [s.block for s in journal.steps(VAULT, limit=2)] == [3, 4]
    assert journal.steps("0x" + "00" * 20) == []


def test_journal__unwritable_path__is_a_config_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ConfigError, match="cannot open the keeper journal"):
        Journal(blocker / "j.sqlite")
