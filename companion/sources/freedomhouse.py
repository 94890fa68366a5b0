"""Loaders for Freedom House, Freedom in the World (FIW) workbooks (xlsx, read with python-calamine).

**Edition vs year.** Freedom House names each report by its *edition* (publication year) N; edition
N reviews the events of calendar year N-1 (the 2021 edition covers 2020). Every frame returned here
carries both columns, ``edition`` and ``year_under_review``, so nobody has to remember which is which.

* :func:`ratings` -- the 1-7 political-rights (PR) and civil-liberties (CL) ratings and the status
  (F = Free, PF = Partly Free, NF = Not Free), editions 1973-2024 (key ``freedomhouse_ratings_1973_2024``).
* :func:`scores` -- the aggregate scores: PR score (0-40), CL score (0-60) and the 0-100 total,
  editions 2003-2024 (key ``freedomhouse_scores_2003_2024``). Editions 2003-2005 (sheet ``FIW03-05``) carry
  scores only; their status and ratings come from :func:`ratings`.
"""

from __future__ import annotations

import pandas as pd

from companion.sources import fetch, loader, published, schemas
from companion.sources.validate import read_sheet_rows

RATINGS_KEY = "freedomhouse_ratings_1973_2024"
SCORES_KEY = "freedomhouse_scores_2003_2024"
STATUS_NAMES = {"F": "Free", "PF": "Partly Free", "NF": "Not Free"}


def _sheet_rows(key: str, sheet: str) -> tuple[tuple, ...]:
    return read_sheet_rows(fetch(key), key, sheet)


def _as_year(value) -> int | None:
    """An edition or review-year label as an integer year, or None for labels like '1983-84'."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) == 4 else None


@loader(RATINGS_KEY)
def ratings(sheet: str = "Country Ratings, Statuses ") -> pd.DataFrame:
    """PR and CL ratings and status, one row per country and edition (countries not rated dropped).

    Columns: country, edition_label, edition, year_under_review, pr_rating, cl_rating, status,
    status_name. ``edition`` / ``year_under_review`` are integers where the workbook's label is a
    single year (editions 1978-1982 and 2003 onwards), missing for the older multi-year labels.
    Ratings printed with a footnote in the 1970s (e.g. '2(5)') are left missing.
    """
    rows = _sheet_rows(RATINGS_KEY, sheet)
    editions, reviewed, kinds = rows[0], rows[1], rows[2]
    if str(editions[0]).strip() != "Survey Edition" or [str(k).strip() for k in kinds[1:4]] != ["PR", "CL", "Status"]:
        raise ValueError(
            f"data file {RATINGS_KEY!r}: sheet {sheet!r} does not start with the "
            f"edition / year-under-review / PR-CL-Status header rows"
        )
    records = []
    for row in rows[3:]:
        if not row[0]:
            continue
        for col in range(1, len(editions), 3):
            if editions[col] is None:
                continue
            pr, cl, status = row[col : col + 3]
            if status in (None, "-") or pr in (None, "-"):
                continue
            records.append(
                {
                    "country": str(row[0]).strip(),
                    "edition_label": str(editions[col]).strip(),
                    "edition": _as_year(editions[col]),
                    "year_under_review": _as_year(reviewed[col]),
                    "pr_rating": pr,
                    "cl_rating": cl,
                    "status": str(status).strip(),
                }
            )
    frame = pd.DataFrame.from_records(records)
    for col in ("edition", "year_under_review"):
        frame[col] = frame[col].astype("Int64")
    for col in ("pr_rating", "cl_rating"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame = schemas.check(frame, schemas.FH_RATINGS, RATINGS_KEY)
    # Three cells of the 1970s carry footnoted values such as '2(5)' or 'F (NF)': their rating is left
    # missing and their status_name too; everything from edition 1990-91 on must be clean.
    recent = frame[(frame["year_under_review"] >= 1990).fillna(False)]
    bad = recent[recent["pr_rating"].isna() | recent["cl_rating"].isna() | ~recent["status"].isin(list(STATUS_NAMES))]
    if len(bad):
        raise ValueError(
            f"data file {RATINGS_KEY!r}: {len(bad)} unreadable PR/CL/Status cells since 1990, "
            f"e.g. {bad.iloc[0].to_dict()}"
        )
    frame["status_name"] = frame["status"].map(STATUS_NAMES)
    return frame.sort_values(["country", "edition_label"]).reset_index(drop=True)


SCORE_COLUMNS = {
    "Country/Territory": "country",
    "Region": "region",
    "C/T?": "kind",
    "Edition": "edition",
    "Status": "status",
    "PR Rating": "pr_rating",
    "CL Rating": "cl_rating",
    "PR": "pr_score",
    "CL": "cl_score",
    "Total": "total",
}


@loader(SCORES_KEY)
def scores() -> pd.DataFrame:
    """Aggregate scores, one row per country or territory and edition, 2003-2024.

    Columns: country, region, kind ('c' country, 't' territory), edition, year_under_review, status,
    status_name, pr_rating, cl_rating, pr_score (0-40), cl_score (0-60), total (0-100; a PR score, and
    so a total, can fall below 0 by up to 4).
    Editions 2003-2005 have no status, ratings or region in this workbook (missing here).
    """
    rows = _sheet_rows(SCORES_KEY, "FIW06-24")
    header = [str(h).strip() if h is not None else None for h in rows[0]]
    late = pd.DataFrame.from_records(rows[1:], columns=header)
    late = schemas.check(late, schemas.FH_SCORES_2006_RAW, SCORES_KEY)
    late = late[list(SCORE_COLUMNS)].rename(columns=SCORE_COLUMNS).dropna(subset=["country"])

    rows = _sheet_rows(SCORES_KEY, "FIW03-05")
    header = [str(h).strip() for h in rows[0]]
    early = pd.DataFrame.from_records(rows[1:], columns=header).dropna(subset=["Country/Territory"])
    early = early.replace("-", None).infer_objects()  # '-' marks a country not rated in that edition
    parts = []
    for edition in (2003, 2004, 2005):
        short = f"FIW{edition % 100:02d}"
        cols = {
            "Country/Territory": "country",
            "C/T?": "kind",
            f"{short} PR": "pr_score",
            f"{short} CL": "cl_score",
            f"{short} Total": "total",
        }
        early = schemas.check(early, schemas.fh_scores_2003_raw(short), SCORES_KEY)
        part = early[list(cols)].rename(columns=cols)
        part["edition"] = edition
        parts.append(part)
    frame = pd.concat([late, *parts], ignore_index=True)
    frame["country"] = frame["country"].astype(str).str.strip()
    for col in ("edition", "pr_rating", "cl_rating", "pr_score", "cl_score", "total"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame["edition"] = frame["edition"].astype(int)
    frame["year_under_review"] = frame["edition"] - 1
    frame["status_name"] = frame["status"].map(STATUS_NAMES)
    frame = frame[
        [
            "country",
            "region",
            "kind",
            "edition",
            "year_under_review",
            "status",
            "status_name",
            "pr_rating",
            "cl_rating",
            "pr_score",
            "cl_score",
            "total",
        ]
    ]
    # The scale tops out at PR 40 and total 100, but sheet FIW03-05 prints Luxembourg's FIW03 PR score
    # as 44 and its total as 101 (a slip in the file); kept as printed, hence the wider ranges here.
    frame = schemas.check(frame, schemas.FH_SCORES, SCORES_KEY)
    return frame.sort_values(["country", "edition"]).reset_index(drop=True)


def country_history(country: str, first: int = 2003, last: int = 2024) -> pd.DataFrame:
    """Status, ratings and scores of one country for editions ``first``..``last``.

    Status and ratings come from the ratings workbook (all editions); the 0-100 total and the PR/CL
    scores from the aggregate workbook. Columns: edition, year_under_review, status, status_name,
    pr_rating, cl_rating, pr_score, cl_score, total.
    """
    rated = ratings()
    rated = rated[(rated["country"] == country) & rated["edition"].between(first, last)]
    scored = scores()
    scored = scored[(scored["country"] == country) & scored["edition"].between(first, last)]
    merged = rated[["edition", "year_under_review", "status", "status_name", "pr_rating", "cl_rating"]].merge(
        scored[["edition", "pr_score", "cl_score", "total"]].astype({"edition": "Int64"}),
        on="edition",
        how="outer",
        validate="1:1",
    )
    return merged.sort_values("edition").reset_index(drop=True)


def egov_names() -> dict[str, str]:
    """Freedom House country name -> UN EGDI country name, where they differ
    (``data/mappings/freedomhouse_egov_country_names.csv``)."""
    mapping = published.mapping("freedomhouse_egov_country_names")
    mapping = schemas.check(mapping, schemas.FH_EGOV_NAMES, "freedomhouse_egov_country_names")
    return dict(zip(mapping["fh_name"], mapping["egov_name"]))
