"""Article 002: the UN EGDI and Freedom House loaders, the regional mapping and the key verdicts."""

import pytest

from companion.articles import article002
from companion.ledger import DIFFERS, NOT_CHECKABLE, REPRODUCED
from companion.sources import egov, freedomhouse, published
from companion.sources.validate import SchemaError


# Values checked by hand: data/provenance.yaml, un_egov_egdi/EGOV_DATA_<year>.csv
@pytest.mark.parametrize(
    "year, rank, index",
    [
        (2003, 83, 0.38661),
        (2005, 65, 0.48125),
        (2008, 81, 0.47430),
        (2014, 28, 0.72827),
        (2020, 29, 0.83750),
        (2022, 28, 0.86280),
    ],
)
def test_kazakhstan_egdi_matches_provenance(year, rank, index):
    frame = egov.edition(year)
    kz = frame[frame["country"] == "Kazakhstan"].iloc[0]  # trailing space stripped
    assert kz["rank"] == rank
    assert kz["egdi"] == pytest.approx(index, abs=1e-6)


def test_names_are_stripped_and_blank_ranks_stay_blank():
    frame = egov.edition(2005)
    assert not frame["country"].str.endswith(" ").any()
    assert len(frame) == 193
    assert sorted(frame.loc[frame["rank"].isna(), "country"]) == ["Montenegro", "South Sudan"]
    assert egov.ranked_count(2005) == 191 and egov.ranked_count(2020) == 193


def test_uk_values():
    uk = egov.edition(2020).set_index("country").loc[egov.UK]
    assert uk["rank"] == 7 and uk["egdi"] == pytest.approx(0.93580)


def test_2024_is_a_marked_extension_with_renamed_columns():
    frame = egov.edition(2024)
    assert frame["modified"].all() and set(frame["source_key"]) == {"egov_2024_modified"}
    kz = frame.set_index("country").loc["Kazakhstan"]
    assert kz["rank"] == 24 and kz["egdi"] == pytest.approx(0.90093)
    assert not egov.panel()["modified"].any()
    assert egov.panel(extension=True)["survey_year"].max() == 2024


def test_unknown_edition_is_named():
    with pytest.raises(KeyError, match="2006"):
        egov.edition(2006)


def test_schema_error_names_key_and_column(monkeypatch, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Survey Year,Country Name,E-Government Rank\n2020,X ,1\n", encoding="utf-8")
    monkeypatch.setattr(egov, "fetch", lambda key: bad)  # another file: the loader reads it afresh
    with pytest.raises(SchemaError, match=r"'egov_2018'.*'E-Government Index'"):
        egov.edition(2018)


def test_region_mapping_covers_m49_asia_and_matches_egdi_names():
    mapping = egov.region_mapping()
    assert (mapping["region"] == "Asia").sum() == 47 and (mapping["region"] == "Oceania").sum() == 14
    assert set(mapping["country"]) <= set(egov.edition(2020)["country"])
    assert sorted(mapping.loc[mapping["sub_region"] == "Central Asia", "country"]) == sorted(egov.CENTRAL_ASIA)


def test_regional_ranks_under_each_grouping():
    ranks = article002.regional_ranks_kz(2020).set_index("grouping")["kz_rank"].to_dict()
    assert ranks == {
        "UN M49 Asia (with Cyprus)": 6,
        "UN M49 Asia without Cyprus": 5,
        "Asia and Oceania (with Cyprus)": 8,
        "Asia and Oceania without Cyprus": 7,
        "UN M49 Central Asia": 1,
    }


# Values checked by hand: data/provenance.yaml, freedom_house/*.xlsx
def test_freedom_house_kazakhstan_history():
    kz = freedomhouse.country_history("Kazakhstan").set_index("edition")
    assert list(kz.index) == list(range(2003, 2025))
    assert (kz["year_under_review"] == kz.index - 1).all()
    assert set(kz["status"]) == {"NF"}
    assert kz.loc[2006, ["pr_rating", "cl_rating"]].tolist() == [6, 5]
    assert kz.loc[2022, ["pr_rating", "cl_rating"]].tolist() == [7, 5]
    totals = {2003: 29, 2004: 28, 2005: 31, 2006: 32, 2010: 28, 2017: 22, 2021: 23, 2022: 23, 2024: 23}
    assert {e: int(kz.loc[e, "total"]) for e in totals} == totals


def test_freedom_house_uk_and_edition_columns():
    scores = freedomhouse.scores()
    uk = scores[(scores["country"] == "United Kingdom") & (scores["edition"] == 2022)].iloc[0]
    assert uk["total"] == 93 and uk["status"] == "F" and uk["year_under_review"] == 2021
    ratings = freedomhouse.ratings()
    row = ratings[(ratings["country"] == "Kazakhstan") & (ratings["edition_label"] == "1991-92")].iloc[0]
    assert (row["pr_rating"], row["cl_rating"], row["status"]) == (5, 4, "PF")


def test_every_fh_country_maps_to_an_egdi_name():
    matched = article002.egdi_with_freedom(2020)
    assert len(matched) == 193 and article002.unmatched(2020) == []
    assert set(freedomhouse.egov_names().values()) <= set(egov.edition(2020)["country"])


def test_regression_kazakhstan_outside_prediction_band():
    result, data = article002.fit(2020)
    assert result.cov_type == "HC3" and int(result.nobs) == 193
    assert result.params["fh_total"] > 0
    kz = article002.country_position(2020)
    assert kz["residual"] > 0 and not kz["inside_pi"] and kz["egdi"] > kz["pi_high"]
    uk = article002.country_position(2020, egov.UK)
    assert uk["inside_pi"]


def test_transcriptions_are_complete():
    hl = published.table("article002_hilbert_lopez_2011")
    assert hl.set_index("year")["digital_share_pct"].to_dict() == {1986: 1, 1993: 3, 2000: 25, 2007: 94}
    stages = published.table("article002_egov_stages")
    assert stages.loc[stages["event"] == "e.gov.kz launched", "start"].item() == "2006-04-12"


EXPECTED = {
    "002-egdi-rank-kz-2005": REPRODUCED,
    "002-egdi-rank-kz-2020": REPRODUCED,
    "002-egdi-countries-ranked-2005": DIFFERS,
    "002-egdi-countries-ranked-2020": REPRODUCED,
    "002-egdi-asia-rank-kz-2020": DIFFERS,
    "002-egdi-central-asia-rank-kz-2020": REPRODUCED,
    "002-fh-status-kz-2005": REPRODUCED,
    "002-fh-status-kz-ed2021": REPRODUCED,
    "002-fh-rank-kz-94": DIFFERS,
    "002-digital-share-1980": NOT_CHECKABLE,
    "002-digital-share-2012": NOT_CHECKABLE,
    "002-egov-portal-launch": NOT_CHECKABLE,
}


def test_key_verdicts():
    table = article002.claims_table().set_index("claim_id")
    assert {k: table.loc[k, "verdict"] for k in EXPECTED} == EXPECTED
    assert "159 of 195" in table.loc["002-fh-rank-kz-94", "note"]
    # the rank is Transparency International's (CPI 2020), not Freedom House's
    assert table.loc["002-fh-rank-kz-94", "recomputed"] == 94
    assert "ti_cpi_2020" in table.loc["002-fh-rank-kz-94", "sources"]
    # the published value is what was printed, not our reading of it
    assert table.loc["002-fh-status-kz-2005", "published"] == "closed, authoritarian"
    assert table.loc["002-fh-status-kz-2005", "recomputed"] == "Not Free"
    claims = published.claims()
    assert set(table.index) == set(claims.loc[claims["article"] == "002", "claim_id"])


def test_zero_egdi_countries_share_the_last_rank_and_miss_one_component():
    zeros = egov.zero_scores().set_index("survey_year")
    assert zeros.loc[2005, "scored_zero"] == 12 and zeros.loc[2005, "zero_rank"] == 180
    assert zeros.loc[2005, "last_nonzero_rank"] == 179 and zeros.loc[2003, "scored_zero"] == 18
    assert (zeros.loc[[2014, 2016, 2018, 2020, 2022], "scored_zero"] == 0).all()
    has = zeros[zeros["scored_zero"] > 0]
    assert (has["zero_rank"] == has["last_nonzero_rank"] + 1).all()
    # what the page says: the 0 goes with a 0 online service index (2003-2005, 2012) or a 0 human
    # capital index (2008, 2010), never with a 0 on every part
    osi = has.loc[[2003, 2004, 2005, 2012]]
    assert (osi["osi_also_0"] == osi["scored_zero"]).all() and (osi["tii_also_0"] == 0).all()
    hci = has.loc[[2008, 2010]]
    assert (hci["hci_also_0"] == hci["scored_zero"]).all() and (hci["osi_also_0"] < hci["scored_zero"] / 2).all()


def test_fits_leave_out_unranked_countries_and_scored_only_drops_the_zeros():
    for year in (2003, 2008):
        data = article002.egdi_with_freedom(year)
        assert data["egdi_rank"].notna().all()
        scored = article002.egdi_with_freedom(year, scored_only=True)
        zero = data[data["egdi"] == 0]
        assert len(zero) > 0 and len(scored) == len(data) - len(zero) and (scored["egdi"] > 0).all()
    assert article002.fit(2020)[0].nobs == article002.fit(2020, scored_only=True)[0].nobs
