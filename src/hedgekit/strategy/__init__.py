"""From exposure to trades: the hedge policy (when and how much), the planner (portfolio +
policy + venues -> HedgePlan), the transaction builder that simulates plans on a fork of the
chain and, only when asked, sends them."""
