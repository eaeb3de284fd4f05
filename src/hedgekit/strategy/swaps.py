"""Uniswap v3 swaps through the real SwapRouter, as unsigned transactions with their bounds.

Each builder takes the router allowance the owner has *at that point of the plan* and returns
the transactions (an exact-size approve first when the allowance is short) plus the allowance
left after them, so a sliced plan can chain several swaps.
"""

from __future__ import annotations

from eth_abi import encode
from eth_utils import keccak

from hedgekit.chain.addresses import SWAP_ROUTER
from hedgekit.venues.tx import UnsignedTx

_SYMBOLS = {"0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2": ("WETH", 18),
            "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48": ("USDC", 6)}


def _call(signature: str, types: list[str], args: list[object]) -> bytes:
    return keccak(text=signature)[:4] + encode(types, args)


def _fmt(token: str, amount: int) -> str:
    symbol, decimals = _SYMBOLS.get(token, (token[:8], 18))
    return f"{amount / 10**decimals:,.6g} {symbol}"


def _approve(token: str, owner_allowance: int, amount: int) -> tuple[tuple[UnsignedTx, ...], int]:
    if owner_allowance >= amount:
        return (), owner_allowance - amount
    tx = UnsignedTx(token, _call("approve(address,uint256)", ["address", "uint256"],
                                 [SWAP_ROUTER, amount]), 0,
                    f"approve {_fmt(token, amount)} to the SwapRouter")
    return (tx,), 0


_SINGLE = "(address,address,uint24,address,uint256,uint256,uint256,uint160)"


def _single(function: str, token_in: str, token_out: str, fee: int, owner: str, deadline: int,
            amount: int, bound: int) -> bytes:
    """Calldata of SwapRouter.exactInputSingle / exactOutputSingle (no price limit)."""
    params = (token_in, token_out, fee, owner, deadline, amount, bound, 0)
    return _call(f"{function}({_SINGLE})", [_SINGLE], [params])


def build_swap_exact_input(owner: str, token_in: str, token_out: str, fee: int, amount_in: int,
                           min_out: int, deadline: int, allowance: int
                           ) -> tuple[tuple[UnsignedTx, ...], int]:
    """Sell exactly ``amount_in`` for at least ``min_out`` (SwapRouter.exactInputSingle)."""
    approvals, left = _approve(token_in, allowance, amount_in)
    data = _single("exactInputSingle", token_in, token_out, fee, owner, deadline, amount_in,
                   min_out)
    tx = UnsignedTx(SWAP_ROUTER, data, 0,
                    f"swap {_fmt(token_in, amount_in)} for >= {_fmt(token_out, min_out)}",
                    f"pool fee {fee / 10_000:g}%, deadline {deadline}")
    return (*approvals, tx), left


def build_swap_exact_output(owner: str, token_in: str, token_out: str, fee: int,
                            amount_out: int, max_in: int, deadline: int, allowance: int
                            ) -> tuple[tuple[UnsignedTx, ...], int]:
    """Buy exactly ``amount_out`` for at most ``max_in`` (SwapRouter.exactOutputSingle). The
    approval covers ``max_in``; the allowance left assumes the router pulls all of it."""
    approvals, left = _approve(token_in, allowance, max_in)
    data = _single("exactOutputSingle", token_in, token_out, fee, owner, deadline, amount_out,
                   max_in)
    tx = UnsignedTx(SWAP_ROUTER, data, 0,
                    f"buy {_fmt(token_out, amount_out)} for <= {_fmt(token_in, max_in)}",
                    f"pool fee {fee / 10_000:g}%, deadline {deadline}")
    return (*approvals, tx), left
