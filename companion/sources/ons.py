"""Loaders for the Office for National Statistics (ONS): "Internet users, UK: 2020" and UK SDG 17.8.1.

The workbook (key ``ons_internet_users_2020``) holds tables 1A-10B, one per sheet. Each sheet has
a title, a group row naming the three blocks ("Used in the last 3 months", "Used over 3 months ago",
"Never used") and, right below it, a row of years. :func:`read_table` finds those two rows by their
content (not by fixed cell offsets), so a title line more or less does not shift the values.
"A" sheets hold thousands of adults, "B" sheets percentages.
"""

from __future__ import annotations

import pandas as pd

from companion.sources import fetch, loader, schemas
from companion.sources.validate import SchemaError, read_csv, read_sheet_rows

WORKBOOK = "ons_internet_users_2020"
SDG = "ons_sdg_17_8_1"

RECENT, LAPSED, NEVER = "recent", "lapsed", "never"
GROUPS = {"Used in the last 3 months": RECENT, "Used over 3 months ago": LAPSED, "Never used": NEVER}
UK = "UK"  # our code for the whole-country row


def _sheet(sheet: str) -> tuple[tuple, ...]:
    return read_sheet_rows(fetch(WORKBOOK), WORKBOOK, sheet)


def _is_year(value) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and float(value).is_integer()
        and 1990 <= value <= 2100
    )


def _locate_header(rows, sheet: str) -> tuple[int, dict[int, tuple[str, int]]]:
    """(index of the year row, {column: (group, year)}) for the first group row followed by years."""
    for i, row in enumerate(rows[:-1]):
        labels = {j: GROUPS[str(v).strip()] for j, v in enumerate(row) if isinstance(v, str) and v.strip() in GROUPS}
        if set(labels.values()) != set(GROUPS.values()):  # the group row names all three blocks
            continue
        years = rows[i + 1]
        columns, group = {}, None
        for j, value in enumerate(years):
            group = labels.get(j, group)
            if group is not None and _is_year(value):
                columns[j] = (group, int(value))
        if columns:
            return i + 1, columns
    raise SchemaError(
        f"data file {WORKBOOK!r}: sheet {sheet!r} breaks the rule 'a row naming the groups "
        f"{sorted(GROUPS)} followed by a row of years': no such rows found"
    )


@loader(WORKBOOK)
def read_table(sheet: str) -> pd.DataFrame:
    """One ONS table (sheet ``'1b'``, ``'5b'`` ...) as a long frame.

    Columns: row (position below the header), code (first column when a label follows it, e.g. a
    NUTS code, else empty), label, section (the last label row with no values, e.g. "Age group
    (years)"), group (recent / lapsed / never), year, value. Cells marked '-' (not available) are
    dropped; the table ends at the first blank row after which only notes follow.
    """
    rows = _sheet(sheet)
    header, columns = _locate_header(rows, sheet)
    first_value = min(columns)
    records, section = [], ""
    for k, row in enumerate(rows[header + 1 :], start=1):
        texts = [str(v).strip() for v in row[:first_value] if v is not None and str(v).strip()]
        values = {j: row[j] for j in columns if j < len(row)}
        numeric = {j: v for j, v in values.items() if isinstance(v, (int, float))}
        if not texts:
            continue
        if not numeric and all(v is None for v in values.values()):
            if len(texts) == 1 and len(texts[0]) < 60:  # a section label, not a footnote
                section = texts[0]
            continue
        code, label = (texts[0], texts[1]) if len(texts) > 1 else ("", texts[0])
        for j, value in numeric.items():
            group, year = columns[j]
            records.append((k, code, label, section, group, year, float(value)))
    frame = pd.DataFrame(records, columns=["row", "code", "label", "section", "group", "year", "value"])
    frame = schemas.check(frame, schemas.ONS_TABLE, WORKBOOK)
    if not len(frame):
        raise SchemaError(
            f"data file {WORKBOOK!r}: sheet {sheet!r} breaks the rule 'at least one value row': none found"
        )
    return frame


def adults(sheet: str = "1b") -> pd.DataFrame:
    """Table 1B (percentages) or 1A (thousands): all adults, age groups, sex, disability.

    Columns: category ("All adults", "16-24", ... "75+", "Men", ...), section, group, year, value.
    """
    frame = read_table(sheet)
    frame = frame.assign(category=frame["label"].str.replace(r"(?<=[A-Za-z])\d$", "", regex=True).str.strip())
    out = frame[["category", "section", "group", "year", "value"]]
    out = schemas.check(out, schemas.ons_adults(100 if sheet.endswith("b") else 1e6), WORKBOOK)
    return out.sort_values(["category", "group", "year"]).reset_index(drop=True)


def regional_share() -> pd.DataFrame:
    """Table 5B: share of adults who used the Internet in the last 3 months, UK and its 12 regions.

    Regions are the NUTS1 rows (three-character codes such as ``UKC``); the UK row has code ``UK``.
    Columns: year, area_code, area, share (%), 2014-2020.
    """
    frame = read_table("5b")
    frame = frame[frame["group"] == RECENT]
    is_uk = (frame["code"] == "") & (frame["label"] == UK)
    nuts1 = frame["code"].str.fullmatch(r"UK[A-Z]")
    frame = frame[is_uk | nuts1].assign(area_code=lambda d: d["code"].where(d["code"] != "", UK))
    out = pd.DataFrame(
        {
            "year": frame["year"].astype(int),
            "area_code": frame["area_code"],
            "area": frame["label"],
            "share": frame["value"],
        }
    )
    out = schemas.check(out, schemas.ONS_REGIONS, WORKBOOK)
    if out["area_code"].nunique() != 13:
        raise SchemaError(
            f"data file {WORKBOOK!r}: column 'area_code' breaks the rule 'UK and 12 NUTS1 "
            f"regions in table 5B': found {sorted(out['area_code'].unique())}"
        )
    return out.sort_values(["year", "area_code"]).reset_index(drop=True)


@loader(SDG)
def sdg_internet_share() -> pd.DataFrame:
    """UK SDG 17.8.1 CSV, totals for the UK and its 12 regions (no age, sex or other breakdown).

    Columns: year, area (``UK`` or the region name), share (%). UK 2012-2020, regions 2013-2020.
    """
    breakdowns = list(schemas.UK_SDG_BREAKDOWNS)
    raw = read_csv(fetch(SDG), SDG, dtype={c: "string" for c in breakdowns + ["Region", "GeoCode"]})
    raw = schemas.check(raw, schemas.UK_SDG_RAW, SDG)
    totals = raw[raw[breakdowns].isna().all(axis=1)]
    out = pd.DataFrame(
        {
            "year": totals["Year"].astype(int),
            "area": totals["Region"].fillna(UK).astype(str),
            "share": totals["Value"].astype(float),
        }
    )
    out = schemas.check(out, schemas.UK_SDG_AREAS, SDG)
    return out.sort_values(["year", "area"]).reset_index(drop=True)
