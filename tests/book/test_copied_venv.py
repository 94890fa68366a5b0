"""A checkout copied with its .venv (``cp -a``) is refused at the first ``make`` command (issue 28,
item 9): one ``error:`` line saying to run ``make clean-venv``, a non-zero exit, and no installer run.

The checkout is a small fake one: the real Makefile, the files its set-up rule depends on, and a
``companion/book/installer.py`` that only records that it ran (so nothing is installed). Its ``.venv``
holds the stamp the set-up rule writes (the checkout's path), or, as a stamp made before the stamp
named its checkout, an empty stamp and a ``jupyter-book`` script whose interpreter names it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

FAKE_INSTALLER = """import pathlib, sys
pathlib.Path(__file__).parents[2].joinpath("installer-ran").write_text(" ".join(sys.argv[1:]))
sys.exit(1)
"""


def _checkout(folder: Path, stamp: str) -> Path:
    (folder / "companion" / "book").mkdir(parents=True)
    for name in ("Makefile", "requirements.txt", "requirements-bootstrap.txt", "pyproject.toml"):
        shutil.copyfile(ROOT / name, folder / name)
    (folder / "companion" / "book" / "installer.py").write_text(FAKE_INSTALLER)
    (folder / ".venv" / "bin").mkdir(parents=True)
    if stamp == "old":  # `touch`ed, as before; the scripts name the interpreter of the original
        (folder / ".venv" / ".installed").write_text("")
        (folder / ".venv" / "bin" / "jupyter-book").write_text(f"#!{folder}/.venv/bin/python\n")
    else:
        (folder / ".venv" / ".installed").write_text(f"{folder}\n")
    return folder


def _make(folder: Path, *goals: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    return subprocess.run(
        ["make", "-C", str(folder), "--no-print-directory", f"PYTHON={sys.executable}", *goals],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def _requirements_changed(folder: Path) -> None:
    """requirements.txt newer than the stamp: the set-up rule would run the installer."""
    later = time.time() + 5
    os.utime(folder / "requirements.txt", (later, later))


@pytest.mark.parametrize("stamp", ["names the checkout", "old"])
@pytest.mark.parametrize("goal", ["book", "data", "test", "lab", "venv"])
def test_a_copied_checkout_stops_at_once_in_one_line(tmp_path, stamp, goal):
    original = _checkout(tmp_path / "original", stamp)
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(original), str(copy)], check=True)
    _requirements_changed(copy)

    result = _make(copy, goal)

    assert result.returncode != 0
    assert not (copy / "installer-ran").exists() and not (original / "installer-ran").exists()
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "error: " in lines[0] and "make clean-venv" in lines[0], lines[0]
    assert f"{copy}/.venv was set up for the checkout {original} " in lines[0]
    assert result.stdout == ""


def test_the_original_checkout_goes_on_to_its_installer(tmp_path):
    """The same fake checkout, not copied: the check lets it through and the installer runs."""
    original = _checkout(tmp_path / "original", "names the checkout")
    _requirements_changed(original)

    result = _make(original, "data")

    assert (original / "installer-ran").read_text() == ".venv -r requirements.txt"
    assert "error: " not in result.stderr and "was set up for the checkout" not in result.stderr


def test_clean_venv_in_the_copy_is_allowed_and_then_the_installer_runs(tmp_path):
    original = _checkout(tmp_path / "original", "names the checkout")
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(original), str(copy)], check=True)

    cleaned = _make(copy, "clean-venv")
    assert cleaned.returncode == 0, cleaned.stderr
    assert not (copy / ".venv").exists() and (original / ".venv" / ".installed").is_file()

    _make(copy, "data")
    assert (copy / "installer-ran").is_file()
