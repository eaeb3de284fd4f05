"""The CLI's error contract: one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hedgekit.chain.anvil import free_port


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hedgekit", *args], capture_output=True,
                          text=True, timeout=120)


def test_status__with_no_node_at_the_url__prints_one_error_line_and_exits_2() -> None:
    done = _run("replica", "status", "--rpc-url", f"http://127.0.0.1:{free_port()}")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: no JSON-RPC node answers")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("args", [("replica", "up", "--port", "0"),
                                  ("replica", "frobnicate"),
                                  ("no-such-command",)])
def test_bad_usage__exits_2_with_one_error_line(args: tuple[str, ...]) -> None:
    done = _run(*args)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "Traceback" not in done.stderr


def test_down__with_nothing_running__says_so_and_exits_0() -> None:
    done = _run("replica", "down", "--port", str(free_port()))
    assert done.returncode == 0 and "was not running" in done.stdout
