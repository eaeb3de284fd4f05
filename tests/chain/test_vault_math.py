"""contracts/v3_math.vy against the Python ports (hedgekit.amm.v3, hedgekit.vault.math), bit
for bit, on random inputs, through a harness contract compiled here that exposes the module."""

from __future__ import annotations

import random
from typing import Any

import pytest
import vyper
from vyper.compiler.input_bundle import FilesystemInputBundle
from web3 import Web3

from hedgekit.amm.v3 import (
    MAX_TICK,
    MIN_TICK,
    get_amounts_for_liquidity,
    get_sqrt_ratio_at_tick,
    mul_div,
)
from hedgekit.chain.deploy import transact
from hedgekit.chain.paths import project_root
from hedgekit.vault.math import oracle_sqrt_price_x96, sqrt_price_of_ratio

HARNESS = """
# pragma version 0.4.3
import v3_math

@external
@pure
def mul_div(x: uint256, y: uint256, d: uint256) -> uint256:
    return v3_math.mul_div(x, y, d)

@external
@pure
def sqrt_at_tick(tick: int24) -> uint256:
    return v3_math.get_sqrt_ratio_at_tick(tick)

@external
@pure
def amounts(p: uint256, a: uint256, b: uint256, liquidity: uint256) -> (uint256, uint256):
    return v3_math.get_amounts_for_liquidity(p, a, b, liquidity)

@external
@pure
def sqrt_of_ratio(num: uint256, den: uint256) -> uint256:
    return v3_math.sqrt_price_of_ratio(num, den)
"""
CASES = 200


@pytest.fixture(scope="module")
def harness(w3: Web3) -> Any:
    bundle = FilesystemInputBundle([project_root() / "contracts"])
    out = vyper.compile_code(HARNESS, input_bundle=bundle, output_formats=["abi", "bytecode"])
    factory = w3.eth.contract(abi=out["abi"], bytecode=out["bytecode"])
    sender = w3.eth.accounts[0]
    receipt = transact(w3, factory.constructor().build_transaction({"from": sender}), "harness")
    return w3.eth.contract(address=receipt["contractAddress"], abi=out["abi"])


def test_mul_div__matches_full_math_including_512_bit_products(harness: Any) -> None:
    rng = random.Random(1)
    for _ in range(CASES):
        x, y = rng.getrandbits(rng.randint(1, 256)), rng.getrandbits(rng.randint(1, 256))
        d = rng.getrandbits(rng.randint(1, 256)) or 1
        if x * y // d >= 2**256:
            d = x * y // (2**256 - 1) + 1
        assert harness.functions.mul_div(x, y, d).call() == mul_div(x, y, d)


def test_mul_div__by_zero_and_on_overflow__reverts(harness: Any) -> None:
    with pytest.raises(Exception, match="mul_div by zero"):
        harness.functions.mul_div(1, 1, 0).call()
    with pytest.raises(Exception, match="mul_div overflow"):
        harness.functions.mul_div(2**255, 4, 1).call()


def test_sqrt_ratio_at_tick__matches_tick_math(harness: Any) -> None:
    rng = random.Random(2)
    ticks = [MIN_TICK, MAX_TICK, 0, 1, -1, *(rng.randint(MIN_TICK, MAX_TICK) for _ in range(CASES))]
    for tick in ticks:
        assert harness.functions.sqrt_at_tick(tick).call() == get_sqrt_ratio_at_tick(tick)
    with pytest.raises(Exception, match="v3_math: T"):
        harness.functions.sqrt_at_tick(MAX_TICK + 1).call()


def test_amounts_for_liquidity__matches_liquidity_amounts_in_every_region(harness: Any) -> None:
    rng = random.Random(3)
    for _ in range(CASES):
        a, b, p = sorted(get_sqrt_ratio_at_tick(rng.randint(-300_000, 300_000))
                         for _ in range(3))
        price = rng.choice([a, b, p, a - 1, b + 1])
        liquidity = rng.getrandbits(rng.randint(1, 128))
        expected = get_amounts_for_liquidity(price, a, b, liquidity)
        assert tuple(harness.functions.amounts(price, a, b, liquidity).call()) == expected


def test_oracle_sqrt_price__matches_the_python_twin(harness: Any) -> None:
    rng = random.Random(4)
    for _ in range(CASES):
        answer = rng.randint(10**6, 10**14)  # $0.01 .. $1M with 8 decimals
        for weth_is_token1 in (True, False):
            weth_side, usdc_side = 10**18 * 10**8, answer * 10**6
            num, den = (weth_side, usdc_side) if weth_is_token1 else (usdc_side, weth_side)
            twin = oracle_sqrt_price_x96(answer, 6, 18, 8, weth_is_token1)
            assert twin == sqrt_price_of_ratio(num, den)
            assert harness.functions.sqrt_of_ratio(num, den).call() == twin
