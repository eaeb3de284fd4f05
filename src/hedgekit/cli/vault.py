"""``hedgekit vault deploy|deposit|withdraw|status|history|keeper``: the HedgedLPVault.

State-changing commands are dry runs (simulated with eth_call + gas estimate) unless
``--execute``; reports have ``--json``. The keeper journals to ``--journal`` (default: the
cache folder, one file per chain and vault).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from web3 import Web3

from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.paths import cache_dir
from hedgekit.cli.network import network_options, open_network
from hedgekit.cli.options import json_option
from hedgekit.errors import InputError
from hedgekit.strategy.execution import check_transaction, gas_limit
from hedgekit.strategy.policy import load_policy
from hedgekit.strategy.signer import KeystoreSigner, NodeSigner, Signer
from hedgekit.units import from_base_units, to_base_units
from hedgekit.vault.deploy import VaultParams, VaultRoles, deploy_vault
from hedgekit.vault.journal import Journal
from hedgekit.vault.keeper import Keeper
from hedgekit.vault.plan import KeeperConfig
from hedgekit.vault.state import read_vault_state
from hedgekit.venues.tx import UnsignedTx

account_option = click.option("--account", default=None,
                              help="ape keystore alias to sign with (passphrase in "
                                   "$HEDGEKIT_PASSPHRASE); default: --from, unlocked at the node.")
from_option = click.option("--from", "sender", default=None,
                           help="Unlocked node account to send from (dev chains).")
execute_option = click.option("--execute", "execute_", is_flag=True,
                              help="Send (default: dry run).")
BPS = 10_000
#: How far below today's previewRedeem a redeem may pay before it reverts (bps).
DRIFT_BPS = 10


def _address(value: str, what: str) -> str:
    if not Web3.is_address(value):
        raise InputError(f"{what} is not an address: {value!r}")
    return str(Web3.to_checksum_address(value))


def _signer(w3: Web3, account: str | None, sender: str | None) -> Signer:
    if account:
        return KeystoreSigner(account)
    return NodeSigner(w3, _address(sender or str(w3.eth.accounts[0]), "--from"))


def _exact(amount: str, decimals: int, what: str) -> int:
    """A non-negative decimal option as an int of ``decimals`` (exact, no float)."""
    try:
        value = to_base_units(amount, decimals)
    except InputError as err:
        raise InputError(f"{what}: {err}") from err
    if value < 0:
        raise InputError(f"{what} must not be negative, got {amount!r}")
    return value


def _usdc(amount: str) -> int:
    value = to_base_units(amount, 6)
    if value <= 0:
        raise InputError(f"amount must be positive, got {amount!r}")
    return value


def _emit(report: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(report, indent=2, default=str))
        return
    table = Table("field", "value")
    for key, value in report.items():
        table.add_row(key, str(value))
    Console().print(table)


def _send(w3: Web3, signer: Signer, to: str, data: bytes, what: str,
          execute: bool) -> dict[str, Any]:
    """Simulate, then (execute) send and wait; the outcome as a dict."""
    gas = check_transaction(w3, signer.address, UnsignedTx(to, data, 0, what))
    if not execute:
        return {"action": what, "simulated_gas": gas, "sent": False}
    tx_hash = signer.send(w3, {"from": signer.address, "to": to, "data": "0x" + data.hex(),
                               "value": 0, "gas": gas_limit(gas)})
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=600)  # type: ignore[arg-type]
    return {"action": what, "tx_hash": "0x" + tx_hash.hex(), "status": receipt["status"],
            "gas_used": receipt["gasUsed"], "sent": True}


def _vault(w3: Web3, address: str) -> Any:
    return w3.eth.contract(address=_address(address, "VAULT"),  # type: ignore[call-overload]
                           abi=project_artifact("HedgedLPVault").abi)


def default_journal(w3: Web3, vault: str) -> Path:
    return cache_dir() / f"vault-{w3.eth.chain_id}-{vault.lower()}.sqlite"


@click.group()
def vault() -> None:
    """HedgedLPVault: an ERC-4626 LP vault hedged with a perp short."""


@vault.command()
@click.option("--keeper", required=True, help="The keeper's address.")
@click.option("--guardian", required=True, help="The guardian's address (pause, shut down).")
@click.option("--owner", default=None, help="Propose this owner (two-step) after deploying.")
@click.option("--deposit-cap", default="10000000", show_default=True, help="USDC.")
@click.option("--max-delta", default="2", show_default=True,
              help="Largest |delta| after a keeper action, ETH.")
@click.option("--management-fee", default="0", show_default=True,
              help="Percent a year, at most 5.")
@from_option
@execute_option
@network_options
@json_option
def deploy(keeper: str, guardian: str, owner: str | None, deposit_cap: str, max_delta: str,
           management_fee: str, sender: str | None, execute_: bool, rpc_url: str,
           network: str | None, as_json: bool) -> None:
    """Deploy a vault on a dev chain (the replica or a fork): dry run unless --execute."""
    fee_wad = _exact(management_fee, 16, "--management-fee")  # percent -> wad
    if fee_wad > 5 * 10**16:
        raise InputError(f"--management-fee is at most 5 (% a year), got {management_fee!r}")
    params = VaultParams(deposit_cap=_usdc(deposit_cap),
                         max_delta=_exact(max_delta, 18, "--max-delta"), management_fee=fee_wad)
    roles = VaultRoles(_address(keeper, "--keeper"), _address(guardian, "--guardian"),
                       owner=_address(owner, "--owner") if owner else None)
    report: dict[str, Any] = {"params": vars(params), "roles": vars(roles), "sent": False}
    if execute_:
        with open_network(rpc_url, network) as (w3, _):
            deployer = _address(sender or str(w3.eth.accounts[0]), "--from")
            report |= {"vault": deploy_vault(w3, deployer, roles, params), "sent": True}
    _emit(report, as_json)


@vault.command()
@click.argument("vault_address", metavar="VAULT")
@click.argument("amount")
@account_option
@from_option
@execute_option
@network_options
@json_option
def deposit(vault_address: str, amount: str, account: str | None, sender: str | None,
            execute_: bool, rpc_url: str, network: str | None, as_json: bool) -> None:
    """Deposit AMOUNT USDC (approving the vault if needed)."""
    assets = _usdc(amount)
    _address(vault_address, "VAULT")
    with open_network(rpc_url, network) as (w3, _):
        contract = _vault(w3, vault_address)
        signer = _signer(w3, account, sender)
        usdc = w3.eth.contract(address=contract.functions.asset().call(),
                               abi=project_artifact("Token").abi)
        report: dict[str, Any] = {"vault": contract.address, "assets": assets,
                                  "shares": contract.functions.previewDeposit(assets).call()}
        steps = []
        if usdc.functions.allowance(signer.address, contract.address).call() < assets:
            data = usdc.encode_abi("approve", args=[contract.address, assets])
            steps.append(_send(w3, signer, usdc.address, bytes.fromhex(data[2:]),
                               "approve", execute_))
        if execute_ or not steps:
            data = contract.encode_abi("deposit", args=[assets, signer.address])
            steps.append(_send(w3, signer, contract.address, bytes.fromhex(data[2:]),
                               "deposit", execute_))
        report["steps"] = steps
    _emit(report, as_json)


@vault.command()
@click.argument("vault_address", metavar="VAULT")
@click.option("--shares", type=click.IntRange(min=1), default=None, help="Shares to redeem.")
@click.option("--all", "everything", is_flag=True, help="Redeem every share.")
@account_option
@from_option
@execute_option
@network_options
@json_option
def withdraw(vault_address: str, shares: int | None, everything: bool, account: str | None,
             sender: str | None, execute_: bool, rpc_url: str, network: str | None,
             as_json: bool) -> None:
    """Redeem --shares N (or --all) for USDC, unwinding their part of the vault. The redeem
    carries a floor: it reverts below previewRedeem (gross less the vault's exit buffer) as
    read now, less DRIFT_BPS for the funding and oracle moves until it is mined."""
    if (shares is None) == (not everything):
        raise InputError("pass exactly one of --shares N and --all")
    _address(vault_address, "VAULT")
    with open_network(rpc_url, network) as (w3, _):
        contract = _vault(w3, vault_address)
        signer = _signer(w3, account, sender)
        owned = contract.functions.balanceOf(signer.address).call()
        amount = owned if everything else int(shares or 0)
        if not 0 < amount <= owned:
            raise InputError(f"{signer.address} holds {owned} shares; cannot redeem {amount}")
        at_least = contract.functions.previewRedeem(amount).call()
        floor = at_least * (BPS - DRIFT_BPS) // BPS
        data = contract.encode_abi("redeem", args=[amount, signer.address, signer.address,
                                                   floor])
        report = {"vault": contract.address, "shares": amount, "preview": at_least,
                  "min_assets": floor,
                  **_send(w3, signer, contract.address, bytes.fromhex(data[2:]), "redeem",
                          execute_)}
    _emit(report, as_json)


@vault.command()
@click.argument("vault_address", metavar="VAULT")
@click.option("--block", type=click.IntRange(min=0), default=None)
@network_options
@json_option
def status(vault_address: str, block: int | None, rpc_url: str, network: str | None,
           as_json: bool) -> None:
    """The vault's assets by component, share price, range, hedge and delta."""
    address = _address(vault_address, "VAULT")
    with open_network(rpc_url, network) as (w3, _):
        state = read_vault_state(w3, address, block)
    if as_json:
        _emit(state.as_dict(), True)
        return

    def usd(raw: int) -> str:
        return f"{from_base_units(raw, 6):,.2f}"

    _emit({"block": state.block_number, "total assets USDC": usd(state.total_assets),
           "LP / perp / idle USDC / idle WETH": " / ".join(usd(v) for v in (
               state.lp_value, state.perp_value, state.idle_usdc, state.idle_weth_value)),
           "uncollected fees USDC / WETH": f"{usd(state.fees_usdc)} / "
                                           f"{from_base_units(state.fees_weth, 18):.6f}",
           "share price USDC": usd(state.share_price),
           "range (ticks)": f"[{state.tick_lower}, {state.tick_upper})"
                            f"{'' if state.in_range else ' out of range'}",
           "perp size ETH": f"{state.perp_size_eth:+.6f}", "delta ETH": f"{state.delta_eth:+.6f}",
           "oracle USD": f"{state.price:,.2f}", "paused / shut down":
               f"{state.paused} / {state.shutdown}"}, False)


@vault.command()
@click.argument("vault_address", metavar="VAULT")
@click.option("--journal", "journal_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Keeper journal (default: the cache folder's).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@network_options
@json_option
def history(vault_address: str, journal_path: Path | None, limit: int, rpc_url: str,
            network: str | None, as_json: bool) -> None:
    """The keeper's journaled decisions and transactions."""
    address = _address(vault_address, "VAULT")
    if journal_path is None:
        with open_network(rpc_url, network) as (w3, _):
            journal_path = default_journal(w3, address)
    if not journal_path.is_file():
        raise InputError(f"no keeper journal at {journal_path}")
    journal = Journal(journal_path)
    steps, txs = journal.steps(address, limit), journal.txs(address)
    if as_json:
        click.echo(json.dumps({"steps": [{k: v for k, v in vars(s).items() if k != "state"}
                                         for s in steps],
                               "transactions": [vars(t) for t in txs]}, indent=2, default=str))
        return
    table = Table("step", "block", "action", "outcome", "reasons", title=f"keeper of {address}")
    for s in steps:
        table.add_row(str(s.id), str(s.block), s.action, s.outcome, "; ".join(s.reasons))
    Console().print(table)


@vault.command("keeper")
@click.argument("vault_address", metavar="VAULT")
@click.option("--journal", "journal_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Journal file (default: the cache folder's).")
@click.option("--policy", "policy_file", type=click.Path(dir_okay=False, path_type=Path),
              default=None, help="Hedge policy file (TOML or YAML).")
@click.option("--interval", type=click.FloatRange(min=0), default=60.0, show_default=True,
              help="Seconds between steps.")
@click.option("--max-steps", type=click.IntRange(min=1), default=None)
@click.option("--max-gas-gwei", default=None,
              help="Do not send while the max fee per gas is above this.")
@click.option("--width-ticks", type=click.IntRange(min=10), default=None,
              help="Half-width of a new range, ticks.")
@account_option
@from_option
@execute_option
@network_options
def keeper_command(vault_address: str, journal_path: Path | None, policy_file: Path | None,
                   interval: float, max_steps: int | None, max_gas_gwei: str | None,
                   width_ticks: int | None, account: str | None, sender: str | None,
                   execute_: bool, rpc_url: str, network: str | None) -> None:
    """Run the keeper of VAULT until SIGINT/SIGTERM: dry run unless --execute."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    policy = load_policy(policy_file)
    config = KeeperConfig() if width_ticks is None else KeeperConfig(width_ticks=width_ticks)
    address = _address(vault_address, "VAULT")
    with open_network(rpc_url, network) as (w3, _):
        keeper = Keeper(w3, address, _signer(w3, account, sender),
                        Journal(journal_path or default_journal(w3, address)), policy, config,
                        execute=execute_, max_fee_per_gas=None if max_gas_gwei is None
                        else _exact(max_gas_gwei, 9, "--max-gas-gwei"))
        keeper.run(interval, max_steps)


__all__ = ["vault"]
