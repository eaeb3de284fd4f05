"""Web3 connections to a JSON-RPC node."""

from __future__ import annotations

from web3 import HTTPProvider, Web3
from web3.types import RPCEndpoint

from hedgekit.errors import ChainError


def connect(url: str, timeout: float = 60.0) -> Web3:
    """A Web3 on ``url`` that has answered ``eth_chainId``; ChainError if nothing answers."""
    # Cache only the chain id (web3 asks for it before every call); blocks must not be cached:
    # on a dev chain a reverted snapshot reuses block numbers for new blocks.
    provider = HTTPProvider(url, request_kwargs={"timeout": timeout}, cache_allowed_requests=True,
                            cacheable_requests={RPCEndpoint("eth_chainId")})
    w3 = Web3(provider)
    try:
        w3.eth.chain_id  # noqa: B018  (the request is the check)
    except Exception as err:  # requests/web3 raise many types for a dead node
        raise ChainError(
            f"no JSON-RPC node answers at {url} ({type(err).__name__}); "
            "start the replica with `hedgekit replica up` or pass --rpc-url"
        ) from err
    return w3
