"""A frozen snapshot of a HedgedLPVault at one pinned block, read through Multicall3.

Two round trips at the same block: the vault's immutables (pool, perp, oracle, decimals),
then every view in one ``aggregate3``. Amounts stay exact ints in base units; the float
properties (``delta_eth``, ``price``) are for the policy and reports only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import InputError
from hedgekit.types import Address, BlockNumber

FEED_DECIMALS = 8
WETH_DECIMALS = 18
USDC_DECIMALS = 6
FEED_UNIT = 100_000_000
ETH = 10**18
SLOT0 = ("uint160", "int24", "uint16", "uint16", "uint16", "uint8", "bool")
ROUND = ("uint80", "int256", "uint256", "uint256", "uint80")
U = ("uint256",)


@dataclass(frozen=True)
class VaultState:
    """Everything the keeper and ``hedgekit vault status`` need, at ``block_number``.

    Asset amounts are USDC base units, WETH amounts and sizes wei (18 decimals), the oracle
    answer has 8 decimals. ``delta`` = LP WETH (principal at the oracle and uncollected fees)
    + idle WETH + perp size.
    """

    vault: Address
    block_number: BlockNumber
    timestamp: int
    pool: Address
    perp: Address
    total_assets: int
    lp_value: int
    perp_value: int
    idle_usdc: int
    idle_weth_value: int
    idle_weth: int
    total_supply: int
    share_decimals: int
    share_price: int
    """Assets per 10**share_decimals shares (convertToAssets), USDC base units."""
    token_id: int
    tick_lower: int
    tick_upper: int
    liquidity: int
    lp_usdc: int
    lp_weth: int
    """The position's principal at the oracle price (``lp_amounts``)."""
    fees_usdc: int
    fees_weth: int
    """Swap fees earned and not yet collected (``uncollected_fees``): part of ``lp_value``,
    ``total_assets`` and ``delta``."""
    perp_size: int
    perp_margin: int
    remaining_margin: int
    """Margin + PnL + funding, USD wad (the PerpMarket's view)."""
    delta: int
    oracle_answer: int
    oracle_updated_at: int
    oracle_sqrt_price_x96: int
    pool_sqrt_price_x96: int
    pool_tick: int
    paused: bool
    shutdown: bool
    keeper: Address
    last_action: int
    cooldown: int
    max_delta: int
    max_deviation_bps: int
    max_slippage_bps: int

    @property
    def price(self) -> float:
        """Oracle USD per ETH."""
        return self.oracle_answer / FEED_UNIT

    @property
    def delta_eth(self) -> float:
        return self.delta / ETH

    @property
    def lp_delta_eth(self) -> float:
        """ETH held in the LP position, fees included (its delta)."""
        return (self.lp_weth + self.fees_weth) / ETH

    @property
    def perp_size_eth(self) -> float:
        return self.perp_size / ETH

    @property
    def in_range(self) -> bool:
        """Whether the pool's tick is inside the position's range (no position: False)."""
        return self.liquidity > 0 and self.tick_lower <= self.pool_tick < self.tick_upper

    @property
    def leverage(self) -> float | None:
        """Perp notional over remaining margin (None without a position)."""
        if self.perp_size == 0 or self.remaining_margin <= 0:
            return None
        notional = abs(self.perp_size) * self.oracle_answer * 10**10 // 10**18
        return notional / self.remaining_margin

    def as_dict(self) -> dict[str, Any]:
        """Plain data with the derived figures, for --json and the journal."""
        return {**asdict(self), "price": self.price, "delta_eth": self.delta_eth,
                "in_range": self.in_range, "leverage": self.leverage}


def _listing(w3: Web3, vault: Address, block: int) -> tuple[Address, Address, Address, int]:
    """(pool, perp, oracle, share decimals) of ``vault`` (immutables) at ``block``."""
    found = multicall(w3, [Call(vault, f"{name}()", (), ("address",), allow_failure=True)
                           for name in ("POOL", "PERP", "ORACLE")]
                      + [Call(vault, "decimals()", (), ("uint8",), allow_failure=True)],
                      block=block)
    if any(f is None for f in found):
        raise InputError(f"{vault} is not a HedgedLPVault (its POOL/PERP/ORACLE views fail)")
    pool, perp, oracle, decimals = (f[0] for f in found if f is not None)
    return Address(str(pool)), Address(str(perp)), Address(str(oracle)), int(decimals)


def read_vault_state(w3: Web3, vault: str, block: int | None = None) -> VaultState:
    """The :class:`VaultState` of ``vault`` at ``block`` (default: the latest)."""
    if not Web3.is_address(vault):
        raise InputError(f"not an address: {vault!r}")
    address = Address(Web3.to_checksum_address(vault))
    # The latest block the node serves, read once: every call below is pinned to it.
    block = int(w3.eth.get_block("latest")["number"]) if block is None else block
    pool, perp, oracle, decimals = _listing(w3, address, block)
    v = address
    calls = [
        Call(A.MULTICALL3, "getCurrentBlockTimestamp()", (), U),
        Call(v, "totalAssets()", (), U),
        Call(v, "asset_breakdown()", (), U * 4),
        Call(A.WETH, "balanceOf(address)", (v,), U),
        Call(v, "totalSupply()", (), U),
        Call(v, "convertToAssets(uint256)", (10**decimals,), U),
        Call(v, "token_id()", (), U),
        Call(v, "tick_lower()", (), ("int24",)),
        Call(v, "tick_upper()", (), ("int24",)),
        Call(v, "liquidity()", (), U),
        Call(v, "lp_amounts()", (), U * 2),
        Call(perp, "positions(address)", (v,), ("int256", "uint256", "uint256", "int256")),
        Call(perp, "remaining_margin(address)", (v,), ("int256",)),
        Call(v, "delta()", (), ("int256",)),
        Call(oracle, "latestRoundData()", (), ROUND),
        Call(v, "oracle_sqrt_price_x96()", (), U),
        Call(pool, "slot0()", (), SLOT0),
        Call(v, "paused()", (), ("bool",)),
        Call(v, "shutdown()", (), ("bool",)),
        Call(v, "keeper()", (), ("address",)),
        Call(v, "last_action()", (), U),
        Call(v, "cooldown()", (), U),
        Call(v, "max_delta()", (), U),
        Call(v, "max_deviation_bps()", (), U),
        Call(v, "max_slippage_bps()", (), U),
        Call(v, "uncollected_fees()", (), U * 2),
    ]
    r = [row for row in multicall(w3, calls, block=block) if row is not None]
    (share_price,) = r[5]
    lp_value, perp_value, idle_usdc, idle_weth_value = r[2]
    size, margin, _, _ = r[11]
    _, answer, _, updated_at, _ = r[14]
    return VaultState(
        vault=address, block_number=BlockNumber(block), timestamp=int(r[0][0]), pool=pool,
        perp=perp, total_assets=int(r[1][0]), lp_value=int(lp_value),
        perp_value=int(perp_value), idle_usdc=int(idle_usdc),
        idle_weth_value=int(idle_weth_value), idle_weth=int(r[3][0]),
        total_supply=int(r[4][0]), share_decimals=int(decimals), share_price=int(share_price),
        token_id=int(r[6][0]), tick_lower=int(r[7][0]), tick_upper=int(r[8][0]),
        liquidity=int(r[9][0]), lp_usdc=int(r[10][0]), lp_weth=int(r[10][1]),
        perp_size=int(size), perp_margin=int(margin), remaining_margin=int(r[12][0]),
        delta=int(r[13][0]), oracle_answer=int(answer), oracle_updated_at=int(updated_at),
        oracle_sqrt_price_x96=int(r[15][0]), pool_sqrt_price_x96=int(r[16][0]),
        pool_tick=int(r[16][1]), paused=bool(r[17][0]), shutdown=bool(r[18][0]),
        keeper=Address(str(r[19][0])), last_action=int(r[20][0]), cooldown=int(r[21][0]),
        max_delta=int(r[22][0]), max_deviation_bps=int(r[23][0]),
        max_slippage_bps=int(r[24][0]), fees_usdc=int(r[25][0]), fees_weth=int(r[25][1]))


__all__ = ["VaultState", "read_vault_state"]
