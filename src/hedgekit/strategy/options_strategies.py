"""Option strategies as hedge plans: covered call, cash-secured put, tail puts and the
gamma/vega overlay of a v3 LP with the replicating strip (the basis trade is in
:mod:`hedgekit.strategy.basis`). Each builder reads one block, sizes the trade with exact
integers (option amounts rounded to a LOT: down for what we write, up for protection we
need), builds it with :class:`~hedgekit.venues.options.OptionsMarketVenue` and returns a
:class:`~hedgekit.strategy.strategy_common.StrategyPlan`: the :class:`HedgePlan` the hedge
command simulates and executes, and the change of holdings the venue predicts.

Sizing rules (each plan's decision reasons repeat them with the numbers):
- **covered call**: write calls on the WETH held (1 option per WETH, default all of it), list
  them at the model price: Black-Scholes at the expiry's fitted mid smile, rounded up;
- **cash-secured put**: write as many puts as the USDC held fully collateralizes
  (strike x amount <= USDC), listed the same way;
- **tail puts**: the loss of the LP + hedge portfolio at the down move ``shock`` is re-valued
  exactly (LP at the shocked price with ``models.lp.value``, perp / Aave / spot linearly,
  held options at intrinsic value); buy n puts with
  ``loss_0 + premium(n) - n * (K - S (1 - shock))+ <= loss_limit`` (puts counted at
  intrinsic value only, so the cap holds at expiry too);
- **lp-overlay**: the LP is short the Carr-Madan strip (``models.replication``) on
  [Pa, Pb]; buy that strip on the listed strikes nearest the range (``size``: the fraction
  of it) to offset the LP's gamma and vega.
"""

from __future__ import annotations

import math
from dataclasses import replace
from decimal import ROUND_CEILING, Decimal

import numpy as np
from web3 import Web3

from hedgekit.chain.multicall import Call
from hedgekit.errors import InputError, RiskLimitError
from hedgekit.models import lp as lp_model
from hedgekit.models.options import black_scholes
from hedgekit.models.replication import replicating_strip_on_strikes
from hedgekit.portfolio import Greeks, Portfolio
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.strategy.strategy_common import (
    DAY,
    LOT,
    WAD,
    Expected,
    StrategyParams,
    StrategyPlan,
    base_legs,
    ceil_lot,
    floor_lot,
    make_plan,
    option_greeks,
    options_venue,
    pick_expiry,
    pick_series,
    series_greeks,
)
from hedgekit.units import from_base_units_float, to_base_units, wad_to_float
from hedgekit.venues import options_math as om
from hedgekit.venues.options import OptionsMarketVenue
from hedgekit.venues.options_pricing import quote, years_to_expiry
from hedgekit.venues.options_state import OptionsAccount, OptionsOrder, SeriesBook
from hedgekit.venues.tx import UnsignedTx

USDC = 10**6


def _describe(book: SeriesBook, now: int) -> str:
    s = book.series
    return (f"{s.kind} strike {wad_to_float(s.strike):,.0f} expiring in "
            f"{(s.expiry - now) / DAY:.1f} days (series {s.series_id})")


def model_ask(venue: OptionsMarketVenue, acct: OptionsAccount, book: SeriesBook
              ) -> tuple[int, float]:
    """(ask in USDC base units per option, rounded up; the vol used): Black-Scholes at the
    vol of the expiry's fitted mid smile at the series' strike."""
    s = book.series
    state = acct.state
    vol = venue.smile(state, s.expiry, "mid").vol(wad_to_float(s.strike))
    price = black_scholes(wad_to_float(state.oracle_price), wad_to_float(s.strike),
                          years_to_expiry(s.expiry, state.timestamp), 0.0, vol, 0.0, s.kind)
    return max(1, to_base_units(Decimal(repr(float(price))), 6, ROUND_CEILING)), vol


def _write(w3: Web3, portfolio: Portfolio, params: StrategyParams, policy: HedgePolicy,
           kind: str) -> StrategyPlan:
    """Covered call (``kind="call"``) or cash-secured put (``"put"``)."""
    venue = options_venue(w3, policy)
    acct = venue.account(portfolio.owner, portfolio.block_number)
    now, spot = acct.state.timestamp, wad_to_float(acct.state.oracle_price)
    book = pick_series(acct, kind, params, policy.sigma, 7, 0.25)
    s = book.series
    scale = acct.state.params.quote_scale
    written = acct.holding(s.series_id).written
    held = acct.base_balance if s.is_call else acct.quote_balance
    token = "WETH" if s.is_call else "USDC"
    decimals = 18 if s.is_call else 6
    if s.is_call:
        most = held // LOT * LOT
    else:  # largest amount whose added (rounded-up) collateral fits in the USDC held
        most = ((held + om.collateral_required(s, written, scale)) * WAD * scale
                // s.strike - written) // LOT * LOT
        while most > 0 and om.write_charge(s, written, most, scale) > held:
            most -= LOT
    amount = floor_lot(params.size) if params.size is not None else most
    name = "covered call" if s.is_call else "cash-secured put"
    if amount <= 0:
        raise RiskLimitError(f"{name}: the account holds "
                             f"{from_base_units_float(held, decimals):,.6g} {token}, "
                             f"not enough to secure one lot of {kind}s")
    charge = om.write_charge(s, written, amount, scale)
    if charge > held:
        raise RiskLimitError(f"{name}: {wad_to_float(amount):g} {kind}s lock "
                             f"{from_base_units_float(charge, decimals):,.6f} {token}, the "
                             f"account holds {from_base_units_float(held, decimals):,.6f}: "
                             "not fully collateralized")
    price, vol = model_ask(venue, acct, book)
    order = venue.build_write_and_ask(acct, s.series_id, amount, price)
    options = wad_to_float(amount)
    added = series_greeks(book, now, spot, vol, -options)
    legs, total = base_legs(portfolio, option_greeks(venue, acct, policy.sigma), policy.sigma)
    sized = ("every lot of the WETH held" if params.size is None and s.is_call
             else "the most the USDC held fully collateralizes" if params.size is None
             else "--size")
    reasons = [f"{name}: write {options:g} {_describe(book, now)} ({sized}), locking "
               f"{from_base_units_float(charge, decimals):,.6f} {token} 1:1 with the "
               f"payout's maximum",
               f"|delta| {abs(added.delta) / options:.3f} per option ("
               + (f"moneyness {params.moneyness:g} asked)" if params.moneyness is not None
                  else f"nearest the target {params.option_delta or 0.25:g})"),
               f"offered at the model price {price / USDC:,.2f} USDC each: Black-Scholes at "
               f"the fitted mid smile's {vol:.2%} at that strike"]
    notes = [f"premium if filled: {price * options / USDC:,.2f} USDC"]
    d_base, d_quote = (order.effect.base, 0) if s.is_call else (0, order.effect.quote)
    plan = make_plan(portfolio, "options", -options, legs, total, added, order.txs,
                     reasons, notes)
    return StrategyPlan(plan, Expected(weth=d_base, usdc=d_quote, options=(order.effect,)))


def covered_call(w3: Web3, portfolio: Portfolio, params: StrategyParams,
                 policy: HedgePolicy) -> StrategyPlan:
    """Write calls covered by the WETH held and list them at the model price."""
    return _write(w3, portfolio, params, policy, "call")


def cash_secured_put(w3: Web3, portfolio: Portfolio, params: StrategyParams,
                     policy: HedgePolicy) -> StrategyPlan:
    """Write puts fully collateralized by the USDC held and list them at the model price."""
    return _write(w3, portfolio, params, policy, "put")


# -- stress ----------------------------------------------------------------------------------

def portfolio_value(portfolio: Portfolio, acct: OptionsAccount | None, factor: float) -> float:
    """USD value of the LP + hedge portfolio with the ETH price times ``factor``: LPs at
    ``factor * oracle`` (``models.lp.value`` plus their fees), perp margin plus its PnL, the
    Aave net position, WETH and USDC held, and the options held or written at their intrinsic
    value at that price (the exact payout once settled at it)."""
    price = portfolio.oracle_price * factor
    move = price - portfolio.oracle_price
    total = 0.0
    for h in portfolio.lps:
        total += float(lp_model.value(price, h.liquidity, h.lower, h.upper))
        total += h.fees_base * price + h.fees_quote
    if portfolio.perp is not None:
        total += portfolio.perp.remaining_margin / WAD + portfolio.perp_size * move
    if portfolio.aave is not None:
        supplied, borrowed = portfolio.aave_base()
        totals = portfolio.aave.totals
        total += ((totals.total_collateral_base - totals.total_debt_base) / 10**8
                  + (supplied - borrowed) * move)
    total += portfolio.spot_base * price + portfolio.spot_quote
    if acct is not None:
        for held in acct.holdings:
            if held.net:
                s = acct.state.book(held.series_id).series
                total += _intrinsic(s, price) * held.net / WAD
    return total


def _intrinsic(s: om.Series, price: float) -> float:
    strike = wad_to_float(s.strike)
    return max(price - strike, 0.0) if s.is_call else max(strike - price, 0.0)


def stress_loss(portfolio: Portfolio, acct: OptionsAccount | None, shock: float) -> float:
    """USD the portfolio loses when ETH falls by ``shock`` (a fraction)."""
    return portfolio_value(portfolio, acct, 1.0) - portfolio_value(portfolio, acct, 1 - shock)


def _premium(book: SeriesBook, owner: str, amount: int) -> int | None:
    """Exact USDC ``build_buy`` pays for ``amount`` from the asks (None: not enough)."""
    left, premium = amount, 0
    for ask in book.asks:
        if ask.maker == owner or left == 0:
            continue
        take = min(left, ask.amount)
        premium += om.ask_premium(ask.price, take)
        left -= take
    return None if left else premium


def tail_puts(w3: Web3, portfolio: Portfolio, params: StrategyParams,
              policy: HedgePolicy) -> StrategyPlan:
    """Buy OTM puts so the portfolio loses at most ``loss_limit`` at the ``shock`` move."""
    if params.loss_limit is None:
        raise InputError("tail-puts needs --loss-limit (USD the portfolio may lose at the "
                         "--shock down move)")
    venue = options_venue(w3, policy)
    acct = venue.account(portfolio.owner, portfolio.block_number)
    now, spot = acct.state.timestamp, wad_to_float(acct.state.oracle_price)
    shock, limit = params.shock, params.loss_limit
    loss0 = stress_loss(portfolio, acct, shock)
    legs, total = base_legs(portfolio, option_greeks(venue, acct, policy.sigma), policy.sigma)
    stressed = portfolio.oracle_price * (1 - shock)
    head = (f"loss at a {shock:.0%} fall (ETH {portfolio.oracle_price:,.2f} -> "
            f"{stressed:,.2f}): {loss0:,.2f} USD against the limit {limit:,.2f}")
    if loss0 <= limit:
        plan = make_plan(portfolio, "options", 0.0, legs, total, Greeks("none", 0, 0), (),
                         [head + ": within it, no puts needed"], [], trade=False)
        return StrategyPlan(plan, Expected())
    book = pick_series(acct, "put", replace(params, moneyness=params.moneyness or 0.9),
                       policy.sigma, 30, 0.2)
    s = book.series
    payoff = _intrinsic(s, stressed)
    best = book.best_ask
    if best is None:
        raise RiskLimitError(f"series {s.series_id} has no ask to buy puts from")
    unit = best.price / USDC
    if payoff <= unit:
        raise RiskLimitError(f"the {_describe(book, now)} pays {payoff:,.2f} at the stressed "
                             f"price but costs {unit:,.2f}: it cannot cap the loss; pick a "
                             "higher --moneyness or a smaller --shock")
    amount = ceil_lot((loss0 - limit) / (payoff - unit))
    while True:  # the exact premium over the asks (deeper asks cost more): add lots until
        premium = _premium(book, portfolio.owner, amount)
        if premium is None:
            raise RiskLimitError(f"capping the loss needs {wad_to_float(amount):g} puts of "
                                 f"series {s.series_id}; its asks offer fewer")
        after = loss0 + premium / USDC - wad_to_float(amount) * payoff
        if after <= limit:
            break
        amount += max(LOT, ceil_lot((after - limit) / payoff))
    order = venue.build_buy(acct, s.series_id, amount)
    options = wad_to_float(amount)
    mid = quote(acct.state, book).mid_vol or policy.sigma
    added = series_greeks(book, now, spot, mid, options)
    reasons = [head,
               f"buy {options:g} {_describe(book, now)}: each pays {payoff:,.2f} USD at the "
               f"stressed price (intrinsic value) for about {unit:,.2f} premium",
               f"loss at the stress after the puts: {after:,.2f} USD <= {limit:,.2f} "
               f"(premium {premium / USDC:,.2f} USDC)"]
    plan = make_plan(portfolio, "options", options, legs, total, added, order.txs,
                     reasons, ["puts counted at intrinsic value: the cap holds at expiry"])
    return StrategyPlan(plan, Expected(usdc=order.effect.quote, options=(order.effect,)))


# -- LP overlay ------------------------------------------------------------------------------

def _nearest(strikes: list[float], target: float) -> float:
    return min(strikes, key=lambda k: abs(k - target))


def overlay_weights(portfolio: Portfolio, strikes: list[float], fraction: float
                    ) -> dict[float, float]:
    """Puts to buy (whole options) per listed strike: ``fraction`` of the Carr-Madan strip
    of every v3 LP, its range snapped to the listed strikes nearest its edges."""
    buy: dict[float, float] = {}
    for h in portfolio.lps:
        if h.kind != "v3" or not math.isfinite(h.upper):
            continue
        lo, hi = _nearest(strikes, h.lower), _nearest(strikes, h.upper)
        if lo >= hi:
            raise InputError(f"{h.label}: its range {h.lower:,.0f}-{h.upper:,.0f} spans no "
                             f"two listed strikes ({', '.join(f'{k:g}' for k in strikes)})")
        strip = replicating_strip_on_strikes(h.liquidity, lo, hi, strikes, "put")
        for k, w in zip(np.ravel(strip.strikes), np.ravel(strip.weights), strict=True):
            buy[float(k)] = buy.get(float(k), 0.0) - float(w) * fraction
    return buy


def _approve_premium(venue: OptionsMarketVenue, acct: OptionsAccount, premium: int
                     ) -> tuple[UnsignedTx, ...]:
    """An exact approval of ``premium`` USDC to the market when the allowance is short."""
    if premium == 0 or acct.quote_allowance >= premium:
        return ()
    if acct.quote_balance < premium:
        raise InputError(f"insufficient USDC: the strip's premium is {premium / USDC:,.2f} "
                         f"USDC, the account holds {acct.quote_balance / USDC:,.2f}")
    data = Call("0x" + "00" * 20, "approve(address,uint256)",
                (venue.market, premium)).calldata()
    return (UnsignedTx(venue.listing.quote, data, 0,
                       f"approve {premium / USDC:,.6f} USDC to the OptionsMarket",
                       "the strip's whole premium"),)


def lp_overlay(w3: Web3, portfolio: Portfolio, params: StrategyParams,
               policy: HedgePolicy) -> StrategyPlan:
    """Buy the LP's replicating put strip on the listed strikes to offset its gamma/vega."""
    if not any(h.kind == "v3" for h in portfolio.lps):
        raise InputError(f"{portfolio.owner} holds no v3 LP position to overlay")
    fraction = params.size if params.size is not None else 1.0
    if fraction > 1:
        raise InputError(f"--size is the fraction of the strip for lp-overlay: (0, 1], "
                         f"got {fraction:g}")
    venue = options_venue(w3, policy)
    acct = venue.account(portfolio.owner, portfolio.block_number)
    state, now = acct.state, acct.state.timestamp
    spot = wad_to_float(state.oracle_price)
    expiry = pick_expiry(acct, params.expiry_days or 30)
    puts = {wad_to_float(b.series.strike): b for b in state.open_series()
            if b.series.expiry == expiry and not b.series.is_call}
    if len(puts) < 2:
        raise InputError(f"no listed series: the strip needs two put strikes at expiry "
                         f"{expiry}, {len(puts)} listed")
    weights = overlay_weights(portfolio, sorted(puts), fraction)
    # the LP's Greeks over the strip's life: the strip replicates its value at expiry
    horizon = years_to_expiry(expiry, now)
    legs, before = base_legs(portfolio, option_greeks(venue, acct, policy.sigma),
                             policy.sigma, horizon)
    orders: list[OptionsOrder] = []
    added = Greeks("strip", 0.0, 0.0)
    bought = []
    # one approval for the whole premium, then the buys (each sees it already granted)
    funded = replace(acct, quote_allowance=2**256 - 1)
    for strike in sorted(weights):
        amount = floor_lot(weights[strike])
        if amount <= 0:
            continue
        book = puts[strike]
        order = venue.build_buy(funded, book.series.series_id, amount)
        funded = replace(funded, quote_balance=funded.quote_balance + order.effect.quote)
        orders.append(order)
        vol = quote(state, book).mid_vol or policy.sigma
        added = added + series_greeks(book, now, spot, vol, wad_to_float(amount))
        bought.append(f"{wad_to_float(amount):g} x {strike:g}")
    effects = [o.effect for o in orders]
    premium = -sum(e.quote for e in effects)
    txs = [*_approve_premium(venue, acct, premium), *(tx for o in orders for tx in o.txs)]
    if not txs:
        raise RiskLimitError("the strip rounds to no option lot: nothing to buy")
    after = before + added
    reasons = [f"the LP is short the Carr-Madan strip of puts on its range; buy "
               f"{fraction:g} of it on the listed strikes of the expiry in "
               f"{(expiry - now) / DAY:.1f} days: {', '.join(bought)} puts",
               f"gamma {before.gamma:+.3e} -> {after.gamma:+.3e} ETH/USD, vega "
               f"{before.vega / 100:+,.2f} -> {after.vega / 100:+,.2f} USD/vol-pt "
               f"(LP over the {horizon * 365:.1f} days to expiry; puts Black-Scholes at each "
               "series' mid vol)",
               f"premium {premium / USDC:,.2f} USDC"]
    plan = make_plan(portfolio, "options", wad_to_float(sum(e.options for e in effects)),
                     legs, before, added, tuple(txs), reasons,
                     [f"gamma after {after.gamma:+.6e}", f"vega after {after.vega:+.6f}"])
    return StrategyPlan(plan, Expected(usdc=-premium, options=tuple(effects),
                                       greeks_after=after))
