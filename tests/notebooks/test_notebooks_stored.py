"""nbval only compares cells stored as executed: fail on any notebook that would pass vacuously."""

import json

import pytest
from conftest import ROOT

from companion.book.notebooks import all_notebooks

NOTEBOOKS = all_notebooks()


def test_there_are_notebooks():
    assert any(p.is_relative_to(ROOT / "chapters") for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_code_cell_is_stored_executed(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [(i, c) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert code, f"{path.name} has no code cells"
    unexecuted = [i for i, c in code if c.get("execution_count") is None]
    assert not unexecuted, f"{path.name}: cells {unexecuted} are stored unexecuted (run `make execute`)"
    counts = [c["execution_count"] for _, c in code]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: not executed top to bottom in one run: {counts}"
    assert any(c.get("outputs") for _, c in code), f"{path.name} has no stored outputs at all"
    errors = [i for i, c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: cells {errors} stored an error"
    streams = [i for i, c in code for o in c.get("outputs", []) if o.get("name") == "stderr"]
    assert not streams, f"{path.name}: cells {streams} wrote to stderr (a warning leaked into the book)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_glued_figures_are_stored_as_images(path):
    """A glued figure stored only as text ("<Figure size ...>") would show as that text in the book:
    every glued ``fig-*`` name carries a PNG."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name", "")
            data = output.get("data", {})
            if name.startswith("fig-") or "".join(data.get("application/papermill.record/text/plain", "")).startswith(
                "<Figure"
            ):
                assert "application/papermill.record/image/png" in data, (
                    f"{path.name}: cell {i} glues figure {name!r} without its PNG (use companion.book.figures.save)"
                )
