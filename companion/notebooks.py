"""Execute the book's notebooks in place, deterministically (``make execute``; ``python -m companion execute``).

Outputs are stored in the notebooks so that nbval can compare a fresh run against them. Execution
uses a fresh kernel per notebook, with the notebook's folder as working directory (as nbval and
jupyter-book do), records no timing metadata, and fails on the first cell error.

After the last cell the kernel is stopped at once (``SHUTDOWN``), as nbval stops its kernels, rather
than shut down gracefully: a graceful shutdown tears down pandas, matplotlib and the rest and costs
about a second of CPU per notebook, and a notebook has nothing left to do by then (its cells have
written their figures, atomically).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .sources import ROOT

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
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False, shutdown_kernel=SHUTDOWN,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)
