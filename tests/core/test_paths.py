"""Paths do not depend on where you stand (issue 15): the mirror and cache variables, relative or
absolute, resolve from the book's root whatever the working directory (a notebook's kernel runs in
the notebook's folder); a checkout copied with its .venv stops with a message saying what to run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import ROOT


def real_mirror() -> Path:
    """A folder laid out as the mirror: $COMPANION_DATA_MIRROR, or else the checkout's own verified
    cache (same layout; the session start has made sure every file is there)."""
    from companion import sources

    return sources.mirror_dir() or sources.cache_dir()


FETCH = "from companion.sources import fetch; print(fetch('kazstat_ref_area_en'))"


def test_relative_mirror_and_cache_resolve_from_the_book_root_in_a_notebook_folder(tmp_path):
    """The README's `export COMPANION_DATA_MIRROR=../shared/data`, used from a chapter's folder with
    an empty cache, as a kernel after `rm -rf data/raw` would."""
    mirror = os.path.relpath(real_mirror().resolve(), ROOT)
    cache = os.path.relpath(tmp_path / "cache", ROOT)
    env = dict(os.environ, COMPANION_DATA_MIRROR=mirror, COMPANION_DATA_CACHE=cache)
    folder = ROOT / "chapters" / "participation-uk-kz"
    result = subprocess.run([sys.executable, "-c", FETCH], cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(tmp_path / "cache"), result.stdout


def test_absolute_paths_are_used_as_given(tmp_path):
    env = dict(
        os.environ, COMPANION_DATA_MIRROR=str(real_mirror().resolve()), COMPANION_DATA_CACHE=str(tmp_path / "cache")
    )
    result = subprocess.run([sys.executable, "-c", FETCH], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).is_relative_to(tmp_path / "cache")


def _fake_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A folder that looks like a copy of the checkout, with a .venv that (like a cp -a copy's)
    imports the original checkout's package: its site-packages lists the original's package folder
    and the original environment's libraries."""
    copy = tmp_path / "copy"
    (copy / "data").mkdir(parents=True)
    (copy / "companion").mkdir()
    (copy / "chapters").mkdir()
    for name in ("_toc.yml", "data/sources.yaml"):
        (copy / name).write_bytes((ROOT / name).read_bytes())
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(copy / ".venv")], check=True)
    site = next((copy / ".venv" / "lib").glob("python3*/site-packages"))
    original_site = [p for p in sys.path if p.endswith("site-packages")]
    (site / "original.pth").write_text("\n".join([str(ROOT), *original_site]) + "\n")
    return copy, copy / ".venv" / "bin" / "python"


def test_a_copied_checkout_with_its_venv_stops_with_what_to_do(tmp_path):
    copy, python = _fake_copy(tmp_path)
    result = subprocess.run([str(python), "-m", "companion", "claims"], cwd=copy, capture_output=True, text=True)
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    assert f"belongs to the checkout {copy}" in result.stderr and "make clean-venv" in result.stderr
    assert result.stdout == ""


def test_a_kernel_of_another_checkout_stops_with_what_to_do(tmp_path):
    """A copy's notebook run by the original's kernel (the copy's kernel spec names it)."""
    copy, _ = _fake_copy(tmp_path)
    code = textwrap.dedent("""
        import ipykernel  # as in a kernel
        import companion.sources
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=copy / "chapters", capture_output=True, text=True)
    assert result.returncode != 0
    assert "CheckoutError" in result.stderr and f"lies in the checkout {copy}" in result.stderr
    assert "make clean-venv" in result.stderr


def test_the_checkout_itself_passes():
    result = subprocess.run(
        [sys.executable, "-c", "import ipykernel, companion.sources"],
        cwd=ROOT / "chapters" / "participation-uk-kz",
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_original_environment_on_a_copy_that_imports_its_own_package_passes(tmp_path):
    """``python -m companion`` from a copy's root with the original's interpreter imports the copy's
    package (the publication tests build a copy this way): consistent, so no error."""
    copy, _ = _fake_copy(tmp_path)
    (copy / "companion").rmdir()
    import shutil

    shutil.copytree(ROOT / "companion", copy / "companion", ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run(
        [sys.executable, "-m", "companion", "pins", "kazstat_ref_area_en"], cwd=copy, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "sources.require(" in result.stdout
