"""The launch cell: the first cell of every notebook of the book, so that a notebook opened where the
``companion`` package is missing (Colab, a bare Jupyter server) installs it before its first
``from companion import ...``.

What the cell does
    * The package is importable (a checkout, ``make lab``, nbval, Binder, whose repo2docker installs
      requirements.txt with the package): nothing, and it prints nothing, so the stored output is empty.
    * It is missing: ``pip install --no-deps`` of the package from the book's public repository at its
      branch (``companion @ git+<repository>@<branch>``, both from ``pyproject.toml``
      ``[tool.companion]``, or ``$COMPANION_REPOSITORY`` / ``$COMPANION_BRANCH`` when the cells are
      written), then :func:`install_dependencies` from the package just installed: its dependencies,
      constrained to the versions of requirements.txt (the versions behind the stored outputs; the
      package carries a copy). The kernel's own ``ipykernel`` is left as the service provides it.
      ``$COMPANION_INSTALL_SPEC``, when set, replaces the repository (a wheel or sdist path, or any
      pip requirement): the tests install a locally built wheel this way, without the network.
    * It is missing and the cell names no repository (the repository field is empty until the book
      is published): it stops with one error saying what to set.

One template
    :data:`TEMPLATE` is the cell's code; :func:`cell` fills in the repository and branch.
    ``python -m companion launch-cells`` (:func:`write`) puts the cell first in every notebook that
    imports the package (cell id ``launch``, tagged ``remove-cell``: the HTML book does not show it),
    or replaces it when the template or the address changed; ``--check`` (:func:`problems`) and
    ``tests/book/test_launch.py`` fail on any notebook whose launch cell differs. A rewritten cell has no
    output: ``make execute`` runs it again.

The cell is plain Python (``subprocess`` running ``sys.executable -m pip``, which is what ``%pip``
runs), so that the book's own checks, which parse every code cell (house style, exhibits, pins), and
ruff read it as they read the others.
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

CELL_ID = "launch"
TAGS = ["remove-cell"]
MARKER = "# Launch cell"  # the first words of the cell: how the house style and the checks know it
SPEC_ENV = "COMPANION_INSTALL_SPEC"
KERNEL_PACKAGES = {"ipykernel"}  # the running kernel's own package: left as the service provides it

TEMPLATE = """\
# Launch cell, written by `python -m companion launch-cells` (do not edit it here): where the book's
# package is missing (Colab, a bare Jupyter), it installs it with the pinned versions of its
# requirements.txt; in a checkout, on Binder or in `make lab` it does nothing.
import importlib.util

if importlib.util.find_spec("companion") is None:
    import os
    import subprocess
    import sys

    REPOSITORY, BRANCH = {repository}, {branch}  # pyproject.toml [tool.companion]
    spec = os.environ.get("{spec_env}") or (REPOSITORY and f"companion @ git+{{REPOSITORY}}@{{BRANCH}}")
    if not spec:
        raise RuntimeError(
            "This notebook needs the book's companion package, and its launch cell names no repository "
            "to install it from: set [tool.companion] repository in the book's pyproject.toml, run "
            "`python -m companion launch-cells` and commit the notebooks."
        )
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", spec]
    done = subprocess.run(pip, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"pip could not install {{spec}}:\\n{{done.stderr[-3000:]}}")
    importlib.invalidate_caches()
    from companion.book.launch import install_dependencies

    install_dependencies(spec)"""


class LaunchError(RuntimeError):
    """The dependencies could not be installed, or the kernel must be restarted to use them."""


def cell(repository: str | None = None, branch: str | None = None) -> str:
    """The launch cell's code, for the given repository and branch (default: the book's, from
    :func:`companion.book.release.publication`)."""
    if repository is None or branch is None:
        from companion.core.publication import publication

        pub = publication()
        repository = pub.repository if repository is None else repository
        branch = pub.branch if branch is None else branch
    # JSON strings are Python strings, in the double quotes ruff's formatter wants
    return TEMPLATE.format(repository=json.dumps(repository), branch=json.dumps(branch), spec_env=SPEC_ENV)


def is_launch_cell(source: str) -> bool:
    """The cell is a launch cell (of this template or an older one)."""
    return source.startswith(MARKER)


def _source(cell_: dict) -> str:
    source = cell_.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def imports_companion(notebook: dict) -> bool:
    """Some code cell other than the launch cell imports the package."""
    for cell_ in notebook["cells"]:
        if cell_["cell_type"] != "code" or is_launch_cell(_source(cell_)):
            continue
        try:
            tree = ast.parse(_source(cell_))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "companion":
                return True
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "companion" for a in node.names):
                return True
    return False


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def shown(path: str | Path) -> str:
    """The path relative to the working directory when it lies below it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def problem(path: str | Path, source: str | None = None) -> str | None:
    """What is wrong with the notebook's launch cell, in words; None when it is the generated one (or
    the notebook does not import the package and has no launch cell)."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    path = shown(path)
    source = cell() if source is None else source
    cells = notebook["cells"]
    first = cells[0] if cells else None
    has = first is not None and first["cell_type"] == "code" and is_launch_cell(_source(first))
    if not imports_companion(notebook):
        return f"{path}: imports no companion module but has a launch cell" if has else None
    if not has:
        others = [i for i, c in enumerate(cells) if c["cell_type"] == "code" and is_launch_cell(_source(c))]
        return f"{path}: the launch cell is cell {others[0]}, not the first" if others else f"{path}: no launch cell"
    if _source(first) != source:
        return f"{path}: the launch cell differs from the template and the address in pyproject.toml"
    if first.get("id") != CELL_ID or first.get("metadata", {}).get("tags") != TAGS:
        return f"{path}: the launch cell must have id {CELL_ID!r} and the tags {TAGS}"
    return None


def problems(paths, source: str | None = None) -> list[str]:
    source = cell() if source is None else source
    return [found for path in paths if (found := problem(path, source))]


def write(path: str | Path, source: str | None = None) -> bool:
    """Put the launch cell first in the notebook (replacing an older one); True when the file changed.
    A changed cell is stored without output, to be executed again (``make execute``)."""
    path = Path(path)
    source = cell() if source is None else source
    text = path.read_text(encoding="utf-8")
    notebook = json.loads(text)
    if problem(path, source) is None:
        return False
    cells = [c for c in notebook["cells"] if not (c["cell_type"] == "code" and is_launch_cell(_source(c)))]
    if imports_companion(notebook):
        new = {
            "cell_type": "code",
            "execution_count": None,
            "id": CELL_ID,
            "metadata": {"tags": list(TAGS)},
            "outputs": [],
            "source": _lines(source),
        }
        cells.insert(0, new)
    notebook["cells"] = cells
    out = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    if out == text:
        return False
    path.write_text(out, encoding="utf-8")
    return True


def notebook_cell(source: str | None = None):
    """The launch cell as an nbformat cell (for the notebooks the scaffold writes)."""
    import nbformat

    new = nbformat.v4.new_code_cell(cell() if source is None else source)
    new.id = CELL_ID
    new.metadata["tags"] = list(TAGS)
    return new


# --------------------------------------------------------------------------------------------------
# Run by the launch cell, right after the package itself was installed (without its dependencies)


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else ""


def constraints() -> list[str]:
    """The pins of requirements.txt (the package's copy): ``name==version`` lines, without the
    editable install of the package itself and without the kernel's own packages."""
    from companion.core.checkout import BOOK_ROOT

    path = BOOK_ROOT / "requirements.txt"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise LaunchError(f"{path}: cannot read the pinned versions ({error})") from error
    pins = [line.split("#")[0].strip() for line in lines]
    return [p for p in pins if p and not p.startswith("-") and _name(p) not in KERNEL_PACKAGES]


def dependencies() -> list[str]:
    """The installed package's own requirements (its metadata), without the kernel's own packages."""
    from importlib.metadata import requires

    return [r for r in requires("companion") or [] if _name(r) not in KERNEL_PACKAGES]


def _loaded_versions() -> dict[str, str]:
    """The version of every installed distribution that provides a module this process has imported."""
    from importlib.metadata import packages_distributions, version

    provides = packages_distributions()
    found = {}
    for module in {name.split(".")[0] for name in list(sys.modules)}:
        for dist in provides.get(module, []):
            try:
                found[dist] = version(dist)
            except Exception:  # a distribution whose metadata went away: nothing to compare
                continue
    return found


def install_dependencies(spec: str) -> None:
    """Install the package's dependencies at the pinned versions; stop when pip changed a package the
    kernel had already imported (the new version needs a new kernel)."""
    import importlib
    import tempfile

    before = _loaded_versions()
    with tempfile.TemporaryDirectory() as folder:
        pinned = Path(folder) / "constraints.txt"
        pinned.write_text("\n".join(constraints()) + "\n", encoding="utf-8")
        pip = [sys.executable, "-m", "pip", "install", "--quiet", "-c", str(pinned), *dependencies()]
        done = subprocess.run(pip, capture_output=True, text=True)
    if done.returncode:
        raise LaunchError(f"pip could not install the dependencies of companion:\n{done.stderr[-3000:]}")
    importlib.invalidate_caches()
    from importlib.metadata import version

    changed = []
    for dist, old in sorted(before.items()):
        try:
            new = version(dist)
        except Exception:
            continue
        if new != old:
            changed.append(f"{dist} {old} -> {new}")
    installed = version("companion")
    if changed:
        raise LaunchError(
            f"companion {installed} is installed, but pip changed packages this kernel had already "
            f"imported ({', '.join(changed)}): restart the kernel (in Colab: Runtime > Restart session) "
            f"and run the notebook again."
        )
    print(f"Installed companion {installed} ({spec}) with the pinned versions of its requirements.txt.")
