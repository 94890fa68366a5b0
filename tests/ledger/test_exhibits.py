"""The exhibit map (issue 19): for every table and figure, the article's name for it, the notebook, the
package functions, the loaders and raw-file keys, the published files and the outputs, derived from
the code and checked against it."""

import json
import re

import pytest
from conftest import ROOT, stored_outputs

from companion import sources
from companion.ledger import exhibits


@pytest.fixture(scope="module")
def table():
    return exhibits.exhibits().set_index("exhibit")


def test_convergence_figure_maps_down_to_its_raw_file(table):
    row = table.loc["fig-article000-convergence"]
    assert row.notebook == "chapters/participation-uk-kz/06_convergence.ipynb"
    computing = {"article000.beta_convergence", "article000.sigma_convergence", "article000.kz_areas_wide"}
    assert computing <= set(row.functions.split())
    assert {"kazstat.internet_share", "ons.sdg_internet_share"} <= set(row.loaders.split())
    assert set(row.raw_files.split()) == {"kazstat_sdg_17_8_1", "kazstat_ref_area_en", "ons_sdg_17_8_1"}
    assert row.article_name == exhibits.BEYOND and row.kind == "figure"
    assert "_static/figures/fig-article000-convergence.png" in row.outputs


def test_ons_key_behind_a_module_constant_is_found(table):
    row = table.loc["article000_table1b_uk_regions"]
    assert row.article_name == "Table 1 b)" and "ons.read_table" in row.loaders.split()
    assert "ons_internet_users_2020" in row.raw_files.split()
    assert row.published == "data/published/article000_table1b_uk_regions.csv"


def test_constant_arguments_select_the_files_of_a_loader_with_many(table):
    # article002.egdi_with_freedom(2020, ...) -> egov.ranked(year) -> egov.edition(year): only 2020's file
    assert table.loc["fig-article002-egdi-vs-freedom", "raw_files"].split() == [
        "egov_2020",
        "freedomhouse_scores_2003_2024",
    ]
    # egov.panel(...) loops over the editions: every file the loader can read
    assert set(table.loc["fig-article002-egdi-timeline", "raw_files"].split()) == set(
        sources.LOADERS["companion.sources.egov.edition"].among
    )


def test_figures_without_raw_files_name_the_published_files_they_read(table):
    assert (
        table.loc["fig-article000-evoting-timeline", "published"] == "data/published/article000_evoting_milestones.csv"
    )
    assert table.loc["fig-article002-model", "published"] == "data/published/article002_figure1.yaml"
    assert set(table.loc["fig-article002-digital-share", "published"].split()) == {
        "data/published/ledger_claims.csv",
        "data/published/article002_hilbert_lopez_2011.csv",
    }


def test_every_file_named_exists_and_every_key_is_declared(table):
    declared = set(sources.sources())
    for row in table.itertuples():
        assert set(row.raw_files.split()) <= declared, row.Index
        for path in row.published.split():
            assert (ROOT / path).is_file(), (row.Index, path)
        for function in row.functions.split() + row.loaders.split():
            assert exhibits._known(function), (row.Index, function)


def test_the_raw_files_a_figure_cites_are_among_those_its_code_reads():
    """figures.save(..., sources=[...]) writes the cite box; the map, derived from the code, must
    contain every file cited there (it may find more: a loader that also reads a code list)."""
    for path in sorted(ROOT.glob("chapters/*/[0-9]*.ipynb")):
        for fig in exhibits.notebook_figures(path):
            derived = {k for keys in fig["reads"].keys.values() for k in keys}
            missing = sorted(set(fig["declared_sources"]) - derived)
            assert not missing, (fig["name"], missing)


def test_every_exhibit_has_exactly_one_article_name(table):
    names = exhibits.article_names()
    assert not names.index.duplicated().any()
    assert set(names.index) == set(table.index), sorted(set(names.index) ^ set(table.index))
    assert table["article_name"].str.len().gt(0).all()
    assert {"Table 1 a)", "Table 1 b)", "Figure 1", exhibits.BEYOND} <= set(table["article_name"])


def test_an_exhibit_without_an_article_name_fails_naming_it(monkeypatch, table):
    names = exhibits.article_names().drop(index="fig-article004-figure1")
    monkeypatch.setattr(exhibits, "article_names", lambda: names)
    with pytest.raises(KeyError, match="fig-article004-figure1.*exhibits_names.csv"):
        exhibits.exhibits()


def _notebook(tmp_path, cells):
    nb = {
        "cells": [
            {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": c} for c in cells
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "probe.ipynb"
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


def test_a_figure_maps_only_what_its_computation_uses(tmp_path):
    path = _notebook(
        tmp_path,
        [
            "from companion.book import figures\n"
            "from companion.sources import egov, kazstat, worldbank\n"
            "import matplotlib.pyplot as plt",
            "unused = worldbank.internet_share()\nshare = kazstat.internet_share()",
            "one = egov.edition(2014)",
            "data = share.merge(one, how='cross')\nfig, ax = plt.subplots()\nax.plot(data['year'])",
            "figures.save(fig, 'fig-probe', data, title='probe', sources=['kazstat_sdg_17_8_1'])",
        ],
    )
    [fig] = exhibits.notebook_figures(path)
    reads = fig["reads"]
    assert fig["name"] == "fig-probe" and fig["declared_sources"] == ["kazstat_sdg_17_8_1"]
    assert set(reads.keys) == {"kazstat.internet_share", "kazstat.area_names", "egov.edition"}
    assert reads.keys["egov.edition"] == {"egov_2014"}
    assert reads.keys["kazstat.area_names"] == {"kazstat_ref_area_en"}  # called with its default language
    assert "worldbank.internet_share" not in reads.functions


def test_loaders_record_what_they_read():
    exhibits._import_all()  # every loader registered, whichever tests ran before in this process
    loaders = sources.LOADERS
    assert loaders["companion.sources.ons.read_table"].keys == ("ons_internet_users_2020",)
    assert loaders["companion.sources.egov.edition"].reads(2020) == ("egov_2020",)
    assert loaders["companion.sources.worldbank.population"].reads("2026") == ("worldbank_population_2026",)
    for loader in loaders.values():
        assert set(loader.among) <= set(sources.sources()), loader.name
        assert set(loader.keys) <= set(loader.among), loader.name


def test_a_loader_whose_files_depend_on_arguments_must_list_them():
    with pytest.raises(ValueError, match="among"):
        sources.loader(keys_of=lambda year: [f"egov_{year}"])


def test_the_book_page_shows_the_map(table):
    shown = stored_outputs("about/exhibits.ipynb")
    for row in table.itertuples():
        assert row.Index in shown and row.notebook in shown, row.Index
        for word in row.loaders.split() + row.raw_files.split() + row.published.split():
            assert word in shown, (row.Index, word)


def _stored_html(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return "".join(
        "".join(o.get("data", {}).get("text/html", ""))
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
    )


def test_every_figure_links_from_its_cite_box_to_its_entry_in_the_map(table):
    """One hop from a figure to its functions, loaders and raw files: the cite box under each figure
    links to the figure's entry on the list of tables and figures, and that entry exists."""
    anchors = set(re.findall(r'id="(exhibit-[^"]+)"', _stored_html(ROOT / "about" / "exhibits.ipynb")))
    figures = [name for name in table.index if name.startswith("fig-")]
    assert figures and {f"exhibit-{name}" for name in table.index} <= anchors
    for name in figures:
        notebook = table.loc[name, "notebook"]
        box = _stored_html(ROOT / notebook)
        up = "../" * (len(notebook.split("/")) - 1)
        assert f'href="{up}about/exhibits.html#exhibit-{name}"' in box, f"{notebook}: the cite box of {name}"
