# pragma version 0.4.3
"""
@title OptionsMarket
@notice Fully collateralised European calls and puts on one Chainlink-compatible oracle
        (ETH-USD first), cash-settled after expiry from the oracle. Writers lock collateral
        and receive options; anyone holding options may offer them at an ask, anyone may bid
        for them with escrowed USDC; holders exercise after settlement and writers withdraw
        what is left of their collateral.
@dev Series. The owner lists series by (strike, expiry, kind); ids count up from 1 and
     `series_id(strike, expiry, is_call)` finds one. Strikes and settlement prices are USD per
     whole base unit as 18-decimal wads (the oracle answer times PRICE_SCALE).

     Option balances. An internal ERC-1155-style balance `balanceOf(holder, series_id)` with
     `transfer`, `transferFrom` and `setApprovalForAll` (no receiver hooks, no URI): one
     contract, many ids, no token deployment per series. Amounts are 18-decimal base units
     (1e18 = one option on one ETH).

     Collateral (full). A put is collateralised by its strike in QUOTE (USDC):
         required(w) = ceil(strike * w / (1e18 * QUOTE_SCALE))
     and pays (strike - S) per option in QUOTE. A call is collateralised by one BASE (WETH)
     per option, required(w) = w, and pays the WETH worth of its intrinsic value at the
     settlement price S, w * (S - strike) / S, so no price can make it pay more than it
     holds (a USDC call would need a cap). A writer's locked collateral is always exactly
     required(written) of its written amount: writing `a` more charges
     required(w + a) - required(w), `unwrite` releases required(w) - required(w - a).

     Payouts. After settlement with payoff rate P (per option):
         holder payout(a) = floor(P * a)        writer debt(w) = ceil(P * w)
         writer withdrawal = required(w) - debt(w)
     With sum(holders) = open interest <= sum(w) and P <= strike (put) or P <= 1 WETH (call):
         sum floor(P * a_j) <= P * sum(a_j) <= sum ceil(P * w_i) and debt(w) <= required(w),
     so holders plus writers never take more than the series holds; every payout is also
     subtracted (checked) from the series' `collateral`, so a bug reverts instead of paying
     out another series' collateral.

     Trading. Premiums are QUOTE (USDC) base units per whole option. An ask escrows the
     seller's options in this contract's own balance (one ask per series and seller,
     `place_ask` adds options and reprices), so the balances always sum to open interest;
     `buy` fills it at its price, the buyer paying ceil(price * amount / 1e18) to the seller.
     A bid escrows exactly ceil(price * amount / 1e18) USDC (one per series and bidder,
     `place_bid` adds amount and reprices, topping the escrow up or refunding it); `sell`
     fills it, the seller receiving floor(price * amount / 1e18) out of the escrow. The taker
     rounds against itself; `max_price` / `min_price` guard against repricing. Trading stops
     at expiry; cancelling never does. Every series keeps an append-only list of the accounts
     that ever quoted it (`maker_count`, `makers`) so readers can enumerate the book.

     Settlement. `settle` during [expiry, expiry + settlement_window] takes the oracle's
     latest round, which must be updated at or after expiry and at most max_oracle_age
     seconds before now (a stale oracle reverts). If nobody settles inside the window,
     `settle_from_round` settles at the first round at or after expiry (the round before it
     was updated before expiry), so collateral is never locked for ever.
"""

from ethereum.ercs import IERC20


interface AggregatorV3:
    def decimals() -> uint8: view
    def latestRoundData() -> (uint80, int256, uint256, uint256, uint80): view
    def getRoundData(round_id: uint80) -> (uint80, int256, uint256, uint256, uint80): view


interface ERC20Decimals:
    def decimals() -> uint8: view


struct Series:
    strike: uint256
    expiry: uint256
    is_call: bool
    settled: bool
    settlement_price: uint256
    open_interest: uint256
    written: uint256
    collateral: uint256


struct Ask:
    amount: uint256
    price: uint256


struct Bid:
    amount: uint256
    price: uint256
    escrow: uint256


event SeriesCreated:
    series_id: indexed(uint256)
    strike: uint256
    expiry: uint256
    is_call: bool

event Written:
    series_id: indexed(uint256)
    writer: indexed(address)
    amount: uint256
    collateral: uint256

event Unwritten:
    series_id: indexed(uint256)
    writer: indexed(address)
    amount: uint256
    collateral: uint256

event AskPlaced:
    series_id: indexed(uint256)
    seller: indexed(address)
    amount: uint256
    price: uint256

event AskCancelled:
    series_id: indexed(uint256)
    seller: indexed(address)
    amount: uint256

event Bought:
    series_id: indexed(uint256)
    seller: indexed(address)
    buyer: indexed(address)
    amount: uint256
    price: uint256
    premium: uint256

event BidPlaced:
    series_id: indexed(uint256)
    bidder: indexed(address)
    amount: uint256
    price: uint256
    escrow: uint256

event BidCancelled:
    series_id: indexed(uint256)
    bidder: indexed(address)
    amount: uint256
    refund: uint256

event Sold:
    series_id: indexed(uint256)
    bidder: indexed(address)
    seller: indexed(address)
    amount: uint256
    price: uint256
    premium: uint256

event Settled:
    series_id: indexed(uint256)
    price: uint256
    round_id: uint80
    updated_at: uint256

event Exercised:
    series_id: indexed(uint256)
    holder: indexed(address)
    amount: uint256
    payout: uint256

event CollateralWithdrawn:
    series_id: indexed(uint256)
    writer: indexed(address)
    written: uint256
    amount: uint256

event TransferSingle:
    operator: indexed(address)
    sender: indexed(address)
    receiver: indexed(address)
    id: uint256
    value: uint256

event ApprovalForAll:
    owner: indexed(address)
    operator: indexed(address)
    approved: bool

event OracleParamsSet:
    max_oracle_age: uint256
    settlement_window: uint256

event OwnershipTransferStarted:
    previous_owner: indexed(address)
    new_owner: indexed(address)

event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)


WAD: constant(uint256) = 10**18
PHASE_MASK: constant(uint256) = 2**64 - 1

BASE: public(immutable(IERC20))
QUOTE: public(immutable(IERC20))
ORACLE: public(immutable(AggregatorV3))
PRICE_SCALE: public(immutable(uint256))
QUOTE_SCALE: public(immutable(uint256))

market_key: public(String[32])
owner: public(address)
pending_owner: public(address)
max_oracle_age: public(uint256)
settlement_window: public(uint256)

series_count: public(uint256)
series: public(HashMap[uint256, Series])
series_ids: HashMap[bytes32, uint256]
written: public(HashMap[uint256, HashMap[address, uint256]])
balanceOf: public(HashMap[address, HashMap[uint256, uint256]])
isApprovedForAll: public(HashMap[address, HashMap[address, bool]])
asks: public(HashMap[uint256, HashMap[address, Ask]])
bids: public(HashMap[uint256, HashMap[address, Bid]])
maker_count: public(HashMap[uint256, uint256])
makers: public(HashMap[uint256, HashMap[uint256, address]])
is_maker: HashMap[uint256, HashMap[address, bool]]


@deploy
def __init__(base_: address, quote_: address, oracle_: address, market_key_: String[32]):
    """
    @param base_ The underlying's ERC-20 (WETH, 18 decimals): collateral and payout of calls.
    @param quote_ The quote token (USDC, at most 18 decimals): premiums, put collateral.
    @param oracle_ The AggregatorV3 feed of the base in USD (at most 18 decimals).
    @param market_key_ The market's name, e.g. "ETH-USD".
    @dev The deployer is the owner. max_oracle_age and settlement_window start at zero, so
         nothing settles until the owner sets them.
    """
    assert staticcall ERC20Decimals(base_).decimals() == 18, "options: base not 18 decimals"
    BASE = IERC20(base_)
    QUOTE = IERC20(quote_)
    ORACLE = AggregatorV3(oracle_)
    PRICE_SCALE = 10 ** convert(18 - staticcall AggregatorV3(oracle_).decimals(), uint256)
    QUOTE_SCALE = 10 ** convert(18 - staticcall ERC20Decimals(quote_).decimals(), uint256)
    self.market_key = market_key_
    self.owner = msg.sender
    log OwnershipTransferred(previous_owner=empty(address), new_owner=msg.sender)


# -- series ----------------------------------------------------------------------------------

@external
def create_series(strike: uint256, expiry: uint256, is_call: bool) -> uint256:
    """
    @notice List the series (strike, expiry, kind). Owner only.
    @param strike USD per whole base unit (wad); must be positive.
    @param expiry Unix time after which the series settles; must be in the future.
    @return The new series id.
    """
    self._only_owner()
    assert strike > 0, "options: zero strike"
    assert expiry > block.timestamp, "options: expiry in the past"
    key: bytes32 = self._key(strike, expiry, is_call)
    assert self.series_ids[key] == 0, "options: series exists"
    sid: uint256 = self.series_count + 1
    self.series_count = sid
    self.series_ids[key] = sid
    self.series[sid] = Series(strike=strike, expiry=expiry, is_call=is_call, settled=False,
                              settlement_price=0, open_interest=0, written=0, collateral=0)
    log SeriesCreated(series_id=sid, strike=strike, expiry=expiry, is_call=is_call)
    return sid


@external
@nonreentrant
def write(series_id: uint256, amount: uint256) -> uint256:
    """
    @notice Lock collateral for `amount` more options of the series and receive them.
    @dev Needs an allowance of the charge on BASE (calls) or QUOTE (puts).
    @return The collateral charged.
    """
    s: Series = self._open_series(series_id)
    assert amount > 0, "options: zero amount"
    before: uint256 = self.written[series_id][msg.sender]
    charge: uint256 = self._required(s, before + amount) - self._required(s, before)
    self.written[series_id][msg.sender] = before + amount
    s.written += amount
    s.open_interest += amount
    s.collateral += charge
    self.series[series_id] = s
    self._mint(msg.sender, series_id, amount)
    log Written(series_id=series_id, writer=msg.sender, amount=amount, collateral=charge)
    if charge > 0:
        assert extcall self._collateral_token(s).transferFrom(msg.sender, self, charge), \
            "options: transfer failed"
    return charge


@external
@nonreentrant
def unwrite(series_id: uint256, amount: uint256) -> uint256:
    """
    @notice Burn `amount` options the caller holds against its own written amount and take
            back their collateral (closing a short). Until settlement.
    @return The collateral released.
    """
    s: Series = self.series[series_id]
    assert s.expiry != 0, "options: unknown series"
    assert not s.settled, "options: settled"
    assert amount > 0, "options: zero amount"
    before: uint256 = self.written[series_id][msg.sender]
    assert amount <= before, "options: exceeds written"
    self._burn(msg.sender, series_id, amount)
    # Cannot underflow: amount <= before just above; required() is monotonic.
    released: uint256 = self._required(s, before) - self._required(s, unsafe_sub(before, amount))
    self.written[series_id][msg.sender] = unsafe_sub(before, amount)
    s.written -= amount
    s.open_interest -= amount
    s.collateral -= released
    self.series[series_id] = s
    log Unwritten(series_id=series_id, writer=msg.sender, amount=amount, collateral=released)
    if released > 0:
        assert extcall self._collateral_token(s).transfer(msg.sender, released), \
            "options: transfer failed"
    return released


# -- asks and bids ---------------------------------------------------------------------------

@external
def place_ask(series_id: uint256, amount: uint256, price: uint256):
    """
    @notice Escrow `amount` more of the caller's options in its ask and (re)price the whole
            ask at `price` (QUOTE base units per whole option).
    @dev amount may be zero to reprice an existing ask.
    """
    self._open_series(series_id)
    assert price > 0, "options: zero price"
    ask: Ask = self.asks[series_id][msg.sender]
    assert ask.amount + amount > 0, "options: zero amount"
    if amount > 0:
        self._transfer(msg.sender, msg.sender, self, series_id, amount)
    ask.amount += amount
    ask.price = price
    self.asks[series_id][msg.sender] = ask
    self._add_maker(series_id, msg.sender)
    log AskPlaced(series_id=series_id, seller=msg.sender, amount=ask.amount, price=price)


@external
def cancel_ask(series_id: uint256):
    """
    @notice Return every option escrowed in the caller's ask to its balance. Any time.
    """
    amount: uint256 = self.asks[series_id][msg.sender].amount
    assert amount > 0, "options: no ask"
    self.asks[series_id][msg.sender] = empty(Ask)
    self._transfer(msg.sender, self, msg.sender, series_id, amount)
    log AskCancelled(series_id=series_id, seller=msg.sender, amount=amount)


@external
@nonreentrant
def buy(series_id: uint256, seller: address, amount: uint256, max_price: uint256) -> uint256:
    """
    @notice Buy `amount` options from `seller`'s ask at its price, at most `max_price`.
    @dev Needs a QUOTE allowance of the premium, paid straight to the seller.
    @return The premium paid: ceil(price * amount / 1e18).
    """
    self._open_series(series_id)
    assert amount > 0, "options: zero amount"
    ask: Ask = self.asks[series_id][seller]
    assert amount <= ask.amount, "options: exceeds ask"
    assert ask.price <= max_price, "options: price above max"
    premium: uint256 = self._ceil_div(ask.price * amount, WAD)
    # Cannot underflow: amount <= ask.amount just above.
    ask.amount = unsafe_sub(ask.amount, amount)
    self.asks[series_id][seller] = ask
    self._transfer(msg.sender, self, msg.sender, series_id, amount)
    log Bought(series_id=series_id, seller=seller, buyer=msg.sender, amount=amount,
               price=ask.price, premium=premium)
    if premium > 0:
        assert extcall QUOTE.transferFrom(msg.sender, seller, premium), "options: transfer failed"
    return premium


@external
@nonreentrant
def place_bid(series_id: uint256, amount: uint256, price: uint256) -> uint256:
    """
    @notice Bid for `amount` more options and (re)price the whole bid at `price`; the escrow
            becomes ceil(price * bid amount / 1e18) QUOTE (pulled or refunded).
    @return The new escrow.
    """
    self._open_series(series_id)
    assert price > 0, "options: zero price"
    bid: Bid = self.bids[series_id][msg.sender]
    assert bid.amount + amount > 0, "options: zero amount"
    old_escrow: uint256 = bid.escrow
    bid.amount += amount
    bid.price = price
    bid.escrow = self._ceil_div(price * bid.amount, WAD)
    self.bids[series_id][msg.sender] = bid
    self._add_maker(series_id, msg.sender)
    log BidPlaced(series_id=series_id, bidder=msg.sender, amount=bid.amount, price=price,
                  escrow=bid.escrow)
    if bid.escrow > old_escrow:
        assert extcall QUOTE.transferFrom(msg.sender, self, bid.escrow - old_escrow), \
            "options: transfer failed"
    elif bid.escrow < old_escrow:
        assert extcall QUOTE.transfer(msg.sender, old_escrow - bid.escrow), \
            "options: transfer failed"
    return bid.escrow


@external
@nonreentrant
def cancel_bid(series_id: uint256):
    """
    @notice Cancel the caller's bid and refund its escrow. Any time.
    """
    bid: Bid = self.bids[series_id][msg.sender]
    assert bid.amount > 0, "options: no bid"
    self.bids[series_id][msg.sender] = empty(Bid)
    log BidCancelled(series_id=series_id, bidder=msg.sender, amount=bid.amount,
                     refund=bid.escrow)
    if bid.escrow > 0:
        assert extcall QUOTE.transfer(msg.sender, bid.escrow), "options: transfer failed"


@external
@nonreentrant
def sell(series_id: uint256, bidder: address, amount: uint256, min_price: uint256) -> uint256:
    """
    @notice Sell `amount` of the caller's options into `bidder`'s bid, at least `min_price`.
    @dev A bid filled to zero refunds its leftover escrow (rounding dust) to the bidder.
    @return The premium received: floor(price * amount / 1e18).
    """
    self._open_series(series_id)
    assert amount > 0, "options: zero amount"
    bid: Bid = self.bids[series_id][bidder]
    assert amount <= bid.amount, "options: exceeds bid"
    assert bid.price >= min_price, "options: price below min"
    price: uint256 = bid.price
    premium: uint256 = price * amount // WAD
    self._transfer(msg.sender, msg.sender, bidder, series_id, amount)
    # Cannot underflow: amount <= bid.amount above; premium <= escrow as
    # ceil(p * A) >= floor(p * a) + ceil(p * (A - a)).
    bid.amount = unsafe_sub(bid.amount, amount)
    bid.escrow = unsafe_sub(bid.escrow, premium)
    dust: uint256 = 0
    if bid.amount == 0:
        dust = bid.escrow
        bid = empty(Bid)
    self.bids[series_id][bidder] = bid
    log Sold(series_id=series_id, bidder=bidder, seller=msg.sender, amount=amount,
             price=price, premium=premium)
    if premium > 0:
        assert extcall QUOTE.transfer(msg.sender, premium), "options: transfer failed"
    if dust > 0:
        assert extcall QUOTE.transfer(bidder, dust), "options: transfer failed"
    return premium


# -- settlement ------------------------------------------------------------------------------

@external
def settle(series_id: uint256) -> uint256:
    """
    @notice Fix the settlement price from the oracle's latest round, in the settlement
            window [expiry, expiry + settlement_window]. Anyone.
    @dev The round must be updated at or after expiry and at most max_oracle_age old.
    @return The settlement price (wad).
    """
    s: Series = self.series[series_id]
    assert s.expiry != 0, "options: unknown series"
    assert not s.settled, "options: settled"
    assert block.timestamp >= s.expiry, "options: not expired"
    assert block.timestamp <= s.expiry + self.settlement_window, "options: window closed"
    round_id: uint80 = 0
    answer: int256 = 0
    started_at: uint256 = 0
    updated_at: uint256 = 0
    answered_in: uint80 = 0
    round_id, answer, started_at, updated_at, answered_in = staticcall ORACLE.latestRoundData()
    assert updated_at >= s.expiry, "options: price before expiry"
    assert block.timestamp <= updated_at + self.max_oracle_age, "options: stale price"
    return self._settle(series_id, s, round_id, answer, updated_at)


@external
def settle_from_round(series_id: uint256, round_id: uint80) -> uint256:
    """
    @notice After the settlement window closed unsettled: settle at `round_id`, which must be
            the oracle's first round updated at or after expiry. Anyone.
    @return The settlement price (wad).
    """
    s: Series = self.series[series_id]
    assert s.expiry != 0, "options: unknown series"
    assert not s.settled, "options: settled"
    assert block.timestamp > s.expiry + self.settlement_window, "options: window open"
    rid: uint80 = 0
    answer: int256 = 0
    started_at: uint256 = 0
    updated_at: uint256 = 0
    answered_in: uint80 = 0
    rid, answer, started_at, updated_at, answered_in = staticcall ORACLE.getRoundData(round_id)
    assert updated_at >= s.expiry, "options: price before expiry"
    if convert(round_id, uint256) & PHASE_MASK > 1:
        previous_at: uint256 = (staticcall ORACLE.getRoundData(round_id - 1))[3]
        assert previous_at < s.expiry, "options: not first round"
    return self._settle(series_id, s, round_id, answer, updated_at)


@external
@nonreentrant
def exercise(series_id: uint256, amount: uint256) -> uint256:
    """
    @notice Burn `amount` of the caller's options of a settled series and receive their
            intrinsic value: QUOTE for puts, BASE for calls (zero out of the money).
    @return The payout.
    """
    s: Series = self.series[series_id]
    assert s.settled, "options: not settled"
    assert amount > 0, "options: zero amount"
    self._burn(msg.sender, series_id, amount)
    payout: uint256 = self._payout(s, amount, False)
    s.open_interest -= amount
    s.collateral -= payout
    self.series[series_id] = s
    log Exercised(series_id=series_id, holder=msg.sender, amount=amount, payout=payout)
    if payout > 0:
        assert extcall self._collateral_token(s).transfer(msg.sender, payout), \
            "options: transfer failed"
    return payout


@external
@nonreentrant
def withdraw(series_id: uint256) -> uint256:
    """
    @notice After settlement, send the caller its collateral minus its written amount's
            debt to the holders, and clear its written amount.
    @return The collateral withdrawn.
    """
    s: Series = self.series[series_id]
    assert s.settled, "options: not settled"
    w: uint256 = self.written[series_id][msg.sender]
    assert w > 0, "options: nothing written"
    # Cannot underflow: the debt ceil(P * w) <= required(w) as P <= strike (put), P <= 1 (call).
    amount: uint256 = unsafe_sub(self._required(s, w), self._payout(s, w, True))
    self.written[series_id][msg.sender] = 0
    s.written -= w
    s.collateral -= amount
    self.series[series_id] = s
    log CollateralWithdrawn(series_id=series_id, writer=msg.sender, written=w, amount=amount)
    if amount > 0:
        assert extcall self._collateral_token(s).transfer(msg.sender, amount), \
            "options: transfer failed"
    return amount


# -- option balances (ERC-1155 style) --------------------------------------------------------

@external
def transfer(receiver: address, series_id: uint256, amount: uint256) -> bool:
    """
    @notice Move `amount` of the caller's options of `series_id` to `receiver`.
    """
    self._transfer(msg.sender, msg.sender, receiver, series_id, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, series_id: uint256, amount: uint256) -> bool:
    """
    @notice Move `amount` of `sender`'s options; the caller is `sender` or its operator.
    """
    assert msg.sender == sender or self.isApprovedForAll[sender][msg.sender], \
        "options: not approved"
    self._transfer(msg.sender, sender, receiver, series_id, amount)
    return True


@external
def setApprovalForAll(operator: address, approved: bool):
    """
    @notice Let `operator` move all of the caller's options (or stop it).
    """
    self.isApprovedForAll[msg.sender][operator] = approved
    log ApprovalForAll(owner=msg.sender, operator=operator, approved=approved)


# -- owner -----------------------------------------------------------------------------------

@external
def set_oracle_params(max_oracle_age_: uint256, settlement_window_: uint256):
    """
    @notice Max age of the settlement round (seconds) and how long after expiry `settle`
            accepts the latest round (seconds). Owner only.
    """
    self._only_owner()
    assert max_oracle_age_ > 0, "options: zero oracle age"
    assert settlement_window_ > 0, "options: zero window"
    self.max_oracle_age = max_oracle_age_
    self.settlement_window = settlement_window_
    log OracleParamsSet(max_oracle_age=max_oracle_age_, settlement_window=settlement_window_)


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
    assert msg.sender == self.pending_owner, "options: not pending owner"
    previous: address = self.owner
    self.owner = msg.sender
    self.pending_owner = empty(address)
    log OwnershipTransferred(previous_owner=previous, new_owner=msg.sender)


# -- views -----------------------------------------------------------------------------------

@view
@external
def series_id(strike: uint256, expiry: uint256, is_call: bool) -> uint256:
    """
    @notice The id of series (strike, expiry, kind); 0 if it is not listed.
    """
    return self.series_ids[self._key(strike, expiry, is_call)]


@view
@external
def collateral_required(series_id: uint256, amount: uint256) -> uint256:
    """
    @notice Collateral `amount` options of the series lock on their own (BASE or QUOTE).
    """
    return self._required(self.series[series_id], amount)


@view
@external
def payout(series_id: uint256, amount: uint256) -> uint256:
    """
    @notice What exercising `amount` options of a settled series pays (0 before settlement).
    """
    s: Series = self.series[series_id]
    if not s.settled:
        return 0
    return self._payout(s, amount, False)


@view
@external
def withdrawable(series_id: uint256, writer: address) -> uint256:
    """
    @notice What `withdraw` would send `writer` now (0 before settlement).
    """
    s: Series = self.series[series_id]
    if not s.settled:
        return 0
    w: uint256 = self.written[series_id][writer]
    return self._required(s, w) - self._payout(s, w, True)


# -- internals -------------------------------------------------------------------------------

@internal
def _only_owner():
    assert msg.sender == self.owner, "options: not owner"


@pure
@internal
def _key(strike: uint256, expiry: uint256, is_call: bool) -> bytes32:
    return keccak256(abi_encode(strike, expiry, is_call))


@pure
@internal
def _ceil_div(a: uint256, b: uint256) -> uint256:
    return (a + b - 1) // b


@view
@internal
def _open_series(series_id: uint256) -> Series:
    s: Series = self.series[series_id]
    assert s.expiry != 0, "options: unknown series"
    assert block.timestamp < s.expiry, "options: expired"
    return s


@view
@internal
def _collateral_token(s: Series) -> IERC20:
    if s.is_call:
        return BASE
    return QUOTE


@view
@internal
def _required(s: Series, amount: uint256) -> uint256:
    if s.is_call:
        return amount
    return self._ceil_div(s.strike * amount, WAD * QUOTE_SCALE)


@view
@internal
def _payout(s: Series, amount: uint256, round_up: bool) -> uint256:
    """Intrinsic value of `amount` options at the settlement price, floored for holders and
    ceiled for the writers' debt (see the contract's @dev)."""
    num: uint256 = 0
    den: uint256 = 0
    if s.is_call:
        if s.settlement_price <= s.strike:
            return 0
        # Cannot underflow: checked just above.
        num = amount * unsafe_sub(s.settlement_price, s.strike)
        den = s.settlement_price
    else:
        if s.settlement_price >= s.strike:
            return 0
        # Cannot underflow: checked just above.
        num = amount * unsafe_sub(s.strike, s.settlement_price)
        den = WAD * QUOTE_SCALE
    if round_up:
        return self._ceil_div(num, den)
    return num // den


@internal
def _settle(series_id: uint256, s: Series, round_id: uint80, answer: int256,
            updated_at: uint256) -> uint256:
    assert answer > 0, "options: bad price"
    price: uint256 = convert(answer, uint256) * PRICE_SCALE
    s.settled = True
    s.settlement_price = price
    self.series[series_id] = s
    log Settled(series_id=series_id, price=price, round_id=round_id, updated_at=updated_at)
    return price


@internal
def _add_maker(series_id: uint256, account: address):
    if self.is_maker[series_id][account]:
        return
    self.is_maker[series_id][account] = True
    n: uint256 = self.maker_count[series_id]
    self.makers[series_id][n] = account
    self.maker_count[series_id] = n + 1


@internal
def _mint(receiver: address, series_id: uint256, amount: uint256):
    self.balanceOf[receiver][series_id] += amount
    log TransferSingle(operator=msg.sender, sender=empty(address), receiver=receiver,
                       id=series_id, value=amount)


@internal
def _burn(holder: address, series_id: uint256, amount: uint256):
    balance: uint256 = self.balanceOf[holder][series_id]
    assert balance >= amount, "options: balance"
    # Cannot underflow: checked just above.
    self.balanceOf[holder][series_id] = unsafe_sub(balance, amount)
    log TransferSingle(operator=msg.sender, sender=holder, receiver=empty(address),
                       id=series_id, value=amount)


@internal
def _transfer(operator: address, sender: address, receiver: address, series_id: uint256,
              amount: uint256):
    assert receiver != empty(address), "options: zero address"
    balance: uint256 = self.balanceOf[sender][series_id]
    assert balance >= amount, "options: balance"
    # Cannot underflow: checked just above.
    self.balanceOf[sender][series_id] = unsafe_sub(balance, amount)
    self.balanceOf[receiver][series_id] += amount
    log TransferSingle(operator=operator, sender=sender, receiver=receiver, id=series_id,
                       value=amount)
