"""Loaders for the Bureau of National Statistics of Kazakhstan (national SDG platform files)."""

from __future__ import annotations

import pandas as pd

from companion.sources import fetch, loader, published, read_yaml, schemas
from companion.sources.validate import read_csv

NATIONAL = "KZ"  # our code for the whole-country rows, which carry no REF_AREA in the file
NATIONAL_NAME = "Kazakhstan (whole country)"


@loader(keys_of=lambda lang="en": [f"kazstat_ref_area_{lang}"], among=("kazstat_ref_area_en", "kazstat_ref_area_ru"))
def area_names(lang: str = "en") -> dict[str, str]:
    """REF_AREA code -> area name, from the platform's code list (``en`` or ``ru``)."""
    names = read_yaml(fetch(f"kazstat_ref_area_{lang}"))
    names = {code: name for code, name in names.items() if code.startswith("KZ")}
    return {**names, NATIONAL: NATIONAL_NAME}


@loader("kazstat_sdg_17_8_1", "kazstat_ref_area_en")
def internet_share() -> pd.DataFrame:
    """Share of individuals using the Internet (SDG 17.8.1), %, totals only.

    One row per (year, area): the whole country (``area_code`` ``KZ``) and each region or city of
    republican significance, 2011-2023. Rows broken down by urban/rural or sex are dropped.
    Columns: year, area_code, area, share.
    """
    key = "kazstat_sdg_17_8_1"
    raw = read_csv(fetch(key), key, dtype={"URBANISATION": "string", "SEX": "string", "REF_AREA": "string"})
    raw = schemas.check(raw, schemas.KZ_SDG_RAW, key)
    totals = raw[raw["URBANISATION"].isna() & raw["SEX"].isna()]
    frame = pd.DataFrame(
        {
            "year": totals["Year"].astype(int),
            "area_code": totals["REF_AREA"].str.strip().fillna(NATIONAL).astype(str),
            "share": totals["Value"].astype(float),
        }
    )
    frame["area"] = frame["area_code"].map(area_names())
    frame = frame[["year", "area_code", "area", "share"]]
    frame = schemas.check(frame, schemas.KZ_SHARES, key)
    return frame.sort_values(["year", "area_code"]).reset_index(drop=True)


def table1a(years=(2018, 2019, 2020)) -> pd.DataFrame:
    """Article 000's Table 1 a) recomputed: one row per printed area and year, in the article's order.

    Areas map to REF_AREA codes through ``data/mappings/kazstat_table1a_areas.csv``. A printed area with
    no code (South Kazakhstan, renamed Turkestan in 2018) gets no value.
    Columns: row, area_printed, area_code, year, recomputed.
    """
    printed = published.table("article000_table1a_kz_regions")
    mapping = published.mapping("kazstat_table1a_areas")
    shares = internet_share()
    shares = shares[shares["year"].isin(years)]
    rows = printed[["row", "area_printed", "year"]].merge(
        mapping[["area_printed", "ref_area"]], on="area_printed", how="left", validate="m:1"
    )
    rows["area_code"] = rows["ref_area"].where(rows["area_printed"] != "The whole country", NATIONAL)
    rows = rows.merge(shares[["area_code", "year", "share"]], on=["area_code", "year"], how="left")
    rows = rows.rename(columns={"share": "recomputed"})
    return (
        rows[["row", "area_printed", "area_code", "year", "recomputed"]]
        .sort_values(["row", "year"])
        .reset_index(drop=True)
    )
