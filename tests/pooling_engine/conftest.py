"""The engine's tests import the benchmark's instance generator and exact solver from bench/, and the test kit
from this folder: put both on the path before any test module is imported (import order is then free)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parents[1] / "bench"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))
