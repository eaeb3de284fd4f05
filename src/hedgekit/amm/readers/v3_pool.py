"""Uniswap v3 pool reader: ``PoolState`` snapshots with their full map of initialized ticks.

Round trips (each one HTTP request, through Multicall3 at one pinned block):
1. every pool's slot0, liquidity, fee, tickSpacing, tokens and global fee growth;
2. the tokens' symbol/decimals and every pool's tick bitmap, word by word over the whole
   usable range (``tickBitmap(int16)``);
3. ``ticks(int24)`` of every initialized tick the bitmaps name (liquidityNet, fee growth
   outside).
So the tick map of a pool whose spacing is known costs exactly 2 round trips
(:func:`read_tick_maps`), and N complete pool states 3, whatever N.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from web3 import Web3

from hedgekit.amm.readers.errors import require_address, require_contracts
from hedgekit.amm.readers.tokens import token_calls, tokens_from
from hedgekit.amm.v3.pool_state import PoolState
from hedgekit.amm.v3.tick_math import MAX_TICK, MIN_TICK
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import InputError
from hedgekit.types import Address, BlockNumber, FeePips, Liquidity, SqrtPriceX96, Tick

SLOT0 = ("uint160", "int24", "uint16", "uint16", "uint16", "uint8", "bool")
TICK_INFO = ("uint128", "int128", "uint256", "uint256", "int56", "uint160", "uint32", "bool")
#: (signature, return types) read for each pool in the first round trip, in this order.
POOL_FIELDS = (
    ("slot0()", SLOT0),
    ("liquidity()", ("uint128",)),
    ("fee()", ("uint24",)),
    ("tickSpacing()", ("int24",)),
    ("token0()", ("address",)),
    ("token1()", ("address",)),
    ("feeGrowthGlobal0X128()", ("uint256",)),
    ("feeGrowthGlobal1X128()", ("uint256",)),
)


@dataclass(frozen=True)
class TickMap:
    """A pool's initialized ticks: liquidityNet and fee growth outside (Q128.128) per tick."""

    liquidity_net: dict[int, int]
    fee_growth_outside0_x128: dict[int, int]
    fee_growth_outside1_x128: dict[int, int]


def bitmap_words(tick_spacing: int) -> range:
    """The bitmap word positions that can hold a usable tick of this spacing: the pool stores
    tick t at bit (t // spacing) % 256 of word (t // spacing) >> 8."""
    return range((MIN_TICK // tick_spacing) >> 8, ((MAX_TICK // tick_spacing) >> 8) + 1)


def _bitmap_calls(pool: Address, spacing: int) -> list[Call]:
    return [Call(pool, "tickBitmap(int16)", (w,), ("uint256",)) for w in bitmap_words(spacing)]


def _initialized_ticks(spacing: int, words: Sequence[tuple[int, ...] | None]) -> list[int]:
    ticks = []
    for position, answer in zip(bitmap_words(spacing), words, strict=True):
        bits = answer[0] if answer else 0
        while bits:
            low = bits & -bits
            ticks.append(((position << 8) + low.bit_length() - 1) * spacing)
            bits ^= low
    return ticks


def _tick_maps(w3: Web3, spaced: Sequence[tuple[Address, int]],
               words: Sequence[Sequence[tuple[int, ...] | None]], block: int) -> list[TickMap]:
    """The last round trip: ticks(t) for the initialized ticks named by each pool's words."""
    per_pool = [_initialized_ticks(s, w) for (_, s), w in zip(spaced, words, strict=True)]
    calls = [Call(pool, "ticks(int24)", (t,), TICK_INFO)
             for (pool, _), ticks in zip(spaced, per_pool, strict=True) for t in ticks]
    answers = iter(multicall(w3, calls, block=block))
    maps = []
    for ticks in per_pool:
        net, out0, out1 = {}, {}, {}
        for tick in ticks:
            info = next(answers)
            assert info is not None  # ticks(int24) calls may not fail
            net[tick], out0[tick], out1[tick] = info[1], info[2], info[3]
        maps.append(TickMap(net, out0, out1))
    return maps


def read_tick_maps(w3: Web3, pools: Sequence[tuple[str, int]],
                   block: int | None = None) -> tuple[BlockNumber, list[TickMap]]:
    """(block, tick map of each (pool, tick_spacing)) in 2 round trips."""
    block = w3.eth.block_number if block is None else block
    spaced = [(require_address(p, "pool"), s) for p, s in pools]
    calls = [c for pool, s in spaced for c in _bitmap_calls(pool, s)]
    answers = multicall(w3, calls, block=block)
    words, start = [], 0
    for _, spacing in spaced:
        count = len(bitmap_words(spacing))
        words.append(answers[start : start + count])
        start += count
    return BlockNumber(block), _tick_maps(w3, spaced, words, block)


def read_pool_states(w3: Web3, pools: Sequence[str], block: int | None = None,
                     with_ticks: bool = True,
                     decimals: Mapping[str, int] | None = None) -> list[PoolState]:
    """Full ``PoolState`` of each pool at one block (default: latest).

    Round trips: 3 with ``with_ticks`` (the default), 2 without (then ``ticks`` is empty: enough
    for prices and liquidity at the current tick, not for swaps across ticks), and 1 without
    ticks when ``decimals`` already knows every token's decimals (they never change).

    InputError for a malformed address, an address without code, or a contract that is not a
    Uniswap v3 pool.
    """
    addresses = [require_address(p, "pool") for p in pools]
    known = {require_address(t, "token"): d for t, d in (decimals or {}).items()}
    block = w3.eth.block_number if block is None else block
    calls = [Call(p, sig, (), types, allow_failure=True)
             for p in addresses for sig, types in POOL_FIELDS]
    answers = multicall(w3, calls, block=block)
    width = len(POOL_FIELDS)
    rows = [answers[i * width : (i + 1) * width] for i in range(len(addresses))]
    broken = [p for p, row in zip(addresses, rows, strict=True) if any(a is None for a in row)]
    if broken:
        require_contracts(w3, broken, "pool", block)
        raise InputError(f"{broken[0]} is not a Uniswap v3 pool (its pool getters fail)")
    tokens = list(dict.fromkeys(t for row in rows for t in (row[4][0], row[5][0])))  # type: ignore[index]
    unknown = [t for t in tokens if t not in known]
    spaced = [(p, int(row[3][0])) for p, row in zip(addresses, rows, strict=True)]  # type: ignore[index]
    second = token_calls(unknown)
    if with_ticks:
        second += [c for pool, s in spaced for c in _bitmap_calls(pool, s)]
    answers2 = multicall(w3, second, block=block)
    infos = tokens_from(unknown, answers2[: 2 * len(unknown)])
    found = {t: info.decimals for t, info in infos.items()}
    maps: list[TickMap | None] = [None] * len(addresses)
    if with_ticks:
        words, start = [], 2 * len(unknown)
        for _, spacing in spaced:
            count = len(bitmap_words(spacing))
            words.append(answers2[start : start + count])
            start += count
        maps = list(_tick_maps(w3, spaced, words, block))
    token_decimals = known | found
    return [_pool_state(p, row, token_decimals, tick_map, block)
            for p, row, tick_map in zip(addresses, rows, maps, strict=True)]


def _pool_state(pool: Address, row: Sequence[tuple[object, ...] | None],
                decimals: Mapping[Address, int], tick_map: TickMap | None,
                block: int) -> PoolState:
    slot0, liquidity, fee, spacing, token0, token1, growth0, growth1 = (r[0] if r and len(r) == 1
                                                                       else r for r in row)
    assert isinstance(slot0, tuple)
    t0, t1 = Address(str(token0)), Address(str(token1))
    return PoolState(
        sqrt_price_x96=SqrtPriceX96(int(slot0[0])),  # type: ignore[call-overload]
        tick=Tick(int(slot0[1])),  # type: ignore[call-overload]
        liquidity=Liquidity(int(liquidity)),  # type: ignore[call-overload]
        fee=FeePips(int(fee)),  # type: ignore[call-overload]
        tick_spacing=int(spacing),  # type: ignore[call-overload]
        ticks=tick_map.liquidity_net if tick_map else {},
        fee_growth_global0_x128=int(growth0),  # type: ignore[call-overload]
        fee_growth_global1_x128=int(growth1),  # type: ignore[call-overload]
        fee_growth_outside0_x128=tick_map.fee_growth_outside0_x128 if tick_map else None,
        fee_growth_outside1_x128=tick_map.fee_growth_outside1_x128 if tick_map else None,
        fee_protocol=int(slot0[5]),  # type: ignore[call-overload]
        address=pool,
        block_number=BlockNumber(block),
        token0=t0,
        token1=t1,
        decimals0=decimals[t0],
        decimals1=decimals[t1],
    )
