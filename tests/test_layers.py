"""The import contracts in pyproject.toml ([tool.importlinter]) hold: apps depend one way (common < inventory <
pooling < catalog < guyub, the Oscar forks in catalog.shop the only part of catalog that uses the pool), the
pool's core does not import its loans, and the plain-Python cores import no Django. A new cycle fails here."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")])}
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout
