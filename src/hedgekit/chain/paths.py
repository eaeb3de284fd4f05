"""Where the project's files live: the repository root (ape project), npm packages, caches."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The hedgekit project root: ``$HEDGEKIT_ROOT``, else the nearest folder above this package
    (an editable install) or above the working directory that holds ``ape-config.yaml``."""
    if env := os.environ.get("HEDGEKIT_ROOT"):
        return Path(env).resolve()
    for start in (Path(__file__).resolve(), Path.cwd().resolve()):
        for folder in (start, *start.parents):
            if (folder / "ape-config.yaml").is_file() and (folder / "package.json").is_file():
                return folder
    return Path.cwd().resolve()


def node_modules() -> Path:
    """The project's ``node_modules`` (anvil and the protocol artifacts)."""
    return project_root() / "node_modules"


def cache_dir() -> Path:
    """``$HEDGEKIT_CACHE`` or ``<root>/.cache/hedgekit``: replica state dumps and pid files."""
    path = Path(os.environ.get("HEDGEKIT_CACHE", project_root() / ".cache" / "hedgekit"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    """``$HEDGEKIT_DATA`` or the ``shared/data`` folder beside the project (real market data)."""
    if env := os.environ.get("HEDGEKIT_DATA"):
        return Path(env)
    return project_root().parent / "shared" / "data"
