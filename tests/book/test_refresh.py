"""``python -m companion refresh`` (``make refresh``): the one command that makes again what an article
touches beyond its own files. Its plan, the README and front-page tables it makes, its refusals; and
the commands that only read leave every tracked file as it is. (The whole path, the refresh of a
scratch article's notebook and baseline included, is in tests/book/test_scaffold.py.)"""

import subprocess
import sys

import pytest
from conftest import ROOT, free_article_id

from companion.book import refresh, scaffold
from companion.core import registry as articles


def test_the_plan_executes_each_chapter_then_the_shared_pages_and_skips_the_environment_record():
    paths = [p.relative_to(ROOT).as_posix() for p in refresh.notebooks()]
    chapters = [p for a in articles.ARTICLES for p in paths if p.startswith(f"{a.chapter}/")]
    shared = [p for p in paths if not p.startswith("chapters/") or p.startswith("chapters/reproducibility/")]
    assert paths == chapters + shared and chapters and shared  # every article's chapter, then the shared pages
    assert {p.rsplit("/", 1)[0] for p in shared} == {"chapters/reproducibility", "about"}
    assert "about/environment.ipynb" not in paths and "about/exhibits.ipynb" in paths
    one = articles.ARTICLES[-1]
    assert [p.relative_to(ROOT).as_posix() for p in refresh.notebooks([one.id])] == [
        p for p in paths if p.startswith(f"{one.chapter}/") or p in shared
    ]


def test_an_unknown_article_is_refused_in_one_line():
    unknown = free_article_id()
    with pytest.raises(refresh.RefreshError, match=f"no article {unknown} in data/articles.yaml"):
        refresh.notebooks([unknown])
    result = subprocess.run(
        [sys.executable, "-m", "companion", "refresh", unknown], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 2 and result.stderr.startswith(f"error: no article {unknown}")


def test_the_readme_table_is_made_from_the_registry_and_nothing_else_changes():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = articles.markdown()
    assert refresh.readme_with_table(readme, table) == readme  # the README holds the registry's table
    stale = readme.replace(table, "\n".join(table.split("\n")[:-1]))  # the last article's row lost
    assert stale != readme and refresh.readme_with_table(stale, table) == readme
    with pytest.raises(refresh.RefreshError, match="no article table"):
        refresh.readme_with_table("# A README without the table\n", table)


def test_a_missing_front_page_row_is_added_and_rows_written_by_hand_are_kept():
    intro = (ROOT / "intro.md").read_text(encoding="utf-8")
    assert refresh.intro_with_rows(intro) == intro  # every article has its row (some written by hand)
    last = articles.ARTICLES[-1]
    rows = [line for line in intro.splitlines() if line.startswith(f"| {{doc}}`{last.chapter}/index`")]
    assert len(rows) == 1
    without = intro.replace(rows[0] + "\n", "")
    again = refresh.intro_with_rows(without)
    assert scaffold.front_page_row(last.id, last.slug, last.cite_key) in again.splitlines()
    assert again.count("| {doc}`chapters/") == intro.count("| {doc}`chapters/")


def test_the_commands_that_read_change_no_tracked_file():
    """Only new-article, refresh, execute, launch-cells, lint, baselines and environment --write write
    tracked files, each on purpose; the commands that print leave the checkout as it was."""
    before = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    for command in (["articles"], ["exhibits"], ["refresh", "--dry-run"], ["pins", "kazstat_sdg_17_8_1"]):
        result = subprocess.run([sys.executable, "-m", "companion", *command], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    after = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    assert after == before


def test_make_refresh_calls_the_command():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "\nrefresh: data\n\t$(BIN)/python -m companion refresh $(ARTICLE)\n" in makefile
    lint = makefile.split("\nlint: ", 1)[1].split("\n\n", 1)[0]
    assert lint.index("ruff format") < lint.index("ruff check")  # an E501 the formatter splits never stops it
