"""Execute, in parallel, the notebooks that jupyter-book's execution cache lacks (``make book``;
``python -m companion prerun``).

``jupyter-book build`` (``execute_notebooks: cache``) executes one notebook after another; run first,
this fills the same cache over all the machine's cores, so the build only renders. It is jupyter-cache's
own ``local-parallel`` executor (as ``jcache project execute --executor local-parallel``): a fresh
kernel per notebook, the notebook's folder as working directory; only its workers differ, in stopping
each kernel at once after the last cell, as ``companion.notebooks`` does (jupyter-cache passes no
options to nbclient).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from jupyter_cache.executors.basic import ExecutionWorkerLocalMProc, JupyterExecutorLocalMproc
from jupyter_cache.executors.utils import single_nb_execution

from .notebooks import SHUTDOWN, all_notebooks


class _Worker(ExecutionWorkerLocalMProc):
    @staticmethod
    def execute(project_nb, data):
        return single_nb_execution(project_nb.nb, cwd=str(Path(project_nb.uri).parent), timeout=data.timeout,
                                   allow_errors=data.allow_errors, shutdown_kernel=SHUTDOWN)


class _Executor(JupyterExecutorLocalMproc):
    _EXECUTION_WORKER = _Worker


def execute_into_cache(cache_dir: Path, notebooks: list[Path] | None = None) -> dict[str, list[str]]:
    """Execute every notebook that the execution cache at ``cache_dir`` does not hold for its current
    code, and store the results there. A notebook that fails is not cached: the build then runs it
    again and reports the error. Returns the notebook paths per outcome (succeeded, excepted, errored).
    """
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
    result = _Executor(cache=cache).run_and_cache(filter_uris=stale, timeout=600)
    return {"succeeded": sorted(result.succeeded), "excepted": sorted(result.excepted),
            "errored": sorted(result.errored)}
