"""The package's own modules by their short names: ``kazstat``, ``ledger``, ``figures``.

The modules sit in layers (``companion/core``, ``sources``, ``ledger``, ``articles``, ``book``; the
command line in ``companion/__main__.py``); a module's short name is the last part of its dotted
name (a layer's ``__init__.py`` that holds code goes by the layer's name: ``sources``, ``ledger``),
unique across the layers. The list of exhibits (:mod:`companion.ledger.exhibits`) and the naming
scheme (:mod:`companion.book.names`) name modules by it.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

PACKAGE = "companion"
PACKAGE_DIR = Path(__file__).resolve().parents[1]
LAYERS = ("core", "sources", "ledger", "articles", "book")  # lowest first; then the command line


def _holds_code(path: Path) -> bool:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)) for node in body)


@functools.cache
def files() -> dict[str, Path]:
    """Every module of the package by its short name (``__main__`` included, the facade not)."""
    found: dict[str, Path] = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR).with_suffix("").parts
        if parts[-1] == "__init__":
            if len(parts) == 1 or not _holds_code(path):
                continue
            parts = parts[:-1]
        if parts[-1] in found:
            raise ValueError(f"two modules named {parts[-1]!r}: {found[parts[-1]]} and {path}")
        found[parts[-1]] = path
    return found


def dotted(short: str) -> str:
    """The dotted name of the module ``short`` (``kazstat`` -> ``companion.sources.kazstat``)."""
    path = files()[short]
    parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def short_names() -> dict[str, str]:
    """The short name of every module by its dotted name."""
    return {dotted(short): short for short in files()}
