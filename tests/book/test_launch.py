"""The launch cell (companion/book/launch.py): every notebook that imports the package opens with exactly
the cell generated from the template and the address in pyproject.toml, hidden from the page; the
cell stops with a clear message where it cannot install the package; ``python -m companion
launch-cells`` writes it and ``--check`` catches a stale one. That the cell installs the package
where it is missing and the notebook then gives its stored outputs: tests/book/test_fresh_install.py."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, free_article_id

from companion.book import house_style, launch, scaffold
from companion.book.notebooks import all_notebooks

NOTEBOOKS = all_notebooks()
A_NOTEBOOK = ROOT / "chapters" / "participation-uk-kz" / "05_long_run.ipynb"
BASE_PYTHON = getattr(sys, "_base_executable", sys.executable)  # this Python without the .venv


def _companion(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "companion", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def _run_cell(source: str, cwd, **env) -> subprocess.CompletedProcess:
    """The cell's code run by the base interpreter (no .venv, so no companion), isolated (-I)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "COMPANION_"))}
    return subprocess.run(
        [BASE_PYTHON, "-I", "-c", source], cwd=cwd, env={**clean, **env}, capture_output=True, text=True, timeout=300
    )


def test_the_book_has_notebooks_that_import_the_package():
    importing = [p for p in NOTEBOOKS if launch.imports_companion(json.loads(p.read_text(encoding="utf-8")))]
    assert len(importing) >= 20


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_notebook_opens_with_the_generated_launch_cell(path):
    assert launch.problem(path) is None
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    assert "".join(first["source"]) == launch.cell() and first["metadata"]["tags"] == ["remove-cell"]
    assert first["outputs"] == [], f"{path.name}: the launch cell printed something in the checkout"


def test_the_command_checks_the_book_and_catches_a_changed_address():
    result = _companion("launch-cells", "--check")
    assert result.returncode == 0 and result.stderr == "", result.stderr
    moved = dict(os.environ, COMPANION_REPOSITORY="https://github.com/someone/companion-book")
    result = _companion("launch-cells", "--check", env=moved)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "differs from the template and the address" in lines[0] and "python -m companion launch-cells" in lines[0]


def test_writing_a_new_address_changes_only_the_launch_cell(tmp_path):
    copy = tmp_path / A_NOTEBOOK.name
    shutil.copyfile(A_NOTEBOOK, copy)
    source = launch.cell("https://github.com/someone/companion-book", "v0.1.0")
    assert 'REPOSITORY, BRANCH = "https://github.com/someone/companion-book", "v0.1.0"' in source
    assert launch.problem(copy, source) is not None
    assert launch.write(copy, source) is True
    assert launch.problem(copy, source) is None and launch.write(copy, source) is False
    old, new = (json.loads(p.read_text(encoding="utf-8"))["cells"] for p in (A_NOTEBOOK, copy))
    assert new[1:] == old[1:]  # every other cell as it was
    assert new[0]["id"] == "launch" and new[0]["outputs"] == [] and new[0]["execution_count"] is None


def test_a_notebook_without_the_cell_gets_it_first(tmp_path):
    copy = tmp_path / A_NOTEBOOK.name
    notebook = json.loads(A_NOTEBOOK.read_text(encoding="utf-8"))
    notebook["cells"] = notebook["cells"][1:]
    copy.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    assert launch.problem(copy).endswith("no launch cell")
    assert launch.write(copy)
    assert json.loads(copy.read_text(encoding="utf-8"))["cells"][1:] == notebook["cells"]


def test_the_house_style_removes_the_cell_and_the_set_up_cell_stays_first():
    assert house_style.house_tags(launch.cell(), True) == {"remove-cell"}
    assert house_style.problems(A_NOTEBOOK) == []
    cells = json.loads(A_NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    setup = next(c for c in cells[1:] if c["cell_type"] == "code")
    assert "sources.require(" in "".join(setup["source"]) and setup["metadata"]["tags"] == ["hide-cell"]


def test_before_publication_the_cell_stops_with_what_to_set(tmp_path):
    """Without the package and with no repository in the cell (as now), the cell names what to set."""
    result = _run_cell(launch.cell("", "main"), tmp_path)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: This notebook needs the book's companion package")
    assert "set [tool.companion] repository in the book's pyproject.toml" in last


def test_a_failed_install_is_one_clear_error(tmp_path):
    missing = tmp_path / "companion-0.1.0-py3-none-any.whl"
    result = _run_cell(launch.cell("", "main"), tmp_path, COMPANION_INSTALL_SPEC=str(missing))
    assert result.returncode == 1
    assert f"RuntimeError: pip could not install {missing}" in result.stderr, result.stderr[-2000:]


def test_in_a_checkout_the_cell_does_nothing(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", launch.cell("https://github.com/someone/companion-book", "main")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "COMPANION_INSTALL_SPEC": str(tmp_path / "no.whl")},
    )
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_the_constraints_are_the_pins_of_requirements_txt_without_the_kernel():
    pins = launch.constraints()
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    pinned_lines = [line for line in requirements.splitlines() if "==" in line and not line.startswith("#")]
    assert len(pins) == len(pinned_lines) - 1  # all but ipykernel's
    assert all(f"{p}\n" in requirements for p in pins) and any(p.startswith("pandas==") for p in pins)
    assert not any(p.startswith(("-", "ipykernel")) for p in pins)
    assert "ipykernel" not in " ".join(launch.dependencies()) and "pandas>=3.1" in launch.dependencies()


def test_the_scaffold_writes_the_launch_cell_first():
    new = scaffold.NewArticle(free_article_id(), "x-y", "A title", "Authors")
    nb = scaffold._notebook(new, {"kazstat_sdg_17_8_1": "0" * 64})
    assert nb.cells[0].source == launch.cell() and nb.cells[0].id == "launch"
    assert nb.cells[0].metadata["tags"] == ["remove-cell"]
    assert "sources.require(" in nb.cells[2].source  # the pin cell: first code cell after the launch cell
