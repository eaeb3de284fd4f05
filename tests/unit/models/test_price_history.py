"""Real price history loader (hedgekit.models.price_history)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hedgekit.errors import InputError
from hedgekit.models import price_history
from hedgekit.models.price_history import load_price_history

CSV_HEADER = "date,close_price,open_price,market_cap,total_volume\n"


def test_load_price_history__default_eth_file__irregular_daily_series(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HEDGEKIT_DATA", raising=False)
    history = load_price_history()
    assert history.close.size == 3804
    assert history.dates[0] == np.datetime64("2015-08-07")
    assert history.dates[-1] == np.datetime64("2026-01-05")
    r, dt = history.log_returns()
    assert r.size == 3803
    gaps = np.round(dt * 365).astype(int)
    assert set(gaps.tolist()) == {1, 2}  # 2015-08-09 is missing
    assert history.times()[-1] == pytest.approx(3804 / 365, abs=1 / 365 + 1e-12)


def test_load_price_history__hedgekit_data_env__is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "eth-usd-daily.csv").write_text(
        CSV_HEADER + "2024-01-01 00:00:00 UTC,100,1,1,1\n2024-01-05 00:00:00 UTC,110,1,1,1\n"
    )
    monkeypatch.setenv("HEDGEKIT_DATA", str(tmp_path))
    history = load_price_history()
    np.testing.assert_array_equal(history.close, [100.0, 110.0])
    assert history.log_returns()[1][0] == 4 / 365


def test_load_price_history__nothing_found__raises_input_error_naming_places(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HEDGEKIT_DATA", str(tmp_path / "nowhere"))
    monkeypatch.setattr(price_history, "_REPO_ROOT", tmp_path / "repo")
    with pytest.raises(InputError, match="HEDGEKIT_DATA") as info:
        load_price_history()
    assert "nowhere" in str(info.value)


def test_load_price_history__explicit_missing_path__raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_price_history(tmp_path / "missing.csv")


@pytest.mark.parametrize(
    "rows",
    [
        "2024-01-01 00:00:00 UTC,abc,1,1,1\n2024-01-02 00:00:00 UTC,1,1,1,1\n",
        "2024-01-02 00:00:00 UTC,1,1,1,1\n2024-01-01 00:00:00 UTC,1,1,1,1\n",
        "2024-01-01 00:00:00 UTC,-1,1,1,1\n2024-01-02 00:00:00 UTC,1,1,1,1\n",
        "2024-01-01 00:00:00 UTC,1,1,1,1\n",
    ],
)
def test_load_price_history__malformed_file__raises_input_error(tmp_path: Path, rows: str) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(CSV_HEADER + rows)
    with pytest.raises(InputError):
        load_price_history(file)
