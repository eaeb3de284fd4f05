"""A Web3 whose provider counts HTTP round trips (a JSON-RPC batch is one)."""

from __future__ import annotations

from typing import Any

from web3 import HTTPProvider, Web3
from web3.types import RPCEndpoint


class CountingProvider(HTTPProvider):
    """HTTPProvider that counts the requests it sends."""

    round_trips = 0

    def _make_request(self, method: Any, request_data: bytes) -> bytes:
        # the HTTP post of one request (requests web3 answers from its cache never get here)
        self.round_trips += 1
        return super()._make_request(method, request_data)

    def make_batch_request(self, requests: Any) -> Any:
        self.round_trips += 1
        return super().make_batch_request(requests)


def counting_web3(url: str) -> tuple[Web3, CountingProvider]:
    provider = CountingProvider(url, request_kwargs={"timeout": 120}, cache_allowed_requests=True,
                                cacheable_requests={RPCEndpoint("eth_chainId")})
    return Web3(provider), provider
