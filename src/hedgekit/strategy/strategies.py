"""``hedgekit hedge --strategy NAME``: the strategy builders by name."""

from __future__ import annotations

from collections.abc import Callable

from web3 import Web3

from hedgekit.portfolio import Portfolio
from hedgekit.strategy.basis import basis
from hedgekit.strategy.options_strategies import (
    cash_secured_put,
    covered_call,
    lp_overlay,
    tail_puts,
)
from hedgekit.strategy.policy import HedgePolicy
from hedgekit.strategy.strategy_common import STRATEGIES, StrategyParams, StrategyPlan

Builder = Callable[[Web3, Portfolio, StrategyParams, HedgePolicy], StrategyPlan]

BUILDERS: dict[str, Builder] = {
    "covered-call": covered_call,
    "cash-secured-put": cash_secured_put,
    "tail-puts": tail_puts,
    "lp-overlay": lp_overlay,
    "basis": basis,
}
assert tuple(BUILDERS) == STRATEGIES


def build_strategy(w3: Web3, portfolio: Portfolio, params: StrategyParams,
                   policy: HedgePolicy) -> StrategyPlan:
    """The plan of strategy ``params.name`` for ``portfolio`` at its block."""
    return BUILDERS[params.name](w3, portfolio, params, policy)


__all__ = ["BUILDERS", "STRATEGIES", "StrategyParams", "StrategyPlan", "build_strategy"]
