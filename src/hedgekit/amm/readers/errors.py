"""Input checks shared by the readers: addresses that are well formed and hold code."""

from __future__ import annotations

from collections.abc import Sequence

from eth_utils import is_address, to_checksum_address
from web3 import Web3

from hedgekit.errors import InputError
from hedgekit.types import Address


def require_address(value: str, what: str = "address") -> Address:
    """The checksummed form of ``value``; InputError if it is not a 20-byte hex address."""
    if not isinstance(value, str) or not is_address(value):
        raise InputError(f"{what} {value!r} is not a 20-byte hex address")
    return Address(to_checksum_address(value))


def require_contracts(w3: Web3, addresses: Sequence[Address], what: str, block: int) -> None:
    """InputError naming the first of ``addresses`` with no code at ``block`` (an EOA or an
    empty address). One JSON-RPC batch for all of them."""
    if not addresses:
        return
    with w3.batch_requests() as batch:
        for address in addresses:
            batch.add(w3.eth.get_code(address, block))  # type: ignore[arg-type]
        codes = batch.execute()
    for address, code in zip(addresses, codes, strict=True):
        if not code:
            raise InputError(f"{what} {address} has no code (an EOA or nothing) at block {block}")
