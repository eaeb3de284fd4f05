"""ERC-20 metadata and balances."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from web3 import Web3

from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import InputError
from hedgekit.types import Address, BlockNumber, Wei


@dataclass(frozen=True)
class TokenInfo:
    """An ERC-20's address, symbol and decimals."""

    address: Address
    symbol: str
    decimals: int


def token_calls(tokens: Sequence[Address]) -> list[Call]:
    """symbol() and decimals() of each token, in that order (to merge into a larger batch)."""
    calls = []
    for token in tokens:
        calls += [Call(token, "symbol()", (), ("string",), allow_failure=True),
                  Call(token, "decimals()", (), ("uint8",), allow_failure=True)]
    return calls


def tokens_from(tokens: Sequence[Address], answers: Sequence[object]) -> dict[Address, TokenInfo]:
    """Decode the answers of :func:`token_calls`. A token without ``decimals()`` is an
    InputError; one without a string ``symbol()`` (e.g. MKR's bytes32) is named by address."""
    out = {}
    for i, token in enumerate(tokens):
        symbol, decimals = answers[2 * i], answers[2 * i + 1]
        if decimals is None:
            raise InputError(f"token {token} has no decimals(): not an ERC-20")
        name = symbol[0] if isinstance(symbol, tuple) else token[:10]
        out[token] = TokenInfo(token, str(name), int(decimals[0]))  # type: ignore[index]
    return out


def read_tokens(w3: Web3, tokens: Sequence[Address],
                block: int | None = None) -> dict[Address, TokenInfo]:
    """Metadata of ``tokens`` in one round trip."""
    unique = list(dict.fromkeys(tokens))
    return tokens_from(unique, multicall(w3, token_calls(unique), block=block))


def read_balances(w3: Web3, owner: Address, tokens: Sequence[Address],
                  block: int | None = None) -> tuple[BlockNumber, dict[Address, Wei]]:
    """(block, balance of each token) of ``owner``, plus its ETH balance under the key
    ``"ETH"``, all at one block in one round trip (Multicall3's getEthBalance)."""
    from hedgekit.chain.addresses import MULTICALL3

    block = w3.eth.block_number if block is None else block
    calls = [Call(t, "balanceOf(address)", (owner,), ("uint256",)) for t in tokens]
    calls.append(Call(MULTICALL3, "getEthBalance(address)", (owner,), ("uint256",)))
    answers = multicall(w3, calls, block=block)
    balances = {t: Wei(a[0]) for t, a in zip(tokens, answers, strict=False)}  # type: ignore[index]
    balances[Address("ETH")] = Wei(answers[-1][0])  # type: ignore[index]
    return BlockNumber(block), balances
