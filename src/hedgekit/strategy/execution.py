"""The transaction builder's sending half: simulate a plan on a private fork of the chain,
then (only with ``--execute``) send it slice by slice, re-checking each transaction first.

Simulation: an anvil process forks the chain at the plan's block and runs every transaction of
every slice in order, as the owner (impersonated on the fork only), after an ``eth_call`` and a
gas estimate each. The fork then re-reads the owner's portfolio, so the dry run shows the delta
the plan reaches, the gas it burns and any revert, before anything touches the real chain.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from web3 import Web3

from hedgekit.chain.addresses import OPTIONS_MARKET_ETH_USD
from hedgekit.chain.anvil import start_anvil
from hedgekit.chain.connection import connect
from hedgekit.chain.rpc import node_unreachable, rpc
from hedgekit.errors import ChainError, NodeUnreachableError, SimulationError
from hedgekit.portfolio import Portfolio, portfolio_greeks, read_portfolio
from hedgekit.strategy.planner import HedgePlan
from hedgekit.strategy.signer import Signer
from hedgekit.venues.options import OptionsMarketVenue
from hedgekit.venues.tx import UnsignedTx


def gas_limit(estimate: int) -> int:
    """The gas limit sent for an estimate: 1.5x + 50k. Estimates fall short when the real
    block differs (time-dependent branches) and for Vyper's reentrancy lock, which needs gas
    left after a call; the unused gas is not charged."""
    return estimate * 3 // 2 + 50_000


@dataclass(frozen=True)
class TxOutcome:
    """One transaction as simulated or sent."""

    description: str
    gas_used: int
    tx_hash: str | None = None


@dataclass(frozen=True)
class Outcome:
    """Simulated or executed result: every transaction, the total gas, and the portfolio delta
    read back afterwards (ETH)."""

    txs: tuple[TxOutcome, ...]
    gas_used: int
    delta_after: float
    portfolio_after: Portfolio


def _revert_reason(err: Exception) -> str:
    """The revert string of a failed call ("perp: max leverage"), else the error's text."""
    text = str(getattr(err, "message", None) or err)
    return text.split("execution reverted: ", 1)[-1] if "execution reverted" in text else text


def check_transaction(w3: Web3, sender: str, tx: UnsignedTx) -> int:
    """eth_call then gas estimate of ``tx`` now; the estimate (SimulationError if it fails)."""
    params: Any = tx.as_params(sender)
    try:
        w3.eth.call(params)
        return int(w3.eth.estimate_gas(params))
    except Exception as err:  # web3 raises ContractLogicError / ValueError / RPC errors
        if node_unreachable(err):  # no answer is not a failed simulation
            raise NodeUnreachableError(f"simulating {tx.description}: the node did not answer "
                                       f"({err})") from err
        raise SimulationError(tx.description, _revert_reason(err)) from err


def simulate(plan: HedgePlan, rpc_url: str, sigma: float) -> Outcome:
    """Run the whole plan on a fork of ``rpc_url`` at the plan's block (module docstring)."""
    # --no-storage-caching: foundry's disk cache is keyed by chain id and block number, which a
    # dev chain reuses after a snapshot revert; a fork must read the chain as it is now
    fork = start_anvil(extra_args=("--fork-url", rpc_url, "--fork-block-number",
                                   str(plan.block_number), "--no-rate-limit",
                                   "--no-storage-caching"))
    try:
        w3 = connect(fork.url)
        rpc(w3, "anvil_impersonateAccount", plan.owner)
        done = []
        for tx in plan.transactions:
            gas = check_transaction(w3, plan.owner, tx)
            tx_hash = w3.eth.send_transaction({**tx.as_params(plan.owner),  # type: ignore[typeddict-item]
                                               "gas": gas_limit(gas)})
            receipt = w3.eth.wait_for_transaction_receipt(tx_hash, poll_latency=0.01)
            if receipt["status"] != 1:
                raise SimulationError(tx.description, "reverted on the fork")
            done.append(TxOutcome(tx.description, int(receipt["gasUsed"])))
        after = read_portfolio(w3, plan.owner, plan.token_ids)
        return Outcome(tuple(done), sum(t.gas_used for t in done),
                       delta_with_options(w3, after, sigma), after)
    finally:
        fork.stop()


def execute(plan: HedgePlan, w3: Web3, signer: Signer, sigma: float,
            progress: Callable[[str], None] = lambda _: None) -> Outcome:
    """Send the plan from ``signer``: each transaction re-simulated (eth_call + estimate) on the
    live chain right before it is sent, one slice per block, then the portfolio re-read."""
    if signer.address != plan.owner:
        raise ChainError(f"the plan is for {plan.owner}, the signer is {signer.address}")
    done = []
    last_block = -1
    for number, group in enumerate(plan.slices, 1):
        if number > 1:
            _after_block(w3, last_block)
        for tx in group:
            gas = check_transaction(w3, signer.address, tx)
            progress(f"slice {number}/{len(plan.slices)}: {tx.description}")
            tx_hash = signer.send(w3, {**tx.as_params(signer.address), "gas": gas_limit(gas)})
            receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=600,  # type: ignore[arg-type]
                                                          poll_latency=0.05)
            last_block = int(receipt["blockNumber"])
            if receipt["status"] != 1:
                raise ChainError(f"{tx.description} reverted on chain (tx 0x{tx_hash.hex()}): "
                                 f"{_replay(w3, signer.address, tx, last_block)}")
            done.append(TxOutcome(tx.description, int(receipt["gasUsed"]), "0x" + tx_hash.hex()))
    after = read_portfolio(w3, plan.owner, plan.token_ids)
    return Outcome(tuple(done), sum(t.gas_used for t in done),
                   delta_with_options(w3, after, sigma), after)


def delta_with_options(w3: Web3, portfolio: Portfolio, sigma: float) -> float:
    """The portfolio's delta (ETH) plus that of its option positions on the OptionsMarket
    (Black-Scholes at the market's smile, ``sigma`` where a series has no quote)."""
    _, total = portfolio_greeks(portfolio, sigma)
    block = portfolio.block_number
    if not w3.eth.get_code(OPTIONS_MARKET_ETH_USD, block):  # type: ignore[arg-type]
        return total.delta
    venue = OptionsMarketVenue(w3)
    account = venue.account(portfolio.owner, block)
    return total.delta + venue.risk(account, fallback_vol=sigma).delta


def _replay(w3: Web3, sender: str, tx: UnsignedTx, block: int) -> str:
    """Why a mined transaction reverted: the same call replayed on the state before it."""
    try:
        w3.eth.call(tx.as_params(sender), block - 1)  # type: ignore[arg-type]
    except Exception as err:  # expected: it reverts again
        return _revert_reason(err)
    return "it succeeds when replayed on the previous block (a state or time dependence)"


def _automines(w3: Web3) -> bool:
    try:
        return bool(rpc(w3, "anvil_getAutomine"))
    except ChainError:  # not anvil: a real chain mines on its own schedule
        return False


def _after_block(w3: Web3, block: int, timeout: float = 120.0) -> None:
    """Wait until the chain is past ``block`` (TWAP slices go one per block); an automining
    dev node puts every transaction in its own block already."""
    if _automines(w3):
        return
    deadline = time.monotonic() + timeout
    while w3.eth.block_number <= block:
        if time.monotonic() > deadline:
            raise ChainError(f"no block after {block} within {timeout:.0f}s")
        time.sleep(0.2)
