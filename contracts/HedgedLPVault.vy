# pragma version 0.4.3
# pragma optimize codesize
"""
@title HedgedLPVault
@notice ERC-4626 vault (asset: USDC) that provides liquidity on one Uniswap v3 WETH/USDC pool
        and keeps the position delta-neutral with a short on hedgekit's PerpMarket. A keeper
        re-ranges the position (`rebalance`) or only resizes the hedge (`tend`); depositors
        exit pro rata.
@dev Accounting. totalAssets = LP + perp + idle, every term at the ORACLE price (the feed the
     PerpMarket settles at), never the pool's manipulable spot price:
         LP    = amounts of the stored liquidity at the oracle sqrt price (v3_math, bit for bit
                 LiquidityAmounts) plus the swap fees earned and not yet collected (the
                 position manager's tokensOwed plus the pool's fee growth inside the range
                 since, times the liquidity: the integers `collect` would pay), WETH
                 converted at the oracle. Collecting moves fees to idle at the same value, so
                 no action has to harvest before shares are priced and the share price does
                 not step when fees are collected.
         perp  = max(PerpMarket.remaining_margin(vault), 0) in USDC (margin + PnL + funding)
         idle  = USDC balance + WETH balance at the oracle
     Shares. Virtual shares and assets (OpenZeppelin's decimals offset, 6): shares = assets *
     (supply + 10**6) / (totalAssets + 1). A first-depositor donation then mostly accrues to
     the virtual shares, so inflating the share price costs the attacker ~10**6 times what it
     can take from a victim's rounding. Deposits round shares down, mint rounds assets up.
     Exits. redeem/withdraw unwind the fraction shares/supply of everything (LP liquidity,
     perp size and margin, idle WETH sold for USDC; a hedge that would be left under twice
     the perp's minimum margin is closed instead) and pay
         payout = gross - max(loss, 0),  gross = shares * (totalAssets + 1) / (supply + 10**6)
     where loss = totalAssets before - totalAssets after the unwind (swap slippage against the
     oracle, the perp fee, rounding): the leaver bears its own exit cost and those who stay
     keep at least their pro-rata assets (a gain, e.g. the pool above the oracle when the
     unwind sells WETH, stays in the vault). `Unwound` logs totalAssets before and after the
     unwind (before paying); after the payment totalAssets is exactly total_assets_after
     less what was paid. previewRedeem is gross less `max_slippage_bps` (a lower bound
     redeem enforces), previewWithdraw grosses the assets up by the same buffer.
     After a shutdown only USDC is left and exits pay gross exactly.
     Management fee. `management_fee` (wad per year, at most 5 %) accrues by minting shares to
     `fee_recipient` so that it owns fee * dt / year of the vault; previews include the shares
     not yet minted.
     Guards on `rebalance`: pool price within `max_deviation_bps` of the oracle before and
     after, swaps filled within `max_slippage_bps` of the oracle, the keeper's min amounts on
     the mint, |delta| <= `max_delta` after, `cooldown` seconds between keeper actions, an
     oracle at most `max_oracle_age` seconds old. `tend` has the same delta, cooldown and
     oracle guards. Pause (guardian or owner) stops deposits, mints and keeper actions, never
     exits; shutdown (guardian or owner, permanent) unwinds everything to USDC.
     Simplifications: one pool and one position; swaps go through the same pool; the perp
     margin is what the keeper sizes (the contract checks delta, the perp checks leverage).
"""

from ethereum.ercs import IERC20

import v3_math


interface AggregatorV3:
    def latestRoundData() -> (uint80, int256, uint256, uint256, uint80): view
    def decimals() -> uint8: view


interface ERC20Decimals:
    def decimals() -> uint8: view


struct PerpPosition:
    size: int256
    margin: uint256
    last_price: uint256
    last_funding_index: int256


interface PerpMarket:
    def deposit_margin(amount: uint256): nonpayable
    def withdraw_margin(amount: uint256): nonpayable
    def modify_position(size_delta: int256, acceptable_price: uint256, deadline: uint256): nonpayable
    def close_position(acceptable_price: uint256, deadline: uint256): nonpayable
    def positions(account: address) -> PerpPosition: view
    def remaining_margin(account: address) -> int256: view
    def min_margin() -> uint256: view
    def oracle_price() -> uint256: view
    def ORACLE() -> address: view
    def COLLATERAL() -> address: view
    def COLLATERAL_SCALE() -> uint256: view


interface UniswapV3Pool:
    def slot0() -> (uint160, int24, uint16, uint16, uint16, uint8, bool): view
    def token0() -> address: view
    def token1() -> address: view
    def fee() -> uint24: view
    def feeGrowthGlobal0X128() -> uint256: view
    def feeGrowthGlobal1X128() -> uint256: view
    def ticks(tick: int24) -> (uint128, int128, uint256, uint256, int56, uint160, uint32, bool): view


struct MintParams:
    token0: address
    token1: address
    fee: uint24
    tick_lower: int24
    tick_upper: int24
    amount0_desired: uint256
    amount1_desired: uint256
    amount0_min: uint256
    amount1_min: uint256
    recipient: address
    deadline: uint256


struct DecreaseParams:
    token_id: uint256
    liquidity: uint128
    amount0_min: uint256
    amount1_min: uint256
    deadline: uint256


struct CollectParams:
    token_id: uint256
    recipient: address
    amount0_max: uint128
    amount1_max: uint128


interface PositionManager:
    def mint(params: MintParams) -> (uint256, uint128, uint256, uint256): payable
    def decreaseLiquidity(params: DecreaseParams) -> (uint256, uint256): payable
    def collect(params: CollectParams) -> (uint256, uint256): payable
    def burn(token_id: uint256): payable
    def positions(token_id: uint256) -> (uint96, address, address, address, uint24, int24, int24,
                                         uint128, uint256, uint256, uint128, uint128): view


struct SwapParams:
    token_in: address
    token_out: address
    fee: uint24
    recipient: address
    deadline: uint256
    amount_in: uint256
    amount_out_minimum: uint256
    sqrt_price_limit_x96: uint160


interface SwapRouter:
    def exactInputSingle(params: SwapParams) -> uint256: payable


struct RebalanceParams:
    tick_lower: int24
    tick_upper: int24
    # > 0: sell this much USDC for WETH; < 0: sell -swap_amount WETH for USDC
    swap_amount: int256
    # USDC offered to the new position (all the WETH is offered); 0 with equal ticks: no LP
    lp_usdc: uint256
    amount_usdc_min: uint256
    amount_weth_min: uint256
    perp_size: int256
    # > 0: deposit before the trade; < 0: withdraw after it
    margin_delta: int256
    deadline: uint256


event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event Deposit:
    sender: indexed(address)
    owner: indexed(address)
    assets: uint256
    shares: uint256

event Withdraw:
    sender: indexed(address)
    receiver: indexed(address)
    owner: indexed(address)
    assets: uint256
    shares: uint256

event Unwound:
    owner: indexed(address)
    shares: uint256
    total_assets_before: uint256
    total_assets_after: uint256
    gross: uint256
    payout: uint256

event Rebalanced:
    keeper: indexed(address)
    token_id: uint256
    tick_lower: int24
    tick_upper: int24
    liquidity: uint256
    perp_size: int256
    delta: int256
    total_assets: uint256

event Tended:
    keeper: indexed(address)
    perp_size: int256
    delta: int256
    total_assets: uint256

event FeeAccrued:
    recipient: indexed(address)
    shares: uint256

event Paused:
    account: indexed(address)

event Unpaused:
    account: indexed(address)

event ShutDown:
    account: indexed(address)
    total_assets: uint256

event RoleSet:
    role: String[16]
    account: indexed(address)

event GuardsSet:
    max_deviation_bps: uint256
    max_slippage_bps: uint256
    max_delta: uint256
    cooldown: uint256
    max_oracle_age: uint256

event DepositCapSet:
    deposit_cap: uint256

event ManagementFeeSet:
    management_fee: uint256

event OwnershipTransferStarted:
    previous_owner: indexed(address)
    new_owner: indexed(address)

event OwnershipTransferred:
    previous_owner: indexed(address)
    new_owner: indexed(address)


BPS: constant(uint256) = 10_000
WAD: constant(uint256) = 10**18
YEAR: constant(uint256) = 365 * 86_400
VIRTUAL_SHARES: constant(uint256) = 10**6
MAX_FEE: constant(uint256) = 5 * 10**16  # 5 % a year
MAX_UINT128: constant(uint128) = max_value(uint128)
Q128: constant(uint256) = 2**128

ASSET: immutable(IERC20)
WETH: immutable(IERC20)
POOL: public(immutable(UniswapV3Pool))
NPM: public(immutable(PositionManager))
ROUTER: public(immutable(SwapRouter))
PERP: public(immutable(PerpMarket))
ORACLE: public(immutable(AggregatorV3))
POOL_FEE: immutable(uint24)
WETH_IS_TOKEN1: immutable(bool)
ASSET_UNIT: immutable(uint256)
WETH_UNIT: immutable(uint256)
FEED_UNIT: immutable(uint256)
COLLATERAL_SCALE: immutable(uint256)

name: public(String[64])
symbol: public(String[32])
decimals: public(immutable(uint8))
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])

owner: public(address)
pending_owner: public(address)
keeper: public(address)
guardian: public(address)
fee_recipient: public(address)
paused: public(bool)
shutdown: public(bool)

deposit_cap: public(uint256)
max_deviation_bps: public(uint256)
max_slippage_bps: public(uint256)
max_delta: public(uint256)
cooldown: public(uint256)
max_oracle_age: public(uint256)
management_fee: public(uint256)
last_fee_time: public(uint256)
last_action: public(uint256)

token_id: public(uint256)
tick_lower: public(int24)
tick_upper: public(int24)
liquidity: public(uint256)
sqrt_lower: uint256
sqrt_upper: uint256


@deploy
def __init__(asset_: address, weth_: address, pool_: address, npm_: address, router_: address,
             perp_: address, name_: String[64], symbol_: String[32], keeper_: address,
             guardian_: address, deposit_cap_: uint256):
    """
    @param asset_ The vault's asset (USDC): the perp's collateral and one side of the pool.
    @param weth_ The pool's other token, priced by the perp's oracle.
    @param deposit_cap_ Largest totalAssets deposits may reach (asset base units).
    @dev The deployer is the owner and the fee recipient; the fee starts at zero. Guards start
         at 1 % deviation, 1 % slippage, 1 WETH max delta, 1 h cooldown, 1 h + 25 % oracle age.
    """
    pool: UniswapV3Pool = UniswapV3Pool(pool_)
    token0: address = staticcall pool.token0()
    token1: address = staticcall pool.token1()
    assert (token0 == asset_ and token1 == weth_) or (token0 == weth_ and token1 == asset_), \
        "vault: pool tokens"
    assert staticcall PerpMarket(perp_).COLLATERAL() == asset_, "vault: perp collateral"
    ASSET = IERC20(asset_)
    WETH = IERC20(weth_)
    POOL = pool
    NPM = PositionManager(npm_)
    ROUTER = SwapRouter(router_)
    PERP = PerpMarket(perp_)
    ORACLE = AggregatorV3(staticcall PerpMarket(perp_).ORACLE())
    POOL_FEE = staticcall pool.fee()
    WETH_IS_TOKEN1 = token1 == weth_
    asset_decimals: uint8 = staticcall ERC20Decimals(asset_).decimals()
    ASSET_UNIT = 10 ** convert(asset_decimals, uint256)
    WETH_UNIT = 10 ** convert(staticcall ERC20Decimals(weth_).decimals(), uint256)
    FEED_UNIT = 10 ** convert(staticcall ORACLE.decimals(), uint256)
    COLLATERAL_SCALE = staticcall PerpMarket(perp_).COLLATERAL_SCALE()
    decimals = asset_decimals + 6
    self.name = name_
    self.symbol = symbol_
    self.owner = msg.sender
    self.fee_recipient = msg.sender
    self.keeper = keeper_
    self.guardian = guardian_
    self.deposit_cap = deposit_cap_
    self.max_deviation_bps = 100
    self.max_slippage_bps = 100
    self.max_delta = WETH_UNIT
    self.cooldown = 3_600
    self.max_oracle_age = 4_500
    self.last_fee_time = block.timestamp
    for spender: address in [npm_, router_, perp_]:
        extcall IERC20(asset_).approve(spender, max_value(uint256))
        extcall IERC20(weth_).approve(spender, max_value(uint256))
    log OwnershipTransferred(previous_owner=empty(address), new_owner=msg.sender)


# -- ERC-20 shares ----------------------------------------------------------------------------

@external
def transfer(receiver: address, amount: uint256) -> bool:
    """
    @notice Move `amount` shares from the caller to `receiver`.
    """
    self._transfer(msg.sender, receiver, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    """
    @notice Move `amount` shares from `sender` (within the caller's allowance) to `receiver`.
    """
    self._spend_allowance(sender, msg.sender, amount)
    self._transfer(sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Let `spender` move up to `amount` of the caller's shares.
    """
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


# -- ERC-4626 views ---------------------------------------------------------------------------

@view
@external
def asset() -> address:
    """
    @notice The asset deposited and paid out (USDC).
    """
    return ASSET.address


@view
@external
def totalAssets() -> uint256:
    """
    @notice LP + perp + idle at the oracle price (see the contract's @dev), asset base units.
    """
    return self._total_assets()


@view
@external
def convertToShares(assets: uint256) -> uint256:
    """
    @notice Shares `assets` are worth now, rounded down.
    """
    return self._to_shares(assets, self._total_assets(), False)


@view
@external
def convertToAssets(shares: uint256) -> uint256:
    """
    @notice Assets `shares` are worth now (gross of exit costs), rounded down.
    """
    return self._to_assets(shares, self._total_assets(), False)


@view
@external
def maxDeposit(receiver: address) -> uint256:
    """
    @notice Assets a deposit may add now: room under the cap; zero when paused or shut down.
    """
    return self._max_deposit()


@view
@external
def maxMint(receiver: address) -> uint256:
    """
    @notice Shares a mint may create now (maxDeposit converted, rounded down).
    """
    return self._to_shares(self._max_deposit(), self._total_assets(), False)


@view
@external
def maxWithdraw(owner: address) -> uint256:
    """
    @notice Assets `owner` can withdraw: previewRedeem of all its shares.
    """
    return self._net(self._to_assets(self.balanceOf[owner], self._total_assets(), False))


@view
@external
def maxRedeem(owner: address) -> uint256:
    """
    @notice Shares `owner` can redeem: all of them (exits are never paused).
    """
    return self.balanceOf[owner]


@view
@external
def previewDeposit(assets: uint256) -> uint256:
    """
    @notice Shares a deposit of `assets` mints now, rounded down.
    """
    return self._to_shares(assets, self._total_assets(), False)


@view
@external
def previewMint(shares: uint256) -> uint256:
    """
    @notice Assets a mint of `shares` takes now, rounded up.
    """
    return self._to_assets(shares, self._total_assets(), True)


@view
@external
def previewWithdraw(assets: uint256) -> uint256:
    """
    @notice Shares a withdrawal of `assets` burns: the assets grossed up by the exit buffer,
            converted rounding up.
    """
    return self._withdraw_shares(assets, self._total_assets())


@view
@external
def previewRedeem(shares: uint256) -> uint256:
    """
    @notice Lower bound of what redeeming `shares` pays: gross less the exit buffer (none
            after a shutdown). redeem reverts below it.
    """
    return self._net(self._to_assets(shares, self._total_assets(), False))


# -- ERC-4626 actions -------------------------------------------------------------------------

@external
@nonreentrant
def deposit(assets: uint256, receiver: address = msg.sender) -> uint256:
    """
    @notice Deposit `assets` USDC (needs an allowance) for shares minted to `receiver`.
    @return The shares minted (rounded down).
    """
    total: uint256 = self._before_entry()
    shares: uint256 = self._to_shares(assets, total, False)
    self._enter(assets, shares, receiver, total)
    return shares


@external
@nonreentrant
def mint(shares: uint256, receiver: address = msg.sender) -> uint256:
    """
    @notice Mint exactly `shares` to `receiver` for the assets they are worth, rounded up.
    @return The assets taken.
    """
    total: uint256 = self._before_entry()
    assets: uint256 = self._to_assets(shares, total, True)
    self._enter(assets, shares, receiver, total)
    return assets


@external
@nonreentrant
def redeem(shares: uint256, receiver: address = msg.sender, owner: address = msg.sender,
           min_assets: uint256 = 0) -> uint256:
    """
    @notice Burn `shares` of `owner` (the caller or within its allowance), unwind their
            fraction of the vault and pay `receiver` the gross value less the exit cost.
    @param min_assets Revert below this payout (besides the previewRedeem bound).
    @return The assets paid.
    """
    if msg.sender != owner:
        self._spend_allowance(owner, msg.sender, shares)
    self._accrue_fee()
    total: uint256 = self._total_assets_checked()
    payout: uint256 = self._exit(shares, owner, total)
    assert payout >= max(min_assets, self._net(self._to_assets(shares, total, False))), \
        "vault: exit cost"
    self._pay(shares, payout, receiver, owner)
    return payout


@external
@nonreentrant
def withdraw(assets: uint256, receiver: address = msg.sender, owner: address = msg.sender,
             max_shares: uint256 = max_value(uint256)) -> uint256:
    """
    @notice Pay exactly `assets` to `receiver`, burning previewWithdraw(assets) shares of
            `owner`; what the unwind realizes beyond `assets` stays in the vault.
    @param max_shares Revert if more shares would be burned.
    @return The shares burned.
    """
    self._accrue_fee()
    total: uint256 = self._total_assets_checked()
    shares: uint256 = self._withdraw_shares(assets, total)
    assert shares <= max_shares, "vault: max shares"
    if msg.sender != owner:
        self._spend_allowance(owner, msg.sender, shares)
    assert self._exit(shares, owner, total) >= assets, "vault: exit cost"
    self._pay(shares, assets, receiver, owner)
    return shares


# -- keeper -----------------------------------------------------------------------------------

@external
@nonreentrant
def rebalance(p: RebalanceParams):
    """
    @notice Re-range the LP position (burn + collect the old one, swap, mint the new one),
            then resize the perp short and move margin. Keeper only; guards in the @dev.
    """
    self._before_keeper(p.deadline)
    self._check_deviation()
    if self.token_id != 0:
        self._remove_liquidity(self.liquidity, True)
    if p.swap_amount > 0:
        self._swap(ASSET, WETH, convert(p.swap_amount, uint256))
    elif p.swap_amount < 0:
        self._swap(WETH, ASSET, convert(-p.swap_amount, uint256))
    if p.tick_lower != p.tick_upper:
        self._mint_position(p)
    self._hedge(p.perp_size, p.margin_delta)
    self._check_deviation()
    delta: int256 = self._checked_delta()
    log Rebalanced(keeper=msg.sender, token_id=self.token_id, tick_lower=self.tick_lower,
                   tick_upper=self.tick_upper, liquidity=self.liquidity,
                   perp_size=p.perp_size, delta=delta, total_assets=self._total_assets())


@external
@nonreentrant
def tend(perp_size: int256, margin_delta: int256, deadline: uint256):
    """
    @notice Hedge only: trade the perp to `perp_size` and move `margin_delta` of margin
            (> 0 deposited before the trade, < 0 withdrawn after). Keeper only.
    """
    self._before_keeper(deadline)
    self._hedge(perp_size, margin_delta)
    delta: int256 = self._checked_delta()
    log Tended(keeper=msg.sender, perp_size=perp_size, delta=delta,
               total_assets=self._total_assets())


# -- guardian and owner -----------------------------------------------------------------------

@external
def pause():
    """
    @notice Stop deposits, mints and keeper actions (exits stay open). Guardian or owner.
    """
    assert msg.sender in [self.guardian, self.owner], "vault: not guardian"
    self.paused = True
    log Paused(account=msg.sender)


@external
def unpause():
    """
    @notice Resume deposits and keeper actions. Owner only.
    """
    self._only_owner()
    self.paused = False
    log Unpaused(account=msg.sender)


@external
@nonreentrant
def shut_down():
    """
    @notice Permanently unwind to USDC: burn the LP position, close the perp, sell the WETH
            (within max_slippage_bps of the oracle). Deposits and keeper actions end; exits
            then pay pro rata from USDC. Guardian or owner.
    """
    assert msg.sender in [self.guardian, self.owner], "vault: not guardian"
    assert not self.shutdown, "vault: shut down"
    self._accrue_fee()
    self._oracle_answer(True)
    self.shutdown = True
    if self.token_id != 0:
        self._remove_liquidity(self.liquidity, True)
    size: int256 = (staticcall PERP.positions(self)).size
    if size != 0:
        extcall PERP.close_position(self._acceptable(size < 0), block.timestamp)
    margin: uint256 = (staticcall PERP.positions(self)).margin
    if margin != 0:
        extcall PERP.withdraw_margin(margin)
    weth: uint256 = staticcall WETH.balanceOf(self)
    if weth != 0:
        self._swap(WETH, ASSET, weth)
    log ShutDown(account=msg.sender, total_assets=self._total_assets())


@external
def set_role(role: String[16], account: address):
    """
    @notice Set "keeper", "guardian" or "fee_recipient". Owner only.
    """
    self._only_owner()
    if role == "keeper":
        self.keeper = account
    elif role == "guardian":
        self.guardian = account
    elif role == "fee_recipient":
        self._accrue_fee()
        self.fee_recipient = account
    else:
        raise "vault: unknown role"
    log RoleSet(role=role, account=account)


@external
def set_guards(max_deviation_bps_: uint256, max_slippage_bps_: uint256, max_delta_: uint256,
               cooldown_: uint256, max_oracle_age_: uint256):
    """
    @notice Keeper guards: pool/oracle deviation and swap slippage (bps, at most 10 %), max
            |delta| (WETH base units), cooldown and max oracle age (seconds). Owner only.
    """
    self._only_owner()
    assert max_deviation_bps_ <= 1_000 and max_slippage_bps_ <= 1_000, "vault: bad guard"
    assert max_oracle_age_ > 0, "vault: bad guard"
    self.max_deviation_bps = max_deviation_bps_
    self.max_slippage_bps = max_slippage_bps_
    self.max_delta = max_delta_
    self.cooldown = cooldown_
    self.max_oracle_age = max_oracle_age_
    log GuardsSet(max_deviation_bps=max_deviation_bps_, max_slippage_bps=max_slippage_bps_,
                  max_delta=max_delta_, cooldown=cooldown_, max_oracle_age=max_oracle_age_)


@external
def set_deposit_cap(deposit_cap_: uint256):
    """
    @notice Largest totalAssets deposits may reach. Owner only.
    """
    self._only_owner()
    self.deposit_cap = deposit_cap_
    log DepositCapSet(deposit_cap=deposit_cap_)


@external
def set_management_fee(management_fee_: uint256):
    """
    @notice Annual management fee (wad, at most 5 %); the old rate accrues first and the new
            one from now. Owner only.
    """
    self._only_owner()
    assert management_fee_ <= MAX_FEE, "vault: fee too high"
    self._accrue_fee()
    self.last_fee_time = block.timestamp  # (_accrue_fee keeps no clock while the fee is 0)
    self.management_fee = management_fee_
    log ManagementFeeSet(management_fee=management_fee_)


@external
def transfer_ownership(new_owner: address):
    """
    @notice Start handing the vault to `new_owner`, who must `accept_ownership`. Owner only.
    """
    self._only_owner()
    self.pending_owner = new_owner
    log OwnershipTransferStarted(previous_owner=self.owner, new_owner=new_owner)


@external
def accept_ownership():
    """
    @notice Complete a transfer started by `transfer_ownership`. Pending owner only.
    """
    assert msg.sender == self.pending_owner, "vault: not pending owner"
    previous: address = self.owner
    self.owner = msg.sender
    self.pending_owner = empty(address)
    log OwnershipTransferred(previous_owner=previous, new_owner=msg.sender)


# -- strategy views ---------------------------------------------------------------------------

@view
@external
def asset_breakdown() -> (uint256, uint256, uint256, uint256):
    """
    @notice (LP value with its uncollected fees, perp value, idle USDC, idle WETH value) in
            asset base units at the oracle; their sum is totalAssets up to the rounding of
            converting the WETH parts one by one (at most 1 unit).
    """
    answer: uint256 = self._oracle_answer(False)
    usdc: uint256 = 0
    weth: uint256 = 0
    usdc, weth = self._lp_amounts(answer)
    fee_usdc: uint256 = 0
    fee_weth: uint256 = 0
    fee_usdc, fee_weth = self._fees_owed()
    usdc += fee_usdc
    weth += fee_weth
    return (usdc + self._weth_value(weth, answer), self._perp_value(),
            staticcall ASSET.balanceOf(self),
            self._weth_value(staticcall WETH.balanceOf(self), answer))


@view
@external
def lp_amounts() -> (uint256, uint256):
    """
    @notice (USDC, WETH) the LP position holds at the oracle price, rounded down (principal
            only: `uncollected_fees` has the fees).
    """
    return self._lp_amounts(self._oracle_answer(False))


@view
@external
def uncollected_fees() -> (uint256, uint256):
    """
    @notice (USDC, WETH) swap fees the LP position has earned and not collected: exactly what
            the position manager's `collect` would pay now.
    """
    return self._fees_owed()


@view
@external
def delta() -> int256:
    """
    @notice The vault's ETH delta in WETH base units: LP WETH (principal at the oracle and
            uncollected fees) + idle WETH + perp size.
    """
    return self._delta()


@view
@external
def oracle_sqrt_price_x96() -> uint256:
    """
    @notice The oracle price as the pool's Q64.96 sqrt price (token1 per token0, raw units).
    """
    return self._oracle_sqrt(self._oracle_answer(False))


# -- internals --------------------------------------------------------------------------------

@internal
def _only_owner():
    assert msg.sender == self.owner, "vault: not owner"


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    assert receiver != empty(address), "vault: zero address"
    self.balanceOf[sender] -= amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)


@internal
def _spend_allowance(owner: address, spender: address, amount: uint256):
    allowed: uint256 = self.allowance[owner][spender]
    if allowed != max_value(uint256):
        assert allowed >= amount, "vault: allowance"
        self.allowance[owner][spender] = allowed - amount


@internal
def _mint_shares(receiver: address, shares: uint256):
    assert receiver != empty(address), "vault: zero address"
    self.totalSupply += shares
    self.balanceOf[receiver] += shares
    log Transfer(sender=empty(address), receiver=receiver, value=shares)


@view
@internal
def _oracle_answer(checked: bool) -> uint256:
    updated_at: uint256 = 0
    answer: int256 = 0
    _a: uint80 = 0
    _s: uint256 = 0
    _b: uint80 = 0
    _a, answer, _s, updated_at, _b = staticcall ORACLE.latestRoundData()
    assert answer > 0, "vault: bad price"
    if checked:
        assert block.timestamp <= updated_at + self.max_oracle_age, "vault: stale price"
    return convert(answer, uint256)


@view
@internal
def _oracle_sqrt(answer: uint256) -> uint256:
    # The raw pool price token1/token0 is (WETH wei per USDC unit) = 10**(weth+feed) /
    # (answer * 10**usdc), or its reciprocal when WETH is token0.
    if WETH_IS_TOKEN1:
        return v3_math.sqrt_price_of_ratio(WETH_UNIT * FEED_UNIT, answer * ASSET_UNIT)
    return v3_math.sqrt_price_of_ratio(answer * ASSET_UNIT, WETH_UNIT * FEED_UNIT)


@view
@internal
def _weth_value(amount: uint256, answer: uint256) -> uint256:
    return amount * answer * ASSET_UNIT // (FEED_UNIT * WETH_UNIT)


@view
@internal
def _lp_amounts(answer: uint256) -> (uint256, uint256):
    if self.liquidity == 0:
        return 0, 0
    amount0: uint256 = 0
    amount1: uint256 = 0
    amount0, amount1 = v3_math.get_amounts_for_liquidity(
        self._oracle_sqrt(answer), self.sqrt_lower, self.sqrt_upper, self.liquidity)
    if WETH_IS_TOKEN1:
        return amount0, amount1
    return amount1, amount0


@view
@internal
def _growth_inside(tick: int24, fee_global: uint256, outside_lower: uint256,
                   outside_upper: uint256) -> uint256:
    # Uniswap v3 Tick.getFeeGrowthInside: modular (wrapping) arithmetic, as in the pool.
    below: uint256 = outside_lower
    if tick < self.tick_lower:
        below = unsafe_sub(fee_global, outside_lower)
    above: uint256 = outside_upper
    if tick >= self.tick_upper:
        above = unsafe_sub(fee_global, outside_upper)
    return unsafe_sub(unsafe_sub(fee_global, below), above)


@view
@internal
def _fees_owed() -> (uint256, uint256):
    """(USDC, WETH) fees owed to the position: the manager's tokensOwed plus the growth
    inside the range since its snapshot times the liquidity, over 2**128 (what `collect`
    credits after poking the pool with a zero burn)."""
    if self.token_id == 0:
        return 0, 0
    pos: (uint96, address, address, address, uint24, int24, int24, uint128, uint256, uint256,
          uint128, uint128) = staticcall NPM.positions(self.token_id)
    tick: int24 = (staticcall POOL.slot0())[1]
    lower: (uint128, int128, uint256, uint256, int56, uint160, uint32, bool) = \
        staticcall POOL.ticks(self.tick_lower)
    upper: (uint128, int128, uint256, uint256, int56, uint160, uint32, bool) = \
        staticcall POOL.ticks(self.tick_upper)
    inside0: uint256 = self._growth_inside(
        tick, staticcall POOL.feeGrowthGlobal0X128(), lower[2], upper[2])
    inside1: uint256 = self._growth_inside(
        tick, staticcall POOL.feeGrowthGlobal1X128(), lower[3], upper[3])
    liquidity: uint256 = convert(pos[7], uint256)
    owed0: uint256 = convert(pos[10], uint256) + v3_math.mul_div(
        unsafe_sub(inside0, pos[8]), liquidity, Q128)
    owed1: uint256 = convert(pos[11], uint256) + v3_math.mul_div(
        unsafe_sub(inside1, pos[9]), liquidity, Q128)
    if WETH_IS_TOKEN1:
        return owed0, owed1
    return owed1, owed0


@view
@internal
def _perp_value() -> uint256:
    remaining: int256 = staticcall PERP.remaining_margin(self)
    if remaining <= 0:
        return 0
    return convert(remaining, uint256) // COLLATERAL_SCALE


@view
@internal
def _total_assets_at(answer: uint256) -> uint256:
    usdc: uint256 = 0
    weth: uint256 = 0
    usdc, weth = self._lp_amounts(answer)
    fee_usdc: uint256 = 0
    fee_weth: uint256 = 0
    fee_usdc, fee_weth = self._fees_owed()
    weth += fee_weth + staticcall WETH.balanceOf(self)
    return (usdc + fee_usdc + staticcall ASSET.balanceOf(self) + self._weth_value(weth, answer)
            + self._perp_value())


@view
@internal
def _total_assets() -> uint256:
    return self._total_assets_at(self._oracle_answer(False))


@view
@internal
def _total_assets_checked() -> uint256:
    # A shut-down vault holds only USDC (and WETH dust): no fresh oracle needed.
    return self._total_assets_at(self._oracle_answer(not self.shutdown))


@view
@internal
def _delta() -> int256:
    weth: uint256 = self._lp_amounts(self._oracle_answer(False))[1] + self._fees_owed()[1]
    weth += staticcall WETH.balanceOf(self)
    return convert(weth, int256) + (staticcall PERP.positions(self)).size


@view
@internal
def _pending_fee_shares() -> uint256:
    supply: uint256 = self.totalSupply
    if self.management_fee == 0 or supply == 0 or self.fee_recipient == empty(address):
        return 0
    fraction: uint256 = min(self.management_fee * (block.timestamp - self.last_fee_time) // YEAR,
                            WAD // 2)
    return supply * fraction // (WAD - fraction)


@internal
def _accrue_fee():
    if self.management_fee == 0:
        return  # nothing accrues: no clock to keep (set_management_fee restarts it)
    shares: uint256 = self._pending_fee_shares()
    self.last_fee_time = block.timestamp
    if shares != 0:
        self._mint_shares(self.fee_recipient, shares)
        log FeeAccrued(recipient=self.fee_recipient, shares=shares)


@view
@internal
def _to_shares(assets: uint256, total: uint256, round_up: bool) -> uint256:
    supply: uint256 = self.totalSupply + self._pending_fee_shares() + VIRTUAL_SHARES
    if round_up:
        return v3_math.mul_div(assets, supply, total + 1) + convert(
            uint256_mulmod(assets, supply, total + 1) != 0, uint256)
    return v3_math.mul_div(assets, supply, total + 1)


@view
@internal
def _to_assets(shares: uint256, total: uint256, round_up: bool) -> uint256:
    supply: uint256 = self.totalSupply + self._pending_fee_shares() + VIRTUAL_SHARES
    if round_up:
        return v3_math.mul_div(shares, total + 1, supply) + convert(
            uint256_mulmod(shares, total + 1, supply) != 0, uint256)
    return v3_math.mul_div(shares, total + 1, supply)


@view
@internal
def _net(gross: uint256) -> uint256:
    if self.shutdown:
        return gross
    return gross * (BPS - self.max_slippage_bps) // BPS


@view
@internal
def _withdraw_shares(assets: uint256, total: uint256) -> uint256:
    gross: uint256 = assets
    if not self.shutdown:
        gross = (assets * BPS + BPS - self.max_slippage_bps - 1) // (BPS - self.max_slippage_bps)
    return self._to_shares(gross, total, True)


@view
@internal
def _max_deposit() -> uint256:
    total: uint256 = self._total_assets()
    if self.paused or self.shutdown or total >= self.deposit_cap:
        return 0
    return self.deposit_cap - total


@internal
def _before_entry() -> uint256:
    assert not self.paused, "vault: paused"
    assert not self.shutdown, "vault: shut down"
    self._accrue_fee()
    return self._total_assets_checked()


@internal
def _enter(assets: uint256, shares: uint256, receiver: address, total: uint256):
    assert assets != 0 and shares != 0, "vault: zero amount"
    assert total + assets <= self.deposit_cap, "vault: deposit cap"
    self._mint_shares(receiver, shares)
    log Deposit(sender=msg.sender, owner=receiver, assets=assets, shares=shares)
    assert extcall ASSET.transferFrom(msg.sender, self, assets, default_return_value=True), \
        "vault: transfer failed"


@internal
def _exit(shares: uint256, owner: address, total: uint256) -> uint256:
    """Unwind shares / supply of every holding; the payout gross - max(loss, 0) (contract @dev)."""
    supply: uint256 = self.totalSupply
    assert shares != 0 and shares <= self.balanceOf[owner], "vault: bad shares"
    gross: uint256 = self._to_assets(shares, total, False)
    everything: bool = shares == supply
    # WETH to sell: the leaver's liquidity's principal and its fraction of idle WETH and fees.
    weth: uint256 = staticcall WETH.balanceOf(self)
    if self.token_id != 0:
        principal: uint256 = 0
        collected: uint256 = 0
        principal, collected = self._remove_liquidity(self.liquidity * shares // supply,
                                                      everything)
        weth += collected - principal
        weth = principal + weth * shares // supply
    else:
        weth = weth * shares // supply
    pos: PerpPosition = staticcall PERP.positions(self)
    # A hedge that would keep less than twice the perp's minimum margin is closed, not cut:
    # neither the cut's settlement nor its fee may leave it under the minimum (what remains
    # of the vault is then dust, unhedged).
    kept: uint256 = pos.margin - pos.margin * shares // supply
    close: bool = everything or (pos.size != 0 and kept < 2 * staticcall PERP.min_margin())
    if close and pos.size != 0:
        extcall PERP.close_position(self._acceptable(pos.size < 0), block.timestamp)
    elif pos.size != 0:
        # Rounded toward zero: the hedge shrinks by at most the leaver's fraction.
        cut: int256 = convert(convert(abs(pos.size), uint256) * shares // supply, int256)
        if pos.size > 0:
            cut = -cut
        if cut != 0:
            extcall PERP.modify_position(cut, self._acceptable(cut > 0), block.timestamp)
    margin: uint256 = (staticcall PERP.positions(self)).margin
    if not close:
        margin = margin * shares // supply
    if margin != 0:
        extcall PERP.withdraw_margin(margin)
    if everything:
        weth = staticcall WETH.balanceOf(self)
    if weth != 0:
        self._swap(WETH, ASSET, weth)
    after: uint256 = self._total_assets_checked()
    loss: uint256 = 0
    if total > after:
        loss = total - after
    assert gross > loss, "vault: exit cost"
    payout: uint256 = min(gross - loss, staticcall ASSET.balanceOf(self))
    log Unwound(owner=owner, shares=shares, total_assets_before=total, total_assets_after=after,
                gross=gross, payout=payout)
    return payout


@internal
def _pay(shares: uint256, assets: uint256, receiver: address, owner: address):
    self.balanceOf[owner] -= shares
    self.totalSupply -= shares
    log Transfer(sender=owner, receiver=empty(address), value=shares)
    log Withdraw(sender=msg.sender, receiver=receiver, owner=owner, assets=assets, shares=shares)
    assert extcall ASSET.transfer(receiver, assets, default_return_value=True), \
        "vault: transfer failed"


@internal
def _before_keeper(deadline: uint256):
    assert msg.sender == self.keeper, "vault: not keeper"
    assert not self.paused, "vault: paused"
    assert not self.shutdown, "vault: shut down"
    assert block.timestamp <= deadline, "vault: expired"
    assert block.timestamp >= self.last_action + self.cooldown, "vault: cooldown"
    self.last_action = block.timestamp
    self._accrue_fee()
    self._oracle_answer(True)


@view
@internal
def _check_deviation():
    spot: uint256 = convert((staticcall POOL.slot0())[0], uint256)
    fair: uint256 = self._oracle_sqrt(self._oracle_answer(False))
    # spot**2 / fair against fair: the relative gap of the prices (not of their roots).
    ratio: uint256 = v3_math.mul_div(spot, spot, fair)
    gap: uint256 = max(ratio, fair) - min(ratio, fair)
    assert gap * BPS <= fair * self.max_deviation_bps, "vault: pool deviation"


@view
@internal
def _checked_delta() -> int256:
    delta: int256 = self._delta()
    assert convert(abs(delta), uint256) <= self.max_delta, "vault: max delta"
    return delta


@view
@internal
def _acceptable(is_buy: bool) -> uint256:
    price: uint256 = staticcall PERP.oracle_price()
    if is_buy:
        return price * (BPS + self.max_slippage_bps) // BPS
    return price * (BPS - self.max_slippage_bps) // BPS


@internal
def _swap(token_in: IERC20, token_out: IERC20, amount: uint256) -> uint256:
    """Sell `amount` of token_in in the pool for at least the oracle value less the slippage."""
    answer: uint256 = self._oracle_answer(False)
    fair: uint256 = 0
    if token_in == WETH:
        fair = self._weth_value(amount, answer)
    else:
        fair = amount * FEED_UNIT * WETH_UNIT // (answer * ASSET_UNIT)
    return extcall ROUTER.exactInputSingle(SwapParams(
        token_in=token_in.address, token_out=token_out.address, fee=POOL_FEE, recipient=self,
        deadline=block.timestamp, amount_in=amount,
        amount_out_minimum=fair * (BPS - self.max_slippage_bps) // BPS, sqrt_price_limit_x96=0))


@internal
def _remove_liquidity(amount: uint256, everything: bool) -> (uint256, uint256):
    """Take `amount` liquidity out and collect everything owed (everything: burn the NFT too);
    returns (WETH principal taken out, WETH collected: that principal and all fees owed)."""
    token: uint256 = self.token_id
    principal0: uint256 = 0
    principal1: uint256 = 0
    if amount != 0:
        principal0, principal1 = extcall NPM.decreaseLiquidity(DecreaseParams(
            token_id=token, liquidity=convert(amount, uint128), amount0_min=0, amount1_min=0,
            deadline=block.timestamp))
        self.liquidity -= amount
    got0: uint256 = 0
    got1: uint256 = 0
    got0, got1 = extcall NPM.collect(CollectParams(
        token_id=token, recipient=self, amount0_max=MAX_UINT128, amount1_max=MAX_UINT128))
    if everything:
        extcall NPM.burn(token)
        self.token_id = 0
        self.liquidity = 0
    if WETH_IS_TOKEN1:
        return principal1, got1
    return principal0, got0


@internal
def _mint_position(p: RebalanceParams):
    weth: uint256 = staticcall WETH.balanceOf(self)
    params: MintParams = MintParams(
        token0=ASSET.address, token1=WETH.address, fee=POOL_FEE, tick_lower=p.tick_lower,
        tick_upper=p.tick_upper, amount0_desired=p.lp_usdc, amount1_desired=weth,
        amount0_min=p.amount_usdc_min, amount1_min=p.amount_weth_min, recipient=self,
        deadline=p.deadline)
    if not WETH_IS_TOKEN1:
        params.token0 = WETH.address
        params.token1 = ASSET.address
        params.amount0_desired = weth
        params.amount1_desired = p.lp_usdc
        params.amount0_min = p.amount_weth_min
        params.amount1_min = p.amount_usdc_min
    token: uint256 = 0
    minted: uint128 = 0
    spent0: uint256 = 0
    spent1: uint256 = 0
    token, minted, spent0, spent1 = extcall NPM.mint(params)
    self.token_id = token
    self.liquidity = convert(minted, uint256)
    self.tick_lower = p.tick_lower
    self.tick_upper = p.tick_upper
    self.sqrt_lower = v3_math.get_sqrt_ratio_at_tick(p.tick_lower)
    self.sqrt_upper = v3_math.get_sqrt_ratio_at_tick(p.tick_upper)


@internal
def _hedge(target: int256, margin_delta: int256):
    if margin_delta > 0:
        extcall PERP.deposit_margin(convert(margin_delta, uint256))
    size_delta: int256 = target - (staticcall PERP.positions(self)).size
    if size_delta != 0:
        extcall PERP.modify_position(size_delta, self._acceptable(size_delta > 0), block.timestamp)
    if margin_delta < 0:
        extcall PERP.withdraw_margin(convert(-margin_delta, uint256))
