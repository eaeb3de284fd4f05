"""Aave v3 as a :class:`~hedgekit.venues.protocols.BorrowVenue`: reserve and account snapshots
read through Multicall3 at one pinned block, and builders of unsigned transactions.

Everything is discovered from the PoolAddressesProvider (mainnet's canonical one by default):
the Pool, the AaveOracle, and per reserve its aToken / debt tokens and rate strategy. Those do
not change between blocks, so they are read once, at the first snapshot; each snapshot after
that is a single ``eth_call``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from hedgekit.chain.addresses import AAVE_V3_POOL_ADDRESSES_PROVIDER, MULTICALL3
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import ChainError, InputError
from hedgekit.types import Address, BlockNumber
from hedgekit.venues import aave_tx
from hedgekit.venues.aave_math import ReserveConfig, balance_of_scaled, user_flags
from hedgekit.venues.aave_state import AaveAccountState, AavePosition, AaveReserveState
from hedgekit.venues.protocols import BorrowVenue
from hedgekit.venues.tx import UnsignedTx

#: ``DataTypes.ReserveData`` (Aave v3.0) as returned by ``Pool.getReserveData``.
RESERVE_DATA = ("((uint256),uint128,uint128,uint128,uint128,uint128,uint40,uint16,address,"
                "address,address,address,uint128,uint128,uint128)",)
UINT = ("uint256",)


def _addr(value: str) -> Address:
    """eth-abi decodes addresses in lower case; snapshots carry them checksummed."""
    return Address(Web3.to_checksum_address(value))


def _answers(w3: Web3, calls: list[Call], block: int) -> list[tuple[Any, ...]]:
    """multicall without allow_failure: every answer is present."""
    return [a for a in multicall(w3, calls, block) if a is not None]


@dataclass(frozen=True)
class _Listing:
    """What does not change between blocks: a reserve's token addresses and symbol."""

    asset: Address
    symbol: str


class AaveV3:
    """Reader and transaction builder for one Aave v3 market (its addresses provider)."""

    def __init__(self, w3: Web3, provider: str = AAVE_V3_POOL_ADDRESSES_PROVIDER) -> None:
        self.w3 = w3
        self.provider = _addr(provider)
        self._pool: Address | None = None
        self._oracle: Address | None = None
        self._listings: tuple[_Listing, ...] = ()

    # -- discovery -----------------------------------------------------------------------
    def _discover(self, block: int) -> None:
        if self._pool is not None:
            return
        pool_call = Call(self.provider, "getPool()", (), ("address",))
        oracle_call = Call(self.provider, "getPriceOracle()", (), ("address",))
        try:
            (pool,), (oracle,) = _answers(self.w3, [pool_call, oracle_call], block)
        except ChainError as err:
            raise ChainError(f"no Aave v3 PoolAddressesProvider at {self.provider}: {err}") from err
        if int(pool, 16) == 0:
            raise ChainError(f"the Aave provider at {self.provider} has no Pool")
        ((assets,),) = _answers(self.w3, [Call(pool, "getReservesList()", (), ("address[]",))],
                                block)
        symbols = multicall(self.w3, [Call(a, "symbol()", (), ("string",), allow_failure=True)
                                      for a in assets], block)
        self._listings = tuple(_Listing(_addr(a), s[0] if s else a[:10])
                               for a, s in zip(assets, symbols, strict=True))
        self._pool, self._oracle = _addr(pool), _addr(oracle)

    @property
    def pool(self) -> Address:
        """The Pool proxy (discovered from the provider)."""
        self._discover(self.w3.eth.block_number)
        assert self._pool is not None  # set by _discover
        return self._pool

    def listing(self, asset: str) -> Address:
        """The checksummed reserve address for ``asset`` (an address or a symbol)."""
        self._discover(self.w3.eth.block_number)
        for item in self._listings:
            if asset.lower() in (item.asset.lower(), item.symbol.lower()):
                return item.asset
        raise InputError(f"{asset!r} is not an Aave reserve; listed: "
                         f"{', '.join(i.symbol for i in self._listings)}")

    # -- reads ---------------------------------------------------------------------------
    def _reserve_calls(self, asset: str) -> list[Call]:
        assert self._pool is not None and self._oracle is not None
        return [Call(self._pool, "getReserveData(address)", (asset,), RESERVE_DATA),
                Call(self._oracle, "getAssetPrice(address)", (asset,), UINT)]

    def _token_calls(self, data: tuple[Any, ...], asset: str) -> list[Call]:
        a_token, stable, variable = data[8], data[9], data[10]
        return [Call(a_token, "scaledTotalSupply()", (), UINT),
                Call(variable, "scaledTotalSupply()", (), UINT),
                Call(stable, "totalSupply()", (), UINT),
                Call(asset, "balanceOf(address)", (a_token,), UINT)]

    def _read(self, block: int, user: str | None
              ) -> tuple[int, list[AaveReserveState], list[tuple[Any, ...]]]:
        """Reserves (and a user's raw balances) at ``block``. Token addresses come from the
        reserve data, so the batch is built from the first answer of the same block."""
        self._discover(block)
        assets = [item.asset for item in self._listings]
        head = [Call(MULTICALL3, "getCurrentBlockTimestamp()", (), UINT)]
        for asset in assets:
            head += self._reserve_calls(asset)
        first = _answers(self.w3, head, block)
        timestamp = int(first[0][0])
        datas = [first[1 + 2 * i][0] for i in range(len(assets))]
        prices = [int(first[2 + 2 * i][0]) for i in range(len(assets))]
        tail: list[Call] = []
        for asset, data in zip(assets, datas, strict=True):
            tail += self._token_calls(data, asset)
            if user is not None:
                tail += [Call(data[8], "scaledBalanceOf(address)", (user,), UINT),
                         Call(data[10], "scaledBalanceOf(address)", (user,), UINT),
                         Call(data[9], "balanceOf(address)", (user,), UINT)]
        if user is not None:
            assert self._pool is not None
            tail += [Call(self._pool, "getUserConfiguration(address)", (user,), ("(uint256)",)),
                     Call(self._pool, "getUserEMode(address)", (user,), UINT)]
        answers = [a[0] for a in _answers(self.w3, tail, block)]
        per = 7 if user is not None else 4
        reserves = []
        user_rows: list[tuple[Any, ...]] = []
        for i, (item, data, price) in enumerate(zip(self._listings, datas, prices, strict=True)):
            row = answers[i * per : (i + 1) * per]
            reserves.append(AaveReserveState(
                block_number=BlockNumber(block), timestamp=timestamp, asset=item.asset,
                symbol=item.symbol, reserve_id=int(data[7]), a_token=_addr(data[8]),
                stable_debt_token=_addr(data[9]), variable_debt_token=_addr(data[10]),
                interest_rate_strategy=_addr(data[11]),
                config=ReserveConfig.decode(int(data[0][0])), liquidity_index=int(data[1]),
                liquidity_rate=int(data[2]), variable_borrow_index=int(data[3]),
                variable_borrow_rate=int(data[4]), stable_borrow_rate=int(data[5]),
                last_update_timestamp=int(data[6]), accrued_to_treasury_scaled=int(data[12]),
                price=price, scaled_total_supply=int(row[0]),
                scaled_total_variable_debt=int(row[1]), total_stable_debt=int(row[2]),
                available_liquidity=int(row[3])))
            user_rows.append(tuple(row[4:]))
        if user is not None:
            user_rows.append(tuple(answers[len(assets) * per :]))
        return timestamp, reserves, user_rows

    def reserves(self, block: int | None = None) -> tuple[AaveReserveState, ...]:
        """Every listed reserve at ``block`` (default: latest), one block for all."""
        _, reserves, _ = self._read(self._pin(block), None)
        return tuple(reserves)

    def reserve(self, asset: str, block: int | None = None) -> AaveReserveState:
        """One reserve (by address or symbol) at ``block``."""
        address = self.listing(asset)
        return next(r for r in self.reserves(block) if r.asset == address)

    def account(self, user: str, block: int | None = None) -> AaveAccountState:
        """``user``'s balances in every reserve and their totals (collateral, debt, available
        borrows, LTV, liquidation threshold, health factor) at ``block``."""
        block = self._pin(block)
        timestamp, reserves, rows = self._read(block, user)
        (config,), emode = rows[-1][0], int(rows[-1][1])
        if emode != 0:
            raise InputError(f"{user} is in Aave e-mode category {emode}; "
                             "e-mode accounts are not modelled")
        positions = []
        for r, (scaled_coll, scaled_debt, stable) in zip(reserves, rows[:-1], strict=True):
            borrowing, collateral_on = user_flags(int(config), r.reserve_id)
            positions.append(AavePosition(
                asset=r.asset, symbol=r.symbol, scaled_collateral=int(scaled_coll),
                collateral=balance_of_scaled(int(scaled_coll), r.normalized_income),
                scaled_variable_debt=int(scaled_debt),
                variable_debt=balance_of_scaled(int(scaled_debt), r.normalized_debt),
                stable_debt=int(stable), collateral_enabled=collateral_on, borrowing=borrowing))
        return AaveAccountState(BlockNumber(block), timestamp, _addr(user), tuple(positions),
                                tuple(reserves))

    def _pin(self, block: int | None) -> int:
        return self.w3.eth.block_number if block is None else block

    def allowance(self, owner: str, asset: str, block: int | None = None) -> int:
        """``asset.allowance(owner, Pool)``."""
        address = self.listing(asset)
        ((value,),) = _answers(self.w3, [Call(address, "allowance(address,address)",
                                              (owner, self.pool), UINT)], self._pin(block))
        return int(value)

    # -- builders (nothing is sent) ------------------------------------------------------
    def build_supply(self, user: str, asset: str, amount: int) -> tuple[UnsignedTx, ...]:
        """approve (only if the allowance is short, exactly ``amount``) + ``Pool.supply``."""
        account = self.account(user)
        reserve = account.reserve(self.listing(asset))
        allowance = self.allowance(user, asset, account.block_number)
        return aave_tx.supply(self.pool, account, reserve, amount, allowance)

    def build_borrow(self, user: str, asset: str, amount: int) -> tuple[UnsignedTx, ...]:
        """``Pool.borrow`` at the variable rate; refuses what the Pool would revert on."""
        account = self.account(user)
        return aave_tx.borrow(self.pool, account, account.reserve(self.listing(asset)), amount)

    def build_repay(self, user: str, asset: str, amount: int | None = None
                    ) -> tuple[UnsignedTx, ...]:
        """approve (if short) + ``Pool.repay`` of ``amount``, or of the whole variable debt
        when ``amount`` is None."""
        account = self.account(user)
        reserve = account.reserve(self.listing(asset))
        allowance = self.allowance(user, asset, account.block_number)
        return aave_tx.repay(self.pool, account, reserve, amount, allowance)

    def build_withdraw(self, user: str, asset: str, amount: int | None = None
                       ) -> tuple[UnsignedTx, ...]:
        """``Pool.withdraw`` of ``amount`` (None: everything); refuses HF < 1 after."""
        account = self.account(user)
        return aave_tx.withdraw(self.pool, account, account.reserve(self.listing(asset)),
                                amount)


def _conforms(venue: AaveV3) -> BorrowVenue:
    """mypy checks here that AaveV3 implements BorrowVenue."""
    return venue
