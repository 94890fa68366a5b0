"""From a fresh clone to the first page (issue 30): time ``make book`` in a fresh clone against a clean
``make book`` with the environment already there, and the set-up alone with uv and with pip.

Prints one table; asserts nothing. All in one run, on this machine:

1. ``git clone`` of this checkout (its committed HEAD) into ``_build/bench-first-page/clone``, then
   ``make book`` there: set-up of ``.venv`` (companion/book/installer.py), data from the mirror,
   every notebook executed, the build. The figure issue 30 calls a fresh clone's ``make book``.
2. In the same clone, ``make clean`` and its raw-data cache removed, then ``make book`` again: the
   same fetch, execution of every notebook and build, with ``.venv`` in place.
3. The ratio of the two (target: at most 1.3), i.e. what the one-time set-up adds.
4. The set-up alone, ``python3 companion/book/installer.py <folder> -r requirements.txt``, with uv and with
   pip (``COMPANION_INSTALLER=pip``), each into a new folder, and whether the two environments hold
   the same packages at the same versions (``pip freeze --all``, the clone's own ``.venv`` too).

The package caches are this machine's as they are (say whether they were warm: uv's and pip's
cache folders are listed with their sizes); ``--cold`` gives every installer empty caches instead
(everything is then downloaded from the package index). Needs ``COMPANION_DATA_MIRROR`` (the
network reaches only package indexes here) and is run with the book's interpreter::

    .venv/bin/python benchmarks/first_page.py [--cold]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from bench import cpu_reference, table  # noqa: E402

from companion.book.installer import BASE_PYTHON  # noqa: E402

OUT = ROOT / "_build" / "bench-first-page"
TARGET_RATIO = 1.3
NOT_PASSED = ("MAKE", "MFLAGS", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "COMPANION_INSTALLER")


def clean_env(**extra: str) -> dict[str, str]:
    """This process's environment without what ties it to this checkout's make or .venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(NOT_PASSED)}
    bin_dir = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != bin_dir)
    return {**env, **extra}


def timed(command: list, cwd: Path, env: dict, log: str) -> dict:
    start = time.perf_counter()
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    (OUT / log).write_text(result.stdout + result.stderr, encoding="utf-8")
    note = "" if result.returncode == 0 else f"exit {result.returncode}, see {OUT.relative_to(ROOT)}/{log}"
    return {"seconds": seconds, "returncode": result.returncode, "note": note, "stderr": result.stderr}


def freeze(python: Path) -> list[str]:
    """``pip freeze --all`` of the environment of ``python`` (pip, setuptools and wheel included);
    the editable checkout's own line left out (its path differs)."""
    out = subprocess.run(
        [BASE_PYTHON, "-m", "pip", "--python", str(python), "freeze", "--all"],
        capture_output=True,
        text=True,
        check=True,
        env=clean_env(),
    ).stdout
    return sorted(line for line in out.splitlines() if not line.startswith("-e "))


def folder_size(path: Path) -> str:
    if not path.is_dir():
        return "absent"
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return f"{total / 2**20:,.0f} MiB"


def cache_dirs() -> list[tuple[str, Path]]:
    uv = Path(os.environ.get("UV_CACHE_DIR") or Path.home() / ".cache" / "uv")
    pip = subprocess.run([BASE_PYTHON, "-m", "pip", "cache", "dir"], capture_output=True, text=True).stdout.strip()
    return [("uv cache", uv), ("pip cache", Path(pip) if pip else Path.home() / ".cache" / "pip")]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cold", action="store_true", help="empty uv and pip caches for every installer")
    args = parser.parse_args(argv)
    mirror = os.environ.get("COMPANION_DATA_MIRROR")
    if not mirror:
        print(
            "error: set COMPANION_DATA_MIRROR (e.g. ../shared/data): the clone fetches its data from it",
            file=sys.stderr,
        )
        return 2
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    extra = {"COMPANION_DATA_MIRROR": str(Path(mirror).resolve())}
    caches = tempfile.TemporaryDirectory(dir=OUT, prefix="caches-") if args.cold else None
    if caches:
        extra |= {"UV_CACHE_DIR": f"{caches.name}/uv", "PIP_CACHE_DIR": f"{caches.name}/pip"}
    env = clean_env(**extra)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    print(f"From a fresh clone to the first page: commit {commit} (git HEAD), {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"  {os.cpu_count()} logical cores; load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"  CPU speed now: {cpu_reference():.2f} s for the fixed Python loop of make bench (lower is faster)")
    for name, path in cache_dirs() if not caches else []:
        print(f"  {name} at start: {path} ({folder_size(path)})")
    if caches:
        print("  caches: empty for every installer (--cold)")

    clone = OUT / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    print("\nmake book in a fresh clone ...", flush=True)
    fresh = timed(["make", "book"], clone, env, "fresh-clone.log")
    print("make book again after make clean (.venv in place, raw-data cache removed) ...", flush=True)
    subprocess.run(["make", "clean"], cwd=clone, env=env, capture_output=True, check=True)
    shutil.rmtree(clone / "data" / "raw", ignore_errors=True)
    clean = timed(["make", "book"], clone, env, "clean-build.log")

    setups = {}
    for installer in ("uv", "pip"):
        print(f"set-up alone with {installer} ...", flush=True)
        setups[installer] = timed(
            [
                BASE_PYTHON,
                clone / "companion" / "book" / "installer.py",
                OUT / f"venv-{installer}",
                "-r",
                "requirements.txt",
            ],
            clone,
            clean_env(**extra, **({"COMPANION_INSTALLER": "pip"} if installer == "pip" else {})),
            f"setup-{installer}.log",
        )
    used = {name: "pip" if "setting it up with pip" in r["stderr"] else name for name, r in setups.items()}
    frozen = {
        name: freeze(OUT / f"venv-{name}" / "bin" / "python") for name in setups if not setups[name]["returncode"]
    }
    if not fresh["returncode"]:
        frozen["fresh clone's .venv"] = freeze(clone / ".venv" / "bin" / "python")
    same = len({tuple(v) for v in frozen.values()}) == 1 and len(frozen) == 3

    ratio = fresh["seconds"] / clean["seconds"]
    rows = [
        ("measure", "value", "target / note"),
        ("make book, fresh clone", f"{fresh['seconds']:.1f} s", fresh["note"] or "set-up, data, every notebook, build"),
        (
            "make book, clean, .venv in place",
            f"{clean['seconds']:.1f} s",
            clean["note"] or "data, every notebook, build",
        ),
        (
            "fresh clone / clean",
            f"{ratio:.2f}",
            f"<= {TARGET_RATIO}: {'meets' if ratio <= TARGET_RATIO else 'MISSES'} target",
        ),
        ("  what the set-up added", f"{fresh['seconds'] - clean['seconds']:.1f} s", ""),
        (
            "set-up alone with uv",
            f"{setups['uv']['seconds']:.1f} s",
            setups["uv"]["note"] or ("uv" if used["uv"] == "uv" else "uv fell back to pip: see setup-uv.log"),
        ),
        ("set-up alone with pip", f"{setups['pip']['seconds']:.1f} s", setups["pip"]["note"] or "pip"),
        ("pip / uv", f"{setups['pip']['seconds'] / setups['uv']['seconds']:.1f}", ""),
        (
            "same packages and versions",
            "yes" if same else "NO",
            f"pip freeze --all of {', '.join(frozen)} ({len(next(iter(frozen.values()), []))} lines)",
        ),
    ]
    table(rows, "From a fresh clone to the first page")
    if not same:
        names = list(frozen)
        for other in names[1:]:
            extra_lines = sorted(set(frozen[names[0]]) ^ set(frozen[other]))
            print(f"  {names[0]} vs {other}: {' '.join(extra_lines) or 'same'}")
    print(f"\n  load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, path in cache_dirs() if not caches else []:
        print(f"  {name} at end: {folder_size(path)}")
    if caches:
        caches.cleanup()
    return 0 if not (fresh["returncode"] or clean["returncode"]) else 1


if __name__ == "__main__":
    sys.exit(main())
