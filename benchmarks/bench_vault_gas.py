"""Vault gas benchmark: the gas used (receipt ``gasUsed``) of every HedgedLPVault action, each
a real transaction on a private replica, all measured in this one run:
- entries: the first deposit (empty vault), a later deposit and a mint (vault holding an LP
  position and a perp short);
- the keeper (:class:`hedgekit.vault.keeper.Keeper`, ranges of ±500 ticks): the first rebalance
  (idle USDC -> LP + perp short), a re-range after a 12 % ETH move, a tend (hedge only) after
  a 3 % move an hour later;
- exits: a partial redeem, a withdraw, the full redeem of the last holder;
- the guardian's shut_down, on the state before the exits (an EVM snapshot, reverted after);
- side by side, the same hedged LP built by hand from an EOA: a position manager mint of a
  ±500-tick range, a perp margin deposit and a perp short (three transactions), against
  entering through the vault (one deposit, the keeper's rebalance shared by all holders).

Run: ``.venv/bin/python benchmarks/bench_vault_gas.py`` (or ``make bench``). Minting USDC,
approvals, market moves and the other holders' exits are setup and are not measured. Each
keeper step must be the action it is measured as, or the run fails.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.artifacts import project_artifact
from hedgekit.chain.demo import position_mint
from hedgekit.chain.deploy import transact
from hedgekit.chain.driver import MarketDriver
from hedgekit.chain.replica import start_replica
from hedgekit.chain.rpc import revert, rpc, snapshot
from hedgekit.strategy.policy import load_policy
from hedgekit.strategy.signer import NodeSigner
from hedgekit.vault.deploy import VaultParams, VaultRoles, deploy_vault
from hedgekit.vault.journal import Journal
from hedgekit.vault.keeper import Keeper
from hedgekit.vault.plan import KeeperConfig

USDC = 10**6
ETH = 10**18
MAX_UINT = 2**256 - 1
DAY = 86_400
HOUR = 3_600
NARROW = KeeperConfig(width_ticks=500)  # ±5 %: a 12 % move re-ranges, a 3 % one does not
BLOCK_SECONDS = 12  # each measured transaction's block comes one mainnet slot after the last
RERANGE_MOVE = Fraction(112, 100)
TEND_MOVE = Fraction(103, 100)


@dataclass
class Bench:
    """The replica, the vault, its keeper and the figures measured so far."""

    w3: Web3
    vault: Any
    usdc: Any
    driver: MarketDriver
    operator: str
    guardian: str
    keeper: Keeper
    rows: list[tuple[str, int, str]] = field(default_factory=list)

    def send(self, call: Any, sender: str, what: str) -> int:
        receipt = transact(self.w3, call.build_transaction({"from": sender}), what)
        return int(receipt["gasUsed"])

    def next_slot(self) -> None:
        """Mine the next block BLOCK_SECONDS after the latest one, not at the wall clock: the
        gas of an action depends on the time since the chain's last block (whether a second
        passed), which would otherwise change from run to run."""
        latest = int(self.w3.eth.get_block("latest")["timestamp"])
        rpc(self.w3, "evm_setNextBlockTimestamp", latest + BLOCK_SECONDS)

    def measure(self, what: str, call: Any, sender: str, note: str = "") -> None:
        self.next_slot()
        self.rows.append((what, self.send(call, sender, what), note))

    def fund(self, account: str, amount: int) -> None:
        """Mint ``amount`` USDC to ``account`` and approve the vault (setup, not measured)."""
        self.send(self.usdc.functions.mint(account, amount), self.operator, "minting USDC")
        self.send(self.usdc.functions.approve(self.vault.address, MAX_UINT), account,
                  "approving")

    def shares(self, account: str) -> int:
        return int(self.vault.functions.balanceOf(account).call())

    def keeper_step(self, what: str, kind: str) -> None:
        """One keeper step, which must mine a ``kind`` call; its receipt's gas."""
        self.next_slot()
        result = self.keeper.step()
        got = result.plan.kind if result.plan else None
        if result.outcome != "mined" or got != kind or result.tx_hash is None:
            raise RuntimeError(f"{what}: expected a mined {kind}, the keeper's step was "
                               f"{got} ({result.outcome}: {result.detail})")
        assert result.plan is not None
        receipt = self.w3.eth.get_transaction_receipt(result.tx_hash)  # type: ignore[arg-type]
        self.rows.append((what, int(receipt["gasUsed"]), result.plan.reasons[0]))

    def move(self, factor: Fraction, seconds: int) -> None:
        """Let ``seconds`` pass, then move ETH (feed and pools) by ``factor``."""
        self.driver.advance(seconds)
        self.driver.set_price("ETH", self.driver.feed_price(A.ETH_USD_FEED) * factor)


def setup(w3: Web3, operator: str, journal: Path) -> Bench:
    """A fresh vault (max delta 5 ETH) with its keeper (executing, ±500-tick ranges)."""
    accounts = list(w3.eth.accounts)
    keeper, guardian = accounts[9], accounts[5]
    driver = MarketDriver(w3, operator)
    driver.set_feed("ETH", driver.feed_price(A.ETH_USD_FEED))  # a fresh oracle round
    address = deploy_vault(w3, operator, VaultRoles(keeper, guardian),
                           VaultParams(max_delta=5 * ETH))
    vault = w3.eth.contract(address=address,  # type: ignore[call-overload]
                            abi=project_artifact("HedgedLPVault").abi)
    usdc = w3.eth.contract(address=A.USDC,  # type: ignore[call-overload]
                           abi=project_artifact("Token").abi)
    bot = Keeper(w3, address, NodeSigner(w3, keeper), Journal(journal), load_policy(), NARROW,
                 execute=True)
    return Bench(w3, vault, usdc, driver, operator, guardian, bot)


def entries_and_keeper(b: Bench, alice: str, bob: str, carol: str) -> None:
    """Deposits, a mint and the three keeper actions (small later entries: their idle USDC
    stays below the keeper's deployment threshold, so the re-range is the price's doing)."""
    f = b.vault.functions
    b.fund(alice, 100_000 * USDC)
    b.measure("deposit, first (empty vault)", f.deposit(100_000 * USDC, alice), alice)
    b.keeper_step("keeper: first rebalance", "rebalance")
    b.fund(bob, 1_000 * USDC)
    b.measure("deposit, later (LP + perp short)", f.deposit(1_000 * USDC, bob), bob)
    shares = int(f.previewDeposit(1_000 * USDC).call())
    b.fund(carol, int(f.previewMint(shares).call()) + USDC)
    b.measure("mint (LP + perp short)", f.mint(shares, carol), carol)
    b.move(RERANGE_MOVE, DAY)
    b.keeper_step("keeper: re-range rebalance (+12 %)", "rebalance")
    b.move(TEND_MOVE, HOUR + 60)
    b.keeper_step("keeper: tend (+3 %, 1 h later)", "tend")


def by_hand(b: Bench, dave: str) -> list[int]:
    """The hedged LP an EOA builds itself (1,000 USDC + 0.3 WETH offered to the range, 500
    USDC of margin, a 0.1 ETH short): the gas of its three transactions."""
    mint = position_mint(b.w3, dave, NARROW.width_ticks, 1_000 * USDC, 3 * ETH // 10)
    perp = b.w3.eth.contract(address=A.PERP_MARKET_ETH_USD,  # type: ignore[call-overload]
                             abi=project_artifact("PerpMarket").abi)
    b.send(b.usdc.functions.mint(dave, 500 * USDC), b.operator, "minting USDC")
    b.send(b.usdc.functions.approve(perp.address, MAX_UINT), dave, "approving the perp")
    first = len(b.rows)
    b.measure("by hand: mint the LP position (NPM)", mint, dave)
    b.measure("by hand: perp deposit_margin", perp.functions.deposit_margin(500 * USDC), dave)
    floor = int(perp.functions.oracle_price().call()) * 99 // 100
    deadline = int(b.w3.eth.get_block("latest")["timestamp"]) + HOUR
    b.measure("by hand: perp short 0.1 ETH", perp.functions.modify_position(
        -ETH // 10, floor, deadline), dave)
    return [gas for _, gas, _ in b.rows[first:]]


def shut_down(b: Bench) -> None:
    """The guardian's shut_down on the hedged vault, undone afterwards (EVM snapshot)."""
    taken = snapshot(b.w3)
    b.measure("shut_down (guardian)", b.vault.functions.shut_down(), b.guardian)
    revert(b.w3, taken)


def exits(b: Bench, alice: str, bob: str, carol: str) -> None:
    """A partial redeem and a withdraw; the others leave; the last holder redeems all."""
    f = b.vault.functions
    b.measure("redeem, half of a holder's shares", f.redeem(b.shares(alice) // 2, alice,
                                                            alice), alice)
    b.measure("withdraw, 500 USDC", f.withdraw(500 * USDC, bob, bob), bob)
    for holder in (bob, carol):
        b.send(f.redeem(b.shares(holder), holder, holder), holder, "redeeming")
    if int(f.totalSupply().call()) != b.shares(alice):
        raise RuntimeError("alice is not the last holder")
    b.measure("redeem, all (last holder)", f.redeem(b.shares(alice), alice, alice), alice)
    if int(f.totalSupply().call()) != 0:
        raise RuntimeError("shares remain after the last holder's redeem")


def report(rows: list[tuple[str, int, str]], manual: list[int]) -> None:
    width = max(len(what) for what, _, _ in rows)
    print(f"{'action':<{width}}  {'gas used':>9}  keeper's reason")
    for what, gas, note in rows:
        print(f"{what:<{width}}  {gas:>9,}  {note}")
    keeper = [gas for what, gas, _ in rows if what.startswith("keeper")]
    heaviest = max(rows, key=lambda row: row[1])
    print(f"{len(rows)} actions, one run: keeper actions {min(keeper):,}-{max(keeper):,} "
          f"gas, heaviest {heaviest[0]!r} ({heaviest[1]:,} gas)")
    deposit = next(gas for what, gas, _ in rows if what.startswith("deposit, later"))
    print(f"entering a hedged LP: vault deposit {deposit:,} gas vs by hand "
          f"{sum(manual):,} gas in {len(manual)} transactions = {deposit / sum(manual):.2f}x")


def main() -> None:
    replica = start_replica()
    try:
        w3 = replica.w3
        alice, bob, carol, dave = list(w3.eth.accounts)[6:10]
        with tempfile.TemporaryDirectory() as tmp:
            b = setup(w3, replica.operator, Path(tmp) / "journal.sqlite")
            try:
                entries_and_keeper(b, alice, bob, carol)
                manual = by_hand(b, dave)
                shut_down(b)
                exits(b, alice, bob, carol)
            finally:
                b.keeper.journal.close()
    finally:
        assert replica.process is not None
        replica.process.stop()
    report(b.rows, manual)


if __name__ == "__main__":
    main()
