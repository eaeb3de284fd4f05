"""hedgekit: hedge DeFi liquidity positions on-chain.

Layers (one way): chain readers -> frozen snapshots -> models -> strategy -> tx builder.
See README.md and the package docstrings of ``hedgekit.chain``, ``hedgekit.amm`` and
``hedgekit.models``.
"""

__version__ = "0.1.0"
