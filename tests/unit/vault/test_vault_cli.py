"""``hedgekit vault``: bad input is one error line and exit status 2, before any RPC call."""

from __future__ import annotations

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
