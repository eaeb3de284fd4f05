"""Full-swap vectors from Uniswap v3-core test/UniswapV3Pool.swaps.spec.ts and its snapshot
test/__snapshots__/UniswapV3Pool.swaps.spec.ts.snap.

Each pool is initialized at a start price, the listed positions are minted, and one swap is made:
``exact_in`` (amountSpecified > 0, no price limit), ``exact_out`` (amountSpecified < 0) or
``to_price`` (amountSpecified = type(int256).max with a price limit). The snapshot records the
pool's balance deltas (= the amounts the swap returns), both fee growth globals, and the tick.
"""

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, localcontext

import pytest

from hedgekit.amm.v3 import (
    MAX_TICK,
    MIN_TICK,
    PoolState,
    SwapResult,
    get_amounts_for_liquidity_delta,
    swap,
)
from hedgekit.errors import InputError

E18 = 10**18
MAX_INT256 = (1 << 255) - 1


def encode_price_sqrt(reserve1: int, reserve0: int) -> int:
    """v3-core test/shared/utilities.ts encodePriceSqrt: bignumber.js with 40 decimal places
    (division and sqrt rounded half up), times 2**96, floored."""
    with localcontext() as ctx:
        ctx.prec = 200
        ratio = (Decimal(reserve1) / Decimal(reserve0)).quantize(Decimal("1e-40"), ROUND_HALF_UP)
        root = ratio.sqrt().quantize(Decimal("1e-40"), ROUND_HALF_UP)
        return int((root * (1 << 96)).to_integral_value(ROUND_FLOOR))


def min_tick(spacing: int) -> int:
    return -(MAX_TICK // spacing) * spacing


def max_tick(spacing: int) -> int:
    return (MAX_TICK // spacing) * spacing


@dataclass(frozen=True)
class PoolCase:
    fee: int
    spacing: int
    start_price: int
    positions: tuple[tuple[int, int, int], ...]
    balance0: int
    balance1: int


POOLS = {
    "high fee, 1:1 price, 2e18 max range liquidity": PoolCase(
        10000,
        200,
        encode_price_sqrt(1, 1),
        ((min_tick(200), max_tick(200), 2 * E18),),
        2 * E18,
        2 * E18,
    ),
    "medium fee, 1:1 price, 2e18 max range liquidity": PoolCase(
        3000,
        60,
        encode_price_sqrt(1, 1),
        ((min_tick(60), max_tick(60), 2 * E18),),
        2 * E18,
        2 * E18,
    ),
    "medium fee, 10:1 price, 2e18 max range liquidity": PoolCase(
        3000,
        60,
        encode_price_sqrt(10, 1),
        ((min_tick(60), max_tick(60), 2 * E18),),
        632455532033675867,
        6324555320336758664,
    ),
    "medium fee, 1:10 price, 2e18 max range liquidity": PoolCase(
        3000,
        60,
        encode_price_sqrt(1, 10),
        ((min_tick(60), max_tick(60), 2 * E18),),
        6324555320336758664,
        632455532033675867,
    ),
    "medium fee, 1:1 price, 0 liquidity, all liquidity around current price": PoolCase(
        3000,
        60,
        encode_price_sqrt(1, 1),
        ((min_tick(60), -60, 2 * E18), (60, max_tick(60), 2 * E18)),
        1994009290088178439,
        1994009290088178439,
    ),
    "medium fee, 1:1 price, additional liquidity around current price": PoolCase(
        3000,
        60,
        encode_price_sqrt(1, 1),
        (
            (min_tick(60), max_tick(60), 2 * E18),
            (min_tick(60), -60, 2 * E18),
            (60, max_tick(60), 2 * E18),
        ),
        3994009290088178439,
        3994009290088178439,
    ),
    "close to max price": PoolCase(
        3000,
        60,
        encode_price_sqrt(1 << 127, 1),
        ((min_tick(60), max_tick(60), 2 * E18),),
        1,
        26087635650665564424699143612505016738,
    ),
    "close to min price": PoolCase(
        3000,
        60,
        encode_price_sqrt(1, 1 << 127),
        ((min_tick(60), max_tick(60), 2 * E18),),
        26037782196502120275425782622539039026,
        1,
    ),
}

P_2_5 = encode_price_sqrt(5, 2)  # "to price 2.5000"
P_0_4 = encode_price_sqrt(2, 5)  # "to price 0.40000"

# (pool, zero_for_one, kind, amount or limit, amount0, amount1, fee growth 0, fee growth 1, tick)
# amount0 None marks a swap that reverts with SPL.
CASES = [
    (
        "high fee, 1:1 price, 2e18 max range liquidity",
        True,
        "exact_in",
        1000,
        1000,
        -989,
        1701411834604692317316,
        0,
        -1,
    ),
    (
        "high fee, 1:1 price, 2e18 max range liquidity",
        True,
        "exact_in",
        E18,
        E18,
        -662207357859531772,
        1701411834604692317316873037158841057,
        0,
        -8043,
    ),
    (
        "high fee, 1:1 price, 2e18 max range liquidity",
        False,
        "exact_in",
        E18,
        -662207357859531772,
        E18,
        0,
        1701411834604692317316873037158841057,
        8042,
    ),
    (
        "high fee, 1:1 price, 2e18 max range liquidity",
        True,
        "exact_out",
        1000,
        1012,
        -1000,
        1871553018065161549048,
        0,
        -1,
    ),
    (
        "medium fee, 1:1 price, 2e18 max range liquidity",
        True,
        "exact_in",
        1000,
        1000,
        -996,
        510423550381407695195,
        0,
        -1,
    ),
    (
        "medium fee, 1:1 price, 2e18 max range liquidity",
        False,
        "exact_in",
        E18,
        -665331998665331998,
        E18,
        0,
        510423550381407695195061911147652317,
        8089,
    ),
    (
        "medium fee, 1:1 price, 2e18 max range liquidity",
        True,
        "exact_out",
        E18,
        2006018054162487463,
        -E18,
        1023918857334819954209013958517557896,
        0,
        -13864,
    ),
    (
        "medium fee, 1:1 price, 2e18 max range liquidity",
        False,
        "to_price",
        P_2_5,
        -735088935932648267,
        1165774985123750584,
        0,
        595039006852697554786973994761078087,
        9163,
    ),
    (
        "medium fee, 1:1 price, 2e18 max range liquidity",
        True,
        "to_price",
        P_2_5,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "medium fee, 10:1 price, 2e18 max range liquidity",
        True,
        "exact_in",
        E18,
        E18,
        -3869747612262812754,
        510423550381407865336245371616884048,
        0,
        4098,
    ),
    (
        "medium fee, 10:1 price, 2e18 max range liquidity",
        False,
        "exact_out",
        E18,
        -632455532033675838,
        36907032426281581270030941278837275671,
        0,
        18838218525064384185660173270402201838945341643205005201,
        887271,
    ),
    (
        "medium fee, 10:1 price, 2e18 max range liquidity",
        True,
        "to_price",
        P_2_5,
        634358607857247610,
        -3162277660168379331,
        323791572837503501799197590655727196,
        0,
        9163,
    ),
    (
        "medium fee, 10:1 price, 2e18 max range liquidity",
        False,
        "to_price",
        P_2_5,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "medium fee, 1:10 price, 2e18 max range liquidity",
        False,
        "exact_in",
        1000,
        -9969,
        1000,
        0,
        510423550381407695195,
        -23028,
    ),
    (
        "medium fee, 1:10 price, 2e18 max range liquidity",
        False,
        "exact_in",
        E18,
        -3869747612262812753,
        E18,
        0,
        510423550381407865336245371616884047,
        -4099,
    ),
    (
        "medium fee, 1:10 price, 2e18 max range liquidity",
        True,
        "exact_out",
        E18,
        36907032419362389223785084665766560335,
        -632455532033675838,
        18838218521532665615644565874197034349094564536667752274,
        0,
        -887272,
    ),
    (
        "medium fee, 1:10 price, 2e18 max range liquidity",
        False,
        "exact_out",
        1000,
        -1000,
        102,
        0,
        170141183460469231731,
        -23028,
    ),
    (
        "medium fee, 1:10 price, 2e18 max range liquidity",
        False,
        "to_price",
        P_0_4,
        -3162277660168379331,
        634358607857247611,
        0,
        323791572837503501799197590655727195,
        -9164,
    ),
    (
        "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
        True,
        "exact_in",
        1000,
        1000,
        -991,
        510423550381407695195,
        0,
        -61,
    ),
    (
        "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
        False,
        "exact_in",
        1000,
        -991,
        1000,
        0,
        510423550381407695195,
        60,
    ),
    (
        "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
        True,
        "exact_in",
        E18,
        E18,
        -662011820624678025,
        510423550381407695195061911147652317,
        0,
        -8130,
    ),
    (
        "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
        True,
        "exact_out",
        1000,
        1011,
        -1000,
        680564733841876926926,
        0,
        -61,
    ),
    (
        "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
        False,
        "exact_out",
        E18,
        -E18,
        2024171064311638316,
        0,
        1033184581225259164735720748018047287,
        13983,
    ),
    (
        "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
        True,
        "to_price",
        P_0_4,
        1159748196632793863,
        -729098226020826705,
        591962792073745646583043420635066071,
        0,
        -9164,
    ),
    (
        "medium fee, 1:1 price, 0 liquidity, all liquidity around current price",
        False,
        "to_price",
        P_0_4,
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "medium fee, 1:1 price, additional liquidity around current price",
        True,
        "exact_in",
        E18,
        E18,
        -795933705287758544,
        256749882580179971840679703106063897,
        0,
        -4476,
    ),
    (
        "medium fee, 1:1 price, additional liquidity around current price",
        False,
        "exact_in",
        E18,
        -795933705287758544,
        E18,
        0,
        256749882580179971840679703106063897,
        4475,
    ),
    (
        "medium fee, 1:1 price, additional liquidity around current price",
        True,
        "exact_out",
        E18,
        1342022152495072924,
        -E18,
        344037963272993171369654596359692757,
        0,
        -5794,
    ),
    (
        "medium fee, 1:1 price, additional liquidity around current price",
        False,
        "exact_out",
        1000,
        -1000,
        1005,
        0,
        680564733841876926926,
        0,
    ),
    (
        "medium fee, 1:1 price, additional liquidity around current price",
        True,
        "to_price",
        P_0_4,
        2325523181756544449,
        -1464187161953474971,
        595039006852697724928157455230309818,
        0,
        -9164,
    ),
    (
        "close to max price",
        True,
        "exact_in",
        1000,
        1000,
        -26083549850867114346332688477747755628,
        2381976568446569244235,
        0,
        705098,
    ),
    ("close to max price", False, "exact_in", 1000, 0, 1000, 0, 510423550381407695195, 880340),
    (
        "close to max price",
        True,
        "exact_in",
        E18,
        E18,
        -26087635650665564420687107504180041533,
        510423550381413479995299567101531162,
        0,
        13923,
    ),
    (
        "close to max price",
        False,
        "exact_in",
        E18,
        0,
        E18,
        0,
        510423550381407695195061911147652317,
        880340,
    ),
    ("close to max price", True, "exact_out", 1000, 2, -1000, 170141183460469231731, 0, 880340),
    ("close to max price", True, "exact_out", E18, 2, -E18, 170141183460469231731, 0, 880340),
    (
        "close to max price",
        False,
        "exact_out",
        1000,
        0,
        10740898373457544742072477595619363803,
        0,
        5482407482066087054477299856254072312542046383926535301,
        887271,
    ),
    (
        "close to max price",
        True,
        "to_price",
        P_0_4,
        3171793039286238109,
        -26087635650665564423434232548437664977,
        1618957864187523123655042148763283097,
        0,
        -9164,
    ),
    (
        "close to max price",
        True,
        "to_price",
        P_2_5,
        1268717215714495281,
        -26087635650665564421536865952336637378,
        647583145675012618257449376796101507,
        0,
        9163,
    ),
    ("close to max price", False, "to_price", P_0_4, None, None, None, None, None),
    ("close to min price", True, "exact_in", 1000, 1000, 0, 170141183460469231731687, 0, -880303),
    (
        "close to min price",
        False,
        "exact_in",
        1000,
        -26033697540846965126433148994127431276,
        1000,
        0,
        2381976568446569244235,
        -705093,
    ),
    (
        "close to min price",
        False,
        "exact_in",
        E18,
        -26037782196502120271413746514214063808,
        E18,
        0,
        510423550381413820277666488039994629,
        -13924,
    ),
    (
        "close to min price",
        True,
        "exact_out",
        1000,
        10790901831095468191587263901270792610,
        0,
        5507930424444982259736347157352787128931407551935325049,
        0,
        -887272,
    ),
    ("close to min price", False, "exact_out", E18, -E18, 2, 0, 170141183460469231731, -880303),
    (
        "close to min price",
        False,
        "to_price",
        P_2_5,
        -26037782196502120274160871558471687260,
        3171793039286238112,
        0,
        1618957864187523634078592530170978294,
        9163,
    ),
    ("close to min price", True, "to_price", P_0_4, None, None, None, None, None),
]


def build_pool(name: str) -> PoolState:
    case = POOLS[name]
    return PoolState.from_positions(
        case.start_price,
        case.fee,
        case.spacing,
        case.positions,
        fee_growth_global0_x128=0,
        fee_growth_global1_x128=0,
    )


def run_case(state: PoolState, zero_for_one: bool, kind: str, value: int) -> SwapResult:
    if kind == "exact_in":
        return swap(state, zero_for_one, value)
    if kind == "exact_out":
        return swap(state, zero_for_one, -value)
    return swap(state, zero_for_one, MAX_INT256, value)


@pytest.mark.parametrize("name", list(POOLS))
def test_mint__snapshot_pools__pool_balances_match_spec(name: str) -> None:
    case = POOLS[name]
    state = build_pool(name)
    total0 = total1 = 0
    for lower, upper, liquidity in case.positions:
        amount0, amount1 = get_amounts_for_liquidity_delta(
            state.sqrt_price_x96, state.tick, lower, upper, liquidity
        )
        total0 += amount0
        total1 += amount1
    assert (total0, total1) == (case.balance0, case.balance1)


@pytest.mark.parametrize(
    ("pool", "zero_for_one", "kind", "value", "amount0", "amount1", "growth0", "growth1", "tick"),
    CASES,
    ids=[f"{c[0]}|{'0for1' if c[1] else '1for0'}|{c[2]}|{c[3]}" for c in CASES],
)
def test_swap__snapshot_cases__match_v3_core_pool(
    pool: str,
    zero_for_one: bool,
    kind: str,
    value: int,
    amount0: int | None,
    amount1: int | None,
    growth0: int | None,
    growth1: int | None,
    tick: int | None,
) -> None:
    state = build_pool(pool)
    if amount0 is None:
        with pytest.raises(InputError, match="SPL"):
            run_case(state, zero_for_one, kind, value)
        return
    result = run_case(state, zero_for_one, kind, value)
    after = result.state_after
    assert (result.amount0, result.amount1) == (amount0, amount1)
    assert (after.fee_growth_global0_x128, after.fee_growth_global1_x128) == (growth0, growth1)
    assert result.tick == after.tick == tick
    assert MIN_TICK <= result.tick <= MAX_TICK
