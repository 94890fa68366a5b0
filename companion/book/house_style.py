"""The house style of a notebook page: which cells a reader sees folded, and which outputs stay off the page.

A chapter page is written for a reader who wants the finding, not the plumbing. The rule below
computes, from a code cell's source alone, the myst-nb tags the cell must carry, so that every page
(and every new page) folds the same things:

* the **set-up cell** (imports, ``sources.require(...)``, the style): folded whole with
  ``hide-cell`` when it prints the "Data used on this page" list (long lines that run off the edge
  of a phone's screen), its input folded with ``hide-input`` otherwise;
* **glue-only cells** (nothing but ``glue(...)`` calls and the assignments they need, no table or
  figure of their own) and **helper cells** (only imports and function definitions):
  ``hide-input``; glued values show in the prose;
* **plotting cells** (``figures.save(...)`` or a matplotlib figure): ``hide-input``; the figure
  shows through its ``{glue:figure}`` and the cell's visible output is the "Cite and download" box;
* **inspection outputs** (a cell whose last expression only summarises a frame for the author:
  ``.agg``, ``.describe``, ``.info``, ``.value_counts``, ``.shape``, ``.dtypes``): ``remove-output``,
  kept in the stored notebook (nbval still compares them) but not shown on the page.

* the **verdict box** (``verdict_box(...)``, :mod:`companion.book.report`), the first thing a reader
  sees: ``remove-input``, only the box shows. It does not count as the page's first code cell.
* the **launch cell** (:mod:`companion.book.launch`: installs the package where it is missing, e.g. in
  Colab; does nothing in a checkout): ``remove-cell``, not on the page at all. It does not count as
  the page's first code cell either.

Every other cell (a table, a ledger extract) is shown as it is, its code folded or not as the author
chose (an extra ``hide-input`` is allowed; it never hides a result). A notebook may carry other tags
of its own; :func:`problems` reports only the house tags that are missing or that contradict the rule.
``tests/book/test_house_style.py`` checks every notebook of the book; :func:`apply` rewrites a notebook's
tags (``python -m companion house-style NOTEBOOK...``) without touching its sources or outputs.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from companion.book.launch import is_launch_cell

HOUSE_TAGS = ("hide-cell", "hide-input", "remove-input", "remove-output", "remove-cell")
INSPECTION_CALLS = {"agg", "aggregate", "describe", "info", "value_counts"}
INSPECTION_ATTRIBUTES = {"shape", "dtypes"}
GLUE_NAMES = {"glue", "glue_claim", "glue_evidence"}


def _statements(source: str) -> list[ast.stmt]:
    """The top-level statements of a cell (IPython magics and shell lines are not Python: none here)."""
    try:
        return ast.parse(source).body
    except SyntaxError as error:
        raise ValueError(f"a code cell does not parse as Python: {error}") from error


def _calls(node: ast.AST) -> set[str]:
    """The names of every function or method called anywhere under ``node``."""
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            func = sub.func
            if isinstance(func, ast.Name):
                names.add(func.id)
            elif isinstance(func, ast.Attribute):
                names.add(func.attr)
    return names


def _is_glue_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Name)
        and node.value.func.id in GLUE_NAMES
    )


def _glue_only(statements: list[ast.stmt]) -> bool:
    """Nothing but glue calls and the assignments / loops they need, and at least one glue call; or
    nothing but imports and function definitions (a helper cell)."""
    if statements and all(isinstance(s, (ast.Import, ast.ImportFrom, ast.FunctionDef)) for s in statements):
        return True
    glued = False
    for stmt in statements:
        if _is_glue_call(stmt):
            glued = True
        elif isinstance(stmt, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            continue
        elif isinstance(stmt, (ast.For, ast.If)):
            if not _glue_only(stmt.body + stmt.orelse):
                return False
            glued = True
        else:
            return False
    return glued


def is_setup(source: str, first: bool = False) -> bool:
    """A set-up cell: declares the raw files it reads, sets the figure style, or (the first code cell
    of a page) opens with the imports."""
    statements = _statements(source)
    calls = _calls(ast.Module(body=statements, type_ignores=[]))
    opens_with_imports = bool(statements) and isinstance(statements[0], (ast.Import, ast.ImportFrom))
    return prints_data_list(source) or "use_style" in calls or (first and opens_with_imports)


def prints_data_list(source: str) -> bool:
    """The cell prints the "Data used on this page" list (``sources.require``)."""
    return "sources.require(" in source


def is_plotting(source: str) -> bool:
    calls = _calls(ast.Module(body=_statements(source), type_ignores=[]))
    return bool(calls & {"save", "subplots", "figure"}) and ("figures.save(" in source or "plt." in source)


def is_inspection(source: str) -> bool:
    """The cell's last statement is an expression that only summarises a frame."""
    statements = _statements(source)
    if not statements or not isinstance(statements[-1], ast.Expr):
        return False
    last = statements[-1].value
    if isinstance(last, ast.Attribute) and last.attr in INSPECTION_ATTRIBUTES:
        return True
    return isinstance(last, ast.Call) and isinstance(last.func, ast.Attribute) and last.func.attr in INSPECTION_CALLS


def is_verdict_box(source: str) -> bool:
    """The cell only shows the page's verdict box."""
    statements = _statements(source)
    return (
        bool(statements)
        and isinstance(statements[-1], ast.Expr)
        and "verdict_box" in _calls(statements[-1])
        and all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in statements[:-1])
    )


def house_tags(source: str, first: bool = False) -> set[str]:
    """The house tags a code cell with this source must carry (see the module's docstring);
    ``first``: the cell is the page's first code cell."""
    tags = set()
    if not source.strip():
        return tags
    if is_launch_cell(source):
        return {"remove-cell"}
    if is_verdict_box(source):
        return {"remove-input"}
    if is_setup(source, first):
        tags.add("hide-cell" if prints_data_list(source) else "hide-input")
    elif is_plotting(source) or _glue_only(_statements(source)):
        tags.add("hide-input")
    if is_inspection(source):
        tags.add("remove-output")
    return tags


def _allowed(want: set[str], have: set[str]) -> bool:
    """The cell's house tags are the rule's, or the rule's plus a folded input."""
    return have == want or (not want & {"hide-cell", "remove-input", "remove-cell"} and have == want | {"hide-input"})


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def problems(path: str | Path) -> list[str]:
    """Every code cell of the notebook whose house tags differ from the rule, in words."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    found = []
    first = True
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        want = house_tags(_source(cell), first)
        first = first and (is_verdict_box(_source(cell)) or is_launch_cell(_source(cell)))
        have = set(cell.get("metadata", {}).get("tags", [])) & set(HOUSE_TAGS)
        if not _allowed(want, have):
            found.append(f"{path}: cell {index}: house tags {sorted(have)}, the rule says {sorted(want)}")
    return found


def apply(path: str | Path) -> bool:
    """Set every code cell's house tags to the rule's (other tags kept); True when the file changed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    first = True
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        want = house_tags(_source(cell), first)
        first = first and (is_verdict_box(_source(cell)) or is_launch_cell(_source(cell)))
        metadata = cell.setdefault("metadata", {})
        old = metadata.get("tags", [])
        others = [t for t in old if t not in HOUSE_TAGS]
        if "hide-input" in old and not want & {"hide-cell", "remove-input", "remove-cell"}:
            want = want | {"hide-input"}
        tags = others + sorted(want)
        if tags:
            metadata["tags"] = tags
        else:
            metadata.pop("tags", None)
    new = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False
