"""``hedgekit vault``: bad input is one error line and exit status 2, before any RPC call."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hedgekit.chain.anvil import free_port


@pytest.mark.parametrize("args", [
    ("vault", "status", "0x12"),
    ("vault", "deposit", "0x" + "ab" * 20, "-5"),
    ("vault", "withdraw", "0x" + "ab" * 20),
    ("vault", "keeper", "not-an-address"),
    ("vault", "deploy", "--keeper", "0x1", "--guardian", "0x" + "ab" * 20, "--execute"),
    ("vault", "history", "0x" + "ab" * 20, "--journal", "/nonexistent/j.sqlite"),
])
def test_vault_command__bad_input__exits_2_with_one_error_line(args: tuple[str, ...]) -> None:
    done = subprocess.run([sys.executable, "-m", "hedgekit", *args, "--rpc-url",
                           f"http://127.0.0.1:{free_port()}"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert "no JSON-RPC node" not in lines[0]  # refused before connecting


@pytest.mark.parametrize(("option", "value", "named"), [
    ("--max-delta", "-1", "--max-delta must not be negative"),
    ("--max-delta", "two", "--max-delta: amount is not a number"),
    ("--management-fee", "5.5", "--management-fee is at most 5"),
])
def test_vault_deploy__bad_numbers__name_the_option(option: str, value: str,
                                                     named: str) -> None:
    guardian = "0x" + "ab" * 20
    done = subprocess.run([sys.executable, "-m", "hedgekit", "vault", "deploy", "--keeper",
                           guardian, "--guardian", guardian, option, value, "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and named in done.stderr, done.stderr


def test_vault_deploy__dry_run__converts_the_decimal_options_exactly() -> None:
    guardian = "0x" + "ab" * 20
    done = subprocess.run([sys.executable, "-m", "hedgekit", "vault", "deploy", "--keeper",
                           guardian, "--guardian", guardian, "--max-delta", "0.1",
                           "--management-fee", "1.5", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    params = json.loads(done.stdout)["params"]
    assert params["max_delta"] == 10**17 and params["management_fee"] == 15 * 10**15
