"""`hedgekit audit` input checks (before any chain access): one line `error: ...`, exit 2;
the horizon parser; the JSON schema checker."""

from __future__ import annotations

import pytest

from hedgekit.cli import main
from hedgekit.cli.audit import parse_horizon
from hedgekit.errors import InputError
from hedgekit.risk.schema import SCHEMA, validate

OWNER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
DEAD = "http://127.0.0.1:9"  # never reached: the input checks come first


@pytest.mark.parametrize(("args", "message"), [
    (["0x1234"], "is not a 20-byte hex address"),
    ([OWNER, "--model", "heston"], "unknown model 'heston'"),
    ([OWNER, "--paths", "-5"], "--paths must be at least 1"),
    ([OWNER, "--horizon", "0d"], "horizon must be positive"),
    ([OWNER, "--horizon", "-3d"], "bad horizon"),
    ([OWNER, "--horizon", "week"], "bad horizon"),
    ([OWNER, "--sigma", "-0.2"], "--sigma must be >= 0"),
])
def test_audit__bad_input__prints_one_error_line_and_exits_2(
        args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["audit", *args, "--rpc-url", DEAD])
    assert done.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]


@pytest.mark.parametrize(("text", "days"), [("7d", 7), ("12h", 0.5), ("2w", 14), ("1y", 365),
                                            ("1.5d", 1.5)])
def test_parse_horizon__units__convert_to_years(text: str, days: float) -> None:
    assert parse_horizon(text) == pytest.approx(days / 365)


def test_parse_horizon__zero__is_an_input_error() -> None:
    with pytest.raises(InputError):
        parse_horizon("0h")


def test_validate__reports_missing_keys_and_wrong_types() -> None:
    assert validate({"schema": "hedgekit.audit/1"})[0].startswith("$: missing")
    problems = validate({"block": "12"}, {"type": "object", "properties": {
        "block": {"type": "integer"}}})
    assert problems == ["$.block: expected ['integer'], got str"]
    assert validate([1, None], {"type": "array", "items": {"type": ["number", "null"]}}) == []
    assert "montecarlo" in SCHEMA["required"] and "stress" in SCHEMA["properties"]
