"""Run every benchmark in this folder, one after the other (``make bench``)."""

from __future__ import annotations

import runpy
from pathlib import Path

for script in sorted(Path(__file__).parent.glob("bench_*.py")):
    print(f"\n=== {script.name}", flush=True)
    runpy.run_path(str(script), run_name="__main__")
