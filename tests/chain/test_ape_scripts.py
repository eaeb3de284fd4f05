"""``ape run <script>`` (scripts/): the same commands as ``hedgekit``, reading the same
chain: equal JSON for the same block, and a bad input is one ``error:`` line and exit 2
(not ape's traceback)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hedgekit.chain.replica import Replica

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    """``args`` run as ``ape run ...`` from the project root, with the venv's tools first on
    PATH (ape-vyper needs ``vyper``, ape-foundry ``anvil``)."""
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": os.pathsep.join(
        [bin_dir, str(ROOT / "node_modules" / ".bin"), os.environ.get("PATH", "")])}
    return subprocess.run([str(Path(bin_dir) / "ape"), "run", *args], capture_output=True,
                          text=True, timeout=180, cwd=ROOT, env=env)


def _hedgekit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "hedgekit", *args], capture_output=True,
                          text=True, timeout=180)


@pytest.mark.parametrize("command", [
    ("replica", "status"),
    ("venues",),
])
def test_ape_script__prints_what_hedgekit_prints_for_the_same_block(
        replica: Replica, command: tuple[str, ...]) -> None:
    args = (*command, "--rpc-url", replica.url, "--json")
    ape, ours = _run(*args), _hedgekit(*args)
    assert ape.returncode == 0, ape.stderr
    assert ours.returncode == 0, ours.stderr
    assert json.loads(ape.stdout) == json.loads(ours.stdout)


def test_ape_script__bad_input__is_one_error_line_and_exit_2(replica: Replica) -> None:
    done = _run("vault", "status", "0x12", "--rpc-url", replica.url)
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == ["error: VAULT is not an address: '0x12'"]
