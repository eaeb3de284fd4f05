"""The vault's share and exit math (twins of HedgedLPVault): rounding against the user, the
virtual offset against donations, exits that never take from those who stay."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hedgekit.errors import InputError
from hedgekit.units import price_to_sqrt_price_x96
from hedgekit.vault.math import (
    WAD,
    YEAR,
    exit_payout,
    fee_shares,
    net_of_buffer,
    oracle_sqrt_price_x96,
    to_assets,
    to_shares,
    withdraw_shares,
)

amounts = st.integers(0, 10**18)


@given(amounts, amounts, amounts)
def test_deposit_then_redeem__never_returns_more_than_deposited(assets: int, total: int,
                                                                supply: int) -> None:
    shares = to_shares(assets, total, supply)
    assert to_assets(shares, total + assets, supply + shares) <= assets


@given(amounts, amounts, amounts)
def test_mint__costs_at_least_what_the_shares_are_worth(shares: int, total: int,
                                                        supply: int) -> None:
    cost = to_assets(shares, total, supply, round_up=True)
    assert cost >= to_assets(shares, total, supply)
    assert to_shares(cost, total, supply) >= shares or cost == 0


@given(st.integers(1, 10**12), st.integers(0, 10**12), st.integers(1, 10**18),
       st.integers(0, 1_000))
def test_withdraw_shares__cover_the_assets_plus_the_buffer(assets: int, total: int,
                                                           supply: int, buffer: int) -> None:
    shares = withdraw_shares(assets, total, supply, buffer)
    assert net_of_buffer(to_assets(shares, total, supply), buffer) >= assets - 1


def test_first_deposit__after_a_donation__keeps_the_victims_value() -> None:
    attacker_shares = to_shares(1, 0, 0)  # 1 unit deposited: 10**6 shares
    donated_total = 1 + 100_000 * 10**6
    victim = to_shares(10_000 * 10**6, donated_total, attacker_shares)
    total, supply = donated_total + 10_000 * 10**6, attacker_shares + victim
    assert to_assets(victim, total, supply) >= 10_000 * 10**6 * 999 // 1000


def test_exit_payout__bears_the_loss_and_leaves_gains_in_the_vault() -> None:
    assert exit_payout(1_000, 10_000, 9_990) == 990
    assert exit_payout(1_000, 10_000, 10_050) == 1_000
    with pytest.raises(InputError, match="exit cost"):
        exit_payout(1_000, 10_000, 9_000)


def test_fee_shares__own_the_elapsed_fraction_of_the_yearly_fee() -> None:
    supply = 10**18
    minted = fee_shares(supply, 2 * 10**16, YEAR // 2)
    assert minted / (supply + minted) == pytest.approx(0.01, rel=1e-12)
    assert fee_shares(supply, 0, YEAR) == 0 and fee_shares(0, 10**16, YEAR) == 0
    assert fee_shares(supply, 5 * 10**16, 100 * YEAR) == supply * (WAD // 2) // (WAD // 2)


@pytest.mark.parametrize("usd", ["0.5", "3139.05704200", "150000"])
def test_oracle_sqrt_price__is_the_floor_sqrt_of_the_inverted_price(usd: str) -> None:
    answer = int(Decimal(usd) * 10**8)
    ours = oracle_sqrt_price_x96(answer, 6, 18, 8, True)
    assert ours == price_to_sqrt_price_x96(Decimal(usd), 6, 18, invert=True)
    flipped = oracle_sqrt_price_x96(answer, 6, 18, 8, False)
    assert flipped == math.isqrt(answer * 10**6 * 2**192 // 10**26)
