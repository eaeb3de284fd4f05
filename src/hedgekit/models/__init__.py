"""Models: LP value and Greeks, LVR and fees, options, replication, price processes.

Pure functions over float64 numpy arrays (they broadcast: one call prices 1e6 positions); they
never touch the chain. Inputs come from the frozen snapshots of the readers, converted to human
units by ``hedgekit.units``.

Conventions: price P = token1 per token0 (human units); a v3 position is liquidity L on
[Pa, Pb] (v2: [0, inf)); values in token1; time in years of 365 days; volatility annualised.

Modules, QuantLib-style (instrument / process / engine kept apart):

- ``lp``           instrument maths: amounts, value, delta, gamma, IL (:class:`LPRange`)
- ``lp_expected``  engine: E[V(P_T)] under a driftless lognormal, its delta, gamma, vega, theta
- ``lvr``          loss-versus-rebalancing, fee income, net carry, break-even volatility
- ``options``      Black-Scholes, Black-76, Merton jumps, Greeks, implied vol, smile fits
- ``replication``  Carr-Madan option strip replicating a v3 payoff
- ``processes``    GBM, Merton jump and bootstrap path generators (seeded)
- ``price_history``  loader of the real ETH/USD daily prices (market data)

Invalid inputs raise :class:`hedgekit.errors.InputError`.
"""

from hedgekit.models.lp import LPRange, impermanent_loss_v2
from hedgekit.models.lp_expected import LPGreeks, lp_greeks

__all__ = ["LPGreeks", "LPRange", "impermanent_loss_v2", "lp_greeks"]
