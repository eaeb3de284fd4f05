"""Read an account's whole hedgeable exposure at one pinned block."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from web3 import Web3

from hedgekit.amm.readers import read_balances, read_positions, read_v2_pairs, require_address
from hedgekit.amm.readers.v3_positions import PositionState
from hedgekit.chain import addresses as A
from hedgekit.chain.multicall import Call, multicall
from hedgekit.portfolio.holdings import LPHolding, lp_from_position, lp_from_v2_share
from hedgekit.types import Address, BlockNumber, Wei
from hedgekit.units import from_base_units_float
from hedgekit.venues.aave import AaveV3
from hedgekit.venues.aave_state import AaveAccountState
from hedgekit.venues.perp import PerpMarketVenue
from hedgekit.venues.perp_state import PerpPosition

#: Stablecoins the portfolio counts as USD (at par) when they pair with the base asset.
USD_TOKENS = (A.USDC, A.DAI)
#: v2 pairs whose LP shares are part of the portfolio.
V2_PAIRS = (A.WETH_USDC_V2,)
WAD = 10**18


@dataclass(frozen=True)
class Portfolio:
    """Everything ``owner`` holds that moves with the base asset (WETH), at one block.

    ``lps`` are in model terms (USD per ETH); ``positions`` keep the exact reader snapshots for
    transaction building; ``excluded`` names positions on pools that do not pair the base asset
    with a USD stablecoin (listed, not hedged). ``oracle_price`` is the Chainlink ETH/USD answer
    in USD; ``balances`` are raw token balances (and ``"ETH"``).
    """

    owner: Address
    block_number: BlockNumber
    timestamp: int
    oracle_price: float
    lps: tuple[LPHolding, ...]
    positions: tuple[PositionState, ...]
    perp: PerpPosition | None
    aave: AaveAccountState | None
    balances: dict[Address, Wei] = field(hash=False)
    excluded: tuple[str, ...] = ()
    token_ids: tuple[int, ...] | None = None
    """The positions asked for (None: all of the owner's, v2 shares included)."""

    @property
    def spot_base(self) -> float:
        """WETH held, in ETH. Native ETH is the account's gas money and is not counted as
        exposure (it is in ``balances["ETH"]``); wrap it to hedge it."""
        return from_base_units_float(self.balances.get(Address(A.WETH), Wei(0)), 18)

    @property
    def spot_quote(self) -> float:
        """USDC held, in USD."""
        return from_base_units_float(self.balances.get(Address(A.USDC), Wei(0)), 6)

    @property
    def perp_size(self) -> float:
        """Signed perp size in ETH (negative = short)."""
        return self.perp.size / WAD if self.perp else 0.0

    def aave_base(self) -> tuple[float, float]:
        """(WETH supplied, WETH borrowed) on Aave, in ETH."""
        if self.aave is None:
            return 0.0, 0.0
        position = self.aave.position(A.WETH)
        return position.collateral / WAD, position.debt / WAD


def oracle_price(w3: Web3, block: int) -> float:
    """The Chainlink ETH/USD answer at ``block``, in USD."""
    (answer,) = multicall(w3, [Call(A.ETH_USD_FEED, "latestRoundData()", (),
                                    ("uint80", "int256", "uint256", "uint256", "uint80"))], block)
    assert answer is not None
    return float(answer[1]) / 10**8


def read_portfolio(w3: Web3, owner: str, token_ids: Sequence[int] | None = None,
                   block: int | None = None, base: str = A.WETH) -> Portfolio:
    """The portfolio of ``owner`` (its v3 positions, or only ``token_ids``) at one block.

    Venues without code on the chain (no PerpMarket on a plain fork, say) are left out.
    """
    holder = require_address(owner, "owner")
    # the header by "latest" (not by number: after an EVM snapshot revert a dev node can serve
    # a stale block for a reused number) pins the block and gives its timestamp
    header = w3.eth.get_block("latest" if block is None else block)
    block = int(header["number"])
    positions = read_positions(w3, holder, token_ids, block=block)
    lps: list[LPHolding] = []
    kept: list[PositionState] = []
    excluded: list[str] = []
    for position in positions:
        pair = {position.token0, position.token1}
        if base in pair and pair & set(USD_TOKENS):
            lps.append(lp_from_position(position, base))
            kept.append(position)
        else:
            excluded.append(f"v3 #{position.token_id} ({position.token0}/{position.token1})")
    if token_ids is None:
        for pair_state in read_v2_pairs(w3, list(V2_PAIRS), holder, block=block):
            if pair_state.lp_balance:
                lps.append(lp_from_v2_share(pair_state, base))
    with w3.batch_requests() as batch:
        batch.add(w3.eth.get_code(A.PERP_MARKET_ETH_USD, block))  # type: ignore[arg-type]
        batch.add(w3.eth.get_code(A.AAVE_V3_POOL_ADDRESSES_PROVIDER, block))  # type: ignore[arg-type]
        perp_code, aave_code = batch.execute()
    perp = PerpMarketVenue(w3).position(holder, block) if perp_code else None
    if perp is not None and perp.size == 0 and perp.margin == 0:
        perp = None
    aave = AaveV3(w3).account(holder, block) if aave_code else None
    if aave is not None and not any(p.collateral or p.debt for p in aave.positions):
        aave = None
    _, balances = read_balances(w3, holder, [Address(A.WETH), Address(A.USDC)], block)
    return Portfolio(holder, BlockNumber(block), int(header["timestamp"]),
                     oracle_price(w3, block), tuple(lps), tuple(kept), perp, aave, balances,
                     tuple(excluded), tuple(token_ids) if token_ids is not None else None)
