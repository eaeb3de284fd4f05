"""Real price history (market data) for bootstraps and backtests: the ETH/USD daily file.

The CSV (``shared/data/eth-usd-daily.csv``, CoinGecko export) has columns ``date`` ("YYYY-MM-DD
00:00:00 UTC"), ``close_price``, ``open_price``, ``market_cap``, ``total_volume``. Some days are
missing, so the series is irregular: time steps come from the dates (365-day years), never from
the row count.

Path resolution for :func:`load_price_history` when no path is given, first match wins:

1. ``$HEDGEKIT_DATA``: a CSV file, or a directory containing ``eth-usd-daily.csv``;
2. ``<repo>/../shared/data/eth-usd-daily.csv`` (the repository's sibling ``shared`` folder).

A missing file raises InputError listing the places searched.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hedgekit.errors import InputError
from hedgekit.models._validate import FloatArray

__all__ = ["DEFAULT_FILE", "PriceHistory", "default_price_file", "load_price_history"]

DEFAULT_FILE = "eth-usd-daily.csv"
DAYS_PER_YEAR = 365.0
_REPO_ROOT = Path(__file__).resolve().parents[3]


@dataclass(frozen=True)
class PriceHistory:
    """Close prices on (irregular, strictly increasing) UTC dates."""

    dates: npt.NDArray[np.datetime64]
    close: FloatArray

    def days(self) -> FloatArray:
        """Whole days since the first date, one per observation."""
        elapsed = (self.dates - self.dates[0]).astype("timedelta64[D]")
        return np.asarray(elapsed.astype(np.float64), dtype=np.float64)

    def times(self) -> FloatArray:
        """Years (365 days) since the first date, one per observation."""
        return np.asarray(self.days() / DAYS_PER_YEAR, dtype=np.float64)

    def log_returns(self) -> tuple[FloatArray, FloatArray]:
        """(ln(P_i+1 / P_i), dt_i in years) between consecutive observations; dt_i is the
        whole-day gap / 365 (exactly 1/365 for consecutive days)."""
        return (
            np.asarray(np.diff(np.log(self.close)), dtype=np.float64),
            np.asarray(np.diff(self.days()) / DAYS_PER_YEAR, dtype=np.float64),
        )


def default_price_file() -> tuple[Path | None, list[str]]:
    """(first existing candidate or None, all candidates searched) per the module docstring."""
    candidates: list[Path] = []
    env = os.environ.get("HEDGEKIT_DATA")
    if env:
        p = Path(env)
        candidates.append(p if p.suffix == ".csv" else p / DEFAULT_FILE)
    candidates.append(_REPO_ROOT.parent / "shared" / "data" / DEFAULT_FILE)
    found = next((c for c in candidates if c.is_file()), None)
    return found, [str(c) for c in candidates]


def load_price_history(path: str | os.PathLike[str] | None = None) -> PriceHistory:
    """Load a ``date,close_price,...`` CSV (default: see module docstring).

    InputError if the file is missing, a row is malformed, a price is not positive, or dates
    are not strictly increasing.
    """
    if path is None:
        found, searched = default_price_file()
        if found is None:
            raise InputError(
                "price history not found (looked in: " + ", ".join(searched) + "); pass a path "
                "or set HEDGEKIT_DATA to the file or its directory"
            )
        file = found
    else:
        file = Path(path)
        if not file.is_file():
            raise InputError(f"price history not found: {file}")
    dates: list[str] = []
    closes: list[float] = []
    with file.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        if reader.fieldnames is None or not {"date", "close_price"} <= set(reader.fieldnames):
            raise InputError(f"{file}: expected columns 'date' and 'close_price'")
        for line, row in enumerate(reader, start=2):
            try:
                dates.append(row["date"][:10])
                closes.append(float(row["close_price"]))
            except (TypeError, ValueError) as err:
                raise InputError(f"{file}:{line}: malformed row {row!r}") from err
    try:
        d = np.array(dates, dtype="datetime64[D]")
    except ValueError as err:
        raise InputError(f"{file}: malformed date") from err
    c = np.array(closes, dtype=np.float64)
    if c.size < 2:
        raise InputError(f"{file}: need at least 2 prices, got {c.size}")
    if not ((c > 0.0) & np.isfinite(c)).all():
        raise InputError(f"{file}: prices must be positive and finite")
    if not (np.diff(d) > np.timedelta64(0, "D")).all():
        raise InputError(f"{file}: dates must be strictly increasing")
    return PriceHistory(d, c)
