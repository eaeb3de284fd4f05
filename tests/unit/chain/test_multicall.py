"""Multicall3 call encoding (no chain)."""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak

from hedgekit.chain.multicall import Call, _input_types


def test_input_types__split_top_level_commas_only() -> None:
    assert _input_types("f()") == []
    assert _input_types("balanceOf(address)") == ["address"]
    assert _input_types("g(uint256,(address,bool)[],bytes)") == [
        "uint256", "(address,bool)[]", "bytes"]


def test_calldata__is_selector_plus_abi_encoded_args() -> None:
    call = Call("0x" + "11" * 20, "balanceOf(address)", ("0x" + "22" * 20,), ("uint256",))
    assert call.calldata() == keccak(text="balanceOf(address)")[:4] + encode(
        ["address"], ["0x" + "22" * 20])
    assert call.decode(encode(["uint256"], [7])) == (7,)
