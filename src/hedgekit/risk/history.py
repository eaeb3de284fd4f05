"""A v3 position's history from the NonfungiblePositionManager's logs: what was deposited
(IncreaseLiquidity, the first one is the mint), withdrawn (DecreaseLiquidity) and collected
(Collect), read with one ``eth_getLogs`` for every token id at once (topic 1 is an OR-list of
the ids), plus one JSON-RPC batch for the mint blocks' timestamps and pool prices.

The manager's ``tokensOwed`` holds both withdrawn principal and fees, so the exact fees earned
over the position's life are ``collected + owed now - withdrawn`` per token (``owed now`` is the
reader's ``fees0``/``fees1``), and the part already collected is ``max(collected - withdrawn,
0)``. Impermanent loss against holding: the principal now minus the net deposits (deposited -
withdrawn) valued at today's price.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from eth_abi import decode
from eth_utils import keccak
from web3 import Web3

from hedgekit.amm.readers.v3_pool import SLOT0
from hedgekit.amm.readers.v3_positions import PositionState
from hedgekit.chain import addresses as A
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import ChainError
from hedgekit.types import BlockNumber, SqrtPriceX96, Wei

INCREASE = "0x" + keccak(text="IncreaseLiquidity(uint256,uint128,uint256,uint256)").hex()
DECREASE = "0x" + keccak(text="DecreaseLiquidity(uint256,uint128,uint256,uint256)").hex()
COLLECT = "0x" + keccak(text="Collect(uint256,address,uint256,uint256)").hex()


@dataclass(frozen=True)
class PositionHistory:
    """Totals per token (raw units) of one position's events up to the audited block."""

    token_id: int
    opened_block: BlockNumber
    opened_timestamp: int
    entry_sqrt_price_x96: SqrtPriceX96 | None
    deposited0: Wei
    deposited1: Wei
    withdrawn0: Wei
    withdrawn1: Wei
    collected0: Wei
    collected1: Wei

    def fees_earned(self, position: PositionState) -> tuple[Wei, Wei]:
        """Fees over the position's life, exact: collected + owed now - withdrawn."""
        return (Wei(self.collected0 + position.fees0 - self.withdrawn0),
                Wei(self.collected1 + position.fees1 - self.withdrawn1))

    @property
    def fees_collected(self) -> tuple[Wei, Wei]:
        return (Wei(max(self.collected0 - self.withdrawn0, 0)),
                Wei(max(self.collected1 - self.withdrawn1, 0)))

    @property
    def held(self) -> tuple[Wei, Wei]:
        """The tokens a holder would have instead: net deposits."""
        return Wei(self.deposited0 - self.withdrawn0), Wei(self.deposited1 - self.withdrawn1)


def _topic(token_id: int) -> str:
    return "0x" + token_id.to_bytes(32, "big").hex()


def read_histories(w3: Web3, positions: Sequence[PositionState], block: int,
                   from_block: int = 0,
                   manager: str = A.NONFUNGIBLE_POSITION_MANAGER) -> dict[int, PositionHistory]:
    """The history of each position (by token id) from ``from_block`` to ``block``."""
    if not positions:
        return {}
    ids = [p.token_id for p in positions]
    try:
        logs = w3.eth.get_logs({"address": Web3.to_checksum_address(manager),
                                "fromBlock": from_block, "toBlock": block,
                                "topics": [[INCREASE, DECREASE, COLLECT],  # type: ignore[list-item]
                                           [_topic(i) for i in ids]]})
    except Exception as err:  # RPC errors come in many types
        raise ChainError(f"eth_getLogs on the position manager failed: {err}") from err
    totals: dict[int, dict[str, int]] = {i: {} for i in ids}
    opened: dict[int, int] = {}
    for log in sorted(logs, key=lambda x: (x["blockNumber"], x["logIndex"])):
        topic0 = "0x" + bytes(log["topics"][0]).hex()
        token_id = int.from_bytes(bytes(log["topics"][1]), "big")
        data = bytes(log["data"])
        if topic0 == COLLECT:
            _, amount0, amount1 = decode(["address", "uint256", "uint256"], data)
            kind = "collected"
        else:
            _, amount0, amount1 = decode(["uint128", "uint256", "uint256"], data)
            kind = "deposited" if topic0 == INCREASE else "withdrawn"
            if kind == "deposited":
                opened.setdefault(token_id, int(log["blockNumber"]))
        row = totals[token_id]
        row[kind + "0"] = row.get(kind + "0", 0) + int(amount0)
        row[kind + "1"] = row.get(kind + "1", 0) + int(amount1)
    missing = [i for i in ids if i not in opened]
    if missing:
        raise ChainError(f"no IncreaseLiquidity log for position(s) {missing} between blocks "
                         f"{from_block} and {block}")
    mints = sorted(set(opened.values()))
    with w3.batch_requests() as batch:
        for number in mints:
            batch.add(w3.eth.get_block(number))
        headers = batch.execute()
    stamps = {n: int(h["timestamp"]) for n, h in zip(mints, headers, strict=True)}  # type: ignore[index,typeddict-item]
    entry: dict[int, SqrtPriceX96 | None] = {}
    for position in positions:
        number = opened[position.token_id]
        # the price right after the mint block (the pool's slot0 as of that block's end)
        (slot0,) = multicall(w3, [Call(position.pool, "slot0()", (), SLOT0,
                                       allow_failure=True)], number)
        entry[position.token_id] = SqrtPriceX96(int(slot0[0])) if slot0 else None
    out = {}
    for i in ids:
        row = totals[i]
        out[i] = PositionHistory(
            i, BlockNumber(opened[i]), stamps[opened[i]], entry[i],
            *(Wei(row.get(f"{kind}{t}", 0)) for kind in ("deposited", "withdrawn", "collected")
              for t in (0, 1)))
    return out
