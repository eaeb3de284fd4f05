"""The ``--strategy`` options of ``hedgekit hedge``, collected into one
:class:`~hedgekit.strategy.strategy_common.StrategyParams` (None: the delta hedge)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from hedgekit.strategy.strategy_common import STRATEGIES, StrategyParams

_OPTIONS = (
    click.option("--strategy", "strategy_name", type=click.Choice(STRATEGIES), default=None,
                 help="Build this strategy instead of the delta hedge."),
    click.option("--size", type=float, default=None,
                 help="Options to write (covered-call, cash-secured-put; default: all the "
                      "collateral held), strip fraction (lp-overlay; default 1) or ETH "
                      "(basis; required)."),
    click.option("--moneyness", type=float, default=None,
                 help="Strike / spot of the series to use (default: by --option-delta)."),
    click.option("--option-delta", type=float, default=None,
                 help="|delta| of the series to write when no --moneyness (default 0.25)."),
    click.option("--expiry", "expiry_days", type=float, default=None,
                 help="Days to the expiry wanted; the nearest listed one is used."),
    click.option("--loss-limit", type=float, default=None,
                 help="tail-puts: USD the LP + hedge portfolio may lose at the --shock move."),
    click.option("--shock", type=float, default=0.30, show_default=True,
                 help="tail-puts: the down move (fraction) the loss limit applies at."),
)


def strategy_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add the strategy options to ``command``; it receives ``strategy: StrategyParams |
    None`` (validated: bad values raise InputError)."""

    @functools.wraps(command)
    def wrapper(*args: Any, strategy_name: str | None, size: float | None,
                moneyness: float | None, option_delta: float | None,
                expiry_days: float | None, loss_limit: float | None, shock: float,
                **kwargs: Any) -> Any:
        params = None if strategy_name is None else StrategyParams(
            strategy_name, size, moneyness, option_delta, expiry_days, loss_limit, shock)
        return command(*args, strategy=params, **kwargs)

    decorated: Callable[..., Any] = wrapper
    for option in reversed(_OPTIONS):
        decorated = option(decorated)
    return decorated
