"""Chain access: anvil processes, artifacts, deployment helpers, Multicall3 batching, and the
local mainnet replica with its market driver.

Nothing here computes risk; it reads and writes chain state only.
"""
