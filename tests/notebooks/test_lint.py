"""The code base passes its linter and formatter: ruff, configured in pyproject.toml ([tool.ruff]),
over the package, _ext, tests, tools, benchmarks and every notebook's code cells. `make lint` fixes
what ruff can fix; what remains is named here, file and line."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _ruff() -> str:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.exists() else shutil.which("ruff")
    if not found:
        pytest.fail(
            "ruff is not installed in this environment: it is pinned in requirements.txt (make test installs it)"
        )
    return found


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([_ruff(), *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_is_configured_for_the_notebooks_too():
    result = _run("check", "--show-files", ".")
    files = {Path(line.strip()).resolve() for line in result.stdout.splitlines() if line.strip()}
    notebooks = {p.resolve() for p in ROOT.glob("chapters/*/*.ipynb")} | {
        p.resolve() for p in ROOT.glob("about/*.ipynb")
    }
    assert notebooks and notebooks <= files, f"ruff does not check: {sorted(str(p) for p in notebooks - files)}"
    assert (ROOT / "companion" / "ledger" / "__init__.py").resolve() in files
    assert not any("_build" in p.parts or "raw" in p.parts for p in files)


def test_the_code_passes_ruff_check():
    result = _run("check", "--output-format", "concise", "--no-fix", ".")
    assert result.returncode == 0, f"ruff check (make lint fixes what it can):\n{result.stdout}{result.stderr}"


def test_the_code_is_formatted():
    result = _run("format", "--check", ".")
    assert result.returncode == 0, f"ruff format --check (make lint formats):\n{result.stdout}{result.stderr}"
