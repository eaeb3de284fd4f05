"""Deploying and placing contracts on a dev chain (anvil): plain deploys, deploys from an
impersonated deployer at a chosen nonce (so the CREATE address equals a canonical one), and
``anvil_setCode`` placement with the contract's storage moved along.

Only dev-chain helpers live here: impersonation and ``anvil_*`` calls do not exist on a real
network. Sending user transactions is the strategy layer's job, not this module's.
"""

from __future__ import annotations

from typing import Any

import rlp  # type: ignore[import-untyped]
from eth_utils import keccak, to_checksum_address
from web3 import Web3
from web3.types import TxParams, TxReceipt

from hedgekit.chain.artifacts import Artifact
from hedgekit.chain.rpc import rpc
from hedgekit.errors import ChainError

#: Storage slots copied by :func:`place_at`. The contracts placed this way write only fixed
#: slots in their constructors (no mapping entries), all below this bound.
PLACED_STORAGE_SLOTS = 64


def create_address(deployer: str, nonce: int) -> str:
    """The CREATE address: last 20 bytes of keccak(rlp([deployer, nonce]))."""
    raw = keccak(rlp.encode([bytes.fromhex(deployer.removeprefix("0x")), nonce]))
    return to_checksum_address(raw[12:])


def create2_address(deployer: str, salt: bytes, init_code_hash: bytes) -> str:
    """The CREATE2 address: last 20 bytes of keccak(0xff ++ deployer ++ salt ++ init_code_hash)."""
    raw = keccak(b"\xff" + bytes.fromhex(deployer.removeprefix("0x")) + salt + init_code_hash)
    return to_checksum_address(raw[12:])


def transact(w3: Web3, tx: TxParams, what: str) -> TxReceipt:
    """Simulate (gas estimate) and send ``tx`` from an unlocked (dev or impersonated) account,
    and wait for its receipt.

    Raises ChainError naming ``what`` if the simulation fails or the transaction reverts.
    """
    try:
        # Re-estimate with headroom: an estimate made at one block can fall short in the next
        # (e.g. a v2 pair writes its price accumulators only once time has passed).
        estimate = w3.eth.estimate_gas(tx)
        tx = {**tx, "gas": max(int(tx.get("gas", 0)), estimate * 5 // 4 + 100_000)}
        tx_hash = w3.eth.send_transaction(tx)
    except Exception as err:  # web3 raises ContractLogicError, ValueError, RPC errors
        raise ChainError(f"{what} failed: {err}") from err
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=120, poll_latency=0.01)
    if receipt["status"] != 1:
        raise ChainError(f"{what} reverted (tx {tx_hash.hex()}, gas used {receipt['gasUsed']} "
                         f"of {tx.get('gas')}): {_replay_reason(w3, tx, receipt)}")
    return receipt


def _replay_reason(w3: Web3, tx: TxParams, receipt: TxReceipt) -> str:
    """The revert reason of a mined failed transaction, by replaying it as an eth_call on the
    state before its block."""
    replay = {k: v for k, v in tx.items() if k in ("from", "to", "data", "value", "gas")}
    try:
        w3.eth.call(replay, receipt["blockNumber"] - 1)  # type: ignore[arg-type]
    except Exception as err:  # the replay is expected to revert
        return str(err)
    return "no reason (the replay did not revert)"


def deploy(
    w3: Web3,
    sender: str,
    artifact: Artifact,
    *args: Any,
    libraries: dict[str, str] | None = None,
) -> str:
    """Deploy ``artifact`` with constructor ``args`` from ``sender``; returns its address."""
    contract = w3.eth.contract(abi=artifact.abi, bytecode=artifact.linked(libraries or {}))
    tx = contract.constructor(*args).build_transaction({"from": sender, "gas": 30_000_000})
    receipt = transact(w3, tx, f"deploying {artifact.name}")
    address = receipt["contractAddress"]
    if address is None:
        raise ChainError(f"deploying {artifact.name} created no contract")
    return to_checksum_address(address)


def impersonate(w3: Web3, account: str, ether: int = 10) -> None:
    """Let ``account`` send transactions without its key (anvil) and give it ``ether`` ETH."""
    rpc(w3, "anvil_impersonateAccount", account)
    rpc(w3, "anvil_setBalance", account, hex(ether * 10**18))


def deploy_at_nonce(
    w3: Web3,
    deployer: str,
    nonce: int,
    artifact: Artifact,
    *args: Any,
    libraries: dict[str, str] | None = None,
) -> str:
    """Deploy from an impersonated ``deployer`` whose nonce is set to ``nonce`` first, so the
    contract lands at ``create_address(deployer, nonce)`` with its immutables computed there."""
    rpc(w3, "anvil_setNonce", deployer, hex(nonce))
    address = deploy(w3, deployer, artifact, *args, libraries=libraries)
    expected = create_address(deployer, nonce)
    if address != expected:
        raise ChainError(f"{artifact.name} landed at {address}, expected {expected}")
    return address


def place_at(w3: Web3, source: str, target: str) -> None:
    """Move the contract at ``source`` to ``target``: its runtime code and the first
    PLACED_STORAGE_SLOTS storage slots (the non-zero ones). Valid for contracts without
    immutables that name their own address."""
    code = w3.eth.get_code(source)  # type: ignore[arg-type]
    if not code:
        raise ChainError(f"no code at {source} to place at {target}")
    rpc(w3, "anvil_setCode", target, "0x" + code.hex())
    for slot in range(PLACED_STORAGE_SLOTS):
        value = w3.eth.get_storage_at(source, slot)  # type: ignore[arg-type]
        if any(value):
            rpc(w3, "anvil_setStorageAt", target, hex(slot), "0x" + value.hex())
