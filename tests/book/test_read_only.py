"""A checkout that cannot be written (issue 28, item 6): every goal stops at once in one ``error:``
line that says how to build elsewhere, and writes nothing; ``BUILD_DIR`` builds a copy elsewhere.

The checkout is a copy of the tracked files, mounted read-only in a mount namespace of the test's own
(``unshare --mount``, or ``--map-root-user --mount`` where the test does not run as root), as a
read-only file system or snapshot would be: a file mode cannot stop root from writing, a mount does.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import copy_checkout


def _unshare() -> list[str]:
    if not shutil.which("unshare"):
        pytest.fail("this test needs util-linux's unshare (Debian: apt-get install util-linux)")
    return ["unshare", "--mount"] if os.geteuid() == 0 else ["unshare", "--map-root-user", "--mount"]


def _make_read_only(checkout: Path, *make_args: str) -> subprocess.CompletedProcess:
    """Run make in ``checkout`` mounted read-only (only inside this one command)."""
    script = (
        f"mount --bind {shlex.quote(str(checkout))} {shlex.quote(str(checkout))} && "
        f"mount -o remount,bind,ro {shlex.quote(str(checkout))} && "
        f"make -C {shlex.quote(str(checkout))} --no-print-directory PYTHON={shlex.quote(sys.executable)} "
        + " ".join(shlex.quote(a) for a in make_args)
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    return subprocess.run([*_unshare(), "sh", "-c", script], capture_output=True, text=True, env=env, timeout=120)


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def checkout(tmp_path_factory) -> Path:
    return copy_checkout(tmp_path_factory.mktemp("read-only") / "book")


@pytest.mark.parametrize("goal", ["book", "test", "data", "execute", "pdf"])
def test_a_read_only_checkout_stops_in_one_line(checkout, goal):
    before = _listing(checkout)
    result = _make_read_only(checkout, goal)
    assert result.returncode != 0
    assert "Read-only file system" not in result.stderr and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "error: " in lines[0] and "cannot be written" in lines[0] and "BUILD_DIR=" in lines[0], lines[0]
    assert not result.stdout.strip(), result.stdout
    assert _listing(checkout) == before, "a refused goal changed the checkout"


def test_build_dir_runs_the_goal_in_a_copy_elsewhere(checkout, tmp_path):
    """``make clean BUILD_DIR=...`` from the read-only checkout: the copy holds every tracked file as
    it is, and the goal ran there (``clean`` needs no environment, so this takes seconds; ``make book
    BUILD_DIR=...`` goes the same way and then builds the copy)."""
    elsewhere = tmp_path / "elsewhere"
    result = _make_read_only(checkout, "clean", f"BUILD_DIR={elsewhere}")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"building a copy of {checkout} in {elsewhere}" in result.stdout
    assert "rm -rf _build _static/figures" in result.stdout
    assert _listing(elsewhere) == _listing(checkout)
