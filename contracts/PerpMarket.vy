# pragma version 0.4.3
"""
@title PerpMarket
@notice Isolated-margin perpetual future on one Chainlink-compatible oracle (ETH-USD first),
        collateralised in one ERC-20 (USDC). The counterparty of every trader is the market's
        liquidity fund (the owner's insurance / LP fund): it takes the other side of the skew,
        earns the fees and the liquidated margins, and pays the traders' profits.
@dev Units. `size` is signed base units with 18 decimals (1e18 = 1 ETH long, negative =
     short). Prices are USD per whole base unit as 18-decimal wads (the oracle answer times
     PRICE_SCALE). Margins, fees, rewards and the fund are collateral base units (1e-6 USDC);
     PnL, funding and margin requirements are computed in USD wads and converted with
     COLLATERAL_SCALE (1e12 for USDC). Signed divisions truncate toward zero (`_tdiv`).

     Fill price. Trades fill at the oracle price (mark = oracle); `acceptable_price` bounds it
     (a buy fills only at or below it, a sell at or above) and `deadline` bounds the time.

     Settlement. A position stores (size, margin, last_price, last_funding_index). Every trade,
     margin withdrawal and liquidation first settles the account at the current price P and
     funding index F (Synthetix perps v2 style):
         pnl     = size * (P - last_price) / 1e18
         funding = size * (F - last_funding_index) / 1e18
         remaining_margin = margin * COLLATERAL_SCALE + pnl + funding          (USD wad)
     A positive pnl + funding is credited to the margin rounded down, paid out of the fund and
     capped at the fund's balance; a negative one is debited rounded up. So `last_price` is the
     entry price / cost basis of the position since its last settlement.

     Funding (Synthetix perps v2 velocity model). With skew K = sum of all sizes:
         proportional_skew = clamp(K * 1e18 / skew_scale, -1e18, 1e18)
         velocity          = proportional_skew * max_funding_velocity / 1e18   (per day, per day)
         rate(t)           = rate_last + velocity * (t - t_last) / 86400       (per day, wad)
         F(t)              = F_last - (rate_last + rate(t)) * (t - t_last) * P / (2 * 86400 * 1e18)
     i.e. the funding index (USD wad per whole base unit) falls by the exact integral of the
     linearly drifting rate times the price; a positive rate makes longs pay and shorts
     receive. The index and rate are recomputed (with the old skew) before any skew change and
     before funding parameters change.

     Fees. The part of |size_delta| that reduces |skew| pays `maker_fee`, the rest `taker_fee`:
         fee = ceil((maker_part * maker_fee + taker_part * taker_fee) * P / 1e36 / COLLATERAL_SCALE)
     charged from the margin into the fund (`fees_collected` counts them).

     Margin. After a trade (or a withdrawal) an open position needs margin >= min_margin and
     notional * 1e18 <= margin * COLLATERAL_SCALE * max_leverage, notional = |size| * P / 1e18.
     It is liquidatable when remaining_margin <= liquidation_margin, where
         keeper_fee         = clamp(notional * liquidation_fee_ratio / 1e18 / COLLATERAL_SCALE,
                                    min_keeper_fee, max_keeper_fee)           (collateral units)
         liquidation_margin = notional * maintenance_margin_ratio / 1e18 + keeper_fee * COLLATERAL_SCALE
     Anyone may `liquidate`: the whole margin goes to the fund, which pays the caller the
     keeper fee (capped at the fund's balance).

     Solvency by construction. The only collateral this contract holds is
     total_margin + liquidity, and every payout comes out of one of them: a trader's own margin
     (withdrawals, closing) or the fund (profits, keeper rewards), each capped at what it holds.
     A loss beyond the account's margin (possible only at a liquidation after a gap move) is
     not collected: it is bad debt, capped at the margin and socialised against the fund
     (recorded in `bad_debt`). The owner may take out only `free_liquidity`: the fund minus
     the traders' net unrealized profit minus a reserve of `liquidity_reserve_ratio` of the
     skew's notional; trades that grow |skew| need the same cover.

     Oracle guards. State changes need answer > 0, an answer at most `max_oracle_age` seconds
     old and at most `max_price_deviation` (wad fraction) away from the previous round's
     answer (skipped on the first round of a Chainlink phase). Views use the latest answer
     unchecked.
"""

from ethereum.ercs import IERC20


interface AggregatorV3:
    def decimals() -> uint8: view
    def latestRoundData() -> (uint80, int256, uint256, uint256, uint80): view
    def getRoundData(round_id: uint80) -> (uint80, int256, uint256, uint256, uint80): view


interface ERC20Decimals:
    def decimals() -> uint8: view


struct Position:
    size: int256
    margin: uint256
    last_price: uint256
    last_funding_index: int256


event MarginDeposited:
    account: indexed(address)
    amount: uint256

event MarginWithdrawn:
    account: indexed(address)
    amount: uint256

event PositionSettled:
    account: indexed(address)
    realized: int256
    price: uint256
    funding_index: int256

event PositionModified:
    account: indexed(address)
    size_delta: int256
    size: int256
    margin: uint256
    price: uint256
    fee: uint256

event PositionLiquidated:
    account: indexed(address)
    liquidator: indexed(address)
    size: int256
    price: uint256
    margin: uint256
    remaining_margin: int256
    keeper_reward: uint256
    bad_debt: uint256

event FundingRecomputed:
    funding_rate: int256
    funding_index: int256
    timestamp: uint256

event LiquidityAdded:
    sender: indexed(address)
    amount: uint256

event LiquidityRemoved:
    receiver: indexed(address)
    amount: uint256

event FeesSet:
    maker_fee: uint256
    taker_fee: uint256

event MarginParamsSet:
    max_leverage: uint256
    maintenance_margin_ratio: uint256
    min_margin: uint256

event LiquidationParamsSet:
    liquidation_fee_ratio: uint256
    min_keeper_fee: uint256
    max_keeper_fee: uint256

event FundingParamsSet:
    skew_scale: uint256
    max_funding_velocity: uint256

event MaxOpenInterestSet:
    max_open_interest: uint256

event OracleParamsSet:
    max_oracle_age: uint256
    max_price_deviation: uint256

event LiquidityReserveRatioSet:
    liquidity_reserve_ratio: uint256

event OwnershipTransferStarted:
    previous_owner: indexed(address)
    new_owner: indexed(address)

event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)


WAD: constant(uint256) = 10**18
IWAD: constant(int256) = 10**18
DAY: constant(int256) = 86_400
MAX_FEE: constant(uint256) = 10**16  # 1 %
MAX_LEVERAGE: constant(uint256) = 100 * 10**18
MAX_VELOCITY: constant(uint256) = 100 * 10**18
PHASE_MASK: constant(uint256) = 2**64 - 1

COLLATERAL: public(immutable(IERC20))
ORACLE: public(immutable(AggregatorV3))
PRICE_SCALE: public(immutable(uint256))
COLLATERAL_SCALE: public(immutable(uint256))

market_key: public(String[32])
owner: public(address)
pending_owner: public(address)

maker_fee: public(uint256)
taker_fee: public(uint256)
max_leverage: public(uint256)
maintenance_margin_ratio: public(uint256)
min_margin: public(uint256)
liquidation_fee_ratio: public(uint256)
min_keeper_fee: public(uint256)
max_keeper_fee: public(uint256)
skew_scale: public(uint256)
max_funding_velocity: public(uint256)
max_open_interest: public(uint256)
max_oracle_age: public(uint256)
max_price_deviation: public(uint256)
liquidity_reserve_ratio: public(uint256)

positions: public(HashMap[address, Position])
skew: public(int256)
open_interest_long: public(uint256)
open_interest_short: public(uint256)
entry_correction: public(int256)
funding_rate_last: public(int256)
funding_index: public(int256)
funding_time_last: public(uint256)
total_margin: public(uint256)
liquidity: public(uint256)
fees_collected: public(uint256)
bad_debt: public(uint256)


@deploy
def __init__(collateral_: address, oracle_: address, market_key_: String[32]):
    """
    @param collateral_ The margin token (USDC); at most 18 decimals.
    @param oracle_ The AggregatorV3 price feed of the base asset in USD; at most 18 decimals.
    @param market_key_ The market's name, e.g. "ETH-USD".
    @dev The deployer is the owner. Every risk parameter starts at zero, so nothing can trade
         until the owner configures the market.
    """
    COLLATERAL = IERC20(collateral_)
    ORACLE = AggregatorV3(oracle_)
    PRICE_SCALE = 10 ** convert(18 - staticcall AggregatorV3(oracle_).decimals(), uint256)
    COLLATERAL_SCALE = 10 ** convert(18 - staticcall ERC20Decimals(collateral_).decimals(), uint256)
    self.market_key = market_key_
    self.owner = msg.sender
    self.funding_time_last = block.timestamp
    log OwnershipTransferred(previous_owner=empty(address), new_owner=msg.sender)


# -- trading ---------------------------------------------------------------------------------

@external
@nonreentrant
def deposit_margin(amount: uint256):
    """
    @notice Add `amount` collateral to the caller's margin (needs an allowance).
    """
    assert amount > 0, "perp: zero amount"
    old: Position = self.positions[msg.sender]
    new: Position = old
    new.margin += amount
    self._store(msg.sender, old, new)
    log MarginDeposited(account=msg.sender, amount=amount)
    assert extcall COLLATERAL.transferFrom(msg.sender, self, amount), "perp: transfer failed"


@external
@nonreentrant
def withdraw_margin(amount: uint256):
    """
    @notice Send `amount` of the caller's margin to the caller. With an open position the
            account is settled first and must still meet min_margin and max_leverage.
    """
    assert amount > 0, "perp: zero amount"
    old: Position = self.positions[msg.sender]
    new: Position = old
    if old.size != 0:
        price: uint256 = self._checked_price()
        index: int256 = self._recompute_funding(price)
        assert not self._can_liquidate(old, price, index), "perp: liquidatable"
        new = self._settle(msg.sender, old, price, index)
        assert amount <= new.margin, "perp: insufficient margin"
        new.margin -= amount
        self._check_margin(new, price, index)
    else:
        assert amount <= new.margin, "perp: insufficient margin"
        new.margin -= amount
    self._store(msg.sender, old, new)
    log MarginWithdrawn(account=msg.sender, amount=amount)
    assert extcall COLLATERAL.transfer(msg.sender, amount), "perp: transfer failed"


@external
@nonreentrant
def modify_position(size_delta: int256, acceptable_price: uint256, deadline: uint256):
    """
    @notice Open, increase, decrease or flip the caller's position by `size_delta` at the
            oracle price, paying the maker/taker fee from the margin.
    @param size_delta Signed change of size (18 decimals); must not be zero.
    @param acceptable_price Worst fill accepted: a buy reverts above it, a sell below it.
    @param deadline Last block timestamp at which the trade may execute.
    """
    self._modify(msg.sender, size_delta, acceptable_price, deadline)


@external
@nonreentrant
def close_position(acceptable_price: uint256, deadline: uint256):
    """
    @notice Close the caller's whole position and send the caller all of its margin.
    """
    size: int256 = self.positions[msg.sender].size
    assert size != 0, "perp: no position"
    self._modify(msg.sender, -size, acceptable_price, deadline)
    old: Position = self.positions[msg.sender]
    amount: uint256 = old.margin
    if amount > 0:
        new: Position = old
        new.margin = 0
        self._store(msg.sender, old, new)
        log MarginWithdrawn(account=msg.sender, amount=amount)
        assert extcall COLLATERAL.transfer(msg.sender, amount), "perp: transfer failed"


@external
@nonreentrant
def liquidate(account: address) -> uint256:
    """
    @notice Liquidate `account` when its remaining margin is at or below its liquidation
            margin. Its whole margin goes to the fund; the caller gets the keeper fee.
    @return The keeper reward paid to the caller (collateral units).
    """
    price: uint256 = self._checked_price()
    index: int256 = self._recompute_funding(price)
    old: Position = self.positions[account]
    assert self._can_liquidate(old, price, index), "perp: not liquidatable"
    remaining: int256 = self._remaining_margin(old, price, index)
    bad: uint256 = 0
    if remaining < 0:
        bad = self._ceil_div(convert(-remaining, uint256), COLLATERAL_SCALE)
    fund: uint256 = self.liquidity + old.margin
    reward: uint256 = min(self._keeper_fee(self._notional(old.size, price)), fund)
    # Cannot underflow: reward <= fund just above.
    self.liquidity = unsafe_sub(fund, reward)
    self.bad_debt += bad
    self._store(account, old, empty(Position))
    log PositionLiquidated(account=account, liquidator=msg.sender, size=old.size, price=price,
                           margin=old.margin, remaining_margin=remaining, keeper_reward=reward,
                           bad_debt=bad)
    if reward > 0:
        assert extcall COLLATERAL.transfer(msg.sender, reward), "perp: transfer failed"
    return reward


# -- the liquidity fund ----------------------------------------------------------------------

@external
@nonreentrant
def fund(amount: uint256):
    """
    @notice Add `amount` collateral to the liquidity fund (the traders' counterparty).
    @dev Anyone may fund; only the owner can take liquidity out.
    """
    assert amount > 0, "perp: zero amount"
    self.liquidity += amount
    log LiquidityAdded(sender=msg.sender, amount=amount)
    assert extcall COLLATERAL.transferFrom(msg.sender, self, amount), "perp: transfer failed"


@external
@nonreentrant
def defund(amount: uint256, receiver: address):
    """
    @notice Send `amount` of free liquidity to `receiver`. Owner only.
    """
    assert msg.sender == self.owner, "perp: not owner"
    assert amount > 0, "perp: zero amount"
    price: uint256 = self._checked_price()
    index: int256 = self._recompute_funding(price)
    assert amount <= self._free_liquidity(price, index), "perp: liquidity locked"
    self.liquidity -= amount
    log LiquidityRemoved(receiver=receiver, amount=amount)
    assert extcall COLLATERAL.transfer(receiver, amount), "perp: transfer failed"


# -- owner -----------------------------------------------------------------------------------

@external
def set_fees(maker_fee_: uint256, taker_fee_: uint256):
    """
    @notice Maker and taker fee rates (wad fractions of the notional), each at most 1 %.
    """
    self._only_owner()
    assert maker_fee_ <= MAX_FEE and taker_fee_ <= MAX_FEE, "perp: fee too high"
    self.maker_fee = maker_fee_
    self.taker_fee = taker_fee_
    log FeesSet(maker_fee=maker_fee_, taker_fee=taker_fee_)


@external
def set_margin_params(max_leverage_: uint256, maintenance_margin_ratio_: uint256,
                      min_margin_: uint256):
    """
    @notice Max leverage (wad, 1x..100x), maintenance margin ratio (wad) and the minimum
            margin of an open position (collateral units).
    @dev Needs maintenance_margin_ratio + liquidation_fee_ratio < 1 / max_leverage so that
         no position is liquidatable the moment it opens.
    """
    self._only_owner()
    assert max_leverage_ >= WAD and max_leverage_ <= MAX_LEVERAGE, "perp: bad leverage"
    self._check_ratios(max_leverage_, maintenance_margin_ratio_, self.liquidation_fee_ratio)
    self.max_leverage = max_leverage_
    self.maintenance_margin_ratio = maintenance_margin_ratio_
    self.min_margin = min_margin_
    log MarginParamsSet(max_leverage=max_leverage_,
                        maintenance_margin_ratio=maintenance_margin_ratio_,
                        min_margin=min_margin_)


@external
def set_liquidation_params(liquidation_fee_ratio_: uint256, min_keeper_fee_: uint256,
                           max_keeper_fee_: uint256):
    """
    @notice The keeper fee: `liquidation_fee_ratio` (wad) of the notional, clamped to
            [min_keeper_fee, max_keeper_fee] (collateral units).
    """
    self._only_owner()
    assert min_keeper_fee_ <= max_keeper_fee_, "perp: bad keeper fee"
    if self.max_leverage != 0:
        self._check_ratios(self.max_leverage, self.maintenance_margin_ratio, liquidation_fee_ratio_)
    self.liquidation_fee_ratio = liquidation_fee_ratio_
    self.min_keeper_fee = min_keeper_fee_
    self.max_keeper_fee = max_keeper_fee_
    log LiquidationParamsSet(liquidation_fee_ratio=liquidation_fee_ratio_,
                             min_keeper_fee=min_keeper_fee_, max_keeper_fee=max_keeper_fee_)


@external
def set_funding_params(skew_scale_: uint256, max_funding_velocity_: uint256):
    """
    @notice Skew scale (base units, 18 decimals) and max funding velocity (wad per day per
            day). Funding accrued so far is recorded first with the old parameters.
    """
    self._only_owner()
    assert skew_scale_ > 0, "perp: zero skew scale"
    assert max_funding_velocity_ <= MAX_VELOCITY, "perp: velocity too high"
    self._recompute_funding(self._oracle_price())
    self.skew_scale = skew_scale_
    self.max_funding_velocity = max_funding_velocity_
    log FundingParamsSet(skew_scale=skew_scale_, max_funding_velocity=max_funding_velocity_)


@external
def set_max_open_interest(max_open_interest_: uint256):
    """
    @notice Cap of each side's open interest (base units, 18 decimals).
    """
    self._only_owner()
    self.max_open_interest = max_open_interest_
    log MaxOpenInterestSet(max_open_interest=max_open_interest_)


@external
def set_oracle_params(max_oracle_age_: uint256, max_price_deviation_: uint256):
    """
    @notice Max age of the oracle answer (seconds) and max change from the previous round
            (wad fraction, at most 1).
    """
    self._only_owner()
    assert max_oracle_age_ > 0, "perp: zero oracle age"
    assert max_price_deviation_ > 0 and max_price_deviation_ <= WAD, "perp: bad deviation"
    self.max_oracle_age = max_oracle_age_
    self.max_price_deviation = max_price_deviation_
    log OracleParamsSet(max_oracle_age=max_oracle_age_, max_price_deviation=max_price_deviation_)


@external
def set_liquidity_reserve_ratio(liquidity_reserve_ratio_: uint256):
    """
    @notice Fraction (wad, at most 1) of the skew's notional the fund must keep.
    """
    self._only_owner()
    assert liquidity_reserve_ratio_ <= WAD, "perp: bad reserve ratio"
    self.liquidity_reserve_ratio = liquidity_reserve_ratio_
    log LiquidityReserveRatioSet(liquidity_reserve_ratio=liquidity_reserve_ratio_)


@external
def transfer_ownership(new_owner: address):
    """
    @notice Start handing the market to `new_owner`, who must `accept_ownership`. Owner only.
    """
    self._only_owner()
    self.pending_owner = new_owner
    log OwnershipTransferStarted(previous_owner=self.owner, new_owner=new_owner)


@external
def accept_ownership():
    """
    @notice Complete a transfer started by `transfer_ownership`. Pending owner only.
    """
    assert msg.sender == self.pending_owner, "perp: not pending owner"
    previous: address = self.owner
    self.owner = msg.sender
    self.pending_owner = empty(address)
    log OwnershipTransferred(previous_owner=previous, new_owner=msg.sender)


# -- views (latest oracle answer, unchecked; block.timestamp as now) -------------------------

@view
@external
def oracle_price() -> uint256:
    """
    @notice The latest oracle answer as a wad price (USD per whole base unit).
    """
    return self._oracle_price()


@view
@external
def current_funding_velocity() -> int256:
    """
    @notice d(rate)/dt now: wad per day, per day.
    """
    return self._velocity()


@view
@external
def current_funding_rate() -> int256:
    """
    @notice The funding rate now (wad per day); positive: longs pay shorts.
    """
    return self._current_rate()


@view
@external
def funding_index_now() -> int256:
    """
    @notice The funding index now, recorded plus unrecorded (USD wad per whole base unit).
    """
    return self.funding_index + self._unrecorded_funding(self._oracle_price())


@view
@external
def unrealized_pnl(account: address) -> int256:
    """
    @notice Price PnL of `account` since its last settlement (USD wad).
    """
    return self._pnl(self.positions[account], self._oracle_price())


@view
@external
def accrued_funding(account: address) -> int256:
    """
    @notice Funding `account` has accrued since its last settlement (USD wad, + = received).
    """
    price: uint256 = self._oracle_price()
    return self._funding(self.positions[account], self.funding_index + self._unrecorded_funding(price))


@view
@external
def remaining_margin(account: address) -> int256:
    """
    @notice Margin plus PnL plus funding of `account` (USD wad; negative = bad debt).
    """
    price: uint256 = self._oracle_price()
    index: int256 = self.funding_index + self._unrecorded_funding(price)
    return self._remaining_margin(self.positions[account], price, index)


@view
@external
def liquidation_margin(account: address) -> uint256:
    """
    @notice The remaining margin at or below which `account` is liquidatable (USD wad).
    """
    return self._liquidation_margin(self.positions[account].size, self._oracle_price())


@view
@external
def can_liquidate(account: address) -> bool:
    """
    @notice Whether `account` is liquidatable at the latest answer (oracle guards aside).
    """
    price: uint256 = self._oracle_price()
    index: int256 = self.funding_index + self._unrecorded_funding(price)
    return self._can_liquidate(self.positions[account], price, index)


@view
@external
def order_fee(size_delta: int256) -> uint256:
    """
    @notice The fee (collateral units) a trade of `size_delta` pays at the latest answer.
    """
    return self._order_fee(size_delta, self._oracle_price())


@view
@external
def net_unrealized_pnl() -> int256:
    """
    @notice All traders' PnL plus funding since their last settlements (USD wad), from the
            aggregate `entry_correction` (may differ from the sum of accounts by rounding).
    """
    price: uint256 = self._oracle_price()
    return self._net_unrealized_pnl(price, self.funding_index + self._unrecorded_funding(price))


@view
@external
def free_liquidity() -> uint256:
    """
    @notice Liquidity the owner may take out now (collateral units).
    """
    price: uint256 = self._oracle_price()
    return self._free_liquidity(price, self.funding_index + self._unrecorded_funding(price))


# -- internals -------------------------------------------------------------------------------

@internal
def _only_owner():
    assert msg.sender == self.owner, "perp: not owner"


@pure
@internal
def _check_ratios(max_leverage_: uint256, mm_ratio: uint256, liq_ratio: uint256):
    assert mm_ratio > 0, "perp: bad margin params"
    assert (mm_ratio + liq_ratio) * max_leverage_ < WAD * WAD, "perp: bad margin params"


@pure
@internal
def _tdiv(a: int256, b: int256) -> int256:
    # Signed division truncating toward zero, for b > 0. -a cannot overflow: |a| < 2**255.
    if a >= 0:
        return a // b
    return -((-a) // b)


@pure
@internal
def _ceil_div(a: uint256, b: uint256) -> uint256:
    return (a + b - 1) // b


@view
@internal
def _oracle_price() -> uint256:
    answer: int256 = (staticcall ORACLE.latestRoundData())[1]
    assert answer > 0, "perp: bad price"
    return convert(answer, uint256) * PRICE_SCALE


@view
@internal
def _checked_price() -> uint256:
    round_id: uint80 = 0
    answer: int256 = 0
    started_at: uint256 = 0
    updated_at: uint256 = 0
    answered_in: uint80 = 0
    round_id, answer, started_at, updated_at, answered_in = staticcall ORACLE.latestRoundData()
    assert answer > 0, "perp: bad price"
    assert block.timestamp <= updated_at + self.max_oracle_age, "perp: stale price"
    if convert(round_id, uint256) & PHASE_MASK > 1:
        previous: int256 = (staticcall ORACLE.getRoundData(round_id - 1))[1]
        if previous > 0:
            moved: uint256 = convert(abs(answer - previous), uint256)
            assert moved * WAD <= self.max_price_deviation * convert(previous, uint256), \
                "perp: price deviation"
    return convert(answer, uint256) * PRICE_SCALE


@view
@internal
def _velocity() -> int256:
    if self.skew_scale == 0:
        return 0
    proportional: int256 = self._tdiv(self.skew * IWAD, convert(self.skew_scale, int256))
    proportional = max(min(proportional, IWAD), -IWAD)
    return self._tdiv(proportional * convert(self.max_funding_velocity, int256), IWAD)


@view
@internal
def _current_rate() -> int256:
    elapsed: int256 = convert(block.timestamp - self.funding_time_last, int256)
    return self.funding_rate_last + self._tdiv(self._velocity() * elapsed, DAY)


@view
@internal
def _unrecorded_funding(price: uint256) -> int256:
    elapsed: int256 = convert(block.timestamp - self.funding_time_last, int256)
    rate_sum: int256 = self.funding_rate_last + self._current_rate()
    return -self._tdiv(rate_sum * elapsed * convert(price, int256), 2 * DAY * IWAD)


@internal
def _recompute_funding(price: uint256) -> int256:
    rate: int256 = self._current_rate()
    index: int256 = self.funding_index + self._unrecorded_funding(price)
    self.funding_rate_last = rate
    self.funding_index = index
    self.funding_time_last = block.timestamp
    log FundingRecomputed(funding_rate=rate, funding_index=index, timestamp=block.timestamp)
    return index


@pure
@internal
def _notional(size: int256, price: uint256) -> uint256:
    return convert(abs(size), uint256) * price // WAD


@view
@internal
def _pnl(pos: Position, price: uint256) -> int256:
    if pos.size == 0:
        return 0
    return self._tdiv(pos.size * (convert(price, int256) - convert(pos.last_price, int256)), IWAD)


@view
@internal
def _funding(pos: Position, index: int256) -> int256:
    return self._tdiv(pos.size * (index - pos.last_funding_index), IWAD)


@view
@internal
def _remaining_margin(pos: Position, price: uint256, index: int256) -> int256:
    return (convert(pos.margin * COLLATERAL_SCALE, int256) + self._pnl(pos, price)
            + self._funding(pos, index))


@view
@internal
def _keeper_fee(notional: uint256) -> uint256:
    fee: uint256 = notional * self.liquidation_fee_ratio // WAD // COLLATERAL_SCALE
    return min(max(fee, self.min_keeper_fee), self.max_keeper_fee)


@view
@internal
def _liquidation_margin(size: int256, price: uint256) -> uint256:
    notional: uint256 = self._notional(size, price)
    return (notional * self.maintenance_margin_ratio // WAD
            + self._keeper_fee(notional) * COLLATERAL_SCALE)


@view
@internal
def _can_liquidate(pos: Position, price: uint256, index: int256) -> bool:
    if pos.size == 0:
        return False
    margin_left: int256 = self._remaining_margin(pos, price, index)
    return margin_left <= convert(self._liquidation_margin(pos.size, price), int256)


@view
@internal
def _order_fee(size_delta: int256, price: uint256) -> uint256:
    delta: uint256 = convert(abs(size_delta), uint256)
    maker_part: uint256 = 0
    if (self.skew > 0 and size_delta < 0) or (self.skew < 0 and size_delta > 0):
        maker_part = min(delta, convert(abs(self.skew), uint256))
    # Cannot underflow: maker_part <= delta.
    taker_part: uint256 = unsafe_sub(delta, maker_part)
    weighted: uint256 = maker_part * self.maker_fee + taker_part * self.taker_fee
    return self._ceil_div(weighted * price, WAD * WAD * COLLATERAL_SCALE)


@view
@internal
def _net_unrealized_pnl(price: uint256, index: int256) -> int256:
    return self._tdiv(self.skew * (convert(price, int256) + index), IWAD) - self.entry_correction


@view
@internal
def _locked_liquidity(price: uint256, index: int256) -> uint256:
    owed: int256 = self._net_unrealized_pnl(price, index)
    locked: uint256 = 0
    if owed > 0:
        locked = self._ceil_div(convert(owed, uint256), COLLATERAL_SCALE)
    reserve: uint256 = self._notional(self.skew, price) * self.liquidity_reserve_ratio // WAD
    return locked + self._ceil_div(reserve, COLLATERAL_SCALE)


@view
@internal
def _free_liquidity(price: uint256, index: int256) -> uint256:
    locked: uint256 = self._locked_liquidity(price, index)
    if self.liquidity <= locked:
        return 0
    # Cannot underflow: checked just above.
    return unsafe_sub(self.liquidity, locked)


@internal
def _settle(account: address, pos: Position, price: uint256, index: int256) -> Position:
    """Realize pnl + funding into the margin against the fund (see the contract's @dev)."""
    new: Position = pos
    total: int256 = self._pnl(pos, price) + self._funding(pos, index)
    realized: int256 = 0
    if total > 0:
        credit: uint256 = min(convert(total, uint256) // COLLATERAL_SCALE, self.liquidity)
        self.liquidity -= credit
        new.margin += credit
        realized = convert(credit, int256)
    elif total < 0:
        debit: uint256 = self._ceil_div(convert(-total, uint256), COLLATERAL_SCALE)
        # The callers checked the account is not liquidatable, so debit <= margin.
        new.margin -= debit
        self.liquidity += debit
        realized = -convert(debit, int256)
    new.last_price = price
    new.last_funding_index = index
    if pos.size != 0:
        log PositionSettled(account=account, realized=realized, price=price, funding_index=index)
    return new


@view
@internal
def _check_margin(pos: Position, price: uint256, index: int256):
    if pos.size == 0:
        return
    assert pos.margin >= self.min_margin, "perp: min margin"
    assert (self._notional(pos.size, price) * WAD
            <= pos.margin * COLLATERAL_SCALE * self.max_leverage), "perp: max leverage"
    assert not self._can_liquidate(pos, price, index), "perp: would be liquidatable"


@internal
def _modify(account: address, size_delta: int256, acceptable_price: uint256, deadline: uint256):
    assert size_delta != 0, "perp: zero size"
    assert block.timestamp <= deadline, "perp: expired"
    price: uint256 = self._checked_price()
    if size_delta > 0:
        assert price <= acceptable_price, "perp: price slippage"
    else:
        assert price >= acceptable_price, "perp: price slippage"
    index: int256 = self._recompute_funding(price)
    old: Position = self.positions[account]
    assert not self._can_liquidate(old, price, index), "perp: liquidatable"
    new: Position = self._settle(account, old, price, index)
    fee: uint256 = self._order_fee(size_delta, price)
    assert fee <= new.margin, "perp: insufficient margin"
    new.margin -= fee
    self.liquidity += fee
    self.fees_collected += fee
    new.size = old.size + size_delta
    old_skew: int256 = self.skew
    old_long: uint256 = self.open_interest_long
    old_short: uint256 = self.open_interest_short
    self._check_margin(new, price, index)
    self._store(account, old, new)
    if self.open_interest_long > old_long or self.open_interest_short > old_short:
        assert max(self.open_interest_long, self.open_interest_short) <= self.max_open_interest, \
            "perp: max open interest"
    if abs(self.skew) > abs(old_skew):
        assert self._locked_liquidity(price, index) <= self.liquidity, "perp: insufficient liquidity"
    log PositionModified(account=account, size_delta=size_delta, size=new.size,
                         margin=new.margin, price=price, fee=fee)


@internal
def _store(account: address, old: Position, new: Position):
    """Write `new` over `old` and move the aggregates (margin, skew, open interest, entry
    correction) by the difference."""
    self.total_margin = self.total_margin + new.margin - old.margin
    self.skew += new.size - old.size
    if old.size > 0:
        self.open_interest_long -= convert(old.size, uint256)
    elif old.size < 0:
        self.open_interest_short -= convert(-old.size, uint256)
    if new.size > 0:
        self.open_interest_long += convert(new.size, uint256)
    elif new.size < 0:
        self.open_interest_short += convert(-new.size, uint256)
    self.entry_correction += self._correction(new) - self._correction(old)
    self.positions[account] = new


@pure
@internal
def _correction(pos: Position) -> int256:
    if pos.size == 0:
        return 0
    return self._tdiv(pos.size * (convert(pos.last_price, int256) + pos.last_funding_index), IWAD)
