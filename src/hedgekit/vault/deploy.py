"""Deploy a HedgedLPVault on the replica or a fork and set its roles and guards.

The deployer ends as the owner (and the fee recipient unless one is given); an ``owner``
other than the deployer is only *proposed* (two-step: it must call ``accept_ownership``).
Sending goes through :func:`hedgekit.chain.deploy.transact` from an unlocked account, which
exists on dev chains only (anvil's accounts, or impersonated ones).
"""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.deploy import deploy, transact
from hedgekit.errors import InputError

ONE_USDC = 10**6
ETH = 10**18
WAD = 10**18


@dataclass(frozen=True)
class VaultParams:
    """Constructor arguments and guards of a HedgedLPVault, in the contract's units."""

    name: str = "hedgekit hedged WETH/USDC LP"
    symbol: str = "hkLP"
    pool: str = A.WETH_USDC_V3_005
    perp: str = A.PERP_MARKET_ETH_USD
    #: largest totalAssets deposits may reach (USDC base units): 10M USDC
    deposit_cap: int = 10_000_000 * ONE_USDC
    #: pool price vs oracle, before and after a rebalance (bps)
    max_deviation_bps: int = 100
    #: swap fills vs the oracle, perp acceptable price, and the exit buffer (bps)
    max_slippage_bps: int = 100
    #: largest |delta| after a keeper action (WETH base units)
    max_delta: int = 2 * ETH
    #: seconds between keeper actions
    cooldown: int = 3_600
    #: oldest oracle answer accepted (seconds): Chainlink ETH/USD heartbeat + 25 %
    max_oracle_age: int = 4_500
    #: annual management fee (wad); 0 = none
    management_fee: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.max_deviation_bps <= 1_000 or not 0 <= self.max_slippage_bps <= 1_000:
            raise InputError("max_deviation_bps and max_slippage_bps must be in 0..1000")
        if not 0 <= self.management_fee <= 5 * 10**16:
            raise InputError("management_fee must be at most 5 % a year (5e16)")
        if min(self.deposit_cap, self.max_delta, self.cooldown) < 0 or self.max_oracle_age <= 0:
            raise InputError("deposit_cap, max_delta, cooldown must be >= 0, max_oracle_age > 0")


@dataclass(frozen=True)
class VaultRoles:
    """Who may do what: the keeper runs rebalance/tend, the guardian pauses and shuts down."""

    keeper: str
    guardian: str
    fee_recipient: str | None = None
    owner: str | None = None
    """Proposed owner (two-step); None keeps the deployer."""


def deploy_vault(w3: Web3, deployer: str, roles: VaultRoles,
                 params: VaultParams = VaultParams()) -> str:
    """Deploy and configure a vault from ``deployer``; returns its address."""
    vault = deploy(w3, deployer, project_artifact("HedgedLPVault"), A.USDC, A.WETH, params.pool,
                   A.NONFUNGIBLE_POSITION_MANAGER, A.SWAP_ROUTER, params.perp, params.name,
                   params.symbol, roles.keeper, roles.guardian, params.deposit_cap)
    contract = w3.eth.contract(address=vault,  # type: ignore[call-overload]
                               abi=project_artifact("HedgedLPVault").abi)
    fn = contract.functions
    calls = [("guards", fn.set_guards(params.max_deviation_bps, params.max_slippage_bps,
                                      params.max_delta, params.cooldown, params.max_oracle_age))]
    if roles.fee_recipient is not None:
        calls.append(("fee recipient", fn.set_role("fee_recipient", roles.fee_recipient)))
    if params.management_fee:
        calls.append(("management fee", fn.set_management_fee(params.management_fee)))
    if roles.owner is not None and roles.owner != deployer:
        calls.append(("proposing the owner", fn.transfer_ownership(roles.owner)))
    for what, call in calls:
        transact(w3, call.build_transaction({"from": deployer}), f"setting the vault's {what}")
    return vault


__all__ = ["VaultParams", "VaultRoles", "deploy_vault"]
