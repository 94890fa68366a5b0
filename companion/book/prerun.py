"""Execute, in parallel, the notebooks that jupyter-book's execution cache lacks (``make book``;
``python -m companion prerun``).

``jupyter-book build`` (``execute_notebooks: cache``) executes one notebook after another; run first,
this fills the same cache over all the machine's cores, so the build only renders. Each notebook runs
as ``companion.book.notebooks.execute`` runs it (a fresh kernel, the notebook's folder as working
directory, the kernel stopped at once after the last cell), in a worker process of its own; this
process alone writes to the cache, one finished notebook at a time, as jupyter-cache's own executors
would (``cache_notebook_bundle``).

Stopping: one Ctrl-C (or SIGTERM) stops everything within a few seconds. Workers ignore Ctrl-C; this
process then sends them SIGTERM, on which each kills its kernel and exits (SIGKILL after a grace
period). A cache write is never interrupted halfway (signals wait until it is done), so the cache
holds only whole results, and the next run executes what is missing.

What the cache holds is valid only for the inputs it was executed with. jupyter-cache keys a notebook
on its code cells alone, so a change to the package, a data declaration or a published table would
leave the old outputs in place. ``sync_cache`` therefore records, beside the cache, a fingerprint of
everything a notebook reads besides its own code (``NOTEBOOK_INPUTS``: the package, data/*.yaml,
data/published/, data/mappings/, requirements.txt and the ``execute`` settings of _config.yml); when
it differs, the whole cache is emptied (the simplest honest rule: every notebook runs again). Both
this command and the build (``_ext/incremental.py``) call it, so a ``jupyter-book build`` run on its
own is as safe as ``make book``.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
import traceback
from contextlib import contextmanager
from multiprocessing.connection import wait
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.base import CacheBundleIn
from nbclient.exceptions import CellExecutionError, CellTimeoutError

from companion.book.notebooks import all_notebooks, expected_failure, run
from companion.sources import ROOT

GRACE = 5.0  # seconds a worker has to kill its kernel and exit after SIGTERM

# what a notebook reads besides its own code, as globs under the book's root (see the module's text)
NOTEBOOK_INPUTS = (
    "companion/**/*.py",
    "companion/**/*.mplstyle",
    "data/*.yaml",
    "data/*.csv",
    "data/published/**/*",
    "data/mappings/**/*",
    "about/computing-environment.json",
    "requirements.txt",
)
# the publication's address and repository, which the notebooks write into every figure's citation
NOTEBOOK_ENVIRONMENT = ("COMPANION_BASE_URL", "COMPANION_REPOSITORY")
FINGERPRINT = "companion-inputs.json"  # beside the cache's own files


def _config_execute(root: Path) -> object:
    import yaml

    config = root / "_config.yml"
    if not config.is_file():
        return None
    return (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("execute")


def fingerprint(root: Path = ROOT, patterns: tuple[str, ...] = NOTEBOOK_INPUTS) -> dict:
    """The sha256 of every file matched by ``patterns`` under ``root`` (by relative path), and the
    ``execute`` settings of _config.yml: what the cached outputs were computed from."""
    root = Path(root)
    files = {}
    for pattern in patterns:
        for path in root.glob(pattern):
            if path.is_file() and "__pycache__" not in path.parts:
                files[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    environment = {name: os.environ.get(name, "") for name in NOTEBOOK_ENVIRONMENT}
    return {"files": dict(sorted(files.items())), "execute": _config_execute(root), "environment": environment}


def changed_inputs(old: dict | None, new: dict) -> list[str]:
    """The inputs that differ between two fingerprints (for the message saying why all re-runs)."""
    if not old:
        return ["(no record)"]
    names = sorted(set(old.get("files", {})) | set(new["files"]))
    changed = [name for name in names if old.get("files", {}).get(name) != new["files"].get(name)]
    if old.get("execute") != new["execute"]:
        changed.append("_config.yml (execute)")
    before = old.get("environment", {})
    changed += [name for name in NOTEBOOK_ENVIRONMENT if before.get(name) != new["environment"][name]]
    return changed


def sync_cache(cache_dir: Path, root: Path = ROOT) -> list[str]:
    """Empty the execution cache at ``cache_dir`` if it was filled from other inputs than the current
    ones (or has no record of them), and record the current ones. Returns the inputs that changed
    (empty when the cache is valid)."""
    cache_dir = Path(cache_dir)
    record = cache_dir / FINGERPRINT
    current = fingerprint(root)
    try:
        old = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = None
    if old == current:
        return []
    changed = changed_inputs(old, current)
    if cache_dir.exists():
        get_cache(str(cache_dir)).clear_cache()  # removes the folder
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = record.with_name(f".{record.name}.tmp")
    tmp.write_text(json.dumps(current, indent=1), encoding="utf-8")
    tmp.replace(record)
    return changed


def failing_cell(nb: nbformat.NotebookNode) -> str:
    """Which cell of an executed notebook failed, and how: 'cell 7 (`x = f()`): ValueError: ...'."""
    for index, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                source = next((line for line in cell.source.splitlines() if line.strip()), "")
                value = (output.get("evalue") or "").strip().splitlines()
                return f"cell {index} (`{source.strip()[:60]}`): {output.get('ename')}: {value[0] if value else ''}"
    return ""


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def _worker(path: str, timeout: int, conn) -> None:
    """Execute one notebook and send (outcome, notebook or error text, seconds) back; on SIGTERM kill
    the kernel and exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides what a Ctrl-C stops
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        nb = nbformat.read(path, as_version=4)
        start = time.perf_counter()
        try:
            run(nb, Path(path).parent, timeout)
            conn.send(("succeeded", nb, time.perf_counter() - start))
        except CellExecutionError as exc:  # a bad data file says what to do; any other fault, where it is
            message = expected_failure(exc)
            conn.send(("excepted", message or failing_cell(nb) or "a cell failed", time.perf_counter() - start))
        except CellTimeoutError as exc:
            conn.send(("excepted", str(exc).strip().splitlines()[0], time.perf_counter() - start))
        except Exception:
            lines = traceback.format_exc().strip().splitlines()
            conn.send(("errored", lines[-1], time.perf_counter() - start))
        conn.close()
    except KeyboardInterrupt:
        os._exit(1)  # the kernel is dead already (notebooks.run); nothing else to clean up
    os._exit(0)  # no interpreter teardown in a forked copy of the parent


@contextmanager
def _signals_deferred():
    """Ctrl-C and SIGTERM wait until the block is done (a cache write is never cut halfway)."""
    deferred = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, deferred)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, deferred)


def _stop(processes) -> None:
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join()


def execute_into_cache(
    cache_dir: Path, notebooks: list[Path] | None = None, workers: int | None = None, timeout: int = 600
) -> dict[str, list[str]]:
    """Execute every notebook that the execution cache at ``cache_dir`` does not hold for its current
    code and inputs (``workers`` at a time: default one per CPU core), and store the results there.
    A notebook that fails is not cached (it runs again next time). Returns the notebook paths per
    outcome (succeeded, excepted, errored) and, under ``failures``, one line per failed notebook
    saying which cell failed and how.
    """
    changed = sync_cache(cache_dir)
    if changed and changed != ["(no record)"]:
        shown = ", ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
        print(f"inputs changed ({shown}): every notebook runs again", file=sys.stderr)
    cache = get_cache(str(cache_dir))
    stale = []
    for path in notebooks or all_notebooks():  # what jupyter-book will look up: the code's hash
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            stale.append(str(Path(path).resolve()))
    outcome: dict[str, list[str]] = {"succeeded": [], "excepted": [], "errored": []}
    failures: list[str] = []
    context = multiprocessing.get_context("fork")  # the workers start with the package imported
    workers = max(1, workers or os.cpu_count() or 1)
    running: dict = {}  # receiving end of a worker's pipe -> (process, notebook path)
    pending = list(stale)
    try:
        while pending or running:
            while pending and len(running) < workers:
                path = pending.pop(0)
                receive, send = context.Pipe(duplex=False)
                process = context.Process(target=_worker, args=(path, timeout, send), daemon=True)
                process.start()
                send.close()
                running[receive] = (process, path)
            for receive in wait(list(running)):
                process, path = running.pop(receive)
                try:
                    kind, value, seconds = receive.recv()
                except EOFError:
                    process.join()
                    kind, value = "errored", f"worker process ended with status {process.exitcode}"
                receive.close()
                process.join()
                if kind == "succeeded":
                    with _signals_deferred():
                        cache.cache_notebook_bundle(
                            CacheBundleIn(value, path, data={"execution_seconds": seconds}),
                            check_validity=False,
                            overwrite=True,
                        )
                else:
                    failures.append(f"{_shown(path)}: {value}")
                outcome[kind].append(path)
    except BaseException:
        _stop([process for process, _ in running.values()])
        raise
    result: dict[str, list[str]] = {kind: sorted(paths) for kind, paths in outcome.items()}
    if failures:
        result["failures"] = sorted(failures)
    return result


def _shown(path: str) -> str:
    try:
        return Path(path).relative_to(ROOT).as_posix()
    except ValueError:
        return path
