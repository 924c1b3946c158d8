"""The domain cores stay plain Python: importing (and, for the engine, running) them loads no Django, Oscar or
Wagtail, so they can be read, tested and benchmarked alone (docs/architecture.md)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each core is imported in a fresh interpreter that has only the repository root on its path (not site/).
CORES = {
    "catalog.pricing": "import catalog.pricing.rules, catalog.pricing.sheet, catalog.pricing.chart",
    "inventory.ledger": "import inventory.ledger",
    "pooling.loans.rules": "import pooling.loans.rules",
    # Every module of the engine, then one route with explanations, which loads the solver lazily.
    "pooling.engine": """
import importlib, pkgutil
import pooling.engine
for module in pkgutil.walk_packages(pooling.engine.__path__, "pooling.engine."):
    importlib.import_module(module.name)
from pooling.engine import Instance, route
route(Instance.from_dict({
    "weeks": 2, "weights": {"distance": 1, "fairness": 100, "preference": 20, "unrouted": 100000},
    "members": [{"id": "m1", "location": [0, 0], "skills": ["sandal"], "capacity": [5, 5], "load": [1, 0]}],
    "lines": [{"id": "L1", "product_class": "sandal", "quantity": 3, "due_week": 1, "origin": [1, 1],
               "preferred_member": None, "splittable": False}],
}), explain=True)
""",
}
FRAMEWORKS = ("django", "oscar", "wagtail")
REPORT = f"""
import json, sys
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {FRAMEWORKS!r})))
"""


@pytest.mark.parametrize("core", sorted(CORES))
def test_core_imports_no_django(core):
    environment = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", CORES[core] + REPORT],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert loaded == [], f"{core} loads {loaded[:5]}"
