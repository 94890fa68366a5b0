"""Every notebook gives the same text outputs and the same exported figure files on every run.

Each notebook is executed twice, each time in a fresh kernel on a fresh in-memory copy (nothing is
written next to the notebook, the committed file is never touched), with the notebook's folder as
working directory, as ``make execute``, nbval and jupyter-book run it. The figures it exports with
``companion.figures.save`` go to a private folder per run (``figures.FIGURE_DIR`` is pointed there
before the first cell; the shared ``_static/figures/`` that other builds write into is not used).

The two runs must agree exactly, with nothing normalised: every output of every code cell (streams,
text/html/markdown/latex/json/svg representations, glue records and their metadata) except the
``image/png`` bytes, and the sha256 of every exported file (PNG, SVG, CSV, citation, BibTeX).
A timestamp, a memory address, an unseeded random draw or an unordered iteration that reaches an
output or a file fails here, naming the cell or the file.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from companion.notebooks import all_notebooks
from conftest import ROOT

NOTEBOOKS = all_notebooks()
SKIPPED_MIME = {"image/png"}  # raster bytes: compared through the exported files' hashes instead

# Run in the kernel before the notebook's first cell: exported figures go to a private folder.
REDIRECT = """\
import companion.figures as _companion_figures
from pathlib import Path as _Path
assert hasattr(_companion_figures, "FIGURE_DIR"), "companion.figures has no FIGURE_DIR to redirect"
_companion_figures.FIGURE_DIR = _Path({folder!r})
del _companion_figures, _Path
"""


def execute_copy(path: Path, figure_dir: Path, timeout: int = 600) -> tuple[list[list[dict]], dict[str, str]]:
    """Execute an in-memory copy of ``path`` in a fresh kernel; (outputs per code cell, sha256 per
    exported file name)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    figure_dir.mkdir(parents=True)
    nb.cells.insert(0, nbformat.v4.new_code_cell(REDIRECT.format(folder=str(figure_dir))))
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    redirect, *cells = nb.cells
    assert not redirect.outputs, f"the figure redirection printed something: {redirect.outputs}"
    outputs = [[comparable(o) for o in cell.outputs] for cell in cells if cell.cell_type == "code"]
    files = {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
             for p in sorted(figure_dir.iterdir()) if p.is_file()}
    return outputs, files


def comparable(output) -> dict:
    """One output as plain data, without the PNG bytes."""
    output = json.loads(json.dumps(output))
    for key in ("data", "metadata"):
        if key in output:
            output[key] = {mime: value for mime, value in output[key].items() if mime not in SKIPPED_MIME}
    return output


def differences(first, second) -> list[str]:
    """Human-readable differences between two runs' (outputs, files)."""
    (outputs1, files1), (outputs2, files2) = first, second
    found = []
    if len(outputs1) != len(outputs2):
        found.append(f"{len(outputs1)} vs {len(outputs2)} code cells")
    for index, (cell1, cell2) in enumerate(zip(outputs1, outputs2)):
        if cell1 != cell2:
            text1 = json.dumps(cell1, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
            text2 = json.dumps(cell2, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
            diff = list(difflib.unified_diff(text1, text2, "run 1", "run 2", n=1, lineterm=""))
            found.append(f"code cell {index + 1} (counting code cells from 1): outputs differ\n"
                         + "\n".join(diff[:40]) + ("\n..." if len(diff) > 40 else ""))
    for name in sorted(set(files1) | set(files2)):
        if files1.get(name) != files2.get(name):
            found.append(f"exported file {name}: sha256 {files1.get(name, 'absent')} vs {files2.get(name, 'absent')}")
    return found


def run_twice(path: Path, scratch: Path) -> list[str]:
    first = execute_copy(path, scratch / "run1" / "figures")
    second = execute_copy(path, scratch / "run2" / "figures")
    return differences(first, second)


def test_there_are_notebooks_to_check():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_two_fresh_runs_give_identical_outputs_and_figure_files(path, tmp_path):
    found = run_twice(path, tmp_path)
    assert not found, f"{path.relative_to(ROOT)} is not deterministic:\n" + "\n\n".join(found)
