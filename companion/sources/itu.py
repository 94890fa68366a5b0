"""Loader for ITU's *Key ICT indicators* workbooks: world and ITU/BDT regional aggregates.

Two vintages are declared in ``data/sources.yaml``: ``itu_key_ict_2017`` (July 2017, the data behind
*ICT Facts and Figures 2017*) and ``itu_key_ict_2019`` (28 October 2019). Both are old binary ``.xls``
files read with calamine. Each sheet holds blocks: a header row of years (``2005`` ... ``2017*``, a
star marking an estimate) that appears twice, first over the absolute values (millions) and then
over the rates (per 100 inhabitants, or %); an indicator's name on a row of its own; then one row per
aggregate. The ITU regions are not continents: "Europe" leaves out the CIS countries (Kazakhstan,
Russia ...) and "Africa" leaves out North Africa (in "Arab States").
"""

from __future__ import annotations

import pandas as pd

from companion.sources import fetch, loader, schemas
from companion.sources.validate import SchemaError, read_sheet_rows

KEYS = {"2017": "itu_key_ict_2017", "2019": "itu_key_ict_2019"}
VINTAGES = {
    "itu_key_ict_2017": "ITU Key ICT indicators, July 2017",
    "itu_key_ict_2019": "ITU Key ICT indicators, 28 October 2019",
}
INTERNET = "Individuals using the Internet"
WORLD_GROUPS = ("Developed", "Developing", "World", "LDCs")
REGIONS = ("Africa", "Arab States", "Asia & Pacific", "CIS", "Europe", "The Americas")


def _year(cell) -> tuple[int, bool] | None:
    """(year, estimate) of a header cell such as 2005, 2006.0 or '2017*'; None for anything else."""
    if isinstance(cell, (int, float)) and float(cell).is_integer() and 2000 <= cell <= 2030:
        return int(cell), False
    if isinstance(cell, str) and cell.strip().rstrip("*").isdigit():
        return int(cell.strip().rstrip("*")), cell.strip().endswith("*")
    return None


@loader(keys_of=lambda key: [key], among=tuple(VINTAGES))
def aggregates(key: str) -> pd.DataFrame:
    """Every aggregate value of the workbook ``key``, long.

    Columns: vintage, indicator, entity, grouping ("development status" or "ITU/BDT region"), year,
    estimate (the workbook stars the year), measure ("millions" or "percent", the latter being per
    100 inhabitants for subscriptions), value.
    """
    if key not in VINTAGES:
        raise KeyError(f"unknown ITU workbook {key!r}; known: {sorted(VINTAGES)}")
    rows = read_sheet_rows(fetch(key), key, "Sheet1")
    columns: dict[int, tuple[str, int, bool]] = {}
    indicator = None
    records = []
    for row in rows:
        label = row[0].strip() if isinstance(row[0], str) else row[0]
        years = {i: _year(c) for i, c in enumerate(row) if i > 0}
        if len(row) > 1 and years.get(1) and years[1][0] == 2005:  # a header row: two runs of years
            columns, measure, previous = {}, "millions", 0
            for i, parsed in years.items():
                if parsed is None:
                    continue
                if parsed[0] <= previous:  # the years start again: the rates
                    measure = "percent"
                previous = parsed[0]
                columns[i] = (measure, *parsed)
            continue
        values = [c for c in row[1:] if isinstance(c, (int, float))]
        if isinstance(label, str) and label and not values:
            indicator = label
            continue
        if label in WORLD_GROUPS + REGIONS and values:
            if indicator is None or not columns:
                raise SchemaError(f"data file {key!r}: a row for {label!r} comes before any indicator or header row")
            for i, (measure, year, estimate) in columns.items():
                if i < len(row) and row[i] is not None and row[i] != "N/A":  # the workbook's "not available"
                    records.append(
                        {
                            "vintage": VINTAGES[key],
                            "indicator": indicator,
                            "entity": label,
                            "grouping": "development status" if label in WORLD_GROUPS else "ITU/BDT region",
                            "year": year,
                            "estimate": estimate,
                            "measure": measure,
                            "value": float(row[i]),
                        }
                    )
    frame = pd.DataFrame(records)
    if frame.empty or INTERNET not in set(frame["indicator"]):
        raise SchemaError(f"data file {key!r}: no block '{INTERNET}' found in Sheet1")
    frame = schemas.check(frame, schemas.ITU_KEY_ICT, key)
    return frame.sort_values(["indicator", "entity", "measure", "year"]).reset_index(drop=True)


def internet_share(key: str) -> pd.DataFrame:
    """Individuals using the Internet, % of the population, in the workbook ``key``.

    Columns: vintage, entity, grouping, year, estimate, share."""
    frame = aggregates(key)
    frame = frame[(frame["indicator"] == INTERNET) & (frame["measure"] == "percent")]
    frame = frame.rename(columns={"value": "share"})
    return frame[["vintage", "entity", "grouping", "year", "estimate", "share"]].reset_index(drop=True)


def share(key: str, entity: str, year: int) -> float:
    """One aggregate's share of Internet users in one year (e.g. ``share("itu_key_ict_2017", "Europe", 2017)``)."""
    frame = internet_share(key)
    hit = frame[(frame["entity"] == entity) & (frame["year"] == year)]
    if len(hit) != 1:
        raise LookupError(f"data file {key!r}: no single value for {entity!r} in {year}")
    return float(hit["share"].item())
