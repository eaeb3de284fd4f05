"""Chain fixtures: one local mainnet replica per test session (loaded from its cached state
dump, built once if there is none), and an EVM snapshot reverted after every test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import npm_artifact, project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.replica import Replica, start_replica


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
    snapshot = w3.provider.make_request("evm_snapshot", [])["result"]
    yield
    w3.provider.make_request("evm_revert", [snapshot])
    # anvil keeps the reverted test's clock offset (a test that warped a day would leave the
    # next block a day ahead of the restored chain): continue from the restored block instead
    latest = w3.eth.get_block("latest")["timestamp"]
    w3.provider.make_request("evm_setTime", [latest + 1])


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
