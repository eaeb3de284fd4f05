"""Address derivations used to place contracts at their canonical addresses."""

from __future__ import annotations

import pytest
from eth_utils import to_checksum_address

from hedgekit.chain import addresses as A
from hedgekit.chain.deploy import create_address
from hedgekit.chain.protocols import UNISWAP_V3_NONCES


@pytest.mark.parametrize(("nonce", "name", "address"), UNISWAP_V3_NONCES)
def test_create_address__of_uniswap_v3_deployer__is_canonical(
    nonce: int, name: str, address: str
) -> None:
    assert create_address(A.UNISWAP_V3_DEPLOYER, nonce) == address


def test_create_address__of_multicall3_deployer_nonce_0__is_multicall3() -> None:
    assert create_address(A.MULTICALL3_DEPLOYER, 0) == A.MULTICALL3


def test_canonical_addresses__are_checksummed() -> None:
    for name, value in vars(A).items():
        if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
            assert to_checksum_address(value) == value, name
