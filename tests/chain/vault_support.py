"""Shared pieces of the vault chain tests: a deployed vault, funded depositors, a keeper."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from web3 import Web3

from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.deploy import transact
from hedgekit.chain.driver import MarketDriver
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.strategy.signer import NodeSigner
from hedgekit.vault.deploy import VaultParams, VaultRoles, deploy_vault
from hedgekit.vault.journal import Journal
from hedgekit.vault.keeper import Keeper

USDC = 10**6
ETH = 10**18
MAX_UINT = 2**256 - 1
DAY = 86_400


@dataclass
class VaultEnv:
    w3: Web3
    vault: Any
    usdc: Any
    weth: Any
    driver: MarketDriver
    actors: Any

    @property
    def address(self) -> str:
        return str(self.vault.address)

    def send(self, call: Any, sender: str, what: str = "vault call") -> Any:
        return transact(self.w3, call.build_transaction({"from": sender}), what)

    def mint_usdc(self, account: str, amount: int) -> None:
        """``amount`` USDC base units to ``account`` (minted by the operator)."""
        self.send(self.usdc.functions.mint(account, amount), self.actors.operator, "minting")

    def deposit(self, account: str, amount: int) -> int:
        """Mint ``account`` the USDC, approve the vault, deposit; its shares after."""
        self.mint_usdc(account, amount)
        self.send(self.usdc.functions.approve(self.address, MAX_UINT), account, "approving")
        self.send(self.vault.functions.deposit(amount, account), account, "depositing")
        return int(self.vault.functions.balanceOf(account).call())

    def keeper(self, journal_path: Path, policy: HedgePolicy | None = None,
               **kwargs: Any) -> Keeper:
        return Keeper(self.w3, self.address, NodeSigner(self.w3, self.actors.keeper),
                      Journal(journal_path), policy or HedgePolicy(), **kwargs)


@pytest.fixture
def env(w3: Web3, actors: Any, fresh_oracle: None, driver: MarketDriver, usdc: Any,
        weth: Any) -> VaultEnv:
    address = deploy_vault(w3, actors.operator, VaultRoles(actors.keeper, actors.liquidator),
                           VaultParams(max_delta=5 * ETH))
    vault = w3.eth.contract(address=address, abi=project_artifact("HedgedLPVault").abi)
    return VaultEnv(w3, vault, usdc, weth, driver, actors)


def revert_reason(w3: Web3, call: Any, sender: str) -> str:
    """The revert string of ``call`` from ``sender`` (eth_call); '' if it does not revert."""
    try:
        call.call({"from": sender})
    except Exception as err:  # web3 raises ContractLogicError with the reason
        return str(err)
    return ""
