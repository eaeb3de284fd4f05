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
from typing import Any

from eth_abi import decode, encode
from eth_abi.exceptions import DecodingError
from eth_utils import keccak, to_checksum_address
from web3 import Web3

from hedgekit.chain.addresses import MULTICALL3
from hedgekit.errors import ChainError

_AGGREGATE3 = keccak(text="aggregate3((address,bool,bytes)[])")[:4]
#: Calls per aggregate3 request; larger batches are split into several requests.
MAX_CALLS_PER_BATCH = 2_000


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
        return keccak(text=self.signature)[:4] + encode(_input_types(self.signature),
                                                         list(self.args))

    def decode(self, data: bytes) -> tuple[Any, ...]:
        return tuple(decode(list(self.returns), data))


def multicall(
    w3: Web3, calls: Sequence[Call], block: int | None = None
) -> list[tuple[Any, ...] | None]:
    """Results of ``calls`` in order, all read at ``block`` (default: the latest block number,
    fetched once). One ``eth_call`` per MAX_CALLS_PER_BATCH calls."""
    if block is None:
        block = w3.eth.block_number
    results: list[tuple[Any, ...] | None] = []
    for start in range(0, len(calls), MAX_CALLS_PER_BATCH):
        results += _aggregate3(w3, calls[start : start + MAX_CALLS_PER_BATCH], block)
    return results


def _aggregate3(w3: Web3, calls: Sequence[Call], block: int) -> list[tuple[Any, ...] | None]:
    payload = _AGGREGATE3 + encode(
        ["(address,bool,bytes)[]"],
        [[(to_checksum_address(c.target), c.allow_failure, c.calldata()) for c in calls]],
    )
    try:
        raw = w3.eth.call({"to": MULTICALL3, "data": payload}, block)  # type: ignore[typeddict-item]
    except Exception as err:  # web3 raises ContractLogicError / RPC errors
        failing = "" if any(c.allow_failure for c in calls) else " (one of the calls reverted)"
        raise ChainError(f"Multicall3 batch of {len(calls)} calls failed{failing}: {err}") from err
    (answers,) = decode(["(bool,bytes)[]"], raw)
    out: list[tuple[Any, ...] | None] = []
    for call, (success, data) in zip(calls, answers, strict=True):
        if success:
            try:
                out.append(call.decode(data))
                continue
            except DecodingError as err:
                if not call.allow_failure:
                    raise ChainError(
                        f"{call.signature} on {call.target} returned no {call.returns}"
                    ) from err
        elif not call.allow_failure:
            raise ChainError(f"{call.signature} on {call.target} reverted")
        out.append(None)
    return out
