"""Batched reads through Multicall3 ``aggregate3``: many view calls, one ``eth_call``, one
pinned block.

A :class:`Call` names its function by signature and its return types, so encoding and decoding
go straight through eth-abi without building web3 contract objects::

    calls = [Call(pool, "slot0()", (), SLOT0_TYPES), Call(pool, "liquidity()", (), ("uint128",))]
    slot0, (liquidity,) = multicall(w3, calls, block=block)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cchecksum import to_checksum_address
from eth_abi import decode, encode
from eth_abi.exceptions import DecodingError
from eth_utils import keccak
from web3 import Web3

from hedgekit.chain.addresses import MULTICALL3
from hedgekit.chain.rpc import node_unreachable
from hedgekit.errors import ChainError, NodeUnreachableError

_AGGREGATE3 = keccak(text="aggregate3((address,bool,bytes)[])")[:4]
#: Calls per aggregate3 request; larger batches are split into several requests.
MAX_CALLS_PER_BATCH = 2_000


@lru_cache(maxsize=1024)
def _signature(signature: str) -> tuple[bytes, list[str]]:
    """(4-byte selector, input types) of a function signature (cached: signatures repeat)."""
    return keccak(text=signature)[:4], _input_types(signature)


def _input_types(signature: str) -> list[str]:
    inner = signature[signature.index("(") + 1 : signature.rindex(")")]
    if not inner:
        return []
    types, depth, start = [], 0, 0
    for i, char in enumerate(inner):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            types.append(inner[start:i])
            start = i + 1
    types.append(inner[start:])
    return types


@lru_cache(maxsize=4096)
def _checksum(address: str) -> str:
    return str(to_checksum_address(address))


@dataclass(frozen=True)
class Call:
    """One view call: ``target.signature(*args)`` returning ``returns`` (eth-abi type strings).

    With ``allow_failure`` a revert (or undecodable answer, e.g. from an EOA) gives ``None``
    instead of failing the whole batch.
    """

    target: str
    signature: str
    args: tuple[Any, ...] = ()
    returns: tuple[str, ...] = ()
    allow_failure: bool = False

    def calldata(self) -> bytes:
        selector, types = _signature(self.signature)
        return selector + encode(types, list(self.args)) if types else selector

    def decode(self, data: bytes) -> tuple[Any, ...]:
        """The decoded return values; top-level addresses come checksummed."""
        values = decode(list(self.returns), data)
        return tuple(_checksum(v) if t == "address" else v
                     for t, v in zip(self.returns, values, strict=True))


def multicall(
    w3: Web3, calls: Sequence[Call], block: int | None = None
) -> list[tuple[Any, ...] | None]:
    """Results of ``calls`` in order, all read at ``block`` (default: the latest block number,
    fetched once). One round trip: MAX_CALLS_PER_BATCH calls per ``aggregate3`` eth_call, and
    several eth_calls go out together as one JSON-RPC batch request."""
    if not calls:
        return []
    if block is None:
        block = w3.eth.block_number
    chunks = [calls[i : i + MAX_CALLS_PER_BATCH] for i in range(0, len(calls), MAX_CALLS_PER_BATCH)]
    try:
        if len(chunks) == 1:
            raws = [w3.eth.call(_request(chunks[0]), block)]
        else:
            with w3.batch_requests() as batch:
                for chunk in chunks:
                    batch.add(w3.eth.call(_request(chunk), block))
                raws = list(batch.execute())  # type: ignore[arg-type]
    except Exception as err:  # web3 raises ContractLogicError / RPC errors
        if node_unreachable(err):
            raise NodeUnreachableError(f"Multicall3 batch of {len(calls)} calls: the node did "
                                       f"not answer ({err})") from err
        strict = not all(c.allow_failure for c in calls)
        failing = " (a call that may not fail reverted)" if strict else ""
        raise ChainError(f"Multicall3 batch of {len(calls)} calls failed{failing}: {err}") from err
    results: list[tuple[Any, ...] | None] = []
    for chunk, raw in zip(chunks, raws, strict=True):
        if not isinstance(raw, bytes | bytearray):
            raise ChainError(f"Multicall3 batch failed: {raw}")
        results += _decode(chunk, bytes(raw))
    return results


def _request(calls: Sequence[Call]) -> Any:
    payload = _AGGREGATE3 + encode(
        ["(address,bool,bytes)[]"],
        [[(_checksum(c.target), c.allow_failure, c.calldata()) for c in calls]],
    )
    return {"to": MULTICALL3, "data": payload}


def _decode(calls: Sequence[Call], raw: bytes) -> list[tuple[Any, ...] | None]:
    (answers,) = decode(["(bool,bytes)[]"], raw)
    out: list[tuple[Any, ...] | None] = []
    for call, (success, data) in zip(calls, answers, strict=True):
        if success:
            try:
                out.append(call.decode(data))
                continue
            except (DecodingError, OverflowError, ValueError) as err:
                if not call.allow_failure:
                    raise ChainError(
                        f"{call.signature} on {call.target} returned no {call.returns}"
                    ) from err
        elif not call.allow_failure:
            raise ChainError(f"{call.signature} on {call.target} reverted")
        out.append(None)
    return out
