"""Chain readers: AMM pool and position state as frozen snapshots tagged with a block number.

Every reader batches its calls through Multicall3 at one pinned block, in as few round trips
as the data's dependencies allow (documented per reader). Readers compute no risk.
"""

from hedgekit.amm.readers.errors import require_address
from hedgekit.amm.readers.tokens import TokenInfo, read_balances, read_tokens
from hedgekit.amm.readers.v2_pair import V2PairState, read_v2_pairs
from hedgekit.amm.readers.v3_pool import read_pool_states, read_tick_maps
from hedgekit.amm.readers.v3_positions import PositionState, read_positions

__all__ = [
    "PositionState",
    "TokenInfo",
    "V2PairState",
    "read_balances",
    "read_pool_states",
    "read_positions",
    "read_tick_maps",
    "read_tokens",
    "read_v2_pairs",
    "require_address",
]
