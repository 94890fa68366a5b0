"""Loader for Transparency International's Corruption Perceptions Index 2020 workbook (``ti_cpi_2020``).

The original file is saved in Strict Open XML, which openpyxl cannot read; calamine can. The sheet
``CPI Timeseries 2012 - 2020`` has a title row, an empty row, then the header (row 3) and one row per
country (180). It gives score, rank, number of sources and standard error for 2020 back to 2017, and
score, sources and standard error (no rank) for 2016 back to 2012. A higher score means less
perceived corruption; rank 1 is the least corrupt. Ties share a rank, so the highest rank (179 in
2020) is below the number of countries.
"""

from __future__ import annotations

import pandas as pd

from companion.sources import fetch, loader, schemas
from companion.sources.validate import SchemaError, read_sheet_rows

KEY = "ti_cpi_2020"
SHEET = "CPI Timeseries 2012 - 2020"
KAZAKHSTAN = "KAZ"


@loader(KEY)
def cpi() -> pd.DataFrame:
    """The CPI time series, long. Columns: country, iso3, region, cpi_year, score, rank (missing
    before 2017), countries (how many the edition scores)."""
    rows = read_sheet_rows(fetch(KEY), KEY, SHEET)
    if len(rows) < 4:
        raise SchemaError(f"data file {KEY!r}: sheet {SHEET!r} has no header row (row 3)")
    header = [str(c).strip() if c is not None else "" for c in rows[2]]
    raw = pd.DataFrame([r[: len(header)] for r in rows[3:] if any(v is not None for v in r)], columns=header)
    raw = schemas.check(raw, schemas.TI_CPI_RAW, KEY)
    parts = []
    for year in range(2012, 2021):
        score = next((c for c in header if c.lower() == f"cpi score {year}"), None)
        if score is None:
            raise SchemaError(f"data file {KEY!r}: no column 'CPI score {year}' in sheet {SHEET!r}")
        rank = f"Rank {year}"
        part = pd.DataFrame(
            {
                "country": raw["Country"],
                "iso3": raw["ISO3"],
                "region": raw["Region"],
                "cpi_year": year,
                "score": pd.to_numeric(raw[score], errors="coerce"),
                "rank": pd.to_numeric(raw[rank], errors="coerce") if rank in raw else pd.NA,
            }
        )
        part = part.dropna(subset=["score"])
        part["countries"] = len(part)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    frame["rank"] = frame["rank"].astype("Int64")
    frame = schemas.check(frame, schemas.TI_CPI, KEY)
    return frame.sort_values(["cpi_year", "iso3"]).reset_index(drop=True)


def country(iso3: str = KAZAKHSTAN) -> pd.DataFrame:
    """One country's CPI rows, latest year first."""
    frame = cpi()
    return frame[frame["iso3"] == iso3].sort_values("cpi_year", ascending=False).reset_index(drop=True)
