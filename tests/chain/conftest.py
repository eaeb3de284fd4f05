"""Chain fixtures: one local mainnet replica per test session (loaded from its cached state
dump, built once if there is none), and an EVM snapshot reverted after every test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.driver import MarketDriver
from hedgekit.chain.replica import Replica, start_replica
from hedgekit.chain.rpc import revert, snapshot


@pytest.fixture(scope="session")
def replica() -> Iterator[Replica]:
    node = start_replica()
    yield node
    assert node.process is not None
    node.process.stop()


@pytest.fixture(scope="session")
def w3(replica: Replica) -> Web3:
    return replica.w3


@pytest.fixture(autouse=True)
def _isolate(w3: Web3) -> Iterator[None]:
    """Each chain test starts from the replica's state and leaves nothing behind."""
    taken = snapshot(w3)
    yield
    revert(w3, taken)  # with the clock continuing from the restored block


@dataclass(frozen=True)
class Actors:
    """Dev accounts by role (never accounts[0] by index in a test)."""

    operator: str
    trader: str
    lp: str
    liquidator: str
    keeper: str
    attacker: str


@pytest.fixture(scope="session")
def actors(w3: Web3, replica: Replica) -> Actors:
    accounts = w3.eth.accounts
    return Actors(replica.operator, *accounts[1:6])


class Funder:
    """Gives accounts tokens: the project's ERC-20s minted by the operator, WETH wrapped from
    the account's own ETH."""

    def __init__(self, w3: Web3, operator: str) -> None:
        self.w3 = w3
        self.operator = operator

    def __call__(self, token: str, account: str, amount: int) -> None:
        if token == A.WETH:
            weth = self.w3.eth.contract(address=A.WETH, abi=npm_artifact("WETH9").abi)
            transact(self.w3, weth.functions.deposit().build_transaction(
                {"from": account, "value": amount}), "wrapping ETH")
        else:
            erc20 = self.w3.eth.contract(address=token, abi=project_artifact("Token").abi)
            transact(self.w3, erc20.functions.mint(account, amount).build_transaction(
                {"from": self.operator}), "minting")


@pytest.fixture(scope="session")
def fund(w3: Web3, actors: Actors) -> Funder:
    return Funder(w3, actors.operator)


@pytest.fixture
def driver(w3: Web3, actors: Actors) -> MarketDriver:
    return MarketDriver(w3, actors.operator)


@pytest.fixture
def fresh_oracle(_isolate: None, driver: MarketDriver) -> None:
    """A new ETH/USD round at the current price, so no test starts on a stale oracle (the
    markets need a fresh one to trade). Not autouse: a module opts in with
    ``pytestmark = pytest.mark.usefixtures("fresh_oracle")``; taking ``_isolate`` makes the
    round land after the test's snapshot, so it is reverted with the test."""
    driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED))


@pytest.fixture
def usdc(w3: Web3) -> Any:
    return w3.eth.contract(address=A.USDC, abi=project_artifact("Token").abi)


@pytest.fixture
def weth(w3: Web3) -> Any:
    return w3.eth.contract(address=A.WETH, abi=npm_artifact("WETH9").abi)


CliResult = tuple[int, str, str]


@pytest.fixture()
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run the hedgekit CLI in-process: ``cli(*args) -> (exit status, stdout, stderr)``."""
    from hedgekit.cli import main

    def run(*args: str) -> CliResult:
        try:
            main(list(args))
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run
