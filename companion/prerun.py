"""Execute, in parallel, the notebooks that jupyter-book's execution cache lacks (``make book``;
``python -m companion prerun``).

``jupyter-book build`` (``execute_notebooks: cache``) executes one notebook after another; run first,
this fills the same cache over all the machine's cores, so the build only renders. Each notebook runs
as ``companion.notebooks.execute`` runs it (a fresh kernel, the notebook's folder as working
directory, the kernel stopped at once after the last cell), in a worker process of its own; this
process alone writes to the cache, one finished notebook at a time, as jupyter-cache's own executors
would (``cache_notebook_bundle``).

Stopping: one Ctrl-C (or SIGTERM) stops everything within a few seconds. Workers ignore Ctrl-C; this
process then sends them SIGTERM, on which each kills its kernel and exits (SIGKILL after a grace
period). A cache write is never interrupted halfway (signals wait until it is done), so the cache
holds only whole results, and the next run executes what is missing.
"""

from __future__ import annotations

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

from .notebooks import all_notebooks, expected_failure, run

GRACE = 5.0  # seconds a worker has to kill its kernel and exit after SIGTERM


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
        except (CellExecutionError, CellTimeoutError) as exc:
            message = expected_failure(exc)
            conn.send(("excepted", str(exc) if message is None else f"error: {message}", time.perf_counter() - start))
        except Exception:
            conn.send(("errored", traceback.format_exc(), time.perf_counter() - start))
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
    code (``workers`` at a time: default one per CPU core), and store the results there. A notebook
    that fails is not cached: the build then runs it again and reports the error. Returns the notebook
    paths per outcome (succeeded, excepted, errored).
    """
    cache = get_cache(str(cache_dir))
    stale = []
    for path in notebooks or all_notebooks():  # what jupyter-book will look up: the code's hash
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            stale.append(str(Path(path).resolve()))
    outcome: dict[str, list[str]] = {"succeeded": [], "excepted": [], "errored": []}
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
                    print(f"{path}: {value}", file=sys.stderr)
                outcome[kind].append(path)
    except BaseException:
        _stop([process for process, _ in running.values()])
        raise
    return {kind: sorted(paths) for kind, paths in outcome.items()}
