"""Article 004: WDI and OWID loaders, the claims' computations and the diffusion model."""

import pandas as pd
import pytest

from companion import ledger
from companion.articles import article004
from companion.ledger import DIFFERS, NOT_CHECKABLE, REPRODUCED
from companion.sources import owid, published, schemas, worldbank
from companion.sources.validate import SchemaError


def test_wb_internet_share_reads_the_bom_file_without_preamble():
    share = worldbank.internet_share()
    assert list(share.columns) == ["country_code", "country", "year", "share", "vintage"]
    kz = share.query("country_code == 'KAZ'").set_index("year")["share"]
    assert kz[2018] == pytest.approx(78.9039, abs=1e-4)  # data/provenance.yaml
    assert kz[1997] == pytest.approx(0.0646, abs=1e-4)
    world = share.query("country_code == 'WLD'").set_index("year")["share"]
    assert world[2017] == pytest.approx(45.4)
    assert (share["vintage"] == worldbank.INTERNET_VINTAGE).all()


def test_country_meta_marks_aggregates():
    meta = worldbank.country_meta().set_index("country_code")
    assert bool(meta.loc["WLD", "is_aggregate"]) and not bool(meta.loc["KAZ", "is_aggregate"])


def test_population_vintages_stay_separate():
    old, new = worldbank.population("2023-03-30"), worldbank.population("2026")
    assert set(old["vintage"]) == {"2023-03-30"} and set(new["vintage"]) == {"2026"}
    kz_old = old.query("country_code == 'KAZ'").set_index("year")["population"]
    kz_new = new.query("country_code == 'KAZ'").set_index("year")["population"]
    assert kz_old[2019] == 18_513_673 and kz_new[2019] == 19_209_555  # data/provenance.yaml
    assert kz_old[1997] == 15_334_405 and kz_new[1997] == 16_043_251
    with pytest.raises(KeyError, match="2023-03-30"):
        worldbank.population("2024")


def test_age_shares_read_the_four_preamble_lines():
    ages = worldbank.age_shares()
    assert set(ages["vintage"]) == {"2022-05-25"}
    kz = ages.query("country_code == 'KAZ' and year == 2019").set_index("age_group")["share"]
    assert kz["0-14"] == pytest.approx(28.881, abs=1e-3)
    assert kz["15-64"] == pytest.approx(63.466, abs=1e-3)
    assert kz.sum() == pytest.approx(100, abs=0.01)
    p15 = worldbank.population_15_plus("2023-03-30").query("country_code == 'KAZ' and year == 2019")
    assert float(p15["population_15_plus"].item()) / 1e6 == pytest.approx(13.17, abs=0.01)


def test_owid_2021_vintage():
    share = owid.internet_share()
    world = share.query("entity == 'World'").set_index("year")["share"]
    assert world[2017] == pytest.approx(48.997, abs=1e-3)  # data/provenance.yaml
    users = owid.internet_users().query("code == 'KAZ'").set_index("year")["users"]
    assert users[1997] == 10_065 and users[2005] == 460_292
    assert (share["vintage"] == owid.VINTAGE).all()


def test_schema_errors_name_the_key_and_the_column():
    frame = pd.DataFrame({"share": [50.0, 120.0]})
    with pytest.raises(SchemaError, match=r"'worldbank_internet_share'.*'share'.*'values in \[0, 100\]'.*120\.0"):
        schemas.check(frame, schemas.table("t", {"share": schemas.share()}), "worldbank_internet_share")
    with pytest.raises(SchemaError, match=r"'owid_internet_share_2021'.*'Entity'.*'required column'"):
        schemas.check(frame, schemas.OWID_RAW, "owid_internet_share_2021")


def test_early_users_and_first_million():
    users = article004.early_users(1995, 2010)
    u23 = users[users["estimate"].str.endswith("2023-03-30")].set_index("year")["users"]
    assert u23[1997] == pytest.approx(0.000646 * 15_334_405, rel=1e-3)
    assert article004.first_million_year(u23) == 2008
    assert article004.first_million_year(pd.Series([10.0, 2e6], index=[2000, 2001])) == 2001


def test_region_matches_name_the_european_aggregates():
    hits = article004.region_matches().query("matches")
    assert set(hits["claim"]) == {"europe"}
    assert set(hits["aggregate"]) == {"European Union", "Euro area"}


def test_diffusion_model_recovers_a_known_curve():
    import numpy as np

    years = np.arange(1995, 2031)
    exact = 1 / (1 + np.exp(-0.2 * (years - 2012)))
    # a small deterministic wobble: an exact curve is a "perfect prediction" and statsmodels warns
    data = pd.DataFrame({"year": years, "share": exact * (1 + 0.02 * np.sin(years))})
    result = article004.fit_logistic(data)
    assert result.cov_type == "HC0"
    assert float(result.params[1]) == pytest.approx(0.2, abs=0.01)
    mid, _ = article004.year_at_share(result, 0.5)
    assert mid == pytest.approx(2012, abs=0.3)


def test_diffusion_table_for_the_real_series():
    table = article004.diffusion_table().set_index("series")
    assert set(table.index) == set(article004.MODEL_SERIES)
    kz, uk = table.loc["Kazakhstan (ITU)"], table.loc["United Kingdom (ITU)"]
    assert kz["midpoint_low"] < kz["midpoint"] < kz["midpoint_high"]
    assert 2008 < kz["midpoint"] < 2016 and uk["midpoint"] < kz["midpoint"]
    lag = article004.lag_table().set_index(["follower", "share"]).loc[("Kazakhstan (ITU)", 0.5), "lag"]
    # both tables are rounded to 6 significant digits: a year to 0.01, so their difference to 0.01
    assert lag == pytest.approx(kz["midpoint"] - uk["midpoint"], abs=0.01)


EXPECTED = {
    "004-fig1-kz-2018": (DIFFERS, 81.3),
    "004-world-2017": (REPRODUCED, 48.028),
    "004-europe-2017": (REPRODUCED, 79.5546),
    "004-africa-2017": (REPRODUCED, 21.7606),
    "004-users-1997": (DIFFERS, 10.065),
    "004-first-million-year": (DIFFERS, 2008),
    "004-leak-adults-2019": (NOT_CHECKABLE, None),  # issue 29: its population vintages are later than the article
    "004-facebook-rank": (NOT_CHECKABLE, None),
}


def test_key_claims_have_the_expected_verdicts():
    rows = article004.claim_rows().set_index("claim_id")
    assert len(rows) == 12
    for claim_id, (verdict, recomputed) in EXPECTED.items():
        assert rows.loc[claim_id, "verdict"] == verdict, claim_id
        if recomputed is not None:
            assert float(rows.loc[claim_id, "recomputed"]) == pytest.approx(recomputed, abs=1e-3), claim_id
    assert all(rows["note"].str.len() > 0)
    assert rows.loc["004-facebook-rank", "note"].startswith("not checkable:")
    assert "published by 2021" in rows.loc["004-leak-adults-2019", "note"]


def test_itu_regions_of_both_vintages():
    """PROVENANCE.md: 2017 vintage 48.0 / 79.6 / 21.8; the 2019 vintage revises 2017 to 49.0 / 77.4 / 24.8."""
    table = article004.itu_regions().set_index(["key", "claim"])["share"].round(1)
    assert table[("itu_key_ict_2017", "world")] == 48.0 and table[("itu_key_ict_2019", "world")] == 49.0
    assert table[("itu_key_ict_2017", "europe")] == 79.6 and table[("itu_key_ict_2019", "europe")] == 77.4
    assert table[("itu_key_ict_2017", "africa")] == 21.8 and table[("itu_key_ict_2019", "africa")] == 24.8


def test_region_claims_are_decided_by_itus_2017_vintage_and_show_the_others():
    evidence = ledger.evidence(claim_ids=["004-world-2017", "004-europe-2017", "004-africa-2017"])
    deciding = evidence[evidence["decides"]]
    assert set(deciding["sources"]) == {"itu_key_ict_2017"} and deciding["matches"].all()
    others = evidence[~evidence["decides"]]
    assert {"itu_key_ict_2019", "worldbank_internet_share", "owid_internet_share_2021"} <= set(others["sources"])
    # the 2019 revision of Africa (24.8) and the World Bank aggregates do not match
    assert not others.query("sources == 'itu_key_ict_2019' and claim_id == '004-africa-2017'")["matches"].item()


def test_ledger_agrees_with_the_chapter(whole_ledger):
    book = article004.claim_rows().set_index("claim_id")["verdict"]
    text_ids = set(published.claims()["claim_id"])
    led = whole_ledger[(whole_ledger["article"] == "004") & whole_ledger["claim_id"].isin(text_ids)]
    led = led.set_index("claim_id")["verdict"]
    assert book.sort_index().equals(led.sort_index())
