"""TickBitmap.nextInitializedTickWithinOneWord cases from Uniswap v3-core
test/TickBitmap.spec.ts (initialized ticks -200, -55, -4, 70, 78, 84, 139, 240, 535 at spacing 1),
and PoolState construction."""

import pytest

from hedgekit.amm.v3 import MAX_TICK, PoolState, get_sqrt_ratio_at_tick
from hedgekit.amm.v3.tick_bitmap import build_bitmap, next_initialized_tick_within_one_word
from hedgekit.errors import InputError

SPEC_TICKS = [-200, -55, -4, 70, 78, 84, 139, 240, 535]
WORDS = build_bitmap(SPEC_TICKS, 1)


@pytest.mark.parametrize(
    ("tick", "expected"),
    [
        (78, (84, True)),  # returns tick to right if at initialized tick
        (-55, (-4, True)),
        (77, (78, True)),  # returns the tick directly to the right
        (-56, (-55, True)),
        (255, (511, False)),  # returns the next words initialized tick if on the right boundary
        (-257, (-200, True)),
        (325, (511, False)),  # does not exceed boundary
        (508, (511, False)),  # skips entire word
        (511, (535, True)),
        (255, (511, False)),
    ],
)
def test_next_initialized_tick_within_one_word__lte_false__matches_spec(
    tick: int, expected: tuple[int, bool]
) -> None:
    assert next_initialized_tick_within_one_word(WORDS, tick, 1, False) == expected


@pytest.mark.parametrize(
    ("tick", "expected"),
    [
        (78, (78, True)),  # returns same tick if initialized
        (79, (78, True)),  # returns tick directly to the left if not initialized
        (258, (256, False)),  # will not exceed the word boundary
        (256, (256, False)),  # at the word boundary
        (72, (70, True)),  # word boundary less 1 (next initialized tick in next word)
        (-257, (-512, False)),  # word boundary
        (1023, (768, False)),  # entire empty word
        (900, (768, False)),  # halfway through empty word
    ],
)
def test_next_initialized_tick_within_one_word__lte_true__matches_spec(
    tick: int, expected: tuple[int, bool]
) -> None:
    assert next_initialized_tick_within_one_word(WORDS, tick, 1, True) == expected


def test_next_initialized_tick_within_one_word__negative_uncompressable_tick__rounds_down() -> None:
    words = build_bitmap([-120], 60)
    # -61 compresses to -2 (toward minus infinity), like the pool
    assert next_initialized_tick_within_one_word(words, -61, 60, True) == (-120, True)
    assert next_initialized_tick_within_one_word(words, -121, 60, False) == (-120, True)


def test_build_bitmap__tick_off_spacing__raises() -> None:
    with pytest.raises(InputError, match="multiple"):
        build_bitmap([61], 60)


def test_pool_state_from_dict__string_ints__builds_state() -> None:
    state = PoolState.from_dict(
        {
            "sqrt_price_x96": str(1 << 96),
            "liquidity": "1000",
            "fee": 3000,
            "tick_spacing": 60,
            "ticks": {"-60": "1000", "60": "-1000"},
            "block_number": "123",
        }
    )
    assert state.tick == 0
    assert dict(state.ticks) == {-60: 1000, 60: -1000}
    assert state.block_number == 123
    # tick 0 is bit 0 of word 0, -60 sits in word -1: the search stops at the word boundary
    assert state.next_initialized_tick_within_one_word(0, True) == (0, False)
    assert state.next_initialized_tick_within_one_word(-1, True) == (-60, True)


def test_pool_state__ticks_mapping__is_read_only() -> None:
    state = PoolState.from_positions(1 << 96, 3000, 60, [(-60, 60, 1000)])
    with pytest.raises(TypeError):
        state.ticks[0] = 5  # type: ignore[index]


def test_pool_state__tick_inconsistent_with_price__raises() -> None:
    with pytest.raises(InputError, match="does not match"):
        PoolState(sqrt_price_x96=1 << 96, tick=5, liquidity=0, fee=3000, tick_spacing=60)


def test_pool_state__tick_minus_one_on_boundary__is_accepted() -> None:
    # the pool stores tick - 1 after crossing a tick downwards and stopping exactly on it
    price = get_sqrt_ratio_at_tick(60)
    state = PoolState(sqrt_price_x96=price, tick=59, liquidity=0, fee=3000, tick_spacing=60)
    assert state.tick == 59


def test_pool_state__unknown_dict_field__raises() -> None:
    with pytest.raises(InputError, match="unknown"):
        PoolState.from_dict({"sqrt_price_x96": 1 << 96, "fee": 3000, "tick_spacing": 1, "x": 1})


def test_pool_state__tick_beyond_max__raises() -> None:
    with pytest.raises(InputError):
        PoolState.from_dict(
            {
                "sqrt_price_x96": 1 << 96,
                "liquidity": 0,
                "fee": 3000,
                "tick_spacing": 1,
                "ticks": {MAX_TICK + 1: 1},
            }
        )


def test_pool_state__outside_growth_without_globals__raises() -> None:
    with pytest.raises(InputError, match="fee_growth_global"):
        PoolState.from_positions(
            1 << 96,
            3000,
            60,
            [(-60, 60, 1)],
            fee_growth_outside0_x128={-60: 0},
            fee_growth_outside1_x128={-60: 0},
        )
