"""Fixture-free helpers shared by the chain tests (imported by name, like vault_support)."""

from __future__ import annotations

from typing import Any

from web3 import Web3

from hedgekit.chain.deploy import transact


def send(w3: Web3, call: Any, sender: str, what: str | None = None) -> Any:
    """Send a contract function call from ``sender`` (3M gas floor) and return its receipt;
    a failure names ``what``, by default the contract function called."""
    return transact(w3, call.build_transaction({"from": sender, "gas": 3_000_000}),
                    what or f"test call {call.fn_name}")
