"""The book's notebooks run outside this checkout, as Binder, Colab or a reader's own environment
would run them (issue 15): the ``companion`` package built as a wheel, installed into a new virtual
environment in an empty temporary folder (dependencies at the versions of requirements.txt, from the
package index), one notebook per chapter copied there alone and executed, the raw files fetched by
their pinned declarations and verified by sha256 (here from ``$COMPANION_DATA_MIRROR``: the network
reaches only package indexes), and the outputs compared with the stored ones.

Floats are compared to 6 significant digits, the book's precision rule (``companion.core.precision``):
wheels of numpy/scipy pick other CPU kernels on other machines and change the last bits of a float.
Colab's way is tested too: a new virtual environment in an empty folder holding only a kernel (no
``companion``), one notebook copied there alone and executed, its launch cell (companion/book/launch.py)
installing the package from the same wheel (``$COMPANION_INSTALL_SPEC``, as Colab would from the
repository) and the pinned dependencies from the package index, then every other cell giving its
stored output.

Every environment here is set up as ``make`` sets up ``.venv``, by ``companion.book.installer`` (uv when it
can be had, else pip; pip's indexes and constraints either way), and the wheel is built by it too.
The Colab notebook's launch cell installs with pip, as in Colab. Slow (mostly that launch cell), so it
runs in its own xdist group beside the others."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT
from test_determinism import code_outputs, differences

from companion.book import installer
from companion.core.precision import round_sig


def real_mirror() -> Path:
    """A folder laid out as the mirror: $COMPANION_DATA_MIRROR, or else the checkout's own verified
    cache (same layout; the session start has made sure every file is there)."""
    from companion import sources

    return sources.mirror_dir() or sources.cache_dir()


pytestmark = pytest.mark.xdist_group("fresh-install")

ONE_PER_CHAPTER = [
    "chapters/participation-uk-kz/01_table1a_kz_regions.ipynb",
    "chapters/institutions-egov/04_egdi_vs_freedom.ipynb",
    "chapters/electronic-involvement/05_diffusion_model.ipynb",
    "chapters/reproducibility/01_ledger.ipynb",
]
NOT_IN_PACKAGE = (
    ".git",
    ".venv",
    "_build",
    "build",
    "dist",
    "raw",
    "figures",
    "chapters",
    "about",
    "tests",
    "benchmarks",
    "__pycache__",
    "*.egg-info",
    ".ipynb_checkpoints",
)
FLOAT = re.compile(r"(?<![\w.])-?\d+\.\d+(?:[eE][-+]?\d+)?(?![\w.])")


def _six_digits(text: str) -> str:
    return FLOAT.sub(lambda m: repr(round_sig(float(m.group()))), text)


def _normalised(outputs):
    return json.loads(_six_digits(json.dumps(outputs)))


def _run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{command}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, Path]:
    """The companion wheel built from the checkout's files, and requirements.txt as constraints."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # the checkout's files, without environments, builds, data or notebooks
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_IN_PACKAGE))
    built = installer.build_wheel(source, base / "dist")
    constraints = base / "constraints.txt"
    constraints.write_text(
        "".join(line for line in (ROOT / "requirements.txt").read_text().splitlines(True) if not line.startswith("-e"))
    )
    assert built.name.startswith("companion-"), built
    return built, constraints


@pytest.fixture(scope="module")
def fresh_env(wheel, tmp_path_factory) -> tuple[Path, dict]:
    """A new virtual environment, in an empty folder, with the companion wheel installed."""
    wheel, constraints = wheel
    mirror = real_mirror().resolve()
    base = tmp_path_factory.mktemp("fresh")
    installer.setup(base / "venv", [str(wheel), "-c", str(constraints)])
    python = base / "venv" / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COMPANION_", "VIRTUAL_ENV"))}
    env.update(
        COMPANION_DATA_MIRROR=str(mirror),
        XDG_CACHE_HOME=str(base / "cache"),
        PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}",
    )
    return python, env


def test_the_installed_package_reads_its_own_copy_of_the_declarations(fresh_env, tmp_path):
    python, env = fresh_env
    out = _run(
        [
            str(python),
            "-c",
            "import companion.sources as s, companion.sources.published as p; "
            "print(s.ROOT); print(s.cache_dir()); print(len(s.sources()), len(p.claims()))",
        ],
        cwd=tmp_path,
        env=env,
    ).stdout.split("\n")
    assert Path(out[0]).is_relative_to(python.parents[1]), out  # inside the new environment
    assert not Path(out[0]).is_relative_to(ROOT)
    assert Path(out[1]).is_relative_to(Path(env["XDG_CACHE_HOME"])), out  # the user's cache folder
    from companion import sources
    from companion.sources import published

    assert out[2] == f"{len(sources.sources())} {len(published.claims())}"


def test_one_notebook_per_chapter_gives_its_stored_outputs(fresh_env, tmp_path):
    python, env = fresh_env
    for name in ONE_PER_CHAPTER:  # only the notebooks, in an empty folder: nothing of the checkout
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / name, tmp_path / name)
    _run([str(python), "-m", "companion", "execute", *ONE_PER_CHAPTER], cwd=tmp_path, env=env, timeout=1200)
    for name in ONE_PER_CHAPTER:
        stored = nbformat.read(ROOT / name, as_version=4)
        executed = nbformat.read(tmp_path / name, as_version=4)
        found = differences(_normalised(code_outputs(stored)), _normalised(code_outputs(executed)))
        assert not found, f"{name}:\n" + "\n".join(found)


# --- Colab's way: nothing but a kernel, the notebook's launch cell installs the package ---------------
COLAB_NOTEBOOK = "chapters/electronic-involvement/01_figure1_kz_share.ipynb"  # not among ONE_PER_CHAPTER
EXECUTE = """import sys

import nbformat
from nbclient import NotebookClient

nb = nbformat.read(sys.argv[1], as_version=4)
NotebookClient(nb, kernel_name="python3", timeout=1200, resources={"metadata": {"path": "."}}).execute()
nbformat.write(nb, sys.argv[1])
"""


def test_a_notebook_opened_alone_installs_the_package_in_its_launch_cell(wheel, tmp_path):
    from companion.book.launch import SPEC_ENV, is_launch_cell

    wheel, constraints = wheel
    # what a Colab runtime has before the notebook runs: a Python kernel (and pip), no companion
    installer.setup(tmp_path / "venv", ["ipykernel", "nbclient", "nbformat", "-c", str(constraints)])
    python = tmp_path / "venv" / "bin" / "python"
    _run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"])
    pip_cache = _run([installer.BASE_PYTHON, "-m", "pip", "cache", "dir"]).stdout.strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COMPANION_", "VIRTUAL_ENV", "JUPYTER"))}
    env.update(
        {SPEC_ENV: str(wheel)},
        COMPANION_DATA_MIRROR=str(real_mirror().resolve()),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        JUPYTER_DATA_DIR=str(tmp_path / "jupyter"),  # no kernel of this machine's user: the venv's own
        PIP_CACHE_DIR=pip_cache,  # the wheels pip has already downloaded (the network is the same index)
        PATH=f"{python.parent}{os.pathsep}{env.get('PATH', '')}",
    )
    folder = tmp_path / "content"  # Colab's working folder: the notebook alone
    folder.mkdir()
    notebook = folder / Path(COLAB_NOTEBOOK).name
    shutil.copyfile(ROOT / COLAB_NOTEBOOK, notebook)
    missing = "import importlib.util, sys; sys.exit(importlib.util.find_spec('companion') is not None)"
    _run([str(python), "-c", missing], cwd=folder, env=env)  # the package is not there before

    _run([str(python), "-c", EXECUTE, notebook.name], cwd=folder, env=env, timeout=1800)

    stored = nbformat.read(ROOT / COLAB_NOTEBOOK, as_version=4)
    executed = nbformat.read(notebook, as_version=4)
    launch_stored, launch_run = (next(c for c in nb.cells if c.cell_type == "code") for nb in (stored, executed))
    assert is_launch_cell(launch_run.source) and launch_stored.outputs == []  # silent in the checkout
    said = "".join(o.get("text", "") for o in launch_run.outputs)
    assert said.startswith("Installed companion ") and wheel.name in said, launch_run.outputs
    found = differences(_normalised(code_outputs(stored)[1:]), _normalised(code_outputs(executed)[1:]))
    assert not found, f"{COLAB_NOTEBOOK} run as in Colab:\n" + "\n".join(found)
    version = _run([str(python), "-c", "import importlib.metadata as m; print(m.version('pandas'))"], env=env)
    assert f"pandas=={version.stdout.strip()}\n" in (ROOT / "requirements.txt").read_text()  # the pinned one


# --- the installer: uv gets pip's configuration, or pip sets up the environment -------------------------
def test_uv_is_given_the_indexes_find_links_and_constraints_pip_is_configured_with(monkeypatch, tmp_path):
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "file:///srv/a/simple file:///srv/b/simple")
    monkeypatch.setenv("PIP_FIND_LINKS", str(tmp_path / "wheels"))
    monkeypatch.setenv("PIP_CONSTRAINT", str(tmp_path / "constraints.txt"))
    monkeypatch.setenv("PIP_CERT", str(tmp_path / "ca.pem"))
    args, env = installer.uv_arguments(installer.pip_settings())
    pairs = list(zip(args, args[1:]))
    assert ("--index", "file:///srv/a/simple") in pairs and ("--index", "file:///srv/b/simple") in pairs
    assert ("--find-links", str(tmp_path / "wheels")) in pairs
    assert ("--constraints", str(tmp_path / "constraints.txt")) in pairs
    assert ("--index-strategy", "unsafe-best-match") in pairs and "--no-config" in args  # pip's way, pip's only
    assert env["SSL_CERT_FILE"] == str(tmp_path / "ca.pem")


def test_a_pip_setting_uv_is_not_given_sets_up_with_pip_saying_so_in_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("PIP_NO_BINARY", "six")
    said = []
    assert installer.setup(tmp_path / "env", [], say=said.append) == "pip"
    assert len(said) == 1 and "no-binary" in said[0] and "with pip instead" in said[0], said
    assert (tmp_path / "env" / "bin" / "python").is_file()


def test_uv_follows_a_constraint_of_pip_s_configuration(monkeypatch, tmp_path):
    """six==1.16.0 only through pip's configuration (PIP_CONSTRAINT), not in the requirements."""
    (tmp_path / "constraints.txt").write_text("six==1.16.0\n")
    monkeypatch.setenv("PIP_CONSTRAINT", str(tmp_path / "constraints.txt"))
    said = []
    assert installer.setup(tmp_path / "env", ["six"], say=said.append) == "uv", said
    version = _run([str(tmp_path / "env" / "bin" / "python"), "-c", "import six; print(six.__version__)"])
    assert version.stdout.strip() == "1.16.0"
