"""The list of tables and figures: each exhibit -> its notebook -> the raw files it reads -> its outputs.

Read statically from the notebooks' code (no execution): the raw files of a notebook are the keys
of its ``sources.require(...)`` call, its figures are its ``figures.save(fig, "fig-...", ...)``
calls, and its printed tables are those registered with the ledger for that notebook.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd

from . import ledger
from .sources import ROOT, read_yaml

FIGURE_FILES = ("png", "svg", "csv", "bib", "txt")


def _calls(path: Path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse(source)
        except SyntaxError:  # cell magics and the like
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                owner = node.func.value.id if isinstance(node.func.value, ast.Name) else None
                yield owner, node.func.attr, node


def _literal(node, default=None):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError):
        return default


def notebook_exhibits(path: Path) -> tuple[list[str], list[dict]]:
    """(raw-file keys, figures) of one notebook."""
    keys, figures = [], []
    for owner, attr, node in _calls(path):
        if owner == "sources" and attr == "require":
            keys += [kw.arg for kw in node.keywords if kw.arg]
        if owner == "figures" and attr == "save" and len(node.args) >= 2:
            name = _literal(node.args[1])
            kwargs = {kw.arg: _literal(kw.value) for kw in node.keywords if kw.arg}
            if isinstance(name, str):
                figures.append({"name": name, "title": kwargs.get("title") or name,
                                "sources": kwargs.get("sources") or []})
    return keys, figures


def chapter_order() -> list[str]:
    """The chapter folders in the order of ``_toc.yml``."""
    toc = read_yaml(ROOT / "_toc.yml")
    files = [chapter["file"] for part in toc["parts"] for chapter in part["chapters"]]
    return [f.split("/")[1] for f in files if f.startswith("chapters/")]


def exhibits() -> pd.DataFrame:
    """One row per exhibit (figure or printed table) of the book, in book order."""
    ledger._load_registrations()
    rows = []
    notebooks = [p for chapter in chapter_order() for p in sorted((ROOT / "chapters" / chapter).glob("[0-9]*.ipynb"))]
    for path in notebooks:
        notebook = str(path.relative_to(ROOT))
        keys, figures = notebook_exhibits(path)
        for table in sorted(ledger._TABLES.values(), key=lambda t: t.name):
            if table.notebook == notebook:
                rows.append({"chapter": path.parent.name, "exhibit": f"table {table.name}", "kind": "table",
                             "title": f"printed table {table.name} recomputed", "notebook": notebook,
                             "raw_files": " ".join(table.sources), "outputs": "ledger rows (python -m companion claims)"})
        for fig in figures:
            rows.append({"chapter": path.parent.name, "exhibit": fig["name"], "kind": "figure",
                         "title": fig["title"], "notebook": notebook,
                         "raw_files": " ".join(fig["sources"] or keys),
                         "outputs": " ".join(f"_static/figures/{fig['name']}.{ext}" for ext in FIGURE_FILES)})
    return pd.DataFrame(rows, columns=["chapter", "exhibit", "kind", "title", "notebook", "raw_files", "outputs"])


def markdown() -> str:
    """The exhibits as a Markdown table (pasted into README.md by ``python -m companion exhibits``)."""
    lines = ["| exhibit | what | notebook | raw files |", "|---|---|---|---|"]
    for row in exhibits().itertuples():
        lines.append(f"| `{row.exhibit}` | {row.title} | `{row.notebook}` | {' '.join(f'`{k}`' for k in row.raw_files.split())} |")
    return "\n".join(lines)
