import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def mirror_env(monkeypatch, tmp_path):
    """A private cache (and nothing else changed): tests never write into data/raw or the mirror."""
    monkeypatch.setenv("COMPANION_DATA_CACHE", str(tmp_path / "cache"))
    return tmp_path


def real_mirror() -> Path:
    value = os.environ.get("COMPANION_DATA_MIRROR")
    if not value:
        pytest.skip("COMPANION_DATA_MIRROR is not set (make test sets it in .ci/run)")
    return Path(value)


# where the test session builds the book; override to keep concurrent sessions apart
BUILD = Path(os.environ.get("COMPANION_TEST_BUILD") or ROOT / "_build" / "test")


@dataclass
class Build:
    html: Path
    log: str
    returncode: int


@pytest.fixture(scope="session")
def built_book() -> Build:
    """The book built once per test session from scratch (no execution cache: every notebook runs),
    with warnings as errors and nitpicky references, into _build/test/_build/html."""
    shutil.rmtree(BUILD, ignore_errors=True)
    jb = Path(sys.executable).with_name("jupyter-book")
    result = subprocess.run([str(jb), "build", "--warningiserror", "--nitpick", "--keep-going",
                             "--path-output", str(BUILD), str(ROOT)], capture_output=True, text=True)
    return Build(BUILD / "_build" / "html", result.stdout + result.stderr, result.returncode)
