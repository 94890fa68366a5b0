"""Article 000 (UK and Kazakhstan): the ONS loaders, Table 1 b), the text claims and the analyses."""

import shutil

import openpyxl
import pandas as pd
import pytest

from companion import ledger, sources
from companion.articles import article000
from companion.ledger import DIFFERS, NOT_CHECKABLE, REPRODUCED
from companion.sources import ons, published
from companion.sources.validate import SchemaError

# The raw files come from the mirror, the cache or their pinned URLs; conftest stops the run with one
# message when none of these works, so nothing here skips.

# ------------------------------------- loaders: known values (data/provenance.yaml, checked by hand)


def test_table_1b_known_values():
    def cell(category, group, year):
        return article000.uk_adults(category, group, year)

    assert [cell("All adults", ons.RECENT, y) for y in (2018, 2019, 2020)] == [89.8, 90.8, 92.1]
    assert cell("All adults", ons.NEVER, 2019) == 7.5 and cell("All adults", ons.NEVER, 2020) == 6.3
    assert cell("75+", ons.RECENT, 2013) == 29.1 and cell("75+", ons.RECENT, 2020) == 54.0
    assert [cell(b, ons.RECENT, 2020) for b in ("16-24", "25-34", "35-44")] == [99.5, 99.5, 99.1]


def test_table_1b_labels_keep_age_bands_and_drop_footnote_marks():
    categories = set(ons.adults("1b")["category"])
    assert {"16-24", "75+", "All adults", "Equality Act disabled", "DDA disabled"} <= categories
    assert not any(c[-1].isdigit() and c[-2].isalpha() for c in categories)


def test_table_5b_known_values_and_shape():
    regions = ons.regional_share()
    assert regions["area_code"].nunique() == 13 and regions["year"].between(2014, 2020).all()
    share = regions.set_index(["area", "year"])["share"]
    assert [share[("London", y)] for y in (2018, 2019, 2020)] == [92.6, 93.0, 94.9]
    assert [share[("North East", y)] for y in (2018, 2019, 2020)] == [87.6, 87.7, 88.6]
    assert [share[("UK", y)] for y in (2018, 2019, 2020)] == [89.8, 90.8, 92.1]


def test_table_1a_counts_are_thousands():
    counts = ons.adults("1a").query("category == 'All adults' and group == 'recent' and year == 2020")
    assert counts["value"].item() == 49041


def test_sdg_csv_agrees_with_workbook():
    both = ons.regional_share().merge(ons.sdg_internet_share(), on=["year", "area"], suffixes=("_5b", "_sdg"))
    assert len(both) == 13 * 7
    assert (both["share_5b"] - both["share_sdg"]).abs().max() == 0


# ---------------------------------------------------------------- loaders: bad input names key and rule


@pytest.fixture(scope="module")
def sheet_5b_only(tmp_path_factory):
    """The verified workbook cut down to table 5b, which ``ons.regional_share`` reads (opening and
    saving the 21-sheet workbook takes seconds; one sheet takes a fraction of that)."""
    book = openpyxl.load_workbook(sources.fetch(ons.WORKBOOK))
    for name in book.sheetnames:
        if name != "5b":
            del book[name]
    path = tmp_path_factory.mktemp("ons") / "internetusers2020-5b.xlsx"
    book.save(path)
    return path


@pytest.fixture
def workbook_copy(monkeypatch, tmp_path, sheet_5b_only):
    """A writable copy of table 5b that the ONS loader reads instead of the verified file."""
    copy = tmp_path / "internetusers2020.xlsx"
    shutil.copyfile(sheet_5b_only, copy)
    monkeypatch.setattr(ons, "fetch", lambda key: copy if key == ons.WORKBOOK else sources.fetch(key))
    return copy


def test_the_cut_down_copy_reads_as_the_verified_workbook(monkeypatch, sheet_5b_only):
    verified = ons.regional_share()
    monkeypatch.setattr(ons, "fetch", lambda key: sheet_5b_only if key == ons.WORKBOOK else sources.fetch(key))
    pd.testing.assert_frame_equal(ons.regional_share(), verified)


def test_header_is_found_when_rows_shift(workbook_copy):
    book = openpyxl.load_workbook(workbook_copy)
    book["5b"].insert_rows(1, amount=2)  # two extra title lines above the header
    book.save(workbook_copy)
    regions = ons.regional_share().set_index(["area", "year"])["share"]
    assert regions[("London", 2020)] == 94.9 and regions[("UK", 2020)] == 92.1


def test_missing_header_names_the_key(workbook_copy):
    book = openpyxl.load_workbook(workbook_copy)
    sheet = book["5b"]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "Used in the last 3 months":
                cell.value = "Recent"
    book.save(workbook_copy)
    with pytest.raises(SchemaError, match="ons_internet_users_2020.*'5b'"):
        ons.regional_share()


def test_value_out_of_range_names_the_column(workbook_copy):
    book = openpyxl.load_workbook(workbook_copy)
    sheet = book["5b"]
    for row in sheet.iter_rows():
        if row[1].value == "London":
            row[9].value = 194.9
    book.save(workbook_copy)
    with pytest.raises(SchemaError, match="'share'.*values in \\[0, 100\\]"):
        ons.regional_share()


# ---------------------------------------------------------------- Table 1 b) and the text claims


def test_table1b_transcription_matches_the_article_layout():
    printed = published.table("article000_table1b_uk_regions")
    assert len(printed) == 39 and printed["area_printed"].nunique() == 13
    assert printed.query("area_printed == 'The whole country' and year == 2020")["value"].item() == 91.2


def test_table1b_verdicts():
    cells = ledger.table_claims("article000_table1b_uk_regions")
    assert len(cells) == 39
    differs = cells[cells["verdict"] != REPRODUCED]
    assert list(differs["claim_id"]) == ["000-T1b-the-whole-country-2020"]
    assert differs["verdict"].item() == DIFFERS and differs["recomputed"].item() == 92.1
    assert "transposed" in differs["note"].item()


EXPECTED = {
    "000-kz-share-2020": REPRODUCED,
    "000-uk-share-2020": REPRODUCED,
    "000-uk-share-2019": REPRODUCED,
    "000-uk-16-44-share-2020": REPRODUCED,
    "000-uk-75plus-share-2020": REPRODUCED,
    "000-uk-75plus-share-2013": REPRODUCED,
    "000-uk-75plus-doubled": REPRODUCED,
    "000-uk-never-2020": REPRODUCED,
    "000-uk-never-2019": REPRODUCED,
    "000-kz-increase-2020": REPRODUCED,
    "000-kz-leaders-2020": REPRODUCED,
    "000-kz-growing-every-year": REPRODUCED,
    "000-evoting-kz-sailau": NOT_CHECKABLE,
    "000-social-izzard-retweets": NOT_CHECKABLE,
}


def test_the_uk_2020_cell_is_one_claim_not_two(whole_ledger):
    """The printed cell 91.2 is a table cell; the text's 92 % is another printed statement."""
    assert "000-uk-share-2020-table" not in set(whole_ledger["claim_id"])
    assert whole_ledger.set_index("claim_id").loc["000-T1b-the-whole-country-2020", "verdict"] == DIFFERS


def test_4_percent_higher_is_one_claim_with_both_readings():
    from companion import ledger as led

    evidence = led.evidence(claim_ids=["000-kz-increase-2020"])
    assert len(evidence) == 2 and evidence["decides"].all()
    assert sorted(evidence["matches"]) == [False, True]
    assert evidence.loc[~evidence["matches"], "value"].item() == pytest.approx(4.75059)


def test_leaders_are_read_as_two_cities_and_two_regions():
    assert article000.kz_leaders_by_kind(2020) == "Almaty, Nur-Sultan; Karagandy, Pavlodar"
    # ranked all together, Turkestan region passes Almaty city: a reading shown, not the verdict
    assert "Turkestan region" in article000.kz_leaders(2020)


def test_text_claim_verdicts(whole_ledger):
    text_ids = set(published.claims()["claim_id"])
    claims = whole_ledger[whole_ledger["claim_id"].isin(text_ids)].set_index("claim_id")
    for claim_id, expected in EXPECTED.items():
        assert claims.loc[claim_id, "verdict"] == expected, claim_id
    ours = claims[claims["article"] == "000"]
    assert ours.loc[ours["verdict"] == DIFFERS, "note"].str.len().gt(20).all()
    assert ours.loc[ours["verdict"] == NOT_CHECKABLE, "note"].str.startswith("not checkable:").all()


def test_16_44_is_size_weighted_and_between_the_bands():
    value = article000.uk_16_44_share(2020)
    assert 99.1 < value < 99.5 and round(value, 2) == 99.36


def test_kz_change_points_and_percent():
    change = article000.kz_change(2019, 2020)
    assert change["points"] == pytest.approx(4.0)
    assert change["percent"] == pytest.approx(100 * 4.0 / 84.2)


def test_kz_leaders_of_2020():
    ranking = article000.kz_ranking(2020)
    assert list(ranking["area_printed"].head(5)) == [
        "Nur-Sultan city",
        "Karagandy region",
        "Pavlodar region",
        "Turkestan region",
        "Almaty city",
    ]
    assert article000.kz_leaders(2020) == "Karagandy region; Nur-Sultan city; Pavlodar region; Turkestan region"


def test_evoting_milestones_are_all_from_the_article():
    milestones = article000.evoting_milestones()
    assert len(milestones) == 8
    assert set(milestones["basis"]) == {"as stated in the article"}
    assert set(milestones["article"]) == {"000"}
    sailau = milestones[milestones["event"].str.contains("Sailau")]
    assert sailau[["start_year", "start_month"]].values.tolist() == [[2004, 9]]


# ---------------------------------------------------------------- the analyses


def test_beta_convergence_windows():
    short, long = article000.beta_convergence(2018, 2020), article000.beta_convergence(2011, 2020)
    assert (short.n, long.n) == (17, 15)
    slope_short = short.coefficients().loc["start_share"]
    slope_long = long.coefficients().loc["start_share"]
    assert slope_short["ci_low"] < 0 < slope_short["ci_high"]  # the article's window: inconclusive
    assert slope_long["ci_high"] < 0  # 2011-2020: laggards gained more
    band = short.band()
    assert (band["ci_low"] <= band["fitted"]).all() and (band["fitted"] <= band["ci_high"]).all()


def test_sigma_convergence():
    sigma = article000.sigma_convergence().set_index(["country", "year"])
    assert sigma.loc[("United Kingdom", 2020), "n"] == 12
    assert sigma.loc[("Kazakhstan", 2020), "n"] == 17
    assert sigma.loc[("Kazakhstan", 2023), "sd"] < sigma.loc[("Kazakhstan", 2011), "sd"] / 2
    assert sigma.loc[("United Kingdom", 2020), "sd"] < sigma.loc[("United Kingdom", 2013), "sd"]


def test_long_run_coverage():
    frame = article000.long_run()
    span = frame.groupby("country")["year"].agg(["min", "max"])
    assert span.loc["Kazakhstan"].tolist() == [2011, 2023]
    assert span.loc["United Kingdom"].tolist() == [2013, 2020]
