"""An account's hedgeable exposure at one block: LP positions (v3 NFTs, v2 shares), the perp
position, the Aave account and token balances, in the model's terms (base asset quoted in
USD), and its Greeks. Shared by the hedge planner, the risk audit and the vault keeper."""

from hedgekit.portfolio.greeks import Greeks, holding_greeks, portfolio_greeks
from hedgekit.portfolio.holdings import LPHolding, lp_from_position, lp_from_v2_share
from hedgekit.portfolio.snapshot import Portfolio, read_portfolio

__all__ = [
    "Greeks",
    "LPHolding",
    "Portfolio",
    "holding_greeks",
    "lp_from_position",
    "lp_from_v2_share",
    "portfolio_greeks",
    "read_portfolio",
]
