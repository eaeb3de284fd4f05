"""TickBitmap of Uniswap v3-core: which ticks are initialized, one 256-bit word at a time.

A tick is stored *compressed* (``tick // tick_spacing``, rounded toward negative infinity); bit
``compressed % 256`` of word ``compressed >> 8`` is set when the tick is initialized. The pool's
swap loop asks for the next initialized tick **within the current word only**, so a swap steps
at least once per word it crosses, even where nothing is initialized. Those extra steps change
rounding, which is why the simulator must walk the same words.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from hedgekit.errors import InputError
from hedgekit.types import Tick

WordLookup = Callable[[int], int]
"""Returns the 256-bit bitmap word at a word position (0 when nothing is set)."""


def compress(tick: int, tick_spacing: int) -> int:
    """``tick / tick_spacing`` rounded toward negative infinity, as the pool compresses ticks."""
    return tick // tick_spacing


def position(compressed: int) -> tuple[int, int]:
    """``(word_pos, bit_pos)`` of a compressed tick: ``(compressed >> 8, compressed % 256)``."""
    return compressed >> 8, compressed & 0xFF


def build_bitmap(ticks: Iterable[int], tick_spacing: int) -> dict[int, int]:
    """The bitmap words ``{word_pos: word}`` of a set of initialized ticks.

    Raises ``InputError`` for a tick that is not a multiple of ``tick_spacing`` (the pool's
    ``flipTick`` reverts on those).
    """
    words: dict[int, int] = {}
    for tick in ticks:
        if tick % tick_spacing:
            raise InputError(
                f"tick_bitmap: tick {tick} is not a multiple of spacing {tick_spacing}"
            )
        word_pos, bit_pos = position(tick // tick_spacing)
        words[word_pos] = words.get(word_pos, 0) | (1 << bit_pos)
    return words


def _most_significant_bit(x: int) -> int:
    return x.bit_length() - 1


def _least_significant_bit(x: int) -> int:
    return (x & -x).bit_length() - 1


def next_initialized_tick_within_one_word(
    word_at: WordLookup | Mapping[int, int], tick: int, tick_spacing: int, lte: bool
) -> tuple[Tick, bool]:
    """Next initialized tick at or left of ``tick`` (``lte``) or right of it, in one word.

    As ``TickBitmap.nextInitializedTickWithinOneWord``: returns ``(next_tick, initialized)``.
    When no initialized tick is in the same word, ``next_tick`` is the word's last tick in the
    search direction (leftmost for ``lte``, rightmost otherwise) and ``initialized`` is False. The
    result may lie beyond MIN_TICK/MAX_TICK; the pool clamps it.
    """
    if isinstance(word_at, Mapping):
        words = word_at
        lookup: WordLookup = lambda pos: words.get(pos, 0)  # noqa: E731
    else:
        lookup = word_at
    compressed = compress(tick, tick_spacing)
    if lte:
        word_pos, bit_pos = position(compressed)
        mask = (1 << bit_pos) - 1 + (1 << bit_pos)  # all bits at or right of bit_pos
        masked = lookup(word_pos) & mask
        if masked:
            return Tick(
                (compressed - (bit_pos - _most_significant_bit(masked))) * tick_spacing
            ), True
        return Tick((compressed - bit_pos) * tick_spacing), False
    word_pos, bit_pos = position(compressed + 1)
    mask = ~((1 << bit_pos) - 1) & ((1 << 256) - 1)  # all bits at or left of bit_pos
    masked = lookup(word_pos) & mask
    if masked:
        return (
            Tick((compressed + 1 + (_least_significant_bit(masked) - bit_pos)) * tick_spacing),
            True,
        )
    return Tick((compressed + 1 + (255 - bit_pos)) * tick_spacing), False


__all__ = [
    "WordLookup",
    "build_bitmap",
    "compress",
    "next_initialized_tick_within_one_word",
    "position",
]
