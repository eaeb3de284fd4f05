"""Our exact AMM math against the real contracts on the replica: the swap simulator vs QuoterV2
and the real swap, liquidity math vs NonfungiblePositionManager.mint, predicted fees vs
collect(). Hypothesis picks the inputs; each example runs on a fresh EVM snapshot."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from web3 import Web3
from web3.logs import DISCARD

from hedgekit.amm.readers import read_pool_states, read_positions
from hedgekit.amm.v3 import (
    get_amounts_for_liquidity_delta,
    get_liquidity_for_amounts,
    get_sqrt_ratio_at_tick,
    swap,
)
from hedgekit.chain import addresses as A
from hedgekit.chain import rpc
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact

CHAIN = settings(max_examples=15, suppress_health_check=[HealthCheck.function_scoped_fixture])
POOLS = {500: A.WETH_USDC_V3_005, 3000: A.WETH_USDC_V3_030}


@contextmanager
def snapshot(w3: Web3) -> Iterator[None]:
    """A fresh EVM snapshot for one hypothesis example, reverted after it."""
    taken = rpc.snapshot(w3)
    try:
        yield
    finally:
        rpc.revert(w3, taken)


def _erc20(w3: Web3, token: str):
    return w3.eth.contract(address=token, abi=project_artifact("Token").abi)


def _approve_all(w3: Web3, owner: str, spender: str) -> None:
    for token in (A.USDC, A.WETH):
        transact(w3, _erc20(w3, token).functions.approve(spender, 2**256 - 1).build_transaction(
            {"from": owner}), "approve")


def _deadline(w3: Web3) -> int:
    return int(w3.eth.get_block("latest")["timestamp"]) + 600


# Amounts: USDC in (zero for one) up to 60M, WETH in up to 20k: large ones cross hundreds of
# initialized ticks.
swaps = st.tuples(st.sampled_from([500, 3000]), st.booleans(), st.booleans(),
                  st.integers(min_value=3, max_value=13))


@CHAIN
@given(case=swaps, mantissa=st.integers(min_value=1, max_value=9))
def test_swap_simulator__equals_quoter_v2_and_the_real_swap(
    w3: Web3, actors, fund, case, mantissa: int
) -> None:
    fee, zero_for_one, exact_in, exponent = case
    pool = POOLS[fee]
    token_in, token_out = (A.USDC, A.WETH) if zero_for_one else (A.WETH, A.USDC)
    # the specified amount is of the input token (exact in) or of the output token (exact out):
    # 10**exponent base units of USDC reach 10M USDC, WETH is scaled to a similar value
    specified_is_usdc = zero_for_one == exact_in
    amount = mantissa * 10 ** (exponent if specified_is_usdc else exponent + 9)
    amount = min(amount, 30_000_000 * 10**6 if specified_is_usdc else 10_000 * 10**18)
    with snapshot(w3):
        (state,) = read_pool_states(w3, [pool])
        result = swap(state, zero_for_one, amount if exact_in else -amount)
        # an exact output the pool's liquidity cannot fill reverts in the quoter and router
        assume(exact_in or result.amount_out == amount)
        quoter = w3.eth.contract(address=A.QUOTER_V2, abi=npm_artifact("QuoterV2").abi)
        router = w3.eth.contract(address=A.SWAP_ROUTER, abi=npm_artifact("SwapRouter").abi)
        fund(token_in, actors.trader, 10**30 if token_in == A.USDC else 30_000 * 10**18)
        _approve_all(w3, actors.trader, A.SWAP_ROUTER)
        before_in = _erc20(w3, token_in).functions.balanceOf(actors.trader).call()
        before_out = _erc20(w3, token_out).functions.balanceOf(actors.trader).call()
        if exact_in:
            quoted = quoter.functions.quoteExactInputSingle(
                (token_in, token_out, amount, fee, 0)).call()
            assert quoted[0] == result.amount_out
            tx = router.functions.exactInputSingle((token_in, token_out, fee, actors.trader,
                                                    _deadline(w3), amount, 0, 0))
        else:
            quoted = quoter.functions.quoteExactOutputSingle(
                (token_in, token_out, amount, fee, 0)).call()
            assert quoted[0] == result.amount_in
            tx = router.functions.exactOutputSingle((token_in, token_out, fee, actors.trader,
                                                     _deadline(w3), amount, 2**255, 0))
        assert quoted[1] == result.sqrt_price_x96
        transact(w3, tx.build_transaction({"from": actors.trader, "gas": 20_000_000}), "swap")
        paid = before_in - _erc20(w3, token_in).functions.balanceOf(actors.trader).call()
        got = _erc20(w3, token_out).functions.balanceOf(actors.trader).call() - before_out
        assert (paid, got) == (result.amount_in, result.amount_out)
        (after,) = read_pool_states(w3, [pool], with_ticks=False)
        assert (after.sqrt_price_x96, after.tick, after.liquidity) == (
            result.sqrt_price_x96, result.tick, result.liquidity)
        growth = after.fee_growth_global0_x128 if zero_for_one else after.fee_growth_global1_x128
        assert growth == result.fee_growth_global_x128


ranges = st.tuples(st.integers(min_value=-300, max_value=300),
                   st.integers(min_value=1, max_value=300))


def _mint(w3: Web3, owner: str, lower: int, upper: int, amount0: int, amount1: int) -> int:
    npm = w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,
                          abi=npm_artifact("NonfungiblePositionManager").abi)
    params = (A.USDC, A.WETH, 500, lower, upper, amount0, amount1, 0, 0, owner, _deadline(w3))
    receipt = transact(w3, npm.functions.mint(params).build_transaction(
        {"from": owner, "gas": 2_000_000}), "mint")
    (event,) = npm.events.IncreaseLiquidity().process_receipt(receipt, errors=DISCARD)
    return int(event["args"]["tokenId"])


@CHAIN
@given(position=ranges, usdc=st.integers(min_value=1, max_value=10**13),
       weth=st.integers(min_value=1, max_value=10**22))
def test_liquidity_math__equals_what_position_manager_mint_consumes(
    w3: Web3, actors, fund, position, usdc: int, weth: int
) -> None:
    with snapshot(w3):
        (state,) = read_pool_states(w3, [A.WETH_USDC_V3_005], with_ticks=False)
        lower = (state.tick // 10 + position[0]) * 10
        upper = lower + position[1] * 10
        predicted = get_liquidity_for_amounts(state.sqrt_price_x96, get_sqrt_ratio_at_tick(lower),
                                              get_sqrt_ratio_at_tick(upper), usdc, weth)
        if predicted == 0:
            return  # the manager reverts on zero liquidity; nothing to compare
        fund(A.USDC, actors.lp, usdc)
        fund(A.WETH, actors.lp, weth)
        _approve_all(w3, actors.lp, A.NONFUNGIBLE_POSITION_MANAGER)
        token_id = _mint(w3, actors.lp, lower, upper, usdc, weth)
        npm = w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,
                              abi=npm_artifact("NonfungiblePositionManager").abi)
        assert npm.functions.positions(token_id).call()[7] == predicted
        spent0 = usdc - _erc20(w3, A.USDC).functions.balanceOf(actors.lp).call()
        spent1 = weth - _erc20(w3, A.WETH).functions.balanceOf(actors.lp).call()
        assert (spent0, spent1) == get_amounts_for_liquidity_delta(
            state.sqrt_price_x96, state.tick, lower, upper, predicted)


@CHAIN
@given(width=st.integers(min_value=1, max_value=60), trades=st.integers(min_value=1, max_value=6),
       size=st.integers(min_value=10**9, max_value=3 * 10**12))
def test_predicted_fees__equal_what_collect_pays(
    w3: Web3, actors, fund, width: int, trades: int, size: int
) -> None:
    with snapshot(w3):
        (state,) = read_pool_states(w3, [A.WETH_USDC_V3_005], with_ticks=False)
        lower = (state.tick // 10 - width) * 10
        upper = (state.tick // 10 + width) * 10
        fund(A.USDC, actors.lp, 10**12)
        fund(A.WETH, actors.lp, 10**21)
        _approve_all(w3, actors.lp, A.NONFUNGIBLE_POSITION_MANAGER)
        token_id = _mint(w3, actors.lp, lower, upper, 10**12, 10**21)
        fund(A.USDC, actors.trader, 10**16)
        fund(A.WETH, actors.trader, 10**23)
        _approve_all(w3, actors.trader, A.SWAP_ROUTER)
        router = w3.eth.contract(address=A.SWAP_ROUTER, abi=npm_artifact("SwapRouter").abi)
        for i in range(trades):  # back and forth through the range
            token_in, token_out, amount = ((A.USDC, A.WETH, size) if i % 2 == 0
                                           else (A.WETH, A.USDC, size * 10**12 // 3000))
            transact(w3, router.functions.exactInputSingle(
                (token_in, token_out, 500, actors.trader, _deadline(w3), amount, 0, 0)
            ).build_transaction({"from": actors.trader, "gas": 20_000_000}), "swap")
        (position,) = read_positions(w3, actors.lp, [token_id])
        assert position.fees0 > 0 or position.fees1 > 0
        npm = w3.eth.contract(address=A.NONFUNGIBLE_POSITION_MANAGER,
                              abi=npm_artifact("NonfungiblePositionManager").abi)
        before = [_erc20(w3, t).functions.balanceOf(actors.lp).call() for t in (A.USDC, A.WETH)]
        transact(w3, npm.functions.collect((token_id, actors.lp, 2**128 - 1, 2**128 - 1))
                 .build_transaction({"from": actors.lp}), "collect")
        after = [_erc20(w3, t).functions.balanceOf(actors.lp).call() for t in (A.USDC, A.WETH)]
        assert (after[0] - before[0], after[1] - before[1]) == (position.fees0, position.fees1)
