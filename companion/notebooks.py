"""Execute the book's notebooks in place, deterministically (``make execute``; ``python -m companion execute``).

Outputs are stored in the notebooks so that nbval can compare a fresh run against them. Execution
uses a fresh kernel per notebook, with the notebook's folder as working directory (as nbval and
jupyter-book do), records no timing metadata, and fails on the first cell error.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .sources import ROOT

NOTEBOOK_DIRS = ("chapters", "about")


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
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    nb.metadata.pop("widgets", None)
    tmp = path.with_name(f".{path.name}.tmp")
    nbformat.write(nb, tmp)
    tmp.replace(path)


def execute_into_cache(cache_dir: Path, notebooks: list[Path] | None = None) -> dict[str, list[str]]:
    """Execute, in parallel over the machine's cores, every notebook that jupyter-book's execution
    cache at ``cache_dir`` does not hold for its current code, and store the results there.

    ``jupyter-book build`` (``execute_notebooks: cache``) then finds every notebook cached and only
    renders; it executes one notebook after another, so on a 2-core machine this halves a clean
    build. It is jupyter-cache's own ``local-parallel`` executor (as ``jcache project execute
    --executor local-parallel``): a fresh kernel per notebook, the notebook's folder as working
    directory. A notebook that fails is not cached: the build then runs it again and reports the
    error. Returns the notebook paths per outcome (succeeded, excepted, errored).
    """
    from jupyter_cache import get_cache
    from jupyter_cache.executors import load_executor

    cache = get_cache(str(cache_dir))
    stale = []
    for path in notebooks or all_notebooks():  # what jupyter-book will look up: the code's hash
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            stale.append(str(Path(path).resolve()))
    if not stale:
        return {"succeeded": [], "excepted": [], "errored": []}
    for path in stale:
        cache.add_nb_to_project(path)
    executor = load_executor("local-parallel", cache=cache)
    result = executor.run_and_cache(filter_uris=stale, timeout=600)
    return {"succeeded": sorted(result.succeeded), "excepted": sorted(result.excepted),
            "errored": sorted(result.errored)}
