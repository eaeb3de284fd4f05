"""The unsigned transaction a venue's builder returns: what to send, and what it should do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnsignedTx:
    """A call to send later (the strategy layer simulates, signs and sends it).

    ``value`` is in wei; ``description`` says what the call does ("approve 1000 USDC to the
    Aave Pool"); ``effect`` states the expected outcome in words with numbers ("health factor
    1.92 -> 1.41"), for the plan a user reviews before ``--execute``.
    """

    to: str
    data: bytes
    value: int
    description: str
    effect: str = ""

    def as_params(self, sender: str) -> dict[str, object]:
        """web3 transaction params (``from``, ``to``, ``data``, ``value``) from ``sender``."""
        return {"from": sender, "to": self.to, "data": "0x" + self.data.hex(),
                "value": self.value}
