"""Every chapter notebook pins the raw files it reads by sha256 in its code, so that a changed data
file changes the notebook's code and jupyter-book's execution cache (keyed on code) re-executes it.
The pins come in the first code cell after the launch cell (companion/book/launch.py, tests/book/test_launch.py)."""

import ast
import json

import pytest
from conftest import ROOT

from companion import sources
from companion.book.launch import is_launch_cell
from companion.ledger.exhibits import _calls

DATA_NOTEBOOKS = sorted(p for p in ROOT.glob("chapters/*/[0-9]*.ipynb") if p.parent.name != "reproducibility")


def code_cells_after_launch(path) -> list[dict]:
    """The notebook's code cells, without the launch cell that opens it."""
    cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    return cells[1:] if cells and is_launch_cell("".join(cells[0]["source"])) else cells


@pytest.mark.parametrize("path", DATA_NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_pins_current_hashes(path):
    pins = {}
    for owner, attr, node in _calls(path):
        if owner == "sources" and attr == "require":
            pins.update({kw.arg: ast.literal_eval(kw.value) for kw in node.keywords})
    first = "".join(code_cells_after_launch(path)[0]["source"])
    if not pins:
        assert "reads no raw data file" in first, (
            f"{path.name} pins no raw file with sources.require(...) and does not say that it reads none"
        )
        return
    for key, sha in pins.items():
        assert sha == sources.source(key).sha256, (
            f"{path.name} pins {key} at {sha[:12]}… but data/sources.yaml declares "
            f"{sources.source(key).sha256[:12]}…: paste `python -m companion pins {key}` and re-execute"
        )


def test_loader_modules_are_only_called_after_the_pins():
    """The require(...) call comes in the first code cell after the launch cell, before any loader
    reads a file."""
    for path in DATA_NOTEBOOKS:
        first = "".join(code_cells_after_launch(path)[0]["source"])
        assert "sources.require(" in first or "reads no raw data file" in first, (
            f"{path.name}: pins are not in the first code cell after the launch cell"
        )
