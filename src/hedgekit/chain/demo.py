"""Dev-chain helpers for demos and tests: fund an account and mint it an LP position through
the real NonfungiblePositionManager (the replica's operator mints the USDC)."""

from __future__ import annotations

from typing import Any

from web3 import Web3
from web3.logs import DISCARD

from hedgekit.amm.readers import read_pool_states
from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.replica_build import operator_of
from hedgekit.units import nearest_usable_tick


def fund(w3: Web3, account: str, usdc: int = 0, weth: int = 0) -> None:
    """Give ``account`` USDC (minted by the operator) and WETH (wrapped from its own ETH),
    both in base units."""
    if usdc:
        token = w3.eth.contract(address=A.USDC, abi=project_artifact("Token").abi)  # type: ignore[call-overload]
        transact(w3, token.functions.mint(account, usdc).build_transaction(
            {"from": operator_of(w3)}), "minting USDC")
    if weth:
        contract = w3.eth.contract(address=A.WETH, abi=npm_artifact("WETH9").abi)  # type: ignore[call-overload]
        transact(w3, contract.functions.deposit().build_transaction(
            {"from": account, "value": weth}), "wrapping ETH")


def _manager(w3: Web3) -> Any:
    return w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,  # type: ignore[call-overload]
                           abi=npm_artifact("NonfungiblePositionManager").abi)


def position_mint(w3: Web3, owner: str, width_ticks: int, usdc: int, weth: int,
                  pool: str = A.WETH_USDC_V3_005) -> Any:
    """Fund ``owner``, approve the position manager, and return the (unsent) manager ``mint``
    call of a position of about ±``width_ticks`` around the pool's tick."""
    (state,) = read_pool_states(w3, [pool], with_ticks=False)
    spacing = state.tick_spacing
    lower = nearest_usable_tick(state.tick - width_ticks, spacing)
    upper = nearest_usable_tick(state.tick + width_ticks, spacing)
    fund(w3, owner, usdc=usdc, weth=weth)
    for token in (A.USDC, A.WETH):
        erc20 = w3.eth.contract(address=token, abi=project_artifact("Token").abi)  # type: ignore[call-overload]
        transact(w3, erc20.functions.approve(A.NONFUNGIBLE_POSITION_MANAGER, 2**256 - 1)
                 .build_transaction({"from": owner}), "approving the position manager")
    deadline = int(w3.eth.get_block("latest")["timestamp"]) + 600
    params = (state.token0, state.token1, state.fee, lower, upper, usdc, weth, 0, 0, owner,
              deadline)
    return _manager(w3).functions.mint(params)


def mint_position(w3: Web3, owner: str, width_ticks: int, usdc: int, weth: int,
                  pool: str = A.WETH_USDC_V3_005) -> int:
    """Fund ``owner`` and mint a position of about ±``width_ticks`` around the pool's tick;
    returns the NFT id."""
    call = position_mint(w3, owner, width_ticks, usdc, weth, pool)
    receipt = transact(w3, call.build_transaction({"from": owner, "gas": 2_000_000}),
                       "minting the LP position")
    (event,) = _manager(w3).events.IncreaseLiquidity().process_receipt(receipt, errors=DISCARD)
    return int(event["args"]["tokenId"])
