"""The local mainnet replica's life cycle: start it (from its cached state dump, or by building
it once), find a running one, stop it.

A running replica is described by a pid file ``<cache>/replica-<port>.json`` so that
``hedgekit replica up`` in one shell and ``hedgekit replica down`` in another agree.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from web3 import Web3

from hedgekit.chain import addresses as A
from hedgekit.chain.anvil import AnvilProcess, rpc_alive, start_anvil
from hedgekit.chain.connection import connect
from hedgekit.chain.paths import cache_dir
from hedgekit.chain.replica_build import build_replica, operator_of
from hedgekit.chain.replica_spec import ReplicaSpec, cache_key, default_spec
from hedgekit.chain.rpc import rpc
from hedgekit.errors import ChainError

DEFAULT_PORT = 8545


@dataclass
class Replica:
    """A running replica: its RPC url, a connection, the operator account and, when this
    process manages it, the anvil process. ``built`` tells whether this start built the state
    (cold) rather than loading the cached dump (warm); ``seconds`` how long the start took."""

    url: str
    w3: Web3
    operator: str
    process: AnvilProcess | None
    key: str
    built: bool = False
    seconds: float = 0.0


def state_path(key: str) -> Path:
    """The cached anvil state dump for a build key."""
    return cache_dir() / f"replica-{key}.json"


def _pid_path(port: int) -> Path:
    return cache_dir() / f"replica-{port}.pid.json"


def dump_state(w3: Web3, path: Path) -> None:
    """Write the chain's full state (``anvil_dumpState``, un-gzipped JSON) to ``path``."""
    dumped = rpc(w3, "anvil_dumpState")
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(gzip.decompress(bytes.fromhex(dumped.removeprefix("0x"))))
    tmp.replace(path)


def is_replica(w3: Web3) -> bool:
    """Whether the chain behind ``w3`` looks like a built replica (the canonical contracts and
    the seeded WETH/USDC 0.05% pool have code)."""
    return all(w3.eth.get_code(a) for a in (A.MULTICALL3, A.UNISWAP_V3_FACTORY,  # type: ignore[arg-type]
                                               A.WETH_USDC_V3_005))


def start_replica(
    port: int | None = None,
    spec: ReplicaSpec | None = None,
    *,
    rebuild: bool = False,
    progress: Callable[[str], None] = lambda _: None,
) -> Replica:
    """Start an anvil replica on ``port`` (default: a free port): load the cached state dump
    for ``spec``, or build it on an empty chain and cache it (``rebuild`` forces that)."""
    spec = spec or default_spec()
    key = cache_key(spec)
    path = state_path(key)
    started = time.monotonic()
    log = cache_dir() / "anvil.log"
    if path.is_file() and not rebuild:
        progress(f"loading cached replica state {path.name}")
        node = start_anvil(port, load_state=path, log_path=log)
        w3 = connect(node.url)
        # A loaded dump keeps its blocks but not anvil's clock offset: continue the chain's
        # own time rather than jumping to the wall clock.
        last = int(w3.eth.get_block("latest")["timestamp"])
        rpc(w3, "evm_setTime", last + 1)
        built = False
    else:
        progress("building the replica (cached for later starts)")
        node = start_anvil(port, timestamp=spec.start_time, log_path=log)
        w3 = connect(node.url)
        try:
            build_replica(w3, spec, progress)
            dump_state(w3, path)
        except BaseException:
            node.stop()
            raise
        built = True
    return Replica(node.url, w3, operator_of(w3), node, key, built,
                   time.monotonic() - started)


def up(port: int = DEFAULT_PORT, *, rebuild: bool = False,
       progress: Callable[[str], None] = lambda _: None) -> Replica:
    """Start the replica on ``port`` in the background (it outlives this command) unless a
    replica already answers there."""
    url = f"http://127.0.0.1:{port}"
    if rpc_alive(url):
        w3 = connect(url)
        if not is_replica(w3):
            raise ChainError(f"a node on port {port} is not a hedgekit replica; stop it first")
        record = _read_pid(port)
        return Replica(url, w3, operator_of(w3), None, str(record["key"]) if record else "?")
    replica = start_replica(port, rebuild=rebuild, progress=progress)
    assert replica.process is not None  # start_replica always starts one
    _pid_path(port).write_text(json.dumps(
        {"pid": replica.process.pid, "port": port, "key": replica.key, "url": replica.url}))
    return replica


def _read_pid(port: int) -> dict[str, object] | None:
    path = _pid_path(port)
    if not path.is_file():
        return None
    return dict(json.loads(path.read_text()))


def down(port: int = DEFAULT_PORT) -> bool:
    """Stop the replica that ``up`` started on ``port``. False if none was running."""
    record = _read_pid(port)
    if record is None:
        return False
    AnvilProcess(pid=int(str(record["pid"])), port=port).stop()
    _pid_path(port).unlink(missing_ok=True)
    return True
