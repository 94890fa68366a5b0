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
    from companion.book.prerun import execute_into_cache

    outcome = execute_into_cache(built_book.html.parent / ".jupyter_cache")
    assert outcome == {"succeeded": [], "excepted": [], "errored": []}


def test_figures_are_numbered_as_their_articles_number_them(built_book):
    """Article 004's Figure 1 is "Figure 1 (article 004)", not the book's tenth figure; every figure's
    caption and every cross-reference to it carry the name data/mappings/exhibits_names.csv gives;
    the book's own figures are counted within their article."""
    import csv
    import re

    names = {r["exhibit"]: r for r in csv.DictReader((ROOT / "data/mappings/exhibits_names.csv").open())}
    captions = {}
    for page in built_book.html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        for figure, number in re.findall(
            r'<figure[^>]*\bid="(fig-[^"]+)"[^>]*>.*?<span class="caption-number">([^<]+)</span>', text, re.S
        ):
            captions[figure] = number.strip()
    figures = [f for f in names if f.startswith("fig-")]
    assert sorted(captions) == sorted(figures)
    for figure in figures:
        row = names[figure]
        if row["article_name"].startswith("Figure"):
            assert captions[figure] == f"{row['article_name']} (article {row['article']})", figure
        elif row["article_name"] == "beyond the article":
            assert re.fullmatch(r"Companion figure \d+ \((article \d{3}|all articles)\)", captions[figure]), figure
    assert captions["fig-article004-figure1"] == "Figure 1 (article 004)"
    own = [n for n in captions.values() if n.startswith("Companion figure")]
    assert len(own) == len(set(own))  # one name per figure
    index = (built_book.html / "chapters/institutions-egov/index.html").read_text(encoding="utf-8")
    assert '<span class="std std-numref">Figure 1 (article 002)</span>' in index
