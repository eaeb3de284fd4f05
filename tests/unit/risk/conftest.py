"""Fixtures of the risk unit tests (helpers in ``risk_books``)."""

from __future__ import annotations

import pytest
from risk_books import make_exact_book

from hedgekit.risk.exact import ExactBook


@pytest.fixture
def exact_book() -> ExactBook:
    return make_exact_book()
