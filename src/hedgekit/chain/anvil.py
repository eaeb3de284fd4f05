"""Start, find and stop anvil processes (foundry's local node, shipped by npm
``@foundry-rs/anvil``)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import requests

from hedgekit.chain.paths import node_modules
from hedgekit.errors import AnvilNotFoundError, ChainError

#: anvil's chain id. Kept at 31337 on the replica (not 1) so that nothing signed for it is
#: valid on mainnet.
CHAIN_ID = 31337
#: Ether given to each of the 10 dev accounts.
DEV_BALANCE_ETH = 1_000_000


def find_anvil() -> Path:
    """The anvil binary: ``$HEDGEKIT_ANVIL``, the project's npm package, or ``anvil`` on PATH."""
    candidates: list[Path] = []
    if env := os.environ.get("HEDGEKIT_ANVIL"):
        candidates.append(Path(env))
    candidates += sorted((node_modules() / "@foundry-rs").glob("anvil-*/bin/anvil"))
    if on_path := shutil.which("anvil"):
        candidates.append(Path(on_path))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path
    raise AnvilNotFoundError(
        [str(c) for c in candidates] or [str(node_modules() / "@foundry-rs"), "PATH"]
    )


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rpc_alive(url: str, timeout: float = 0.5) -> bool:
    """Whether a JSON-RPC node answers ``eth_chainId`` at ``url``."""
    try:
        reply = requests.post(
            url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []},
            timeout=timeout,
        )
        return reply.ok and "result" in reply.json()
    except (requests.RequestException, ValueError):
        return False


@dataclass
class AnvilProcess:
    """A running anvil node that this process (or an earlier one, through a pid file) started."""

    pid: int
    port: int
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except OSError:
            return False
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if not self.alive():
            return
        os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                done = 0 if self.alive() else self.pid
            if done or not self.alive():
                return
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)


def start_anvil(
    port: int | None = None,
    *,
    load_state: Path | None = None,
    timestamp: int | None = None,
    log_path: Path | None = None,
    extra_args: tuple[str, ...] = (),
    ready_timeout: float = 60.0,
) -> AnvilProcess:
    """Start anvil on 127.0.0.1 and wait until it answers JSON-RPC.

    ``load_state`` loads a state dump (``anvil_dumpState``/``--dump-state``); ``timestamp`` sets
    the genesis time (seconds). The process is detached (its own session) so that it outlives the
    command that started it; stop it with :meth:`AnvilProcess.stop`.
    """
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    if rpc_alive(url):
        raise ChainError(f"port {port} already has a node; stop it or pick another port")
    args = [
        str(find_anvil()), "--host", "127.0.0.1", "--port", str(port),
        "--chain-id", str(CHAIN_ID), "--accounts", "10", "--balance", str(DEV_BALANCE_ETH),
        "--gas-limit", "100000000",
    ]
    if load_state is not None:
        args += ["--load-state", str(load_state)]
    if timestamp is not None:
        args += ["--timestamp", str(timestamp)]
    args += list(extra_args)
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        proc = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        if log_path:
            log.close()  # type: ignore[union-attr]
    node = AnvilProcess(pid=proc.pid, port=port, log_path=log_path)
    deadline = time.monotonic() + ready_timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ChainError(f"anvil exited with status {proc.returncode}; see {log_path}")
        if rpc_alive(url, timeout=0.2):
            return node
        time.sleep(0.05)
    node.stop()
    raise ChainError(f"anvil did not answer on {url} within {ready_timeout:.0f}s")
