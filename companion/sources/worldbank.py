"""Loaders for World Bank WDI files: Internet use (IT.NET.USER.ZS), country metadata, population.

Each vintage stays separate: every frame carries a ``vintage`` column, and the population loader
takes the vintage as an argument, so two WDI releases are never silently mixed.

* ``worldbank_internet_share`` -- IT.NET.USER.ZS, wide (one column per year 1960-2023), late-2024 release
  2160. This copy starts with a UTF-8 BOM and has NO preamble lines (it was re-saved by its uploader).
* ``worldbank_internet_country_meta`` -- Region / IncomeGroup per code (blank Region = an aggregate).
* ``worldbank_population_2023`` / ``worldbank_population_2026`` -- SP.POP.TOTL in long format
  (Country Name, Country Code, Year, Value), WDI vintages 2023-03-30 and 2026.
* ``worldbank_population_share_0014`` / ``_1564`` / ``_65up`` -- age shares in the WDI bulk-download format:
  4 preamble lines ("Data Source", blank, "Last Updated Date", blank), then the wide table; vintage
  2022-05-25, read from the preamble and checked.
"""

from __future__ import annotations

import csv

import pandas as pd

from companion.sources import fetch, loader, schemas
from companion.sources.validate import SchemaError, read_csv

INTERNET_KEY = "worldbank_internet_share"
META_KEY = "worldbank_internet_country_meta"
INTERNET_VINTAGE = "WB 2024 (release 2160)"

POPULATION_KEYS = {"2023-03-30": "worldbank_population_2023", "2026": "worldbank_population_2026"}

AGE_SHARE_KEYS = {
    "0-14": "worldbank_population_share_0014",
    "15-64": "worldbank_population_share_1564",
    "65+": "worldbank_population_share_65up",
}
AGE_SHARE_VINTAGE = "2022-05-25"

_ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]


def _wide_to_long(raw: pd.DataFrame, key: str, value: str) -> pd.DataFrame:
    years = [c for c in raw.columns if str(c).strip().isdigit()]
    if not years:
        raise SchemaError(
            f"data file {key!r}: column 'year columns' breaks the rule 'at least one year "
            f"column': the file has columns {list(raw.columns)[:8]}…"
        )
    long = raw.melt(
        id_vars=["Country Name", "Country Code"], value_vars=years, var_name="year", value_name=value
    ).dropna(subset=[value])
    long["year"] = long["year"].astype(int)
    long[value] = long[value].astype(float)
    return long.rename(columns={"Country Name": "country", "Country Code": "country_code"})


@loader(INTERNET_KEY)
def internet_share() -> pd.DataFrame:
    """Individuals using the Internet, % of population, every economy and aggregate with a value.

    Columns: country_code, country, year, share (%), vintage. Sorted by code and year.
    """
    raw = read_csv(fetch(INTERNET_KEY), INTERNET_KEY, encoding="utf-8-sig")
    raw = schemas.check(raw, schemas.WB_INTERNET_RAW, INTERNET_KEY)
    codes = set(raw["Indicator Code"].dropna())
    if codes != {"IT.NET.USER.ZS"}:
        raise SchemaError(
            f"data file {INTERNET_KEY!r}: column 'Indicator Code' breaks the rule "
            f"'only IT.NET.USER.ZS': found {sorted(codes)}"
        )
    frame = _wide_to_long(raw, INTERNET_KEY, "share")
    frame["vintage"] = INTERNET_VINTAGE
    frame = frame[["country_code", "country", "year", "share", "vintage"]]
    frame = schemas.check(frame, schemas.WB_INTERNET, INTERNET_KEY)
    return frame.sort_values(["country_code", "year"]).reset_index(drop=True)


@loader(META_KEY)
def country_meta() -> pd.DataFrame:
    """Code, name, region and income group; ``is_aggregate`` is True where the file gives no region."""
    raw = read_csv(fetch(META_KEY), META_KEY, encoding="utf-8-sig", dtype=str)
    raw = schemas.check(raw, schemas.WB_META_RAW, META_KEY)
    frame = pd.DataFrame(
        {
            "country_code": raw["Country Code"],
            "country": raw["TableName"],
            "region": raw["Region"],
            "income_group": raw["IncomeGroup"],
        }
    )
    frame["is_aggregate"] = frame["region"].isna()
    frame = schemas.check(frame, schemas.WB_META, META_KEY)
    return frame.sort_values("country_code").reset_index(drop=True)


@loader(
    keys_of=lambda vintage: [POPULATION_KEYS[vintage]] if vintage in POPULATION_KEYS else [],
    among=POPULATION_KEYS.values(),
)
def population(vintage: str) -> pd.DataFrame:
    """Population, total (SP.POP.TOTL) of one WDI vintage: ``"2023-03-30"`` or ``"2026"``.

    Columns: country_code, country, year, population, vintage.
    """
    if vintage not in POPULATION_KEYS:
        raise KeyError(f"unknown population vintage {vintage!r}; known: {', '.join(POPULATION_KEYS)}")
    key = POPULATION_KEYS[vintage]
    raw = read_csv(fetch(key), key, encoding="utf-8-sig")
    raw = schemas.check(raw, schemas.WB_POPULATION_RAW, key)
    frame = pd.DataFrame(
        {
            "country_code": raw["Country Code"],
            "country": raw["Country Name"],
            "year": raw["Year"].astype(int),
            "population": raw["Value"].astype(float),
        }
    )
    frame["vintage"] = vintage
    frame = schemas.check(frame, schemas.WB_POPULATION, key)
    return frame.sort_values(["country_code", "year"]).reset_index(drop=True)


def _preamble_vintage(path, key: str) -> str:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        lines = [row for _, row in zip(range(4), csv.reader(handle))]
    if len(lines) < 3 or not lines[0] or lines[0][0] != "Data Source" or lines[2][:1] != ["Last Updated Date"]:
        raise SchemaError(
            f"data file {key!r}: column 'preamble' breaks the rule 'WDI bulk format: "
            f"4 preamble lines with Data Source and Last Updated Date': found {lines[:3]}"
        )
    return lines[2][1]


@loader(*AGE_SHARE_KEYS.values())
def age_shares() -> pd.DataFrame:
    """Population by broad age group, % of total (0-14, 15-64, 65+), WDI vintage 2022-05-25.

    Columns: country_code, country, year, age_group, share, vintage.
    """
    parts = []
    for group, key in AGE_SHARE_KEYS.items():
        path = fetch(key)
        vintage = _preamble_vintage(path, key)
        if vintage != AGE_SHARE_VINTAGE:
            raise SchemaError(
                f"data file {key!r}: column 'Last Updated Date' breaks the rule "
                f"'vintage {AGE_SHARE_VINTAGE}': found {vintage!r}"
            )
        raw = read_csv(path, key, encoding="utf-8-sig", skiprows=4)
        raw = raw.loc[:, ~raw.columns.astype(str).str.startswith("Unnamed")]
        raw = schemas.check(raw, schemas.WB_AGE_SHARE_RAW, key)
        long = _wide_to_long(raw, key, "share")
        long["age_group"] = group
        long["vintage"] = vintage
        parts.append(long)
    frame = pd.concat(parts, ignore_index=True)[["country_code", "country", "year", "age_group", "share", "vintage"]]
    frame = schemas.check(frame, schemas.WB_AGE_SHARES, "worldbank_population_share_*")
    return frame.sort_values(["country_code", "year", "age_group"]).reset_index(drop=True)


def population_15_plus(vintage: str) -> pd.DataFrame:
    """Population aged 15 and over = total (``vintage``) x (1 - share aged 0-14, vintage 2022-05-25).

    The two files are different WDI releases; the frame names both in ``vintage``.
    Columns: country_code, year, population, share_0_14, population_15_plus, vintage.
    """
    total = population(vintage)
    young = age_shares().query("age_group == '0-14'")[["country_code", "year", "share"]]
    frame = total.merge(
        young.rename(columns={"share": "share_0_14"}), on=["country_code", "year"], how="inner", validate="1:1"
    )
    frame["population_15_plus"] = frame["population"] * (1 - frame["share_0_14"] / 100)
    frame["vintage"] = f"total {vintage}; age shares {AGE_SHARE_VINTAGE}"
    return frame[["country_code", "year", "population", "share_0_14", "population_15_plus", "vintage"]]
