"""Property-test fixtures: a local mainnet replica per module for its stateful machine (each
example starts from its own EVM snapshot and reverts it). Per module, not per session: anvil's
clock after a module's reverts and warps is not worth reasoning about in the next module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hedgekit.chain.replica import Replica, start_replica


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    node = start_replica()
    yield node
    assert node.process is not None
    node.process.stop()
