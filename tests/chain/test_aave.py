"""Real Aave v3 on the replica, and the AaveV3 adapter against it: stated reserve parameters,
a borrow-and-sell short round trip to the wei, the adapter's account data against
Pool.getUserAccountData, the liquidation price crossed with the market driver, and interest
predicted by index math."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError
from web3.logs import DISCARD

from hedgekit.chain import addresses
from hedgekit.chain.aave_deploy import (
    BASE_CURRENCY_UNIT,
    MARKET_ID,
    ORACLE_SOURCES,
    RESERVES,
    ReserveParams,
)
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.driver import MarketDriver
from hedgekit.errors import VenueError
from hedgekit.types import Address
from hedgekit.units import RAY, WAD, ray_div
from hedgekit.venues.aave import AaveV3
from hedgekit.venues.aave_state import AaveAccountState
from hedgekit.venues.tx import UnsignedTx

WETH, USDC = addresses.WETH, addresses.USDC
SUPPLY_USDC = 100_000 * 10**6


def _contract(w3: Web3, address: str, name: str) -> Contract:
    try:
        abi = npm_artifact(name).abi
    except Exception:
        abi = project_artifact(name).abi
    return w3.eth.contract(address=Web3.to_checksum_address(address), abi=abi)  # type: ignore[call-overload, no-any-return]


def _send(w3: Web3, sender: str, txs: tuple[UnsignedTx, ...]) -> list[Any]:
    return [transact(w3, {**tx.as_params(sender), "gas": 3_000_000},  # type: ignore[typeddict-item]
                     tx.description) for tx in txs]


def _balance(w3: Web3, token: str, account: str, block: int | str = "latest") -> int:
    return int(_contract(w3, token, "IERC20").functions.balanceOf(account).call(
        block_identifier=block))


@pytest.fixture
def aave(w3: Web3) -> AaveV3:
    return AaveV3(w3)


@pytest.fixture
def pool(w3: Web3, aave: AaveV3) -> Contract:
    return _contract(w3, aave.pool, "Pool")


def _open_short(w3: Web3, aave: AaveV3, fund: Any, trader: str, leverage: Fraction
                ) -> tuple[int, AaveAccountState]:
    """Supply SUPPLY_USDC, borrow WETH worth ``leverage`` of it; returns the WETH borrowed."""
    fund(USDC, trader, SUPPLY_USDC)
    _send(w3, trader, aave.build_supply(trader, USDC, SUPPLY_USDC))
    eth = aave.reserve(WETH)
    borrowed = int(Fraction(SUPPLY_USDC, 10**6) * leverage * 10**18 * BASE_CURRENCY_UNIT
                   / eth.price)
    _send(w3, trader, aave.build_borrow(trader, WETH, borrowed))
    return borrowed, aave.account(trader)


# -- deployment ----------------------------------------------------------------------------
def test_provider__at_canonical_address__discovers_pool_oracle_and_admins(
    w3: Web3, aave: AaveV3, actors: Any
) -> None:
    provider = _contract(w3, addresses.AAVE_V3_POOL_ADDRESSES_PROVIDER, "PoolAddressesProvider")
    assert provider.functions.getMarketId().call() == MARKET_ID
    assert provider.functions.owner().call() == actors.operator
    assert provider.functions.getPool().call() == aave.pool
    assert w3.eth.get_code(aave.pool)
    acl = _contract(w3, provider.functions.getACLManager().call(), "ACLManager")
    for role in ("isPoolAdmin", "isRiskAdmin", "isEmergencyAdmin"):
        assert getattr(acl.functions, role)(actors.operator).call()
        assert not getattr(acl.functions, role)(actors.attacker).call()
    oracle = _contract(w3, provider.functions.getPriceOracle().call(), "AaveOracle")
    assert oracle.functions.BASE_CURRENCY_UNIT().call() == BASE_CURRENCY_UNIT
    for asset, feed in ORACLE_SOURCES.items():
        assert oracle.functions.getSourceOfAsset(asset).call() == feed
        answer = _contract(w3, feed, "PriceFeed").functions.latestAnswer().call()
        assert oracle.functions.getAssetPrice(asset).call() == answer > 0


@pytest.mark.parametrize("params", RESERVES, ids=lambda r: r.symbol)
def test_reserve__configured_with_stated_parameters__read_back_from_the_pool(
    w3: Web3, aave: AaveV3, params: ReserveParams
) -> None:
    provider = _contract(w3, addresses.AAVE_V3_POOL_ADDRESSES_PROVIDER, "PoolAddressesProvider")
    data = _contract(w3, provider.functions.getPoolDataProvider().call(),
                     "AaveProtocolDataProvider").functions
    (decimals, ltv, threshold, bonus, reserve_factor, collateral, borrowing, stable, active,
     frozen) = data.getReserveConfigurationData(params.asset).call()
    assert (decimals, ltv, threshold, bonus, reserve_factor) == (
        params.decimals, params.ltv, params.liquidation_threshold, params.liquidation_bonus,
        params.reserve_factor)
    assert collateral and borrowing and active and not stable and not frozen
    assert data.getReserveCaps(params.asset).call() == [params.borrow_cap, params.supply_cap]
    assert data.getLiquidationProtocolFee(params.asset).call() == params.liquidation_protocol_fee
    strategy = _contract(w3, data.getInterestRateStrategyAddress(params.asset).call(),
                         "DefaultReserveInterestRateStrategy").functions
    assert strategy.OPTIMAL_USAGE_RATIO().call() == params.strategy.optimal_usage_ratio
    assert strategy.getBaseVariableBorrowRate().call() == (
        params.strategy.base_variable_borrow_rate)
    assert strategy.getVariableRateSlope1().call() == params.strategy.variable_rate_slope1
    assert strategy.getVariableRateSlope2().call() == params.strategy.variable_rate_slope2
    # the adapter decodes the same configuration word
    reserve = aave.reserve(params.asset)
    assert (reserve.decimals, reserve.ltv, reserve.liquidation_threshold,
            reserve.liquidation_bonus, reserve.config.reserve_factor) == (
        decimals, ltv, threshold, bonus, reserve_factor)
    assert (reserve.borrow_cap, reserve.supply_cap) == (params.borrow_cap, params.supply_cap)


@pytest.mark.parametrize("params", RESERVES, ids=lambda r: r.symbol)
def test_seeded_reserve__has_stated_utilization_and_positive_rates(
    aave: AaveV3, params: ReserveParams
) -> None:
    reserve = aave.reserve(params.symbol)
    seeded = Fraction(params.seed_borrow, params.seed_supply)
    assert abs(Fraction(reserve.utilization, RAY) - seeded) < Fraction(1, 10**6)
    # below the kink: variable rate = slope1 * U / U_optimal (the rate set at the last update)
    strategy = params.strategy
    expected_apr = strategy.variable_rate_slope1 * seeded / strategy.optimal_usage_ratio
    assert reserve.borrow_apr == pytest.approx(float(expected_apr), rel=1e-6)
    assert 0 < reserve.supply_apr < reserve.borrow_apr < reserve.borrow_apy
    assert reserve.available_liquidity == (params.seed_supply - params.seed_borrow) * 10**(
        params.decimals)


def test_reserve_snapshot__indexes_and_totals__equal_the_pool_at_the_same_block(
    w3: Web3, aave: AaveV3, pool: Contract, driver: MarketDriver
) -> None:
    driver.advance(7 * 86_400)
    for reserve in aave.reserves():
        at = reserve.block_number
        assert reserve.timestamp == w3.eth.get_block(at)["timestamp"]
        assert reserve.timestamp > reserve.last_update_timestamp
        fn = pool.functions
        assert reserve.normalized_income == fn.getReserveNormalizedIncome(reserve.asset).call(
            block_identifier=at)
        assert reserve.normalized_debt == fn.getReserveNormalizedVariableDebt(
            reserve.asset).call(block_identifier=at)
        a_token = _contract(w3, reserve.a_token, "AToken").functions
        debt = _contract(w3, reserve.variable_debt_token, "VariableDebtToken").functions
        assert reserve.total_supply == a_token.totalSupply().call(block_identifier=at)
        assert reserve.total_variable_debt == debt.totalSupply().call(block_identifier=at)


# -- a short: supply USDC, borrow WETH, sell it; then close ---------------------------------
def test_short_round_trip__supply_borrow_sell_buy_repay_withdraw__balances_to_the_wei(
    w3: Web3, aave: AaveV3, pool: Contract, fund: Any, actors: Any
) -> None:
    trader = actors.trader
    fund(USDC, trader, SUPPLY_USDC + 1_000 * 10**6)  # the extra pays the swap fees back
    usdc_start = _balance(w3, USDC, trader)

    supply = aave.build_supply(trader, USDC, SUPPLY_USDC)
    assert [tx.to for tx in supply] == [USDC, aave.pool]  # approve exactly, then supply
    _send(w3, trader, supply)
    after_supply = aave.account(trader)
    usdc_reserve = after_supply.reserve(USDC)
    assert _balance(w3, USDC, trader) == usdc_start - SUPPLY_USDC
    assert after_supply.position(USDC).scaled_collateral == ray_div(
        SUPPLY_USDC, usdc_reserve.liquidity_index)
    assert _contract(w3, USDC, "IERC20").functions.allowance(trader, aave.pool).call() == 0

    borrowed = 10 * 10**18
    (borrow,) = aave.build_borrow(trader, WETH, borrowed)
    predicted = after_supply.totals_after(WETH, debt_delta=borrowed).health_factor
    _send(w3, trader, (borrow,))
    short = aave.account(trader)
    assert _balance(w3, WETH, trader) == borrowed
    assert short.position(WETH).scaled_variable_debt == ray_div(
        borrowed, short.reserve(WETH).variable_borrow_index)
    assert short.position(WETH).variable_debt == borrowed
    # the borrow's expected effect: the HF it predicted, up to seconds of supply interest
    assert abs(short.health_factor - predicted) < predicted // 10**8
    assert "health factor inf ->" in borrow.effect

    router = _contract(w3, addresses.SWAP_ROUTER, "SwapRouter")
    v3_pool = _contract(w3, addresses.WETH_USDC_V3_005, "UniswapV3Pool")
    weth = _contract(w3, WETH, "WETH9")
    deadline = 2**40
    transact(w3, weth.functions.approve(addresses.SWAP_ROUTER, borrowed).build_transaction(
        {"from": trader}), "approving the router")
    sell = transact(w3, router.functions.exactInputSingle(
        (WETH, USDC, 500, trader, deadline, borrowed, 0, 0)).build_transaction(
        {"from": trader}), "selling the borrowed WETH")
    (swap,) = v3_pool.events.Swap().process_receipt(sell, errors=DISCARD)
    assert swap["args"]["amount1"] == borrowed
    proceeds = -swap["args"]["amount0"]
    assert _balance(w3, WETH, trader) == 0
    assert _balance(w3, USDC, trader) == usdc_start - SUPPLY_USDC + proceeds

    # close: buy the debt back (plus a margin for interest), repay all, withdraw all
    buy_back = borrowed + 10**16
    transact(w3, _contract(w3, USDC, "IERC20").functions.approve(
        addresses.SWAP_ROUTER, proceeds + 10**12).build_transaction({"from": trader}),
        "approving the router")
    buy = transact(w3, router.functions.exactOutputSingle(
        (USDC, WETH, 500, trader, deadline, buy_back, proceeds + 10**12, 0)).build_transaction(
        {"from": trader}), "buying WETH back")
    (swap_back,) = v3_pool.events.Swap().process_receipt(buy, errors=DISCARD)
    paid = swap_back["args"]["amount0"]
    # ten minutes pass before the repay, so interest accrues whatever the wall clock did (well
    # inside the hour of interest the full-repay builder approves ahead)
    w3.provider.make_request("evm_increaseTime", [600])
    before_repay = aave.account(trader)
    repay = aave.build_repay(trader, WETH)
    receipts = _send(w3, trader, repay)
    # by hash: after an EVM snapshot revert anvil can serve a stale block for a reused number
    repay_time = w3.eth.get_block(receipts[-1]["blockHash"])["timestamp"]
    owed = before_repay.variable_debt_at(WETH, repay_time)
    assert owed > borrowed  # interest accrued over the blocks in between
    assert _balance(w3, WETH, trader) == buy_back - owed
    assert aave.account(trader).position(WETH).variable_debt == 0

    withdraw = aave.build_withdraw(trader, USDC)
    receipts = _send(w3, trader, withdraw)
    withdraw_time = w3.eth.get_block(receipts[-1]["blockHash"])["timestamp"]
    returned = before_repay.collateral_at(USDC, withdraw_time)
    assert returned > SUPPLY_USDC
    assert _balance(w3, USDC, trader) == usdc_start - SUPPLY_USDC + proceeds - paid + returned
    closed = aave.account(trader)
    assert closed.position(USDC).scaled_collateral == 0
    assert closed.health_factor == pool.functions.getUserAccountData(trader).call()[5]


def test_account__operator_and_a_short__totals_equal_pool_get_user_account_data(
    w3: Web3, aave: AaveV3, pool: Contract, fund: Any, actors: Any, driver: MarketDriver
) -> None:
    _open_short(w3, aave, fund, actors.trader, Fraction(6, 10))
    driver.advance(3 * 86_400)
    for user in (actors.operator, actors.trader, actors.lp):
        account = aave.account(user)
        chain = pool.functions.getUserAccountData(user).call(
            block_identifier=account.block_number)
        totals = account.totals
        assert [totals.total_collateral_base, totals.total_debt_base,
                totals.available_borrows_base, totals.current_liquidation_threshold,
                totals.ltv, totals.health_factor] == chain


# -- the liquidation price -----------------------------------------------------------------
def test_liquidation_price__crossed_with_the_driver__makes_the_short_liquidatable(
    w3: Web3, aave: AaveV3, pool: Contract, fund: Any, actors: Any, driver: MarketDriver
) -> None:
    trader, liquidator = actors.trader, actors.liquidator
    borrowed, account = _open_short(w3, aave, fund, trader, Fraction(70, 100))
    found = account.liquidation_price(WETH)
    assert found is not None and found.liquidatable_above
    # HF = 0.8 * collateral / (0.7 * collateral): P* = P0 * 8/7 up to integer floors
    p0 = account.reserve(WETH).price
    assert abs(found.price / (p0 * Fraction(8, 7)) - 1) < Fraction(1, 10**9)
    star_usd = found.price / BASE_CURRENCY_UNIT
    fund(WETH, liquidator, borrowed)
    weth = _contract(w3, WETH, "WETH9")
    transact(w3, weth.functions.approve(aave.pool, borrowed).build_transaction(
        {"from": liquidator}), "approving the Pool")
    cover = borrowed // 2

    driver.set_price("ETH", star_usd * (1 - Fraction(1, 10**5)))
    safe = aave.account(trader)
    assert pool.functions.getUserAccountData(trader).call()[5] == safe.health_factor >= WAD
    with pytest.raises(ContractLogicError, match="45"):  # HEALTH_FACTOR_NOT_BELOW_THRESHOLD
        pool.functions.liquidationCall(USDC, WETH, trader, cover, False).call(
            {"from": liquidator})

    driver.set_price("ETH", star_usd * (1 + Fraction(1, 10**5)))
    unsafe = aave.account(trader)
    assert pool.functions.getUserAccountData(trader).call()[5] == unsafe.health_factor < WAD
    assert unsafe.health_factor > WAD * 99_998 // 100_000  # just past the line
    receipt = transact(w3, pool.functions.liquidationCall(
        USDC, WETH, trader, cover, False).build_transaction({"from": liquidator}),
        "liquidating the short")
    (event,) = pool.events.LiquidationCall().process_receipt(receipt, errors=DISCARD)
    assert event["args"]["debtToCover"] == cover
    seized = event["args"]["liquidatedCollateralAmount"]
    assert _balance(w3, USDC, liquidator) == seized
    assert _balance(w3, WETH, liquidator) == borrowed - cover
    # the liquidator gets the debt's value plus the 4.5 % bonus less the 10 % protocol cut
    value_usd = Fraction(cover, 10**18) * unsafe.reserve(WETH).price_usd
    assert abs(Fraction(seized, 10**6) / value_usd - Fraction(10405, 10_000)) < Fraction(1, 10**5)
    # the debt fell by exactly what was covered (1 wei of scaled rounding either way)
    liquidated_at = w3.eth.get_block(receipt["blockHash"])["timestamp"]
    owed_then = unsafe.variable_debt_at(WETH, liquidated_at)
    assert abs(aave.account(trader).position(WETH).variable_debt - (owed_then - cover)) <= 1


def test_liquidation_price__long_weth_against_usdc_debt__liquidatable_below(
    w3: Web3, aave: AaveV3, pool: Contract, fund: Any, actors: Any, driver: MarketDriver
) -> None:
    trader = actors.lp
    supplied = 50 * 10**18
    fund(WETH, trader, supplied)
    _send(w3, trader, aave.build_supply(trader, WETH, supplied))
    eth = aave.reserve(WETH)
    debt = int(Fraction(supplied, 10**18) * eth.price_usd * Fraction(75, 100) * 10**6)
    _send(w3, trader, aave.build_borrow(trader, USDC, debt))
    found = aave.account(trader).liquidation_price(WETH)
    assert found is not None and not found.liquidatable_above
    star_usd = found.price / BASE_CURRENCY_UNIT
    driver.set_price("ETH", star_usd * (1 + Fraction(1, 10**5)))
    assert pool.functions.getUserAccountData(trader).call()[5] >= WAD
    driver.set_price("ETH", star_usd * (1 - Fraction(1, 10**5)))
    assert pool.functions.getUserAccountData(trader).call()[5] < WAD


# -- interest ------------------------------------------------------------------------------
@pytest.mark.parametrize(("seconds", "blocks"), [(30 * 86_400, 1), (365 * 86_400, 12)])
def test_interest__after_advance__index_math_predicts_debt_and_collateral_to_the_wei(
    w3: Web3, aave: AaveV3, pool: Contract, fund: Any, actors: Any, driver: MarketDriver,
    seconds: int, blocks: int
) -> None:
    trader = actors.trader
    borrowed, account = _open_short(w3, aave, fund, trader, Fraction(1, 2))
    timestamp = driver.advance(seconds, blocks)
    block = w3.eth.block_number
    debt = account.variable_debt_at(WETH, timestamp)
    assert debt > borrowed * (RAY + account.reserve(WETH).variable_borrow_rate
                              * seconds // (365 * 86_400)) // RAY  # compounding beats linear
    position = account.position(WETH)
    debt_token = _contract(w3, account.reserve(WETH).variable_debt_token, "VariableDebtToken")
    assert debt_token.functions.balanceOf(trader).call(block_identifier=block) == debt
    assert position.scaled_variable_debt == debt_token.functions.scaledBalanceOf(trader).call()
    a_token = _contract(w3, account.reserve(USDC).a_token, "AToken")
    assert a_token.functions.balanceOf(trader).call(block_identifier=block) == (
        account.collateral_at(USDC, timestamp))
    later = aave.account(trader, block)
    assert later.position(WETH).variable_debt == debt
    # HF moved with interest on both sides (here USDC supply interest outpaces WETH debt)
    assert later.health_factor == pool.functions.getUserAccountData(trader).call(
        block_identifier=block)[5] != account.health_factor


# -- builders ------------------------------------------------------------------------------
def test_build_supply__allowance_already_covers__sends_no_approve(
    w3: Web3, aave: AaveV3, fund: Any, actors: Any
) -> None:
    trader = actors.trader
    fund(USDC, trader, SUPPLY_USDC)
    (approve, _) = aave.build_supply(trader, USDC, SUPPLY_USDC)
    assert approve.data[-32:] == SUPPLY_USDC.to_bytes(32, "big")  # exactly the amount
    _send(w3, trader, (approve,))
    (only,) = aave.build_supply(trader, USDC, SUPPLY_USDC)
    assert only.to == aave.pool and only.value == 0


def test_build_borrow__beyond_ltv__refused_with_the_aave_error_the_pool_reverts_with(
    w3: Web3, aave: AaveV3, pool: Contract, fund: Any, actors: Any
) -> None:
    trader = actors.trader
    fund(USDC, trader, SUPPLY_USDC)
    _send(w3, trader, aave.build_supply(trader, USDC, SUPPLY_USDC))
    account = aave.account(trader)
    eth = account.reserve(WETH)
    max_borrow = account.available_borrows_base * 10**18 // eth.price
    too_much = max_borrow * 1001 // 1000
    with pytest.raises(VenueError, match="COLLATERAL_CANNOT_COVER_NEW_BORROW"):
        aave.build_borrow(trader, WETH, too_much)
    with pytest.raises(ContractLogicError, match="36"):  # COLLATERAL_CANNOT_COVER_NEW_BORROW
        pool.functions.borrow(WETH, too_much, 2, 0, trader).call({"from": trader})
    _send(w3, trader, aave.build_borrow(trader, WETH, max_borrow))
    assert _balance(w3, WETH, trader) == max_borrow


def test_build_withdraw__would_leave_health_factor_below_one__refused(
    w3: Web3, aave: AaveV3, fund: Any, actors: Any
) -> None:
    _open_short(w3, aave, fund, actors.trader, Fraction(1, 2))
    with pytest.raises(VenueError, match="HEALTH_FACTOR_LOWER_THAN_LIQUIDATION_THRESHOLD"):
        aave.build_withdraw(actors.trader, USDC)
    (partial,) = aave.build_withdraw(actors.trader, USDC, SUPPLY_USDC // 10)
    _send(w3, actors.trader, (partial,))
    assert _balance(w3, USDC, actors.trader) == SUPPLY_USDC // 10


def test_adapter__unknown_asset__names_the_listed_reserves(aave: AaveV3) -> None:
    with pytest.raises(ValueError, match="WETH, USDC, WBTC"):
        aave.reserve(Address(addresses.DAI))
