"""An incremental build shows exactly what a clean build shows, whatever changed; a failing notebook
fails the build and leaves no page behind; two builds at once take turns; a broken search index is
repaired (issue 28, items 2 and 3).

In a temporary copy of the book (its own package, this checkout's interpreter), built as ``make book``
builds (``python -m companion booklock`` around ``prerun`` then ``jupyter-book build``):

1. a clean build;
2. three edits at once -- a package function's output (a phrase of ``companion.book.report``), a
   published table's text (a statement in ``ledger_contradictions.csv``), a published value that
   turns a claim from "reproduced" into "differs" (which changes the counts other pages glue) -- and a
   notebook's Markdown; then an incremental build, whose pages are compared with a clean build's;
3. a package function that raises: the build fails with one ``error:`` line per failed notebook, and
   the failed pages are gone (not an old page, not a traceback); undone, the next build is whole again;
4. a raw file's declaration changed (its sha256): the build stops before executing anything;
5. two builds started at once: the second waits, both succeed, and the search index lists every page;
   a truncated search index is repaired by the next build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import copy_checkout, copy_env, run_in_copy

pytestmark = pytest.mark.xdist_group("incremental")

JB = Path(sys.executable).with_name("jupyter-book")
MARK_CODE = "nothing to recompute from (MARK-PACKAGE)"
MARK_CSV = "MARK-PUBLISHED-TABLE"
MARK_NOTEBOOK = "MARK-NOTEBOOK-PROSE"


def book_command(copy: Path) -> list[str]:
    """What ``make book`` runs (Makefile), with this checkout's interpreter."""
    inner = (
        f"{sys.executable} -m companion prerun --cache _build/.jupyter_cache && "
        f"{JB} build --warningiserror --nitpick --keep-going ."
    )
    return [
        sys.executable,
        "-m",
        "companion",
        "booklock",
        str(copy / "_build" / ".book.lock"),
        "--",
        "sh",
        "-c",
        inner,
    ]


def build(copy: Path) -> subprocess.CompletedProcess:
    return run_in_copy(copy, *book_command(copy), timeout=900)


VOLATILE = re.compile(r"\?digest=[0-9a-f]+|\?v=[0-9a-f]+")


def pages(copy: Path) -> dict[str, str]:
    html = copy / "_build" / "html"
    return {
        p.relative_to(html).as_posix(): VOLATILE.sub("", p.read_text(encoding="utf-8"))
        for p in sorted(html.rglob("*.html"))
        if "_static" not in p.parts and "_sources" not in p.parts
    }


def differing(one: dict[str, str], other: dict[str, str]) -> list[str]:
    return sorted(name for name in set(one) | set(other) if one.get(name) != other.get(name))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found (the test's edit no longer applies)"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    copy = copy_checkout(tmp_path_factory.mktemp("incremental") / "book")
    record = {}
    record["first"] = build(copy)
    record["first_pages"] = pages(copy)

    # 2. edits of every kind, then an incremental build and a clean one
    edit(
        copy / "companion" / "book" / "report.py",
        '"\\u2014 (nothing to recompute from)"',
        f'"\\u2014 ({MARK_CODE[:-1]})"',
    )
    edit(
        copy / "data" / "published" / "ledger_contradictions.csv",
        "article 004 says the programme has been adopted since 2018",
        f"article 004 says the programme has been adopted since 2018 {MARK_CSV}",
    )
    edit(
        copy / "data" / "published" / "ledger_claims.csv",
        "Share of Internet users across Kazakhstan in the latest year (2020),88.2,",
        "Share of Internet users across Kazakhstan in the latest year (2020),77.2,",
    )
    with open(copy / "data" / "mappings" / "ledger_discrepancy_types.csv", "a", encoding="utf-8") as f:
        f.write(f"^000-kz-share-2020$,typo or slip in the article,{MARK_CSV} (every differing claim has a type)\n")
    notebook = copy / "chapters" / "reproducibility" / "04_contradictions.ipynb"
    nb = nbformat.read(notebook, as_version=4)
    prose = next(cell for cell in nb.cells if cell.cell_type == "markdown")
    prose.source = f"{MARK_NOTEBOOK} {prose.source}"
    nbformat.write(nb, notebook)
    record["incremental"] = build(copy)
    record["incremental_pages"] = pages(copy)
    shutil.rmtree(copy / "_build")
    record["clean"] = build(copy)
    record["clean_pages"] = pages(copy)
    record["index_after_clean"] = _indexed(copy)

    # 3. a package function that raises, then undone
    freedomhouse = copy / "companion" / "sources" / "freedomhouse.py"
    original = freedomhouse.read_text(encoding="utf-8")
    head = "def scores() -> pd.DataFrame:\n"
    edit(freedomhouse, head, head + '    raise RuntimeError("deliberate")\n')
    record["failed"] = build(copy)
    record["failed_html"] = sorted(p.name for p in (copy / "_build" / "html").rglob("*.html"))
    record["failed_pages"] = pages(copy)
    freedomhouse.write_text(original, encoding="utf-8")
    record["recovered"] = build(copy)
    record["recovered_pages"] = pages(copy)

    # 4. a raw file's declaration changed
    sources = copy / "data" / "sources.yaml"
    declared = sources.read_text(encoding="utf-8")
    digest = re.search(r"sha256: ([0-9a-f]{64})", declared).group(1)
    sources.write_text(declared.replace(digest, digest[::-1], 1), encoding="utf-8")
    record["fetch_after_declaration"] = run_in_copy(copy, sys.executable, "-m", "companion", "fetch")
    sources.write_text(declared, encoding="utf-8")

    # 5. two builds at once, then a truncated search index
    started = [
        subprocess.Popen(
            book_command(copy),
            cwd=copy,
            env=copy_env(copy),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    record["concurrent"] = [(p.wait(timeout=900), p.stdout.read()) for p in started]
    record["concurrent_pages"] = pages(copy)
    record["index_after_concurrent"] = _indexed(copy)
    index = copy / "_build" / "html" / "searchindex.js"
    index.write_text(index.read_text(encoding="utf-8")[:200], encoding="utf-8")
    record["repair"] = build(copy)
    record["index_after_repair"] = _indexed(copy)
    yield record
    shutil.rmtree(copy)


def _indexed(copy: Path) -> set[str] | None:
    from sphinx.search import js_index

    try:
        with open(copy / "_build" / "html" / "searchindex.js", encoding="utf-8") as f:
            return set(js_index.load(f)["docnames"])
    except (OSError, ValueError, KeyError):
        return None


def _log(result) -> str:
    return (result.stdout + result.stderr)[-3000:]


def test_the_clean_builds_succeed(story):
    for name in ("first", "incremental", "clean", "recovered", "repair"):
        assert story[name].returncode == 0, f"{name}: {_log(story[name])}"


def test_each_edit_reaches_its_page(story):
    joined = "\n".join(story["incremental_pages"].values())
    for mark in (MARK_CODE, MARK_CSV, MARK_NOTEBOOK):
        assert mark in joined, f"{mark} is on no page after the incremental build"
    changed = differing(story["first_pages"], story["incremental_pages"])
    # Markdown pages that glue the ledger's counts from notebooks: a claim changed its verdict
    assert {"intro.html", "chapters/reproducibility/index.html"} <= set(changed), changed


def test_an_incremental_build_shows_what_a_clean_build_shows(story):
    stale = differing(story["incremental_pages"], story["clean_pages"])
    assert not stale, f"pages that differ between the incremental and the clean build: {stale}"
    assert not differing(story["recovered_pages"], story["clean_pages"]), "after the fault was undone"


def test_a_failing_notebook_fails_the_build_and_leaves_no_page(story):
    result = story["failed"]
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors, result.stderr
    assert all("RuntimeError: deliberate" in line and "not published" in line for line in errors), result.stderr
    assert "Traceback" not in result.stderr
    assert "03_freedom_house_kz.html" not in story["failed_html"]
    for name, text in story["failed_pages"].items():
        assert 'class="output traceback' not in text and "deliberate" not in text, name


def test_a_changed_declaration_stops_before_anything_runs(story):
    result = story["fetch_after_declaration"]
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "sha256" in lines[0], result.stderr


def test_two_builds_at_once_take_turns(story):
    (status1, log1), (status2, log2) = story["concurrent"]
    assert status1 == 0 and status2 == 0, log1[-2000:] + log2[-2000:]
    assert "waiting: another `make book`" in log1 + log2
    assert not differing(story["concurrent_pages"], story["clean_pages"])
    assert story["index_after_clean"] and len(story["index_after_clean"]) > 20
    assert story["index_after_concurrent"] == story["index_after_clean"]


def test_a_truncated_search_index_is_repaired(story):
    assert story["index_after_repair"] is not None, _log(story["repair"])
    assert story["index_after_repair"] == story["index_after_clean"]
