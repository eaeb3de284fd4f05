"""Contract artifacts: ABIs and bytecode of the real protocols (npm packages), of the project's
own Vyper contracts (compiled by ape-vyper into ``.build/``), and the ABIs in ``abis/``.

Artifacts are addressed by name, e.g. ``npm_artifact("UniswapV3Factory")`` or
``project_artifact("Token")``; an unknown name gets the nearest names suggested.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hedgekit.chain.paths import node_modules, project_root
from hedgekit.errors import ArtifactError

#: npm artifact folders searched, in order. Hardhat layout (``artifacts/**/Name.json``) for
#: Uniswap v3 and Aave v3; waffle layout (``build/Name.json``) for Uniswap v2.
NPM_ARTIFACT_DIRS = (
    "@uniswap/v3-core/artifacts/contracts",
    "@uniswap/v3-periphery/artifacts/contracts",
    "@uniswap/v2-core/build",
    "@uniswap/v2-periphery/build",
    "@aave/core-v3/artifacts/contracts",
)


@dataclass(frozen=True)
class Artifact:
    """One contract's ABI and creation bytecode.

    ``link_references`` maps library name to the byte offsets in ``bytecode`` where its address
    must be written (Hardhat's ``linkReferences``, flattened).
    """

    name: str
    abi: tuple[dict[str, Any], ...]
    bytecode: bytes
    link_references: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def linked(self, libraries: dict[str, str]) -> bytes:
        """Creation bytecode with each library's address written at its placeholders."""
        code = bytearray(self.bytecode)
        for lib, offsets in self.link_references:
            if lib not in libraries:
                raise ArtifactError(f"{self.name} needs library {lib} linked")
            address = bytes.fromhex(libraries[lib].removeprefix("0x"))
            for start in offsets:
                code[start : start + 20] = address
        return bytes(code)


#: Solidity's placeholder for an unlinked library address (40 hex characters).
_LINK_PLACEHOLDER = re.compile(r"__\$[0-9a-fA-F]{34}\$__")


def _hex_bytes(value: str) -> bytes:
    """Bytecode hex to bytes, unlinked library placeholders zeroed (see Artifact.linked)."""
    return bytes.fromhex(_LINK_PLACEHOLDER.sub("0" * 40, value.removeprefix("0x")))


def _nearest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=3)
    return f"; did you mean {', '.join(close)}?" if close else ""


@cache
def _npm_index() -> dict[str, Path]:
    index: dict[str, Path] = {}
    for folder in NPM_ARTIFACT_DIRS:
        root = node_modules() / folder
        for path in sorted(root.rglob("*.json")):
            if path.name.endswith(".dbg.json") or path.name == "Combined-Json.json":
                continue
            index.setdefault(path.stem, path)
    return index


def npm_artifact(name: str) -> Artifact:
    """The artifact of contract ``name`` from the npm packages listed in NPM_ARTIFACT_DIRS."""
    index = _npm_index()
    if not index:
        raise ArtifactError(f"no npm artifacts under {node_modules()}; run `npm ci`")
    if name not in index:
        raise ArtifactError(f"no npm artifact named {name!r}{_nearest(name, list(index))}")
    raw = json.loads(index[name].read_text())
    links = tuple(
        (lib, tuple(ref["start"] for ref in refs))
        for per_file in (raw.get("linkReferences") or {}).values()
        for lib, refs in per_file.items()
    )
    return Artifact(name, tuple(raw["abi"]), _hex_bytes(raw["bytecode"]), links)


def _manifest_path() -> Path:
    return project_root() / ".build" / "__local__.json"


@cache
def _manifest() -> dict[str, Any]:
    path = _manifest_path()
    if not path.is_file():
        raise ArtifactError(f"{path} is missing; compile the contracts with `ape compile`")
    contracts = project_root() / "contracts"
    built = path.stat().st_mtime
    stale = [p.name for p in contracts.glob("*.vy") if p.stat().st_mtime > built]
    if stale:
        raise ArtifactError(f"compiled contracts are older than {', '.join(stale)}; "
                            "run `ape compile`")
    return dict(json.loads(path.read_text()))


def project_artifact(name: str) -> Artifact:
    """The artifact of the project's own contract ``name`` (``contracts/<name>.vy``)."""
    types = _manifest().get("contractTypes", {})
    if name not in types:
        raise ArtifactError(f"no compiled contract named {name!r}{_nearest(name, list(types))}")
    ct = types[name]
    return Artifact(name, tuple(ct["abi"]), _hex_bytes(ct["deploymentBytecode"]["bytecode"]))


def abi(name: str) -> tuple[dict[str, Any], ...]:
    """An ABI by name: ``abis/<name>.json`` first, then the npm and project artifacts."""
    path = project_root() / "abis" / f"{name}.json"
    if path.is_file():
        return tuple(json.loads(path.read_text()))
    try:
        return npm_artifact(name).abi
    except ArtifactError:
        return project_artifact(name).abi
