"""The one exception hierarchy of hedgekit.

Every error a user can cause or meet derives from :class:`HedgekitError`. The CLI prints such
an error as a single line ``error: <message>`` on stderr and exits with status 2; any other
exception is a bug and keeps its traceback.

Leaf errors carry structured attributes so that callers can react without parsing messages.
"""

from __future__ import annotations


class HedgekitError(Exception):
    """Root of all hedgekit errors."""


class InputError(HedgekitError, ValueError):
    """Bad input from the user or a caller: a value out of range, a malformed address, an
    unknown name. The integer AMM ports raise it exactly where the Solidity reverts."""


class ConfigError(InputError):
    """A configuration file or option is invalid."""


class ChainError(HedgekitError):
    """The chain (RPC node, anvil process, replica) is unreachable or in an unexpected state."""


class AnvilNotFoundError(ChainError):
    """No anvil executable could be found."""

    def __init__(self, searched: list[str]) -> None:
        self.searched = searched
        super().__init__(
            "anvil not found (looked in: " + ", ".join(searched) + "); run `npm ci` in the "
            "project root, or put foundry's anvil on PATH"
        )


class NodeUnreachableError(ChainError):
    """The node did not answer (connection refused, reset or closed, or timed out): the
    request may or may not have been handled. Transient: a caller may retry."""


class ArtifactError(ChainError):
    """A contract artifact (npm package build or compiled project contract) is missing."""


class VenueError(HedgekitError):
    """A hedge venue (perp market, lending pool, options market) rejected or cannot serve a
    request."""


class SimulationError(HedgekitError):
    """A transaction failed in simulation (eth_call or gas estimate); nothing was sent."""

    def __init__(self, what: str, reason: str) -> None:
        self.what = what
        self.reason = reason
        super().__init__(f"simulation of {what} failed: {reason}")


class RiskLimitError(HedgekitError):
    """An action would breach a configured risk limit (leverage, health factor, delta band)."""
