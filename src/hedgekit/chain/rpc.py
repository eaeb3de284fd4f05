"""Raw JSON-RPC calls (anvil_*, evm_*, debug methods) with errors turned into ChainError."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.types import RPCEndpoint

from hedgekit.errors import ChainError


def rpc(w3: Web3, method: str, *params: Any) -> Any:
    """``method(*params)`` on the node behind ``w3``; its ``result``."""
    reply = w3.provider.make_request(RPCEndpoint(method), list(params))
    if "error" in reply:
        raise ChainError(f"{method} failed: {reply['error']}")
    return reply.get("result")
