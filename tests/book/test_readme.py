"""The README is the replication package's front page, kept short: how to read the book first, then
the two commands, where the data come from and where everything else is. What it leaves to the book's
pages (every raw file with its URL, every exhibit) is checked there (test_provenance, test_exhibits)."""

import re

from conftest import ROOT

from companion import sources

README = (ROOT / "README.md").read_text(encoding="utf-8")
LIMIT = 12_000  # characters (issue 27): the rest is in the book's pages


def test_the_readme_is_short():
    assert len(README) <= LIMIT, f"README.md has {len(README)} characters; move detail to a page under about/"


def test_how_to_read_the_book_comes_first():
    first = README[: README.index("## Two commands")]
    for needed in ("_build/html/index.html", "make pdf", "_build/pdf/book.pdf", "CITATION.cff", "How to cite"):
        assert needed in first, f"the README's first screen does not say {needed!r}"
    assert README.index("make book") < README.index("make test")


def test_every_page_the_readme_names_exists_in_the_book():
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:about|chapters)/[\w/-]+)\.(?:md|ipynb)`", README))
    assert {"about/maintaining", "about/reliability", "about/data", "about/exhibits"} <= named
    for page in named:
        assert f"file: {page}\n" in toc or page.startswith("chapters/reproducibility/"), page
        assert any((ROOT / f"{page}{suffix}").is_file() for suffix in (".md", ".ipynb")), page


def test_every_publisher_is_named():
    for src in sources.sources().values():
        name = re.split(r" \(|, ", src.publisher)[0]
        assert name in README, f"README's data table does not name {name} ({src.key})"
