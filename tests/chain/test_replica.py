"""The local mainnet replica: canonical addresses, real bytecode, tokens, feeds, pools,
swaps through the real router, and the market driver."""

from __future__ import annotations

import pytest
from eth_abi import encode
from eth_utils import keccak
from web3 import Web3
from web3.exceptions import ContractLogicError

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import create2_address, transact
from hedgekit.chain.driver import V3_MARKETS, MarketDriver
from hedgekit.chain.protocols import FEEDS, TOKENS
from hedgekit.chain.replica_spec import default_spec
from hedgekit.chain.status import CONTRACTS

V3_POOLS = [
    (A.USDC, A.WETH, 500, A.WETH_USDC_V3_005),
    (A.USDC, A.WETH, 3000, A.WETH_USDC_V3_030),
    (A.WBTC, A.WETH, 3000, A.WBTC_WETH_V3_030),
]


def _contract(w3: Web3, address: str, name: str):
    try:
        abi = project_artifact(name).abi
    except Exception:
        abi = npm_artifact(name).abi
    return w3.eth.contract(address=address, abi=abi)


@pytest.mark.parametrize("name", sorted(CONTRACTS))
def test_canonical_address__has_code(w3: Web3, name: str) -> None:
    assert len(w3.eth.get_code(CONTRACTS[name])) > 0


def test_uniswap_v3_contracts__carry_real_npm_runtime_bytecode(w3: Web3) -> None:
    # the pool's creation code in the factory hashes to mainnet's init code hash
    pool = npm_artifact("UniswapV3Pool")
    assert "0x" + keccak(pool.bytecode).hex() == A.UNISWAP_V3_POOL_INIT_CODE_HASH
    # the factory's immutable self-address (NoDelegateCall) equals the canonical address
    code = w3.eth.get_code(A.UNISWAP_V3_FACTORY)
    assert bytes.fromhex(A.UNISWAP_V3_FACTORY[2:].lower()) in code


@pytest.mark.parametrize(("token0", "token1", "fee", "mainnet"), V3_POOLS)
def test_v3_pool_address__equals_create2_and_mainnet(
    w3: Web3, token0: str, token1: str, fee: int, mainnet: str
) -> None:
    salt = keccak(encode(["address", "address", "uint24"], [token0, token1, fee]))
    expected = create2_address(A.UNISWAP_V3_FACTORY, salt,
                               bytes.fromhex(A.UNISWAP_V3_POOL_INIT_CODE_HASH[2:]))
    factory = _contract(w3, A.UNISWAP_V3_FACTORY, "UniswapV3Factory")
    assert expected == mainnet
    assert factory.functions.getPool(token0, token1, fee).call() == mainnet
    pool = _contract(w3, mainnet, "UniswapV3Pool")
    assert (pool.functions.token0().call(), pool.functions.token1().call()) == (token0, token1)
    assert pool.functions.liquidity().call() > 0


def test_v2_pair_address__equals_create2_and_mainnet(w3: Web3) -> None:
    salt = keccak(bytes.fromhex(A.USDC[2:]) + bytes.fromhex(A.WETH[2:]))
    expected = create2_address(A.UNISWAP_V2_FACTORY, salt,
                               bytes.fromhex(A.UNISWAP_V2_PAIR_INIT_CODE_HASH[2:]))
    factory = _contract(w3, A.UNISWAP_V2_FACTORY, "UniswapV2Factory")
    assert expected == A.WETH_USDC_V2 == factory.functions.getPair(A.WETH, A.USDC).call()
    reserves = _contract(w3, A.WETH_USDC_V2, "UniswapV2Pair").functions.getReserves().call()
    assert reserves[0] > 0 and reserves[1] > 0


@pytest.mark.parametrize("spec", TOKENS, ids=lambda t: t.symbol)
def test_token__has_mainnet_metadata(w3: Web3, spec) -> None:
    token = _contract(w3, spec.address, "Token")
    assert token.functions.name().call() == spec.name
    assert token.functions.symbol().call() == spec.symbol
    assert token.functions.decimals().call() == spec.decimals


def test_weth9__is_the_real_wrapped_ether(w3: Web3, actors) -> None:
    weth = _contract(w3, A.WETH, "WETH9")
    assert (weth.functions.name().call(), weth.functions.symbol().call()) == ("Wrapped Ether",
                                                                               "WETH")
    before = weth.functions.balanceOf(actors.trader).call()
    transact(w3, weth.functions.deposit().build_transaction(
        {"from": actors.trader, "value": 3 * 10**18}), "deposit")
    assert weth.functions.balanceOf(actors.trader).call() == before + 3 * 10**18


def test_eth_usd_feed__answers_the_start_price_with_round_data(w3: Web3) -> None:
    feed = _contract(w3, A.ETH_USD_FEED, "PriceFeed")
    round_id, answer, started, updated, answered_in = feed.functions.latestRoundData().call()
    spec = default_spec()
    assert answer == int(spec.eth_usd * 10**8)
    assert round_id == answered_in == 1 and started == updated > 0
    assert feed.functions.decimals().call() == 8
    assert feed.functions.description().call() == "ETH / USD"
    assert feed.functions.getRoundData(1).call()[1] == answer


@pytest.mark.parametrize("spec", FEEDS, ids=lambda f: f.description)
def test_feed_update__by_non_operator__reverts(w3: Web3, actors, spec) -> None:
    feed = _contract(w3, spec.address, "PriceFeed")
    with pytest.raises(ContractLogicError, match="feed: not operator"):
        feed.functions.update(1).call({"from": actors.attacker})


def test_feed_update__by_operator__opens_a_new_round(w3: Web3, actors) -> None:
    feed = _contract(w3, A.ETH_USD_FEED, "PriceFeed")
    transact(w3, feed.functions.update(2_000 * 10**8).build_transaction(
        {"from": actors.operator}), "update")
    round_id, answer, *_ = feed.functions.latestRoundData().call()
    assert (round_id, answer) == (2, 2_000 * 10**8)
    assert feed.functions.getRoundData(1).call()[1] != answer
    with pytest.raises(ContractLogicError, match="feed: no data"):
        feed.functions.getRoundData(3).call()


def test_pools__start_at_the_price_from_shared_data(w3: Web3) -> None:
    driver = MarketDriver(w3)
    _, tick = driver.slot0(A.WETH_USDC_V3_005)
    # tick of price (WETH per USDC, raw) = log_1.0001(1e12 / eth_usd)
    import math
    expected = math.floor(math.log(10**12 / float(default_spec().eth_usd), 1.0001))
    assert abs(tick - expected) <= 1


def test_swap_through_real_swap_router__moves_slot0(w3: Web3, actors, fund) -> None:
    fund(A.WETH, actors.trader, 100 * 10**18)
    weth = _contract(w3, A.WETH, "WETH9")
    transact(w3, weth.functions.approve(A.SWAP_ROUTER, 2**256 - 1).build_transaction(
        {"from": actors.trader}), "approve")
    pool = _contract(w3, A.WETH_USDC_V3_005, "UniswapV3Pool")
    sqrt_before, tick_before, *_ = pool.functions.slot0().call()
    router = _contract(w3, A.SWAP_ROUTER, "SwapRouter")
    deadline = w3.eth.get_block("latest")["timestamp"] + 60
    params = (A.WETH, A.USDC, 500, actors.trader, deadline, 100 * 10**18, 1, 0)
    transact(w3, router.functions.exactInputSingle(params).build_transaction(
        {"from": actors.trader}), "swap")
    sqrt_after, tick_after, *_ = pool.functions.slot0().call()
    # selling WETH (token1) for USDC raises token1-per-token0: sqrtPrice and tick go up
    assert sqrt_after > sqrt_before and tick_after >= tick_before
    usdc = _contract(w3, A.USDC, "Token")
    assert usdc.functions.balanceOf(actors.trader).call() > 0


@pytest.mark.parametrize("eth_usd", [1_800, 2_750.25, 4_600])
def test_driver_set_price__brings_every_pool_within_one_tick_of_target(
    w3: Web3, eth_usd: float
) -> None:
    driver = MarketDriver(w3)
    driver.set_price("ETH", eth_usd)
    import math
    for market in V3_MARKETS:
        _, tick = driver.slot0(market.pool)
        usd0 = 1.0 if market.token0 == A.USDC else float(driver.feed_price(A.BTC_USD_FEED))
        price = usd0 / eth_usd * 10 ** (market.decimals1 - market.decimals0)
        assert abs(tick - math.log(price, 1.0001)) <= 1
    assert driver.feed_price(A.ETH_USD_FEED) == pytest.approx(eth_usd, abs=1e-8)
    pair = _contract(w3, A.WETH_USDC_V2, "UniswapV2Pair")
    r0, r1, _ = pair.functions.getReserves().call()
    assert (r0 / 1e6) / (r1 / 1e18) == pytest.approx(eth_usd, rel=0.004)


def test_driver_advance__moves_time_and_blocks(w3: Web3) -> None:
    driver = MarketDriver(w3)
    before = w3.eth.get_block("latest")
    after_ts = driver.advance(86_400, blocks=24)
    after = w3.eth.get_block("latest")
    assert after["number"] == before["number"] + 24
    assert after_ts == after["timestamp"]
    assert 86_400 <= after["timestamp"] - before["timestamp"] <= 86_400 + 5
