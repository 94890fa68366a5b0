"""Execute the book's notebooks in place, deterministically (``make execute``; ``python -m companion execute``).

Outputs are stored in the notebooks so that nbval can compare a fresh run against them. Execution
uses a fresh kernel per notebook, with the notebook's folder as working directory (as nbval and
jupyter-book do), records no timing metadata, and fails on the first cell error.

After the last cell the kernel is stopped at once (``SHUTDOWN``), as nbval stops its kernels, rather
than shut down gracefully: a graceful shutdown tears down pandas, matplotlib and the rest and costs
about a second of CPU per notebook, and a notebook has nothing left to do by then (its cells have
written their figures, atomically). On Ctrl-C (or SIGTERM) the kernel is killed, with anything it
started: kernels run in a session of their own and do not see the terminal's Ctrl-C.

Kernels talk to their client over local TCP with CurveZMQ keys (``transport_encryption``), so that
no kernel warns about unencrypted traffic on every run.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import nbformat
from jupyter_client import KernelManager
from nbclient import NotebookClient

from companion.sources import ROOT

NOTEBOOK_DIRS = ("chapters", "about")
SHUTDOWN = "immediate"  # nbclient's NotebookClient.shutdown_kernel (see above)


def all_notebooks() -> list[Path]:
    found = []
    for folder in NOTEBOOK_DIRS:
        found += [p for p in (ROOT / folder).rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts]
    return sorted(found)


def execute(path: Path, timeout: int = 600) -> None:
    path = Path(path).resolve()
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:  # start from a clean slate: no stale outputs or timings
        cell.get("metadata", {}).pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    run(nb, path.parent, timeout)
    nb.metadata.pop("widgets", None)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)


def run(nb: nbformat.NotebookNode, cwd: Path, timeout: int = 600) -> nbformat.NotebookNode:
    """Execute ``nb`` in a fresh kernel with ``cwd`` as working directory; stop at the first error.

    nbclient runs in a thread of its own, so that it installs no signal handlers (from the main
    thread it catches Ctrl-C and SIGTERM, schedules the kernel's shutdown and goes on waiting for the
    dead kernel); this thread waits, and on any interruption kills the kernel and lets it propagate.
    """
    km = kernel_manager()
    client = NotebookClient(
        nb,
        km=km,
        timeout=timeout,
        kernel_name=km.kernel_name,
        record_timing=False,
        shutdown_kernel=SHUTDOWN,
        resources={"metadata": {"path": str(cwd)}},
    )
    failure: list[BaseException] = []

    def target():
        try:
            client.execute(cleanup_kc=True)  # then stops the kernel, as when nbclient owns the manager
        except BaseException as exc:  # handed to the waiting thread
            failure.append(exc)

    thread = threading.Thread(target=target, name=f"execute {cwd}", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.5)
    finally:
        kill_kernel(km)  # nothing left to kill after a normal end
    if failure:
        raise failure[0]
    return nb


# errors of the book's code that say in one line what is wrong with a data file (a schema, a hash, a key)
EXPECTED_ERRORS = ("SchemaError", "DataFileError", "UnknownKeyError")


def expected_failure(exc: BaseException) -> str | None:
    """The one-line message of a notebook cell that failed on a bad data file (a
    ``CellExecutionError`` whose exception is one of :data:`EXPECTED_ERRORS`), else None: the
    commands print it as their ``error:`` line instead of the cell's traceback."""
    if getattr(exc, "ename", None) in EXPECTED_ERRORS:
        return str(exc.evalue)
    return None


def execute_checked(path: Path) -> str | None:
    """Execute ``path`` in place (:func:`execute`): None when it ran, else the one-line message of an
    expected failure (:func:`expected_failure`: a bad data file); any other failure is raised."""
    from nbclient.exceptions import CellExecutionError

    try:
        execute(path)
    except CellExecutionError as exc:
        message = expected_failure(exc)
        if message is None:
            raise
        return message
    return None


def kernel_manager(kernel_name: str = "python3") -> KernelManager:
    """A manager for one fresh kernel, with encrypted local transport (see above)."""
    return KernelManager(kernel_name=kernel_name, transport_encryption="auto")


def kill_kernel(km: KernelManager) -> None:
    """Kill the kernel of ``km`` and its process group, if it still runs (nothing else to wait for:
    safe to call from a signal handler)."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)  # the kernel leads a session of its own
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
