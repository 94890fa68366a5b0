"""One naming scheme (companion.book.names): raw-file keys, transcribed files, figure and page labels all
start with their owner, an article of the registry or the package module that reads or makes them."""

from pathlib import Path

import pandas as pd
import pytest

from companion.book import figures, names
from companion.core import registry as articles


def test_every_name_in_the_book_follows_the_scheme():
    assert names.problems() == []


@pytest.mark.parametrize(
    "label", ["fig-kz-regions", "fig-ukkz-long-run", "fig-a002-model", "fig-article000", "Fig-article000-x", "regions"]
)
def test_a_figure_label_without_its_owner_is_named_as_wrong(label):
    assert names.figure_problem(label)


@pytest.mark.parametrize("label", ["fig-article000-convergence", "fig-ledger-verdicts-by-article"])
def test_a_figure_label_with_its_owner_passes(label):
    assert names.figure_problem(label) is None


def test_figures_save_refuses_a_label_outside_the_scheme():
    with pytest.raises(ValueError, match="owner"):
        figures.save(None, "fig-kz-regions", pd.DataFrame(), title="x", sources=[], notebook="x.ipynb")


def test_owners_come_from_the_registry_and_the_package():
    assert names.article_owners() == tuple(f"article{a.id}" for a in articles.ARTICLES)  # data/articles.yaml
    assert {"kazstat", "ons", "freedomhouse", "worldbank", "ledger"} <= set(names.modules())
    assert names.owner_of("kazstat_sdg_17_8_1", "_") == "kazstat"
    assert names.owner_of("kz_sdg_17_8_1", "_") is None


def test_the_check_finds_files_and_labels_outside_the_scheme(tmp_path: Path):
    (tmp_path / "data" / "published").mkdir(parents=True)
    (tmp_path / "data" / "mappings").mkdir()
    (tmp_path / "data" / "published" / "table9_000.csv").write_text("a\n1\n")
    (tmp_path / "data" / "mappings" / "ledger_nothing.csv").write_text("a\n1\n")
    chapter = tmp_path / "chapters" / "participation-uk-kz"
    chapter.mkdir(parents=True)
    (chapter / "index.md").write_text("(ukkz-home)=\n# x\n\n```{glue:figure} fig-ukkz-x\n:name: fig-ukkz-x\n```\n")
    found = "\n".join(names.problems(tmp_path))
    assert "data/published/table9_000.csv: starts with neither" in found
    assert "data/mappings/ledger_nothing.csv: module ledger never names it" in found
    assert "page label 'ukkz-home' starts with article000-" in found
    assert "figure label 'fig-ukkz-x'" in found
