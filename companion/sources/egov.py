"""Loaders for the UN E-Government Survey files (UN DESA E-Government Knowledgebase, EGDI).

One CSV per survey edition (2003, 2004, 2005, 2008, ..., 2022), 193 rows each (today's UN member
states). Country names carry trailing spaces in the files: they are stripped here. The rank is blank
for countries the edition did not assess (e.g. Montenegro and South Sudan in 2003-2005): it stays
missing (``<NA>``), it is never filled in.

The 2024 edition exists only as a copy modified by its uploader (columns renamed, a Region column
added; key ``egov_2024_modified``). :func:`edition` reads it only when asked for 2024, maps its
renamed columns onto ours and flags every row ``modified=True``: use it only as a marked extension.

Regional groupings come from ``data/mappings/egov_un_m49_asia_oceania.csv`` (UN M49 regions "Asia" and
"Oceania" with their sub-regions for the 47 + 14 UN member states there, source named in the file).
"""

from __future__ import annotations

import pandas as pd

from companion.sources import fetch, loader, published, schemas
from companion.sources.validate import read_csv

EDITIONS = (2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022)
EXTENSION = 2024  # uploader-modified copy only

KAZAKHSTAN = "Kazakhstan"
UK = "United Kingdom of Great Britain and Northern Ireland"
CENTRAL_ASIA = ("Kazakhstan", "Kyrgyzstan", "Tajikistan", "Turkmenistan", "Uzbekistan")

ORIGINAL_COLUMNS = {
    "Survey Year": "survey_year",
    "Country Name": "country",
    "E-Government Rank": "rank",
    "E-Government Index": "egdi",
    "E-Participation Index": "epi",
    "Online Service Index": "osi",
    "Human Capital Index": "hci",
    "Telecommunication Infrastructure Index": "tii",
}
# The 2024 uploader renamed every column (and added Region); this is how they map onto the originals.
RENAMED_2024 = {
    "Survey Year": "survey_year",
    "Country": "country",
    "Rank": "rank",
    "E_Index": "egdi",
    "E_Participation": "epi",
    "Online_Service": "osi",
    "Human_Capital": "hci",
    "Tele_Infra": "tii",
}
COLUMNS = ["survey_year", "country", "rank", "egdi", "epi", "osi", "hci", "tii", "modified", "source_key"]


def source_key(year: int) -> str:
    if year == EXTENSION:
        return "egov_2024_modified"
    if year not in EDITIONS:
        raise KeyError(f"no UN E-Government Survey file for {year}; editions: {EDITIONS} (+{EXTENSION}, modified)")
    return f"egov_{year}"


@loader(keys_of=lambda year: [source_key(year)], among=[source_key(year) for year in EDITIONS + (EXTENSION,)])
def edition(year: int) -> pd.DataFrame:
    """One survey edition (a fresh copy: callers may modify it), tidy: one row per country, columns :data:`COLUMNS`.

    ``rank`` is a nullable integer (missing where the edition ranked no value); ``modified`` is True
    only for the 2024 uploader-modified copy.
    """
    key = source_key(year)
    renames = RENAMED_2024 if year == EXTENSION else ORIGINAL_COLUMNS
    raw = read_csv(fetch(key), key, dtype={"Country Name": "string", "Country": "string"})
    raw = schemas.check(raw, schemas.egdi_raw(renames), key)
    frame = raw[list(renames)].rename(columns=renames)
    frame["country"] = frame["country"].astype("string").str.strip()
    frame["rank"] = frame["rank"].astype("Int64")
    frame["survey_year"] = frame["survey_year"].astype(int)
    frame["modified"] = year == EXTENSION
    frame["source_key"] = key
    frame = frame[COLUMNS]
    frame = schemas.check(frame, schemas.egdi(year), key)
    return frame.sort_values("country").reset_index(drop=True)


def panel(years=EDITIONS, extension: bool = False) -> pd.DataFrame:
    """Several editions stacked (long format); ``extension=True`` appends the marked 2024 copy."""
    years = tuple(years) + ((EXTENSION,) if extension else ())
    frame = pd.concat([edition(y) for y in years], ignore_index=True)
    return frame.sort_values(["survey_year", "country"]).reset_index(drop=True)


def ranked(year: int) -> pd.DataFrame:
    """The countries the edition ranked (rows with a rank; the files list the others with EGDI 0)."""
    frame = edition(year)
    return frame[frame["rank"].notna()].reset_index(drop=True)


def ranked_count(year: int) -> int:
    """How many countries the edition ranked."""
    return len(ranked(year))


def zero_scores(years=EDITIONS) -> pd.DataFrame:
    """Countries with an EGDI of exactly 0, per edition: in the surveys up to 2012 a few ranked
    countries have an EGDI of 0 and all of them share one rank, the one after the last country with
    a non-zero EGDI (the files do not say why; they are ranked, so :func:`ranked_count` counts them).

    Columns: survey_year, ranked, scored_zero (ranked countries with EGDI 0), zero_rank (the rank
    they share; missing when none), last_nonzero_rank, zero_unranked (unranked countries with EGDI 0),
    and, for each sub-index (epi, osi, hci, tii), ``<index>_also_0``: how many of the ranked countries
    with EGDI 0 also have 0 on that sub-index (the EGDI is their mean, so fewer than ``scored_zero``
    means the 0 is not computed from the parts).
    """
    rows = []
    for year in years:
        frame = edition(year)
        rated = ranked(year)
        zero = rated[rated["egdi"] == 0]
        shared = sorted(set(zero["rank"].astype(int)))
        if len(shared) > 1:
            raise ValueError(f"EGDI {year}: countries scored 0 hold several ranks {shared}, not one shared rank")
        rows.append(
            {
                "survey_year": year,
                "ranked": len(rated),
                "scored_zero": len(zero),
                "zero_rank": shared[0] if shared else None,
                "last_nonzero_rank": int(rated.loc[rated["egdi"] > 0, "rank"].max()),
                "zero_unranked": int(((frame["rank"].isna()) & (frame["egdi"] == 0)).sum()),
                **{f"{index}_also_0": int((zero[index] == 0).sum()) for index in ("epi", "osi", "hci", "tii")},
            }
        )
    return pd.DataFrame(rows).astype({"zero_rank": "Int64"})


def region_mapping() -> pd.DataFrame:
    """UN M49 regions Asia (142) and Oceania (009): country (as the EGDI files spell it), region,
    m49 code, sub-region."""
    mapping = published.mapping("egov_un_m49_asia_oceania")
    return schemas.check(mapping, schemas.UN_M49, "egov_un_m49_asia_oceania")


def _asia(m: pd.DataFrame) -> pd.DataFrame:
    return m[m["region"] == "Asia"]


GROUPINGS = {
    "UN M49 Asia (with Cyprus)": _asia,
    "UN M49 Asia without Cyprus": lambda m: _asia(m)[_asia(m)["country"] != "Cyprus"],
    "Asia and Oceania (with Cyprus)": lambda m: m,
    "Asia and Oceania without Cyprus": lambda m: m[m["country"] != "Cyprus"],
    "UN M49 Central Asia": lambda m: m[m["sub_region"] == "Central Asia"],
}
VERDICT_GROUPING = "UN M49 Asia (with Cyprus)"


def regional_ranking(year: int, grouping: str) -> pd.DataFrame:
    """Countries of ``grouping`` (a key of :data:`GROUPINGS`) ranked by EGDI in ``year``.

    The regional rank orders the countries by EGDI, highest first (ties share the best rank, as in
    the UN's world rank). Columns: grouping, regional_rank, country, sub_region, egdi, world_rank.
    A country of the mapping missing from the edition is an error, never a silent drop.
    """
    members = GROUPINGS[grouping](region_mapping())
    data = edition(year)
    missing = sorted(set(members["country"]) - set(data["country"]))
    if missing:
        raise LookupError(f"egov_un_m49_asia_oceania names not found in the {year} EGDI file: {missing}")
    frame = members[["country", "sub_region"]].merge(data[["country", "egdi", "rank"]], on="country", validate="1:1")
    frame = frame.rename(columns={"rank": "world_rank"})
    frame["regional_rank"] = frame["egdi"].rank(method="min", ascending=False).astype(int)
    frame["grouping"] = grouping
    frame = frame[["grouping", "regional_rank", "country", "sub_region", "egdi", "world_rank"]]
    return frame.sort_values(["regional_rank", "country"]).reset_index(drop=True)


def regional_rank_of(country: str, year: int, grouping: str) -> int:
    frame = regional_ranking(year, grouping)
    return int(frame.loc[frame["country"] == country, "regional_rank"].item())
