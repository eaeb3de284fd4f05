"""Who signs: an account the node holds unlocked (anvil's dev accounts on the replica) or an
ape keystore account (``~/.ape/accounts/<alias>.json``, the eth-keyfile format), decrypted
with the passphrase in ``$HEDGEKIT_PASSPHRASE``. A key is never printed, logged or taken on
the command line."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Protocol

from eth_account import Account
from web3 import Web3

from hedgekit.errors import ConfigError, InputError


class Signer(Protocol):
    """Sends a transaction (EIP-1559 params without nonce/fees filled) from ``address``."""

    address: str

    def send(self, w3: Web3, params: dict[str, Any]) -> bytes: ...


def fee_fields(w3: Web3) -> dict[str, int]:
    """EIP-1559 fees: max fee = 2 x the latest base fee + the node's suggested tip."""
    base = int(w3.eth.get_block("latest").get("baseFeePerGas", 0))
    tip = int(w3.eth.max_priority_fee)
    return {"maxFeePerGas": 2 * base + tip, "maxPriorityFeePerGas": tip}


class NodeSigner:
    """An account the node signs for (``eth_sendTransaction``)."""

    def __init__(self, w3: Web3, address: str) -> None:
        if address not in w3.eth.accounts:
            raise InputError(f"the node does not hold {address} unlocked; pass --account "
                             "ALIAS (an ape keystore account)")
        self.address = address

    def send(self, w3: Web3, params: dict[str, Any]) -> bytes:
        return bytes(w3.eth.send_transaction({**params, **fee_fields(w3)}))  # type: ignore[arg-type,typeddict-item]


def ape_data_folder() -> Path:
    return Path(os.environ.get("APE_DATA_FOLDER", Path.home() / ".ape"))


class KeystoreSigner:
    """An ape keystore account; signs locally and sends the raw transaction."""

    def __init__(self, alias: str, passphrase_env: str = "HEDGEKIT_PASSPHRASE") -> None:
        path = ape_data_folder() / "accounts" / f"{alias}.json"
        if not path.is_file():
            raise InputError(f"no ape account {alias!r} (looked for {path}); create one with "
                             "`ape accounts import`")
        passphrase = os.environ.get(passphrase_env)
        if passphrase is None:
            raise ConfigError(f"set ${passphrase_env} to unlock the ape account {alias!r}")
        keyfile = json.loads(path.read_text())
        try:
            self._key = Account.decrypt(keyfile, passphrase)
        except ValueError as err:
            raise ConfigError(f"wrong passphrase for the ape account {alias!r}") from err
        self.address = Account.from_key(self._key).address

    def __repr__(self) -> str:  # never show the key
        return f"KeystoreSigner({self.address})"

    def send(self, w3: Web3, params: dict[str, Any]) -> bytes:
        tx = {**params, **fee_fields(w3), "chainId": w3.eth.chain_id, "type": 2,
              "nonce": w3.eth.get_transaction_count(self.address, "pending")}  # type: ignore[arg-type]
        signed = Account.sign_transaction(tx, self._key)
        return bytes(w3.eth.send_raw_transaction(signed.raw_transaction))
