"""The next article in an afternoon: in a temporary copy of the book (the repository's files, as
``git ls-files`` lists them), ``python -m companion new-article`` adds an article; its example notebook
and the ledger page are executed; the book builds with warnings as errors; the ledger lists the new
claim with a verdict; and ``make test``'s guards (stored outputs, precision of stored outputs, nbval,
the registry's checks) pass on it. Then the copy is removed. Refusals are checked on the same copy.

The copy runs its own package (``PYTHONPATH=<copy>``) with this checkout's interpreter, and reads the
raw data from this checkout's verified cache or the mirror (no download, nothing written here).
"""

import csv
import io
import os
import shutil
import sys
import time

import pytest
from conftest import copy_checkout, run_in_copy

from companion import skeleton

ID, SLUG = "901", "scaffold-test-chapter"
CLAIM = f"{ID}-example-kz-share-2020"
NOTEBOOK = f"chapters/{SLUG}/01_example_claim.ipynb"
BIN = os.path.dirname(sys.executable)

pytestmark = pytest.mark.xdist_group("scaffold")


def _run(copy, *args, timeout=300):
    started = time.monotonic()
    result = run_in_copy(copy, *args, timeout=timeout)
    return result, time.monotonic() - started


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """A temporary copy of the book's tracked files (removed at the end)."""
    copy = copy_checkout(tmp_path_factory.mktemp("book") / "book")
    yield copy
    shutil.rmtree(copy)
    assert not copy.exists()


@pytest.fixture(scope="module")
def scaffolded(copy):
    """The copy after new-article, the example notebook and the ledger page executed, the book built."""
    timings = {}
    result, timings["scaffold"] = _run(
        copy,
        sys.executable,
        "-m",
        "companion",
        "new-article",
        ID,
        "--title",
        "A test article on Internet use in Kazakhstan",
        "--slug",
        SLUG,
        "--authors",
        "Test article",
    )
    assert result.returncode == 0, result.stderr
    result, timings["execute"] = _run(
        copy, sys.executable, "-m", "companion", "execute", NOTEBOOK, "chapters/reproducibility/01_ledger.ipynb"
    )
    assert result.returncode == 0, result.stderr
    # the notebooks hold their fresh outputs (as after `make execute`): the build renders those
    config = copy / "_config.yml"
    text = config.read_text(encoding="utf-8")
    assert "  execute_notebooks: cache\n" in text
    config.write_text(text.replace("  execute_notebooks: cache\n", '  execute_notebooks: "off"\n'), encoding="utf-8")
    result, timings["build"] = _run(
        copy, os.path.join(BIN, "jupyter-book"), "build", "--warningiserror", "--nitpick", "."
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    print(f"scaffolded path on this machine: {timings}")
    return copy


def test_the_scaffold_writes_the_chapter_and_declares_it(scaffolded):
    for name in ("companion/article901.py", f"chapters/{SLUG}/index.md", NOTEBOOK):
        assert (scaffolded / name).is_file(), name
    module = (scaffolded / "companion/article901.py").read_text(encoding="utf-8")
    assert skeleton.problems(module, ID, SLUG) == []  # the skeleton of every article module
    assert f"chapters/{SLUG}/index" in (scaffolded / "_toc.yml").read_text(encoding="utf-8")
    assert "@misc{article901," in (scaffolded / "references.bib").read_text(encoding="utf-8")
    assert f"| {ID} |" in (scaffolded / "README.md").read_text(encoding="utf-8")


def test_the_ledger_lists_the_new_claim_with_a_verdict(scaffolded):
    result, _ = _run(scaffolded, sys.executable, "-m", "companion", "claims", "--article", ID)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["claim_id"] for r in rows] == [CLAIM]
    # nothing transcribed yet: a recomputed value against no printed one never passes
    assert rows[0]["verdict"] == "differs" and float(rows[0]["recomputed"]) > 0
    assert rows[0]["notebook"] == NOTEBOOK


def test_the_built_book_has_the_chapter_and_the_claim_on_the_ledger_page(scaffolded):
    html = scaffolded / "_build" / "html"
    page = (html / f"chapters/{SLUG}/01_example_claim.html").read_text(encoding="utf-8")
    assert CLAIM in page and "cite-box" in page
    assert CLAIM in (html / "chapters/reproducibility/01_ledger.html").read_text(encoding="utf-8")
    assert f"chapters/{SLUG}/index.html" in (html / "intro.html").read_text(encoding="utf-8")


def test_make_tests_guards_pass_on_the_new_article(scaffolded):
    guards = [
        f"tests/test_notebooks_stored.py::test_every_code_cell_is_stored_executed[{NOTEBOOK}]",
        f"tests/test_notebooks_stored.py::test_glued_figures_are_stored_as_images[{NOTEBOOK}]",
        f"tests/test_precision.py::test_stored_outputs_follow_the_precision_rule[{NOTEBOOK}]",
        "tests/test_articles.py",
    ]
    result, _ = _run(
        scaffolded,
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-v",
        *guards,
        NOTEBOOK,
        "--nbval",
        "--nbval-current-env",
    )
    assert result.returncode == 0, result.stdout[-4000:]
    passed = [line.split(" PASSED")[0] for line in result.stdout.splitlines() if " PASSED" in line]
    assert set(guards[:3]) <= set(passed)
    assert "tests/test_articles.py::test_the_readme_article_table_is_the_registrys" in passed
    cells = [name for name in passed if name.startswith(f"chapters/{SLUG}/01_example_claim") and "::Cell " in name]
    assert len(cells) == 4, passed  # nbval compared every code cell (the launch cell too) with a fresh run


def test_a_taken_id_or_slug_is_refused_with_a_clear_message(scaffolded):
    before = (scaffolded / "data" / "articles.yaml").read_text(encoding="utf-8")
    result, _ = _run(
        scaffolded, sys.executable, "-m", "companion", "new-article", ID, "--title", "x", "--slug", "other"
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: article id {ID} exists: data/articles.yaml declares it")
    result, _ = _run(
        scaffolded,
        sys.executable,
        "-m",
        "companion",
        "new-article",
        "902",
        "--title",
        "x",
        "--slug",
        "institutions-egov",
    )
    assert result.returncode == 2
    assert "error: slug institutions-egov exists: data/articles.yaml gives it to article 002" in result.stderr
    result, _ = _run(scaffolded, sys.executable, "-m", "companion", "new-article", "9a", "--title", "x", "--slug", "y")
    assert result.returncode == 2 and "three digits" in result.stderr
    assert (scaffolded / "data" / "articles.yaml").read_text(encoding="utf-8") == before
    assert not (scaffolded / "chapters" / "other").exists()
