"""Uniswap v2 pair reader: reserves, LP supply and (optionally) one owner's LP balance.

Round trips: 1. every pair's tokens, reserves, totalSupply, kLast, the owner's balance and the
factory's feeTo; 2. the tokens' decimals. Both through Multicall3 at one pinned block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from web3 import Web3

from hedgekit.amm.readers.errors import require_address, require_contracts
from hedgekit.amm.readers.tokens import read_tokens
from hedgekit.chain.addresses import UNISWAP_V2_FACTORY
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import InputError
from hedgekit.types import Address, BlockNumber, Wei

ZERO = "0x" + "00" * 20


@dataclass(frozen=True)
class V2PairState:
    """One v2 pair at one block, raw units. ``lp_balance`` is the owner's LP tokens (0 when no
    owner was given); ``fee_on`` whether the factory's protocol fee is on (it mints LP tokens to
    ``feeTo`` on the next mint/burn, see ``hedgekit.amm.v2.burn_amounts``)."""

    address: Address
    token0: Address
    token1: Address
    decimals0: int
    decimals1: int
    reserve0: Wei
    reserve1: Wei
    total_supply: Wei
    k_last: int
    fee_on: bool
    lp_balance: Wei
    block_number: BlockNumber


_FIELDS = (("token0()", ("address",)), ("token1()", ("address",)),
           ("getReserves()", ("uint112", "uint112", "uint32")), ("totalSupply()", ("uint256",)),
           ("kLast()", ("uint256",)))


def read_v2_pairs(w3: Web3, pairs: Sequence[str], owner: str | None = None,
                  block: int | None = None) -> list[V2PairState]:
    """State of each pair (and ``owner``'s LP balance) at one block, in 2 round trips."""
    addresses = [require_address(p, "pair") for p in pairs]
    holder = require_address(owner, "owner") if owner else Address(ZERO)
    block = w3.eth.block_number if block is None else block
    calls = [Call(p, sig, (), types, allow_failure=True)
             for p in addresses for sig, types in _FIELDS]
    calls += [Call(p, "balanceOf(address)", (holder,), ("uint256",), allow_failure=True)
              for p in addresses]
    calls.append(Call(UNISWAP_V2_FACTORY, "feeTo()", (), ("address",), allow_failure=True))
    answers = multicall(w3, calls, block=block)
    width = len(_FIELDS)
    rows = [answers[i * width : (i + 1) * width] for i in range(len(addresses))]
    balances = answers[width * len(addresses) : width * len(addresses) + len(addresses)]
    broken = [p for p, row in zip(addresses, rows, strict=True) if any(a is None for a in row)]
    if broken:
        require_contracts(w3, broken, "pair", block)
        raise InputError(f"{broken[0]} is not a Uniswap v2 pair (its pair getters fail)")
    fee_to = answers[-1]
    fee_on = bool(fee_to and fee_to[0] != ZERO)
    tokens = read_tokens(w3, [Address(r[i][0]) for r in rows for i in (0, 1)], block)  # type: ignore[index]
    out = []
    for pair, row, balance in zip(addresses, rows, balances, strict=True):
        t0, t1 = Address(row[0][0]), Address(row[1][0])  # type: ignore[index]
        reserves = row[2]
        assert reserves is not None
        out.append(V2PairState(
            pair, t0, t1, tokens[t0].decimals, tokens[t1].decimals, Wei(reserves[0]),
            Wei(reserves[1]), Wei(row[3][0]), int(row[4][0]), fee_on,  # type: ignore[index]
            Wei(balance[0] if balance else 0), BlockNumber(block)))
    return out
