"""PoolState: a frozen snapshot of a Uniswap v3 pool, enough to simulate swaps exactly.

Built by a chain reader (every field, tagged with ``block_number``) or by hand from a dict or a
list of positions. Raw on-chain units throughout: sqrt price as Q64.96, liquidity as uint128,
fee in pips, fee growth as Q128.128.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from hedgekit.amm.v3.full_math import require_int, require_uint
from hedgekit.amm.v3.liquidity_math import add_delta
from hedgekit.amm.v3.swap_math import FEE_DENOMINATOR
from hedgekit.amm.v3.tick_bitmap import build_bitmap, next_initialized_tick_within_one_word
from hedgekit.amm.v3.tick_math import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    get_sqrt_ratio_at_tick,
    get_tick_at_sqrt_ratio,
)
from hedgekit.errors import InputError
from hedgekit.types import Address, BlockNumber, FeePips, Liquidity, SqrtPriceX96, Tick

MAX_TICK_SPACING = 16383
"""The factory requires 0 < tickSpacing < 16384."""


def _int(name: str, value: Any) -> int:
    """An int from an int or a decimal string (JSON carries big ints as strings)."""
    if isinstance(value, bool):
        raise InputError(f"{name} must be an int, got bool")
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value, 0) if value.lower().startswith("0x") else int(value)
        except ValueError as err:
            raise InputError(f"{name} is not an integer: {value!r}") from err
    raise InputError(f"{name} must be an int, got {type(value).__name__}")


def _frozen_int_map(
    name: str, data: Mapping[Any, Any] | Iterable[tuple[Any, Any]]
) -> Mapping[int, int]:
    items = data.items() if isinstance(data, Mapping) else data
    converted = {_int(f"{name} key", k): _int(f"{name}[{k}]", v) for k, v in items}
    return MappingProxyType(dict(sorted(converted.items())))


@dataclass(frozen=True)
class PoolState:
    """State of one Uniswap v3 pool at one block.

    ``ticks`` maps every **initialized** tick to its ``liquidityNet`` (int128, may be 0 when
    positions cancel but the tick is still initialized). It is stored as a read-only mapping in
    ascending tick order; the 256-bit bitmap words the swap walks are derived from it.

    ``fee_protocol`` is the raw ``slot0.feeProtocol`` byte: low nibble for token0, high nibble for
    token1, each 0 (off) or 4..10 (the protocol takes 1/n of the swap fee).

    ``fee_growth_outside0_x128``/``1`` map initialized ticks to ``feeGrowthOutside``; they and
    the global fee growth are optional (a swap does not need them) but are carried through swaps
    when given, so position fees can be computed after a simulated sequence of swaps.
    """

    sqrt_price_x96: SqrtPriceX96
    tick: Tick
    liquidity: Liquidity
    fee: FeePips
    tick_spacing: int
    ticks: Mapping[int, int] = field(default_factory=dict, hash=False)
    fee_growth_global0_x128: int | None = None
    fee_growth_global1_x128: int | None = None
    fee_growth_outside0_x128: Mapping[int, int] | None = field(default=None, hash=False)
    fee_growth_outside1_x128: Mapping[int, int] | None = field(default=None, hash=False)
    fee_protocol: int = 0
    address: Address | None = None
    block_number: BlockNumber | None = None
    token0: Address | None = None
    token1: Address | None = None
    decimals0: int | None = None
    decimals1: int | None = None
    _bitmap: Mapping[int, int] = field(
        init=False, repr=False, compare=False, hash=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        require_uint("sqrt_price_x96", self.sqrt_price_x96, 160)
        require_int("tick", self.tick, 24)
        require_uint("liquidity", self.liquidity, 128)
        require_uint("fee", self.fee, 24)
        if self.fee >= FEE_DENOMINATOR:
            raise InputError(f"pool_state: fee must be < 1_000_000 pips, got {self.fee}")
        if not 0 < self.tick_spacing <= MAX_TICK_SPACING:
            raise InputError(f"pool_state: tick_spacing out of range: {self.tick_spacing}")
        if not MIN_SQRT_RATIO <= self.sqrt_price_x96 < MAX_SQRT_RATIO:
            raise InputError(f"pool_state: sqrt price out of range: {self.sqrt_price_x96}")
        expected = get_tick_at_sqrt_ratio(self.sqrt_price_x96)
        # after crossing a tick downwards the pool stores tick - 1 while the price sits exactly
        # on the crossed tick's sqrt ratio
        on_boundary = get_sqrt_ratio_at_tick(expected) == self.sqrt_price_x96
        if self.tick != expected and not (on_boundary and self.tick == expected - 1):
            raise InputError(
                f"pool_state: tick {self.tick} does not match sqrt price (tick {expected})"
            )
        require_uint("fee_protocol", self.fee_protocol, 8)
        for nibble in (self.fee_protocol & 0xF, self.fee_protocol >> 4):
            if nibble != 0 and not 4 <= nibble <= 10:
                raise InputError(f"pool_state: invalid fee_protocol {self.fee_protocol:#x}")

        ticks = _frozen_int_map("ticks", self.ticks)
        for tick, net in ticks.items():
            if not MIN_TICK <= tick <= MAX_TICK:
                raise InputError(f"pool_state: tick {tick} out of range")
            require_int(f"liquidity_net[{tick}]", net, 128)
        object.__setattr__(self, "ticks", ticks)
        object.__setattr__(
            self, "_bitmap", MappingProxyType(build_bitmap(ticks, self.tick_spacing))
        )

        for name in ("fee_growth_global0_x128", "fee_growth_global1_x128"):
            value = getattr(self, name)
            if value is not None:
                require_uint(name, value, 256)
        outside_given = [
            getattr(self, n) is not None
            for n in ("fee_growth_outside0_x128", "fee_growth_outside1_x128")
        ]
        if any(outside_given) and not (
            all(outside_given)
            and self.fee_growth_global0_x128 is not None
            and self.fee_growth_global1_x128 is not None
        ):
            raise InputError(
                "pool_state: fee_growth_outside needs both tokens' outside maps and both "
                "fee_growth_global values"
            )
        for name in ("fee_growth_outside0_x128", "fee_growth_outside1_x128"):
            value = getattr(self, name)
            if value is None:
                continue
            outside = _frozen_int_map(name, value)
            for tick, growth in outside.items():
                require_uint(f"{name}[{tick}]", growth, 256)
            object.__setattr__(self, name, outside)

    # -- constructors ------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PoolState:
        """Build from a plain dict (e.g. parsed JSON): ints may be decimal or 0x strings, tick
        keys may be strings, and ``tick`` may be omitted (it is then derived from the price).
        Unknown keys raise ``InputError``."""
        names = {f.name for f in dataclasses.fields(cls) if f.init}
        unknown = set(data) - names
        if unknown:
            raise InputError(f"pool_state: unknown fields {sorted(unknown)}")
        values: dict[str, Any] = dict(data)
        for name in ("sqrt_price_x96", "liquidity", "fee", "tick_spacing", "fee_protocol"):
            if name in values:
                values[name] = _int(name, values[name])
        for name in ("fee_growth_global0_x128", "fee_growth_global1_x128", "block_number"):
            if values.get(name) is not None:
                values[name] = _int(name, values[name])
        if "sqrt_price_x96" not in values:
            raise InputError("pool_state: sqrt_price_x96 is required")
        if values.get("tick") is None:
            values["tick"] = get_tick_at_sqrt_ratio(values["sqrt_price_x96"])
        else:
            values["tick"] = _int("tick", values["tick"])
        try:
            return cls(**values)
        except TypeError as err:
            raise InputError(f"pool_state: {err}") from err

    @classmethod
    def from_positions(
        cls,
        sqrt_price_x96: SqrtPriceX96 | int,
        fee: FeePips | int,
        tick_spacing: int,
        positions: Iterable[tuple[int, int, int]],
        **extra: Any,
    ) -> PoolState:
        """Build the state a fresh pool reaches when ``positions`` (``(tick_lower, tick_upper,
        liquidity)``) are minted at ``sqrt_price_x96``: liquidity nets at both ends and the
        active liquidity of the ranges with ``tick_lower <= tick < tick_upper``."""
        tick = get_tick_at_sqrt_ratio(sqrt_price_x96)
        nets: dict[int, int] = {}
        active = Liquidity(0)
        for lower, upper, amount in positions:
            if not (MIN_TICK <= lower < upper <= MAX_TICK) or amount <= 0:
                raise InputError(f"pool_state: invalid position {(lower, upper, amount)}")
            nets[lower] = nets.get(lower, 0) + amount
            nets[upper] = nets.get(upper, 0) - amount
            if lower <= tick < upper:
                active = add_delta(active, amount)
        return cls(
            sqrt_price_x96=SqrtPriceX96(sqrt_price_x96),
            tick=tick,
            liquidity=active,
            fee=FeePips(fee),
            tick_spacing=tick_spacing,
            ticks=nets,
            **extra,
        )

    # -- queries -----------------------------------------------------------------------------

    @property
    def initialized_ticks(self) -> tuple[int, ...]:
        """Initialized ticks in ascending order."""
        return tuple(self.ticks)

    def liquidity_net(self, tick: int) -> int:
        """``liquidityNet`` of ``tick`` (0 for an uninitialized tick, as the pool's storage)."""
        return self.ticks.get(tick, 0)

    def bitmap_word(self, word_pos: int) -> int:
        """The 256-bit ``tickBitmap`` word at ``word_pos`` (0 when no tick in it is set)."""
        return self._bitmap.get(word_pos, 0)

    def next_initialized_tick_within_one_word(self, tick: int, lte: bool) -> tuple[Tick, bool]:
        """``TickBitmap.nextInitializedTickWithinOneWord`` on this pool's bitmap."""
        return next_initialized_tick_within_one_word(self.bitmap_word, tick, self.tick_spacing, lte)

    def replace(self, **changes: Any) -> PoolState:
        """A copy with some fields changed (validated again)."""
        return dataclasses.replace(self, **changes)


__all__ = ["MAX_TICK_SPACING", "PoolState"]
