"""The production image installs requirements.lock only: no code it runs may need a test, bench or lint tool."""

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOT_SHIPPED_CODE = {"tests", "bench", ".venv", "var", "test-artifacts", ".git"}
# Import names of what requirements-test.lock holds (tests/ and bench/ may import these, nothing else may).
TEST_ONLY_MODULES = {
    "pytest",
    "_pytest",
    "pytest_django",
    "hypothesis",
    "playwright",
    "scipy",
    "networkx",
    "ruff",
    "importlinter",
    "grimp",
    "sortedcontainers",
    "iniconfig",
    "pluggy",
    "greenlet",
    "rich",
    "click",
    "pygments",
}


def _locked(name: str) -> dict[str, str]:
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        if line and not line.startswith("#"):
            package, version = line.split("==")
            pins[re.sub(r"[-_.]+", "-", package).lower()] = version
    return pins


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            roots.add(node.module.split(".")[0])
    return roots


def _shipped_python_files():
    for folder, subfolders, files in os.walk(ROOT):
        if Path(folder) == ROOT:
            subfolders[:] = [name for name in subfolders if name not in NOT_SHIPPED_CODE]
        subfolders[:] = [name for name in subfolders if name not in ("__pycache__", "node_modules")]
        yield from (Path(folder) / name for name in files if name.endswith(".py"))


def test_shipped_code_imports_no_test_tool():
    offenders = {}
    for path in _shipped_python_files():
        used = _imported_roots(path) & TEST_ONLY_MODULES
        if used:
            offenders[str(path.relative_to(ROOT))] = sorted(used)
    assert offenders == {}


def test_runtime_and_test_locks_are_separate():
    runtime, test = _locked("requirements.lock"), _locked("requirements-test.lock")
    assert set(runtime) & set(test) == set()
    for tool in ("pytest", "pytest-django", "hypothesis", "playwright", "scipy", "networkx", "ruff"):
        assert tool in test and tool not in runtime, tool
