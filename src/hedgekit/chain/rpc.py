"""Raw JSON-RPC calls (anvil_*, evm_*, debug methods) with errors turned into ChainError."""

from __future__ import annotations

from typing import Any

import requests
from web3 import Web3
from web3.types import RPCEndpoint

from hedgekit.errors import ChainError, NodeUnreachableError

#: What a lost or refused connection to the node raises (hedgekit's, requests' and the
#: standard library's).
_UNREACHABLE = (NodeUnreachableError, requests.exceptions.ConnectionError,
                requests.exceptions.Timeout, ConnectionError, TimeoutError)


def node_unreachable(err: BaseException) -> bool:
    """Whether ``err``, or an exception it was raised from, is a lost or refused connection
    to the node (not an answer such as a revert)."""
    seen: set[int] = set()
    current: BaseException | None = err
    while current is not None and id(current) not in seen:
        if isinstance(current, _UNREACHABLE):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def rpc(w3: Web3, method: str, *params: Any) -> Any:
    """``method(*params)`` on the node behind ``w3``; its ``result``."""
    reply = w3.provider.make_request(RPCEndpoint(method), list(params))
    if "error" in reply:
        raise ChainError(f"{method} failed: {reply['error']}")
    return reply.get("result")


def snapshot(w3: Web3) -> str:
    """An EVM snapshot of the dev node's state (``evm_snapshot``); its id for :func:`revert`."""
    return str(rpc(w3, "evm_snapshot"))


def revert(w3: Web3, snapshot_id: str) -> None:
    """Back to ``snapshot_id`` (used up: take a new snapshot to come back again), with the
    clock continuing from the restored block: anvil keeps the offset of any time travel done
    since the snapshot, which would put the next block ahead of the restored chain."""
    if rpc(w3, "evm_revert", snapshot_id) is not True:
        raise ChainError(f"evm_revert to snapshot {snapshot_id} failed")
    latest = w3.eth.get_block("latest")["timestamp"]
    rpc(w3, "evm_setTime", int(latest) + 1)
