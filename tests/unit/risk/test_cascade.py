"""Liquidation cascades on a hand-built pool: they terminate, and move the price the way the
liquidations trade (bought-back shorts push it up, sold longs push it down)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from risk_books import make_pool

from hedgekit.risk.cascade import ETH, Liquidation, pool_price, run_cascade


@dataclass(frozen=True)
class Leveraged:
    """A stand-in position: liquidated at or beyond ``trigger`` (above for a short), closing
    ``size`` ETH into the pool."""

    label: str
    size: float
    trigger: float

    def liquidate(self, price: Fraction) -> Liquidation | None:
        short = self.size < 0
        if (short and price >= self.trigger) or (not short and price <= self.trigger):
            return Liquidation(int(-self.size * ETH), 100.0, None)
        return None


def test_cascade__of_shorts__buys_eth_and_each_round_pushes_the_price_up_until_it_settles(
) -> None:
    pool = make_pool()
    shorts = [Leveraged(f"short {k}", -400.0, 3_100 + 20 * k) for k in range(6)]
    result = run_cascade(pool, Fraction(3_101), shorts)
    assert result.settled and 1 <= result.rounds <= len(shorts)
    assert all(b > a for a, b in zip(result.prices, result.prices[1:], strict=False))
    assert result.final_price > 3_101
    # the price each round is the pool's after the trade, rounded to the feed's 8 decimals
    assert abs(result.final_price - pool_price(result.pool_after)) <= 1e-8
    assert len({e.label for e in result.events}) == len(result.events)  # once each
    assert sum(result.losses.values()) == 100.0 * len(result.events)


def test_cascade__of_longs__sells_eth_and_moves_the_price_down() -> None:
    longs = [Leveraged(f"long {k}", 300.0, 2_950 - 15 * k) for k in range(4)]
    result = run_cascade(make_pool(), Fraction(2_949), longs)
    assert result.settled and result.final_price < 2_949 and result.events


def test_cascade__with_nothing_liquidatable__ends_where_the_shock_put_it() -> None:
    result = run_cascade(make_pool(), Fraction(3_050), [Leveraged("far", -1.0, 9_000)])
    assert result.settled and result.rounds == 0 and not result.events
    assert abs(result.final_price - 3_050) < 0.01


def test_cascade__that_never_settles__stops_at_max_rounds() -> None:
    @dataclass(frozen=True)
    class Always:
        label: str = "always"

        def liquidate(self, price: Fraction) -> Liquidation | None:
            return Liquidation(ETH, 0.0, self)

    result = run_cascade(make_pool(), Fraction(3_000), [Always()], max_rounds=5)
    assert not result.settled and result.rounds == 5
