"""Portfolio + policy + venues -> HedgePlan: what to trade, where, why, and in which
unsigned transactions (nothing here sends; see ``hedgekit.strategy.execution``).

Amounts that reach a transaction are exact ints, rounded so the hedge never overshoots: the
size change is rounded toward zero, margin and collateral are rounded up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

from web3 import Web3

from hedgekit.amm.readers import read_pool_states
from hedgekit.amm.v3 import PoolState, swap
from hedgekit.chain import addresses as A
from hedgekit.chain.multicall import Call, multicall
from hedgekit.errors import RiskLimitError
from hedgekit.models import lp as lp_model
from hedgekit.portfolio import Greeks, Portfolio, portfolio_greeks
from hedgekit.strategy.costs import GAS_UNITS, VenueCost, sell_impact
from hedgekit.strategy.policy import Decision, HedgePolicy, LastHedge, evaluate
from hedgekit.strategy.swaps import build_swap_exact_input, build_swap_exact_output
from hedgekit.types import Address
from hedgekit.units import sqrt_price_x96_to_price
from hedgekit.venues import aave_tx
from hedgekit.venues.aave import AaveV3
from hedgekit.venues.aave_state import AaveAccountState
from hedgekit.venues.perp import PerpMarketVenue
from hedgekit.venues.perp_state import PerpPosition
from hedgekit.venues.tx import UnsignedTx

WAD = 10**18
HEDGE_POOL = A.WETH_USDC_V3_005  # where the Aave leg sells/buys WETH (token1; USDC token0)


@dataclass(frozen=True)
class HedgePlan:
    """The plan for one account at one block. ``slices`` lists the transaction groups to send
    in order (one group per block for a sliced pool trade); empty when ``decision.trade`` is
    False. ``expected_delta`` is the portfolio delta once every slice is filled."""

    owner: str
    block_number: int
    decision: Decision
    greeks: Greeks
    legs: tuple[Greeks, ...]
    venue: str | None
    size: float
    costs: tuple[VenueCost, ...]
    slices: tuple[tuple[UnsignedTx, ...], ...]
    expected_delta: float
    notes: tuple[str, ...] = ()
    token_ids: tuple[int, ...] | None = None
    """The LP positions the plan hedges (None: all of the owner's)."""

    @property
    def transactions(self) -> tuple[UnsignedTx, ...]:
        return tuple(tx for group in self.slices for tx in group)


#: Hedge sizes are rounded toward zero to this lot (ETH): float noise in the model delta never
#: reaches a transaction.
LOT = Decimal("0.000001")
#: Margin and collateral are sized for this fraction of the leverage cap / above the health
#: floor, so the trade's own fee and small moves do not trip the buffer trigger at once.
SIZING_BUFFER = 0.9


def _wei(eth: float) -> int:
    """ETH to wei, rounded toward zero to a whole LOT."""
    lots = (Decimal(repr(eth)) / LOT).to_integral_value(ROUND_DOWN)
    return int(lots * LOT * WAD)


def _usdc(usd: float, rounding: str = ROUND_CEILING) -> int:
    return int((Decimal(repr(usd)) * 10**6).to_integral_value(rounding))


class Planner:
    """Reads what the venues charge and turns a portfolio into a :class:`HedgePlan`."""

    def __init__(self, w3: Web3, policy: HedgePolicy) -> None:
        self.w3 = w3
        self.policy = policy
        has_perp = w3.eth.get_code(A.PERP_MARKET_ETH_USD)  # type: ignore[arg-type]
        self.perp = PerpMarketVenue(w3) if has_perp else None
        has_aave = w3.eth.get_code(A.AAVE_V3_POOL_ADDRESSES_PROVIDER)  # type: ignore[arg-type]
        self.aave = AaveV3(w3) if has_aave else None

    # -- costs -----------------------------------------------------------------------------
    def venue_costs(self, block: int, price: float, size: float,
                    pool: PoolState) -> list[VenueCost]:
        """Cost terms of each available venue for a position of ``size`` ETH (< 0: a short)
        at ``block``, the oracle at ``price`` USD."""
        gas_price = self.w3.eth.gas_price
        out = []
        if self.perp is not None:
            state = self.perp.market_state(block)
            out.append(VenueCost("perp", state.params.taker_fee / WAD,
                                 -state.funding_rate_annual if size < 0 else
                                 state.funding_rate_annual,
                                 GAS_UNITS["perp"] * gas_price / WAD * price,
                                 f"funding {state.funding_rate_annual:+.2%}/yr"))
        if self.aave is not None and size < 0:
            weth = self.aave.reserve(A.WETH, block)
            usdc = self.aave.reserve(A.USDC, block)
            collateral_per_debt = self.policy.min_health_factor / (usdc.liquidation_threshold / 1e4)
            impact = sell_impact(pool, True, _wei(abs(size)))
            out.append(VenueCost("aave", pool.fee / 1e6 + impact,
                                 weth.borrow_apr - usdc.supply_apr * collateral_per_debt,
                                 GAS_UNITS["aave"] * gas_price / WAD * price,
                                 f"borrow {weth.borrow_apr:.2%}/yr, impact {impact:.3%}"))
        return out

    # -- plan ------------------------------------------------------------------------------
    def plan(self, portfolio: Portfolio, venue: str | None = None,
             last: LastHedge | None = None) -> HedgePlan:
        """The plan for ``portfolio`` (``venue`` overrides the policy's choice)."""
        legs, total = portfolio_greeks(portfolio, self.policy.sigma)
        lp_delta = sum(g.delta for g in legs if g.label not in ("perp", "aave", "spot"))
        hedge_delta = sum(g.delta for g in legs if g.label in ("perp", "aave"))
        (pool,) = read_pool_states(self.w3, [HEDGE_POOL], block=portfolio.block_number)
        probe = -max(abs(lp_delta), self.policy.min_band)
        costs = self.venue_costs(portfolio.block_number, portfolio.oracle_price, probe, pool)
        chosen = venue or self.policy.venue
        per_trade = min((c.proportional for c in costs), default=0.0)
        leverage = (portfolio.perp.leverage / WAD if portfolio.perp and portfolio.perp.leverage
                    else None)
        hf = (portfolio.aave.health_factor / WAD
              if portfolio.aave and portfolio.aave.totals.total_debt_base else None)
        decision = evaluate(self.policy, delta=total.delta, lp_delta=lp_delta,
                            gamma=total.gamma, price=portfolio.oracle_price,
                            hedge_delta=hedge_delta, cost=per_trade,
                            now=portfolio.timestamp, last=last, leverage=leverage,
                            health_factor=hf)
        base = HedgePlan(portfolio.owner, portfolio.block_number, decision, total, tuple(legs),
                         None, 0.0, tuple(costs), (), total.delta,
                         token_ids=portfolio.token_ids)
        if not decision.trade:
            return base
        gap = decision.gap
        if abs(gap) < 1e-9:  # only a margin/health buffer to restore
            gap = 0.0
        candidates = self._choose(chosen, gap, portfolio, costs)
        skipped: list[str] = []
        for name in candidates:
            try:
                slices, notes = (self._perp(portfolio, gap) if name == "perp"
                                 else self._aave(portfolio, gap, pool))
            except RiskLimitError as err:
                if name == candidates[-1]:
                    raise
                skipped.append(f"{name} skipped: {err}")
                continue
            return replace(base, venue=name, size=gap, slices=slices,
                           expected_delta=total.delta + gap, notes=(*skipped, *notes))
        raise AssertionError("unreachable: the last candidate raises")

    def _choose(self, chosen: str, gap: float, portfolio: Portfolio,
                costs: list[VenueCost]) -> list[str]:
        """Venues to try in order: the one asked for, or with ``auto`` the cheapest first
        (a venue that cannot be funded is skipped for the next)."""
        available = {c.venue for c in costs}
        if chosen != "auto":
            if chosen == "aave" and gap > 0 and portfolio.aave_base()[1] == 0:
                raise RiskLimitError("the Aave leg can only reduce an existing WETH borrow; "
                                     "use --venue perp to add delta")
            if chosen not in available | ({"aave"} if gap > 0 else set()):
                raise RiskLimitError(f"venue {chosen} is not available on this chain")
            return [chosen]
        if gap > 0:  # reduce the hedge where it is
            return ["perp" if portfolio.perp_size < 0 or portfolio.aave_base()[1] == 0
                    else "aave"]
        notional = abs(gap) * portfolio.oracle_price
        ranked = sorted(costs, key=lambda c: c.total(notional, self.policy.holding_days))
        if not ranked:
            raise RiskLimitError("no hedge venue (PerpMarket or Aave) on this chain")
        return [c.venue for c in ranked]

    def _perp(self, portfolio: Portfolio, gap: float
              ) -> tuple[tuple[tuple[UnsignedTx, ...], ...], tuple[str, ...]]:
        assert self.perp is not None
        position: PerpPosition = portfolio.perp or self.perp.position(portfolio.owner,
                                                                      portfolio.block_number)
        policy = self.policy
        size_delta = _wei(gap)
        new_size = position.size + size_delta
        notional = abs(new_size) / WAD * portfolio.oracle_price
        margin_needed = _usdc(notional / (policy.max_leverage * SIZING_BUFFER))
        # remaining margin (margin + PnL + funding) is a USD wad; collateral units round down
        scale = position.state.params.collateral_scale
        have = position.remaining_margin // scale if position.size else position.margin
        top_up = max(0, margin_needed - have)
        kwargs = {"slippage_bps": policy.slippage_bps, "deadline_seconds": policy.deadline_seconds}
        txs: tuple[UnsignedTx, ...] = ()
        notes = []
        if top_up:
            balance = position.collateral_balance
            if balance < top_up:
                raise RiskLimitError(f"insufficient USDC for perp margin: need {top_up / 1e6:,.2f}"
                                     f", hold {balance / 1e6:,.2f}")
            notes.append(f"margin +{top_up / 1e6:,.2f} USDC keeps leverage <= "
                         f"{policy.max_leverage:g}x")
        if size_delta == 0 and top_up == 0:
            return (), ("nothing to trade",)
        if position.size == 0 and position.margin == 0 and size_delta:
            txs = self.perp.build_open(position, size_delta, top_up, **kwargs).txs
        else:
            if top_up:
                order = self.perp.build_deposit_margin(position, top_up)
                txs += order.txs
                position = _funded(position, top_up)
            if size_delta:
                txs += self.perp.build_modify(position, size_delta, **kwargs).txs
        return (txs,), tuple(notes)

    def _aave(self, portfolio: Portfolio, gap: float, pool: PoolState
              ) -> tuple[tuple[tuple[UnsignedTx, ...], ...], tuple[str, ...]]:
        assert self.aave is not None
        aave, policy, owner, block = self.aave, self.policy, portfolio.owner, portfolio.block_number
        account = aave.account(owner, block)
        gap -= _self_impact(portfolio, pool, gap)
        amount = _wei(abs(gap)) if gap < 0 else min(_wei(gap), account.position(A.WETH).debt)
        impact = sell_impact(pool, True, amount)
        n = max(1, min(policy.max_slices, math.ceil(impact * 1e4 / policy.max_impact_bps)))
        notes = [f"{n} slice(s): the whole pool trade would move the price {impact:.3%}"]
        price = Decimal(repr(portfolio.oracle_price))
        slip = Decimal(policy.slippage_bps) / 10_000
        deadline = portfolio.timestamp + policy.deadline_seconds
        router = self._router_allowance(owner, A.WETH if gap < 0 else A.USDC, block)
        group: tuple[UnsignedTx, ...] = ()
        if gap < 0:
            usdc = account.reserve(A.USDC)
            need = account.totals.total_debt_base / 1e8 + abs(gap) * portfolio.oracle_price
            need *= policy.min_health_factor / (usdc.liquidation_threshold / 1e4) / SIZING_BUFFER
            top_up = max(0, _usdc(need - account.totals.total_collateral_base / 1e8))
            held = portfolio.balances.get(Address(A.USDC), 0)
            if top_up > held:
                raise RiskLimitError(f"insufficient USDC for Aave collateral: need "
                                     f"{top_up / 1e6:,.2f}, hold {held / 1e6:,.2f}")
            if top_up:
                group += aave_tx.supply(aave.pool, account, usdc, top_up,
                                        aave.allowance(owner, A.USDC, block))
                account = _with_collateral(account, A.USDC, top_up)
                notes.append(f"supply {top_up / 1e6:,.2f} USDC keeps the health factor >= "
                             f"{policy.min_health_factor:g}")
        else:
            pool_allowance = aave.allowance(owner, A.WETH, block)
        slices = []
        for part in _split(amount, n):
            usd = Decimal(part) / WAD * price * 10**6
            if gap < 0:
                min_out = int((usd * (1 - slip)).to_integral_value(ROUND_DOWN))
                group += aave_tx.borrow(aave.pool, account, account.reserve(A.WETH), part)
                account = _with_debt(account, A.WETH, part)
                swap_txs, router = build_swap_exact_input(owner, A.WETH, A.USDC, pool.fee,
                                                          part, min_out, deadline, router)
                group += swap_txs
            else:
                max_in = int((usd * (1 + slip)).to_integral_value(ROUND_CEILING))
                swap_txs, router = build_swap_exact_output(owner, A.USDC, A.WETH, pool.fee,
                                                           part, max_in, deadline, router)
                group += swap_txs + aave_tx.repay(aave.pool, account, account.reserve(A.WETH),
                                                  part, pool_allowance)
                pool_allowance = max(0, pool_allowance - part) if pool_allowance >= part else 0
                account = _with_debt(account, A.WETH, -part)
            slices.append(group)
            group = ()
        return tuple(slices), tuple(notes)

    def _router_allowance(self, owner: str, token: str, block: int) -> int:
        (answer,) = multicall(self.w3, [Call(token, "allowance(address,address)",
                                             (owner, A.SWAP_ROUTER), ("uint256",))], block)
        return int(answer[0]) if answer else 0


def _self_impact(portfolio: Portfolio, pool: PoolState, gap: float) -> float:
    """The change of the owner's LP delta (ETH) that trading ``gap`` ETH in ``pool`` causes by
    moving its price (exact swap simulation, then the LP delta re-valued at the new price), so
    the hedge can be sized for it: trade ``gap - impact`` to reach ``gap`` overall."""
    assert pool.decimals0 is not None and pool.decimals1 is not None
    amount = _wei(abs(gap))
    if amount == 0:
        return 0.0
    # WETH is token1: selling it (gap < 0) is one-for-zero; buying it back is an exact output
    result = swap(pool, zero_for_one=gap > 0, amount_specified=amount if gap < 0 else -amount)
    after = sqrt_price_x96_to_price(result.sqrt_price_x96, pool.decimals0, pool.decimals1, True)
    mine = [h for h in portfolio.lps if h.pool == pool.address]
    return float(sum(lp_model.delta(after, h.liquidity, h.lower, h.upper)
                     - lp_model.delta(h.price, h.liquidity, h.lower, h.upper) for h in mine))


def _split(amount: int, n: int) -> list[int]:
    """``amount`` in ``n`` parts that differ by at most 1 and add up exactly."""
    return [amount // n + (1 if i < amount % n else 0) for i in range(n)]


def _funded(position: PerpPosition, amount: int) -> PerpPosition:
    """The position as it will be once ``amount`` margin is deposited."""
    from hedgekit.venues import perp_trade as pt

    book, after = pt.deposit_margin(position.state.book, position.position, amount)
    return PerpPosition(replace(position.state, book=book), position.account, after,
                        position.collateral_balance - amount, position.allowance)


def _with_collateral(account: AaveAccountState, asset: str, amount: int) -> AaveAccountState:
    return replace(account, positions=tuple(
        replace(p, collateral=p.collateral + amount, collateral_enabled=True)
        if p.asset == asset else p for p in account.positions))


def _with_debt(account: AaveAccountState, asset: str, amount: int) -> AaveAccountState:
    return replace(account, positions=tuple(
        replace(p, variable_debt=max(0, p.variable_debt + amount),
                borrowing=p.variable_debt + amount > 0)
        if p.asset == asset else p for p in account.positions))
