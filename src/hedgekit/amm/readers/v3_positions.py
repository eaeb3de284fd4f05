"""Uniswap v3 NFT position reader (NonfungiblePositionManager).

Round trips, all through Multicall3 at one pinned block:
1. ``balanceOf(owner)`` (skipped when token ids are given);
2. ``tokenOfOwnerByIndex`` for each index (skipped likewise);
3. ``positions(tokenId)`` for each position;
4. for each position's pool (its address computed locally by CREATE2): slot0, global fee
   growth, ``ticks`` of the position's two ticks, and the tokens' symbol/decimals.
Principal amounts and uncollected fees are then computed exactly as the contracts do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import encode
from eth_utils import keccak
from web3 import Web3

from hedgekit.amm.readers.errors import require_address
from hedgekit.amm.readers.tokens import token_calls, tokens_from
from hedgekit.amm.readers.v3_pool import SLOT0, TICK_INFO
from hedgekit.amm.v3.liquidity_amounts import get_amounts_for_liquidity
from hedgekit.amm.v3.position_fees import get_fee_growth_inside, get_tokens_owed
from hedgekit.amm.v3.tick_math import get_sqrt_ratio_at_tick
from hedgekit.chain import addresses as A
from hedgekit.chain.deploy import create2_address
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import InputError
from hedgekit.types import Address, BlockNumber, Liquidity, SqrtPriceX96, Tick, Wei

POSITION = ("uint96", "address", "address", "address", "uint24", "int24", "int24", "uint128",
            "uint256", "uint256", "uint128", "uint128")
MAX_UINT128 = 2**128 - 1


@dataclass(frozen=True)
class PositionState:
    """One NFT position at one block, raw units.

    ``amount0``/``amount1``: the principal the liquidity holds at the pool price (rounded down,
    as ``LiquidityAmounts.getAmountsForLiquidity``); ``fees0``/``fees1``: what ``collect`` would
    pay now (tokens owed plus fees accrued since the last update, as the pool computes them).
    """

    token_id: int
    owner: Address
    pool: Address
    token0: Address
    token1: Address
    decimals0: int
    decimals1: int
    fee: int
    tick_lower: Tick
    tick_upper: Tick
    liquidity: Liquidity
    pool_sqrt_price_x96: SqrtPriceX96
    pool_tick: Tick
    amount0: Wei
    amount1: Wei
    fees0: Wei
    fees1: Wei
    block_number: BlockNumber

    @property
    def in_range(self) -> bool:
        """Whether the pool's tick is inside [tick_lower, tick_upper) (the position earns)."""
        return self.tick_lower <= self.pool_tick < self.tick_upper


def pool_address(token0: str, token1: str, fee: int,
                 factory: str = A.UNISWAP_V3_FACTORY) -> Address:
    """The v3 pool's CREATE2 address (PoolAddress.computeAddress)."""
    salt = keccak(encode(["address", "address", "uint24"], [token0, token1, fee]))
    init = bytes.fromhex(A.UNISWAP_V3_POOL_INIT_CODE_HASH[2:])
    return Address(create2_address(factory, salt, init))


def read_token_ids(w3: Web3, owner: str, block: int,
                   manager: str = A.NONFUNGIBLE_POSITION_MANAGER) -> list[int]:
    """Every position id ``owner`` holds (2 round trips)."""
    holder = require_address(owner, "owner")
    (answer,) = multicall(w3, [Call(manager, "balanceOf(address)", (holder,), ("uint256",))],
                          block=block)
    count = int(answer[0]) if answer else 0
    calls = [Call(manager, "tokenOfOwnerByIndex(address,uint256)", (holder, i), ("uint256",))
             for i in range(count)]
    return [int(a[0]) for a in multicall(w3, calls, block=block)]  # type: ignore[index]


def read_positions(w3: Web3, owner: str, token_ids: Sequence[int] | None = None,
                   block: int | None = None,
                   manager: str = A.NONFUNGIBLE_POSITION_MANAGER) -> list[PositionState]:
    """``owner``'s positions (all of them, or ``token_ids``) at one block."""
    holder = require_address(owner, "owner")
    block = w3.eth.block_number if block is None else block
    ids = list(token_ids) if token_ids is not None else read_token_ids(w3, holder, block, manager)
    if not ids:
        return []
    calls = [Call(manager, "positions(uint256)", (i,), POSITION, allow_failure=True) for i in ids]
    calls += [Call(manager, "ownerOf(uint256)", (i,), ("address",), allow_failure=True)
              for i in ids]
    answers = multicall(w3, calls, block=block)
    raw, owners = answers[: len(ids)], answers[len(ids) :]
    for token_id, position, holder_of in zip(ids, raw, owners, strict=True):
        if position is None or holder_of is None:
            raise InputError(f"position {token_id} does not exist at block {block}")
        if holder_of[0] != holder:
            raise InputError(f"position {token_id} belongs to {holder_of[0]}, not {holder}")
    return _with_pools(w3, holder, ids, raw, block)  # type: ignore[arg-type]


def _with_pools(w3: Web3, owner: Address, ids: list[int],
                raw: list[tuple[object, ...]], block: int) -> list[PositionState]:
    pools = [pool_address(str(p[2]), str(p[3]), int(p[4])) for p in raw]  # type: ignore[call-overload]
    unique = list(dict.fromkeys(pools))
    tokens = list(dict.fromkeys(Address(str(t)) for p in raw for t in (p[2], p[3])))
    calls = []
    for pool in unique:
        calls += [Call(pool, "slot0()", (), SLOT0),
                  Call(pool, "feeGrowthGlobal0X128()", (), ("uint256",)),
                  Call(pool, "feeGrowthGlobal1X128()", (), ("uint256",))]
    for pool, p in zip(pools, raw, strict=True):
        calls += [Call(pool, "ticks(int24)", (p[5],), TICK_INFO),
                  Call(pool, "ticks(int24)", (p[6],), TICK_INFO)]
    calls += token_calls(tokens)
    answers = multicall(w3, calls, block=block)
    per_pool = {pool: answers[3 * i : 3 * i + 3] for i, pool in enumerate(unique)}
    start = 3 * len(unique)
    ticks = answers[start : start + 2 * len(raw)]
    infos = tokens_from(tokens, answers[start + 2 * len(raw) :])
    out = []
    for i, (token_id, pool, p) in enumerate(zip(ids, pools, raw, strict=True)):
        slot0, growth0, growth1 = per_pool[pool]
        lower_info, upper_info = ticks[2 * i], ticks[2 * i + 1]
        assert slot0 and growth0 and growth1 and lower_info and upper_info
        lower, upper, liquidity = int(p[5]), int(p[6]), int(p[7])  # type: ignore[call-overload]
        fees = []
        for token, growth, last, owed in ((0, growth0[0], p[8], p[10]),
                                          (1, growth1[0], p[9], p[11])):
            inside = get_fee_growth_inside(lower, upper, int(slot0[1]), int(growth),
                                           int(lower_info[2 + token]), int(upper_info[2 + token]))
            fees.append(Wei((int(owed) + get_tokens_owed(inside, int(last), liquidity))  # type: ignore[call-overload]
                            & MAX_UINT128))
        amount0, amount1 = get_amounts_for_liquidity(
            int(slot0[0]), get_sqrt_ratio_at_tick(lower), get_sqrt_ratio_at_tick(upper), liquidity)
        t0, t1 = Address(str(p[2])), Address(str(p[3]))
        out.append(PositionState(
            token_id, owner, pool, t0, t1, infos[t0].decimals, infos[t1].decimals, int(p[4]),  # type: ignore[call-overload]
            Tick(lower), Tick(upper), Liquidity(liquidity), SqrtPriceX96(int(slot0[0])),
            Tick(int(slot0[1])), amount0, amount1, fees[0], fees[1], BlockNumber(block)))
    return out
