"""Every notebook gives the same text outputs and the same exported figure files on every run.

A test session executes every notebook twice, each time in a fresh kernel, with the notebook's folder
as working directory:

* run 1 is the clean build (fixture ``built_book``): jupyter-book executes every notebook into an
  empty execution cache (jupyter-cache keeps each executed notebook, outputs untouched);
* run 2 is nbval (``make test`` passes ``--nbval``), which executes every notebook again.

Both runs are compared with the outputs stored in the committed notebook, themselves a fresh run
(``make execute``): run 2 by nbval (every output except PNG bytes and metadata), run 1 here, exactly:
every output of every code cell (streams, text/html/markdown/latex/json representations, glue
records and their metadata), except the ``image/png`` bytes. The PNG, SVG, CSV, citation and BibTeX
files a figure exports are covered through their sha256, which ``companion.book.figures.save`` prints in
the figure's "Cite and download" box (a stored output). So the two runs agree with each other
exactly on everything but the inline PNG previews; a timestamp, a memory address, an unseeded random
draw or an unordered iteration that reaches an output or an exported file fails, naming the cell.

Executing the notebooks a third and fourth time just for this test would double ``make test``'s
run time for no additional check.
"""

from __future__ import annotations

import difflib
import json
import re

import nbformat
import pytest
from conftest import ROOT

from companion.book.notebooks import all_notebooks

NOTEBOOKS = all_notebooks()
SKIPPED_MIME = re.compile(r"(^|/)image/png$")  # raster bytes, also under glue's papermill prefix
HASHES = re.compile(r"<code>(fig-[\w-]+\.(?:png|svg|csv|txt|bib))</code> <code>([0-9a-f]{64})</code>")


def comparable(outputs) -> list[dict]:
    """Outputs as plain data, without the PNG bytes."""
    plain = json.loads(json.dumps(outputs))
    for output in plain:
        for key in ("data", "metadata"):
            if key in output:
                output[key] = {mime: v for mime, v in output[key].items() if not SKIPPED_MIME.search(mime)}
    return plain


def code_outputs(nb) -> list[list[dict]]:
    return [comparable(cell.outputs) for cell in nb.cells if cell.cell_type == "code"]


def differences(stored, executed) -> list[str]:
    """Human-readable differences between the stored outputs and those of a fresh run."""
    found = []
    if len(stored) != len(executed):
        found.append(f"{len(stored)} vs {len(executed)} code cells")
    for index, (cell1, cell2) in enumerate(zip(stored, executed)):
        if cell1 != cell2:
            text1 = json.dumps(cell1, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
            text2 = json.dumps(cell2, indent=1, sort_keys=True, ensure_ascii=False).splitlines()
            diff = list(difflib.unified_diff(text1, text2, "stored", "fresh run", n=1, lineterm=""))
            found.append(
                f"code cell {index + 1} (counting code cells from 1): outputs differ\n"
                + "\n".join(diff[:40])
                + ("\n..." if len(diff) > 40 else "")
            )
    return found


@pytest.fixture(scope="module")
def build_cache(built_book):
    """The clean build's execution cache (run 1)."""
    from jupyter_cache import get_cache

    folder = built_book.html.parent / ".jupyter_cache"
    assert folder.is_dir(), f"the clean build left no execution cache at {folder}:\n{built_book.log[-3000:]}"
    return get_cache(folder)


def test_there_are_notebooks_to_check():
    assert NOTEBOOKS


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_clean_build_run_gives_the_stored_outputs_and_figure_files(path, build_cache):
    stored = nbformat.read(path, as_version=4)
    record = build_cache.match_cache_notebook(stored)  # KeyError if the build did not execute it
    executed = build_cache.get_cache_bundle(record.pk).nb
    found = differences(code_outputs(stored), code_outputs(executed))
    assert not found, f"{path.relative_to(ROOT)}: the clean build's run differs from the stored run:\n" + "\n\n".join(
        found
    )


@pytest.mark.parametrize(
    "path",
    [p for p in NOTEBOOKS if "figures.save(" in p.read_text(encoding="utf-8")],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_stored_outputs_carry_the_hash_of_every_exported_file(path):
    """Without the hashes in the stored outputs, neither nbval nor the test above would see a
    figure file change."""
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "code")
    names = set(re.findall(r'figures\.save\(\s*\w+,\s*"(fig-[\w-]+)"', code))
    assert names, f'{path.name} mentions a figure but calls no figures.save(fig, "fig-...")'
    html = "\n".join(
        output.get("data", {}).get("text/html", "")
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    hashed = {name.rsplit(".", 1)[0] for name, _ in HASHES.findall(html)}
    assert names <= hashed, f"{path.name}: no stored file hashes for {sorted(names - hashed)}"


def test_the_comparison_sees_a_changed_figure_file():
    """The check above is not vacuous: a different hash in the cite box is a difference."""
    box = '<ul class="file-hashes"><li><code>fig-x.png</code> <code>' + "a" * 64 + "</code></li></ul>"
    stored = [[{"output_type": "display_data", "data": {"text/html": box}, "metadata": {}}]]
    fresh = json.loads(json.dumps(stored).replace("a" * 64, "b" * 64))
    assert differences(stored, fresh) and not differences(stored, json.loads(json.dumps(stored)))
