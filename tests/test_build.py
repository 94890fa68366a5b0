"""The book builds from scratch with warnings as errors, nitpicky references and no cell errors."""

from conftest import ROOT


def test_book_builds_clean_with_warnings_as_errors(built_book):
    assert built_book.returncode == 0, built_book.log[-6000:]
    sphinx_warnings = [
        line for line in built_book.log.splitlines() if "WARNING" in line and "[IPKernelApp]" not in line
    ]
    assert not sphinx_warnings, "\n".join(sphinx_warnings)
    assert (built_book.html / "index.html").is_file()
    reports = built_book.html / "reports"
    assert not reports.exists() or not any(reports.iterdir()), f"cell errors: {sorted(reports.iterdir())}"


def test_every_notebook_has_a_page(built_book):
    for page in sorted(ROOT.glob("chapters/*/*.ipynb")) + sorted(ROOT.glob("about/*.ipynb")):
        assert (built_book.html / page.relative_to(ROOT).with_suffix(".html")).is_file(), page


def test_a_second_prerun_executes_nothing(built_book):
    """After the build, the execution cache holds every notebook under the key jupyter-book looks
    up: `make book` again executes nothing."""
    from companion.prerun import execute_into_cache

    outcome = execute_into_cache(built_book.html.parent / ".jupyter_cache")
    assert outcome == {"succeeded": [], "excepted": [], "errored": []}
