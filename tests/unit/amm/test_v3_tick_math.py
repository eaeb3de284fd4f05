"""TickMath vectors from Uniswap v3-core test/TickMath.spec.ts and its snapshot
(test/__snapshots__/TickMath.spec.ts.snap), and the v3-sdk src/utils/tickMath.test.ts."""

import pytest

from hedgekit.amm.v3 import (
    MAX_SQRT_RATIO,
    MAX_TICK,
    MIN_SQRT_RATIO,
    MIN_TICK,
    get_sqrt_ratio_at_tick,
    get_tick_at_sqrt_ratio,
)
from hedgekit.errors import InputError

# v3-core TickMath.spec.ts snapshot: "#getSqrtRatioAtTick ... is at most off by 1/100th of a bips"
SNAPSHOT_SQRT_RATIOS = [
    (-50, 79030349367926598376800521322),
    (50, 79426470787362580746886972461),
    (-100, 78833030112140176575862854579),
    (100, 79625275426524748796330556128),
    (-250, 78244023372248365697264290337),
    (250, 80224679980005306637834519095),
    (-500, 77272108795590369356373805297),
    (500, 81233731461783161732293370115),
    (-1000, 75364347830767020784054125655),
    (1000, 83290069058676223003182343270),
    (-2500, 69919044979842180277688105136),
    (2500, 89776708723587163891445672585),
    (-3000, 68192822843687888778582228483),
    (3000, 92049301871182272007977902845),
    (-4000, 64867181785621769311890333195),
    (4000, 96768528593268422080558758223),
    (-5000, 61703726247759831737814779831),
    (5000, 101729702841318637793976746270),
    (-50000, 6504256538020985011912221507),
    (50000, 965075977353221155028623082916),
    (-150000, 43836292794701720435367485),
    (150000, 143194173941309278083010301478497),
    (-250000, 295440463448801648376846),
    (250000, 21246587762933397357449903968194344),
    (-500000, 1101692437043807371),
    (500000, 5697689776495288729098254600827762987878),
    (-738203, 7409801140451),
    (738203, 847134979253254120489401328389043031315994541),
]


def test_get_sqrt_ratio_at_tick__at_min_tick__returns_min_sqrt_ratio() -> None:
    # v3-core TickMath.spec.ts "min tick"; v3-sdk tickMath.test.ts
    assert get_sqrt_ratio_at_tick(MIN_TICK) == MIN_SQRT_RATIO == 4295128739


def test_get_sqrt_ratio_at_tick__at_max_tick__returns_max_sqrt_ratio() -> None:
    # v3-core TickMath.spec.ts "max tick"; v3-sdk tickMath.test.ts
    assert get_sqrt_ratio_at_tick(MAX_TICK) == MAX_SQRT_RATIO
    assert MAX_SQRT_RATIO == 1461446703485210103287273052203988822378723970342


def test_get_sqrt_ratio_at_tick__at_min_tick_plus_one__matches_spec() -> None:
    # v3-core TickMath.spec.ts "min tick + 1"
    assert get_sqrt_ratio_at_tick(MIN_TICK + 1) == 4295343490


def test_get_sqrt_ratio_at_tick__at_max_tick_minus_one__matches_spec() -> None:
    # v3-core TickMath.spec.ts "max tick - 1"
    assert get_sqrt_ratio_at_tick(MAX_TICK - 1) == 1461373636630004318706518188784493106690254656249


def test_get_sqrt_ratio_at_tick__at_tick_zero__returns_q96() -> None:
    assert get_sqrt_ratio_at_tick(0) == 1 << 96


@pytest.mark.parametrize(("tick", "expected"), SNAPSHOT_SQRT_RATIOS)
def test_get_sqrt_ratio_at_tick__snapshot_ticks__match_v3_core(tick: int, expected: int) -> None:
    assert get_sqrt_ratio_at_tick(tick) == expected


@pytest.mark.parametrize("tick", [MIN_TICK - 1, MAX_TICK + 1])
def test_get_sqrt_ratio_at_tick__out_of_range__raises_input_error(tick: int) -> None:
    # v3-core TickMath.spec.ts "throws for too low / too high" (revert T)
    with pytest.raises(InputError, match=r"\(T\)"):
        get_sqrt_ratio_at_tick(tick)


def test_get_sqrt_ratio_at_tick__beyond_int24__raises_input_error() -> None:
    with pytest.raises(InputError, match="int24"):
        get_sqrt_ratio_at_tick(1 << 23)


def test_get_tick_at_sqrt_ratio__at_min_sqrt_ratio__returns_min_tick() -> None:
    # v3-core TickMath.spec.ts "ratio of min tick"; v3-sdk tickMath.test.ts
    assert get_tick_at_sqrt_ratio(MIN_SQRT_RATIO) == MIN_TICK


def test_get_tick_at_sqrt_ratio__at_min_tick_plus_one_ratio__returns_min_tick_plus_one() -> None:
    # v3-core TickMath.spec.ts "ratio of min tick + 1"
    assert get_tick_at_sqrt_ratio(4295343490) == MIN_TICK + 1


def test_get_tick_at_sqrt_ratio__at_max_tick_minus_one_ratio__returns_max_tick_minus_one() -> None:
    # v3-core TickMath.spec.ts "ratio of max tick - 1"
    ratio = 1461373636630004318706518188784493106690254656249
    assert get_tick_at_sqrt_ratio(ratio) == MAX_TICK - 1


def test_get_tick_at_sqrt_ratio__closest_to_max__returns_max_tick_minus_one() -> None:
    # v3-core TickMath.spec.ts "ratio closest to max tick"; v3-sdk tickMath.test.ts
    assert get_tick_at_sqrt_ratio(MAX_SQRT_RATIO - 1) == MAX_TICK - 1


@pytest.mark.parametrize("ratio", [MIN_SQRT_RATIO - 1, MAX_SQRT_RATIO])
def test_get_tick_at_sqrt_ratio__out_of_range__raises_input_error(ratio: int) -> None:
    # v3-core TickMath.spec.ts "throws for too low / too high" (revert R)
    with pytest.raises(InputError, match=r"\(R\)"):
        get_tick_at_sqrt_ratio(ratio)


@pytest.mark.parametrize(("tick", "ratio"), SNAPSHOT_SQRT_RATIOS)
def test_get_tick_at_sqrt_ratio__around_snapshot_ratios__floors(tick: int, ratio: int) -> None:
    assert get_tick_at_sqrt_ratio(ratio) == tick
    assert get_tick_at_sqrt_ratio(ratio - 1) == tick - 1
    assert get_tick_at_sqrt_ratio(ratio + 1) == tick
