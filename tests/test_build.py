"""The book builds from scratch with warnings as errors, nitpicky references and no cell errors."""

import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

BUILD = ROOT / "_build" / "test"


def test_book_builds_clean_with_warnings_as_errors():
    shutil.rmtree(BUILD, ignore_errors=True)  # no execution cache: every notebook runs again
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", "--warningiserror", "--nitpick", "--keep-going",
                             "--path-output", str(BUILD), str(ROOT)], capture_output=True, text=True)
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    html = BUILD / "_build" / "html"
    assert (html / "index.html").is_file()
    sphinx_warnings = [line for line in log.splitlines() if "WARNING" in line and "[IPKernelApp]" not in line]
    assert not sphinx_warnings, "\n".join(sphinx_warnings)
    reports = BUILD / "_build" / "html" / "reports"
    assert not reports.exists() or not any(reports.iterdir()), f"cell errors: {sorted(reports.iterdir())}"
    for page in ROOT.glob("chapters/*/*.ipynb"):
        assert (html / page.relative_to(ROOT).with_suffix(".html")).is_file(), page
