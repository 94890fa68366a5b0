"""The two loaders added for issue 20: ITU's Key ICT indicators (two vintages) and TI's CPI 2020."""

import pytest

from companion.sources import itu, ti
from companion.sources.validate import SchemaError


def test_itu_2017_vintage_gives_the_facts_and_figures_values():
    frame = itu.internet_share("itu_key_ict_2017").query("year == 2017").set_index("entity")
    assert frame.loc["World", "share"] == pytest.approx(48.0280, abs=1e-4)  # PROVENANCE.md, cell AA46
    assert frame.loc["Europe", "share"] == pytest.approx(79.5546, abs=1e-4)  # AA112
    assert frame.loc["Africa", "share"] == pytest.approx(21.7606, abs=1e-4)  # AA108
    assert frame.loc["World", "estimate"] and frame.loc["Europe", "grouping"] == "ITU/BDT region"


def test_itu_2019_vintage_revises_2017_and_holds_more_blocks():
    assert itu.share("itu_key_ict_2019", "World", 2017) == pytest.approx(49.0394, abs=1e-4)  # AC75
    assert itu.share("itu_key_ict_2019", "Europe", 2019) == pytest.approx(82.5291, abs=1e-4)  # AE178
    users = itu.aggregates("itu_key_ict_2017").query(
        "indicator == @itu.INTERNET and entity == 'World' and year == 2017 and measure == 'millions'"
    )
    assert users["value"].item() == pytest.approx(3578.37, abs=0.01)  # N46
    assert "International bandwidth, in Gbit/s" in set(itu.aggregates("itu_key_ict_2019")["indicator"])


def test_ti_cpi_kazakhstan():
    kz = ti.country().set_index("cpi_year")
    assert kz.loc[2020, "score"] == 38 and kz.loc[2020, "rank"] == 94 and kz.loc[2020, "countries"] == 180
    assert kz.loc[2019, "rank"] == 113 and kz.loc[2013, "score"] == 26  # 'CPI Score 2013': capital S
    assert ti.cpi().query("cpi_year == 2020")["rank"].max() == 179  # ties share a rank


@pytest.mark.parametrize(
    "module, call, key",
    [
        (itu, lambda: itu.internet_share("itu_key_ict_2017"), "itu_key_ict_2017"),
        (ti, ti.cpi, "ti_cpi_2020"),
    ],
)
def test_a_file_that_is_no_workbook_names_its_key(monkeypatch, tmp_path, module, call, key):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a workbook at all")
    monkeypatch.setattr(module, "fetch", lambda k: bad)
    with pytest.raises(SchemaError, match=key):
        call()
