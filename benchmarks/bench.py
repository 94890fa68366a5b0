"""Time the book on this machine (``make bench``): build, rebuild, nbval, each notebook, memory.

Prints one table; asserts nothing. See benchmarks/README.md for what each figure means.

    python benchmarks/bench.py               # the figures the README quotes
    python benchmarks/bench.py --make-test   # also time the whole test suite as `make test` runs it

By default the benchmark measures the committed book: ``git archive HEAD`` is unpacked into
``_build/bench/src`` (with its own data cache, filled from the mirror before any timing, and its own
``companion`` package first on PYTHONPATH), so edits in progress in the working tree neither change
nor invalidate what is measured. ``--worktree`` measures the working tree in place instead.
Notebooks are executed as in-memory copies (never rewritten); builds go to a fresh
``_build/bench/book`` folder (its own, empty execution cache). Build logs: ``_build/bench/*.log``.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402

from companion.book.notebooks import NOTEBOOK_DIRS, SHUTDOWN  # noqa: E402

OUT = ROOT / "_build" / "bench"
SRC = ROOT  # the book measured: ROOT itself (--worktree) or a snapshot of HEAD (see snapshot())
BIN = Path(sys.executable).parent
JB = BIN / "jupyter-book"
TIME = Path("/usr/bin/time")
TARGET_CLEAN_S = 90
TARGET_TEST_S = 120
TARGET_RATIO = 0.10

PYTEST = [sys.executable, "-m", "pytest"]
NBVAL = ["--nbval", "--nbval-current-env", "-p", "no:cacheprovider", "-q"]  # as `make test` runs nbval


def machine() -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    with_name = Path("/proc/cpuinfo")
    if with_name.is_file():
        match = re.search(r"^model name\s*:\s*(.+)$", with_name.read_text(), re.M)
        cpu = match.group(1) if match else cpu
    memory = ""
    if Path("/proc/meminfo").is_file():
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        memory = f"{kb / 2**20:.1f} GiB"
    from importlib.metadata import version

    return [
        ("CPU", f"{cpu}, {os.cpu_count()} logical cores"),
        ("memory", memory),
        ("system", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("jupyter-book", version("jupyter-book")),
        ("Sphinx", version("sphinx")),
        ("load average at start", " ".join(f"{x:.2f}" for x in os.getloadavg())),
        (
            "CPU speed now",
            f"{cpu_reference():.2f} s for a fixed pure-Python loop (best of 3; lower is "
            "faster): the same machine type varies from day to day, compare runs with it",
        ),
    ]


def cpu_reference() -> float:
    """Seconds for 10 million additions in a Python loop, best of three: a yardstick for the speed
    the shared machine gives us today (the timings below scale with it)."""

    def loop() -> float:
        start, total = time.perf_counter(), 0
        for i in range(10_000_000):
            total += i
        return time.perf_counter() - start

    return min(loop() for _ in range(3))


class TreeMemory:
    """Peak of the summed resident memory of a process and all its descendants (kernels, Sphinx),
    sampled every 0.2 s with psutil (installed with ipython); None when psutil is missing."""

    def __init__(self, pid: int) -> None:
        self.peak = None
        self._stop = threading.Event()
        try:
            import psutil
        except ImportError:
            return
        self.peak = 0
        self._thread = threading.Thread(target=self._sample, args=(psutil, pid), daemon=True)
        self._thread.start()

    def _sample(self, psutil, pid: int) -> None:
        try:
            root = psutil.Process(pid)
        except psutil.Error:
            return
        while not self._stop.is_set():
            total = 0
            try:
                for proc in [root, *root.children(recursive=True)]:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
            except psutil.Error:
                break
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def stop(self) -> int | None:
        self._stop.set()
        if self.peak is not None:
            self._thread.join(timeout=5)
        return self.peak


def snapshot() -> tuple[Path, str]:
    """Unpack the committed book (git HEAD) into _build/bench/src; (folder, commit)."""
    src = OUT / "src"
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD"], check=True, capture_output=True
    ).stdout
    src.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(src, filter="data")
    return src, commit


def notebooks_of(src: Path) -> list[Path]:
    """The book's notebooks, as companion.book.notebooks.all_notebooks finds them, under ``src``."""
    return sorted(
        p for folder in NOTEBOOK_DIRS for p in (src / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts
    )


def run(cmd: list[str], *, measure_memory: bool = False) -> dict:
    """Run ``cmd`` from the book's folder; wall seconds, return code, and (optionally) peak memory."""
    timed = measure_memory and TIME.is_file()
    full = [str(TIME), "-v", *cmd] if timed else cmd
    start = time.perf_counter()
    proc = subprocess.Popen(full, cwd=SRC, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree = TreeMemory(proc.pid) if measure_memory else None
    stdout, stderr = proc.communicate()
    seconds = time.perf_counter() - start
    result = {"seconds": seconds, "returncode": proc.returncode, "stdout": stdout, "stderr": stderr}
    if measure_memory:
        result["tree_peak"] = tree.stop()
        match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr) if timed else None
        if match:
            result["max_rss"] = int(match.group(1)) * 1024
        else:  # no /usr/bin/time: the largest child process waited for so far (Linux: kilobytes)
            import resource

            result["max_rss"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return result


def build(log: str) -> dict:
    """What ``make book`` does, into the fresh folder _build/bench/book: first the notebooks that the
    execution cache lacks are executed in parallel into it (``python -m companion prerun``), then
    ``jupyter-book build`` renders. Seconds and memory cover both steps."""
    cache = OUT / "book" / "_build" / ".jupyter_cache"
    prerun = run([sys.executable, "-m", "companion", "prerun", "--cache", str(cache)], measure_memory=True)
    result = run(
        [
            str(JB),
            "build",
            "--warningiserror",
            "--nitpick",
            "--keep-going",
            "--path-output",
            str(OUT / "book"),
            str(SRC),
        ],
        measure_memory=True,
    )
    text = prerun["stderr"] + result["stdout"] + result["stderr"]
    (OUT / log).write_text(text, encoding="utf-8")
    executed = re.search(r"succeeded: (\d+)", prerun["stderr"])
    changed = re.search(r"updating environment: (?:\x1b\[[0-9;]*m)?(\d+) added, (\d+) changed", text)
    returncode = prerun["returncode"] or result["returncode"]
    note = (
        f"{executed[1] if executed else '?'} notebooks executed in parallel ({prerun['seconds']:.1f} s), "
        f"{len(re.findall('Executed notebook in', text))} by the build, "
        f"{len(re.findall('Using cached notebook', text))} from cache"
        + (f", {int(changed[1]) + int(changed[2])} pages read" if changed else "")
        + ("" if returncode == 0 else f"; exit {returncode}, see _build/bench/{log}")
    )
    peaks = [x for x in (prerun.get("tree_peak"), result.get("tree_peak")) if x is not None]
    return {
        "seconds": prerun["seconds"] + result["seconds"],
        "returncode": returncode,
        "note": note,
        "max_rss": max(prerun.get("max_rss") or 0, result.get("max_rss") or 0) or None,
        "tree_peak": max(peaks) if peaks else None,
    }


def execute_copy(nb, folder: Path) -> float:
    """Seconds to execute an in-memory notebook in a fresh kernel, working directory ``folder``
    (as `make execute`, nbval and jupyter-book run it); the kernel start is included."""
    start = time.perf_counter()
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        record_timing=False,
        shutdown_kernel=SHUTDOWN,
        resources={"metadata": {"path": str(folder)}},
    ).execute()
    return time.perf_counter() - start


def fresh_copy(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nb


def kernel_startup() -> float:
    """Median seconds to execute a one-cell notebook (`pass`): start a kernel, run, stop it."""
    trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    trivial.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return statistics.median(execute_copy(trivial, SRC) for _ in range(3))


def mib(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:,.0f} MiB"


def verdict(ok: bool) -> str:
    return "meets target" if ok else "MISSES target"


def table(rows: list[tuple[str, str, str]], title: str) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    print(f"\n{title}")
    for row in rows:
        print(
            "  "
            + "  ".join(
                cell.ljust(w) if i != 1 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))
            ).rstrip()
        )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--make-test",
        action="store_true",
        help="also time the whole test suite (the command `make test` runs; several minutes)",
    )
    parser.add_argument(
        "--worktree", action="store_true", help="measure the working tree in place instead of a snapshot of git HEAD"
    )
    args = parser.parse_args(argv)
    global SRC
    if not os.environ.get("COMPANION_DATA_MIRROR"):
        print("note: COMPANION_DATA_MIRROR is not set; raw files come from the cache in data/raw/", file=sys.stderr)

    info = machine()
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    if args.worktree:
        what = "the working tree"
    else:
        SRC, commit = snapshot()
        what = f"commit {commit} (git HEAD)"
        os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
        fetched = run([sys.executable, "-m", "companion", "fetch"])  # as `make book` does first
        if fetched["returncode"]:
            print(f"fetching the data failed:\n{fetched['stderr'][-2000:]}", file=sys.stderr)
            return 1
    notebooks = notebooks_of(SRC)
    print(
        f"Benchmark of the companion book, {what}, {len(notebooks)} notebooks, {time.strftime('%Y-%m-%d')}", flush=True
    )
    for key, value in info:
        print(f"  {key}: {value}")

    print("\nclean build ...", flush=True)
    clean = build("clean-build.log")
    print("no-change rebuild ...", flush=True)
    rebuild = build("rebuild.log")

    print("nbval suite ...", flush=True)
    nbval = run([*PYTEST, "chapters", "about", *NBVAL])
    summary = (nbval["stdout"].strip().splitlines() or ["?"])[-1].strip("= ")

    make_test = None
    if args.make_test:
        print("test suite (make test's command) ...", flush=True)
        make_test = run(
            [
                *PYTEST,
                "tests",
                "chapters",
                "about",
                *NBVAL,
                "-n",
                "2",
                "--dist",
                "loadgroup",
            ]
        )

    print("kernel start-up and each notebook ...", flush=True)
    startup = kernel_startup()
    per_notebook = []
    for path in notebooks:
        try:
            seconds = execute_copy(fresh_copy(path), path.parent)
            per_notebook.append((path, seconds, ""))
        except Exception as exc:  # a benchmark reports, it does not stop
            per_notebook.append((path, None, type(exc).__name__))

    ratio = rebuild["seconds"] / clean["seconds"]
    rows = [
        ("measure", "value", "target / note"),
        (
            "clean build (fresh dir, empty cache)",
            f"{clean['seconds']:.1f} s",
            f"< {TARGET_CLEAN_S} s: {verdict(clean['seconds'] < TARGET_CLEAN_S)}",
        ),
        ("  what the clean build did", "", clean["note"]),
        ("no-change rebuild (same dir)", f"{rebuild['seconds']:.1f} s", rebuild["note"]),
        ("rebuild / clean build", f"{ratio:.3f}", f"<= {TARGET_RATIO:.2f}: {verdict(ratio <= TARGET_RATIO)}"),
        ("nbval suite (chapters, about)", f"{nbval['seconds']:.1f} s", summary),
    ]
    if make_test:
        rows.append(
            (
                "test suite (make test, after install)",
                f"{make_test['seconds']:.1f} s",
                f"< {TARGET_TEST_S} s: {verdict(make_test['seconds'] < TARGET_TEST_S)}; "
                + (make_test["stdout"].strip().splitlines() or ["?"])[-1].strip("= "),
            )
        )
    else:
        rows.append(("test suite (make test)", "not run", f"target < {TARGET_TEST_S} s; time it with --make-test"))
    rows += [
        (
            "peak memory, clean build: largest process",
            mib(clean.get("max_rss")),
            "/usr/bin/time -v" if TIME.is_file() else "getrusage(RUSAGE_CHILDREN)",
        ),
        (
            "peak memory, clean build: whole process tree",
            mib(clean.get("tree_peak")),
            "sum of RSS of the executor (or jupyter-book) and its kernels, sampled every 0.2 s",
        ),
        ("kernel start-up (one-cell notebook, median of 3)", f"{startup:.2f} s", ""),
    ]
    table(rows, "Build and test")

    rows = [("notebook", "seconds", "kernel start-up share")]
    total = 0.0
    for path, seconds, error in per_notebook:
        name = str(path.relative_to(SRC))
        if seconds is None:
            rows.append((name, "failed", error))
        else:
            total += seconds
            rows.append((name, f"{seconds:.1f}", f"{100 * min(startup / seconds, 1):.0f} %"))
    done = [s for _, s, _ in per_notebook if s is not None]
    if done:
        rows.append(
            ("all notebooks, one after another", f"{total:.1f}", f"{100 * min(startup * len(done) / total, 1):.0f} %")
        )
    table(rows, "Each notebook executed in a fresh kernel (in-memory copy)")
    print(
        f"\n  load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"(other processes on the machine slow every figure above)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
