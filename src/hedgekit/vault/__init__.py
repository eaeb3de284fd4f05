"""HedgedLPVault: deployment, state snapshots, the keeper and its journal."""
