"""The package's layers (issue 27.1): every import, function-level ones included, goes to the same
layer or a lower one, and no modules import each other in a circle.

Layers, lowest first: ``companion/core``, ``sources``, ``ledger``, ``articles``, ``book``, then the
command line (``companion/__main__.py``) and the facade for the notebooks (``companion/__init__.py``),
which no module of the package imports.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from companion.core.package import LAYERS

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "companion"
ORDER = [*LAYERS, "__main__", "facade"]


def modules(package_dir: Path) -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by the package's name)."""
    found = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = (package_dir.name, *path.relative_to(package_dir).with_suffix("").parts)
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def layer(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "facade"
    return parts[1] if parts[1] in LAYERS else "__main__" if parts[1] == "__main__" else "facade"


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports, anywhere in it (inside functions too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    root = name.split(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == root)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] != root:
                continue
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    found.discard(name)
    return found


def problems(package_dir: Path) -> list[str]:
    known = modules(package_dir)
    graph = {name: imports(name, path, known) for name, path in known.items()}
    found = []
    for name, targets in sorted(graph.items()):
        for target in sorted(targets):
            if ORDER.index(layer(target)) > ORDER.index(layer(name)):
                found.append(f"{name} ({layer(name)}) imports {target} ({layer(target)}), a higher layer")
    # circles: strongly connected components of more than one module (Tarjan)
    index, low, stack, on_stack, counter = {}, {}, [], set(), [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append("an import circle: " + " -> ".join(sorted(component)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_imports_only_downwards_and_in_no_circle():
    assert problems(PACKAGE_DIR) == []


def test_every_module_sits_in_a_layer():
    strays = [name for name in modules(PACKAGE_DIR) if layer(name) == "facade" and name != "companion"]
    assert strays == [], f"modules outside the layers {LAYERS}: {strays}"


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root / "companion"


def test_an_upward_import_inside_a_function_is_found(tmp_path):
    package = _write(
        tmp_path,
        {
            "companion/__init__.py": "",
            "companion/core/__init__.py": "",
            "companion/core/a.py": "def f():\n    from companion.book import b\n",
            "companion/book/__init__.py": "",
            "companion/book/b.py": "from companion.core import a\n",
        },
    )
    found = problems(package)
    assert "companion.core.a (core) imports companion.book.b (book), a higher layer" in found
    assert "an import circle: companion.book.b -> companion.core.a" in found


def test_a_circle_within_a_layer_through_relative_imports_is_found(tmp_path):
    package = _write(
        tmp_path,
        {
            "companion/__init__.py": "",
            "companion/sources/__init__.py": "",
            "companion/sources/a.py": "from . import b\n",
            "companion/sources/b.py": "def g():\n    from .a import x\n",
        },
    )
    assert problems(package) == ["an import circle: companion.sources.a -> companion.sources.b"]


def test_the_facade_gives_every_module_by_its_short_name():
    import companion
    from companion.ledger import exhibits
    from companion.sources import kazstat

    assert companion.kazstat is kazstat
    assert "figures" in dir(companion)
    with pytest.raises(AttributeError):
        companion.no_such_module  # noqa: B018
    # the list of exhibits reads a notebook that imports through the facade as one that imports the module
    modules, objects = exhibits._imports(ast.parse("from companion import kazstat, figures"), None)
    assert modules == {"kazstat": "kazstat", "figures": "figures"}
