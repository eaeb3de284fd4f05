# pragma version 0.4.3
"""
@title Token
@notice ERC-20 stand-in for the replica's USDC, WBTC and DAI: the canonical name, symbol and
        decimals, and a `minter` that can create supply (the replica's operator).
@dev Balances are in base units (10**decimals per whole token). Zero-address transfers revert.
"""

from ethereum.ercs import IERC20
from ethereum.ercs import IERC20Detailed

implements: IERC20
implements: IERC20Detailed

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event MinterChanged:
    minter: indexed(address)

name: public(String[64])
symbol: public(String[32])
decimals: public(uint8)
totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])
minter: public(address)


@deploy
def __init__(name_: String[64], symbol_: String[32], decimals_: uint8, minter_: address):
    """
    @param name_ Token name, e.g. "USD Coin".
    @param symbol_ Token symbol, e.g. "USDC".
    @param decimals_ Decimals of the base unit (6 for USDC).
    @param minter_ The account allowed to mint.
    """
    self.name = name_
    self.symbol = symbol_
    self.decimals = decimals_
    self.minter = minter_
    log MinterChanged(minter=minter_)


@external
def transfer(receiver: address, amount: uint256) -> bool:
    """
    @notice Move `amount` base units from the caller to `receiver`.
    """
    self._transfer(msg.sender, receiver, amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    """
    @notice Move `amount` from `sender` to `receiver` using the caller's allowance.
    @dev An allowance of max_value(uint256) is infinite and is not decreased.
    """
    allowed: uint256 = self.allowance[sender][msg.sender]
    if allowed != max_value(uint256):
        assert allowed >= amount, "token: allowance"
        self.allowance[sender][msg.sender] = allowed - amount
    self._transfer(sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    """
    @notice Let `spender` move up to `amount` of the caller's tokens.
    """
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def mint(receiver: address, amount: uint256):
    """
    @notice Create `amount` base units for `receiver`. Minter only.
    """
    assert msg.sender == self.minter, "token: not minter"
    assert receiver != empty(address), "token: zero address"
    self.totalSupply += amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=empty(address), receiver=receiver, value=amount)


@external
def set_minter(minter_: address):
    """
    @notice Hand the minter role to `minter_`. Minter only.
    """
    assert msg.sender == self.minter, "token: not minter"
    self.minter = minter_
    log MinterChanged(minter=minter_)


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    assert receiver != empty(address), "token: zero address"
    balance: uint256 = self.balanceOf[sender]
    assert balance >= amount, "token: balance"
    # Cannot underflow: checked just above.
    self.balanceOf[sender] = unsafe_sub(balance, amount)
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)
