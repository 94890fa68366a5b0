"""The schema of every table the loaders read (pandera), and the one way to check a frame against one.

Each raw file gets a schema for the table as read (``*_RAW``: the columns the loader needs, their
types, keys) and, where the loader reshapes it, one for the tidy frame it returns (value ranges:
shares in 0-100, ranks 1..N, plausible years; keys unique; no missing values where a value is
required). :func:`check` validates a frame lazily (all failures at once) and turns pandera's report
into a :class:`~companion.sources.validate.SchemaError` that names the data key, the column and the rule,
e.g. ``data file 'kazstat_sdg_17_8_1': column 'share' breaks the rule 'values in [0, 100]': 1 value(s)
fail, e.g. 506.0 in row 3`` -- never a deep pandas traceback further down.

Numbers are coerced (``coerce=True``): an integer column declared float is fine, a cell that is
not a number is reported with its value. Text columns must already be text (or entirely empty).
:func:`describe` lists every schema as a table, for the book's data page.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaError as _PanderaError
from pandera.errors import SchemaErrors as _PanderaErrors

from companion.sources.validate import SchemaError

YEARS = (1960, 2030)  # plausible years for every series the book reads


# -------------------------------------------------------------------------- column kinds


def text(nullable: bool = True) -> pa.Column:
    """A text column (pandas ``str``/``string``), missing values allowed unless ``nullable=False``."""
    return pa.Column(pa.String, nullable=nullable)


def integer(low: float | None = None, high: float | None = None, nullable: bool = False) -> pa.Column:
    return pa.Column(int, _range(low, high), nullable=nullable, coerce=True)


def nullable_integer(low: float | None = None, high: float | None = None) -> pa.Column:
    return pa.Column("Int64", _range(low, high), nullable=True, coerce=True)


def number(low: float | None = None, high: float | None = None, nullable: bool = True) -> pa.Column:
    return pa.Column(float, _range(low, high), nullable=nullable, coerce=True)


def share(nullable: bool = False) -> pa.Column:
    """A percentage: a number in [0, 100]."""
    return number(0, 100, nullable=nullable)


def year(low: int = YEARS[0], high: int = YEARS[1]) -> pa.Column:
    return integer(low, high)


def _range(low, high) -> list[pa.Check]:
    if low is None and high is None:
        return []
    return [pa.Check.in_range(low if low is not None else float("-inf"), high if high is not None else float("inf"))]


def table(
    name: str, columns: dict[str, pa.Column], unique: list[str] | None = None, description: str = ""
) -> pa.DataFrameSchema:
    """A table schema; columns not named are allowed (raw files carry many we do not read)."""
    return pa.DataFrameSchema(columns, unique=unique, name=name, description=description, strict=False)


# -------------------------------------------------------------------------- the schemas

_WDI_ID = {c: text(nullable=False) for c in ("Country Name", "Country Code", "Indicator Name", "Indicator Code")}

KZ_SDG_RAW = table(
    "kazstat_sdg_17_8_1 as read",
    {
        "Year": year(),
        "UNIT_MEASURE": text(),
        "URBANISATION": text(),
        "SEX": text(),
        "REF_AREA": text(),
        "Value": number(),
    },
    description="National SDG platform CSV, one row per year, area and breakdown",
)
KZ_SHARES = table(
    "Kazakhstan: share of Internet users by area",
    {"year": year(2000, 2030), "area_code": text(nullable=False), "area": text(nullable=False), "share": share()},
    unique=["year", "area_code"],
)

WB_INTERNET_RAW = table(
    "worldbank_internet_share as read",
    _WDI_ID | {"2017": number(0, 100)},
    unique=["Country Code"],
    description="WDI wide CSV, one column per year",
)
WB_INTERNET = table(
    "World Bank: Internet users, % of population",
    {
        "country_code": text(nullable=False),
        "country": text(nullable=False),
        "year": year(),
        "share": share(),
        "vintage": text(nullable=False),
    },
    unique=["country_code", "year"],
)
WB_META_RAW = table(
    "worldbank_internet_country_meta as read",
    {"Country Code": text(nullable=False), "Region": text(), "IncomeGroup": text(), "TableName": text()},
    unique=["Country Code"],
)
WB_META = table(
    "World Bank: economies and aggregates",
    {"country_code": text(nullable=False), "country": text(nullable=False), "region": text(), "income_group": text()},
    unique=["country_code"],
)
WB_POPULATION_RAW = table(
    "worldbank_population_* as read",
    {"Country Name": text(), "Country Code": text(nullable=False), "Year": year(), "Value": number()},
    unique=["Country Code", "Year"],
    description="WDI long CSV",
)
WB_POPULATION = table(
    "World Bank: population, total",
    {
        "country_code": text(nullable=False),
        "country": text(),
        "year": year(),
        "population": number(0, 1e10, nullable=False),
        "vintage": text(nullable=False),
    },
    unique=["country_code", "year"],
)
WB_AGE_SHARE_RAW = table(
    "worldbank_population_share_* as read",
    _WDI_ID | {"2019": number(0, 100)},
    unique=["Country Code"],
    description="WDI bulk CSV after its 4 preamble lines",
)
WB_AGE_SHARES = table(
    "World Bank: population by broad age group, %",
    {"country_code": text(nullable=False), "year": year(), "age_group": text(nullable=False), "share": share()},
    unique=["country_code", "year", "age_group"],
)

OWID_RAW = table(
    "owid_internet_* as read",
    {"Entity": text(nullable=False), "Code": text(), "Year": year()},
    unique=["Entity", "Year"],
)
OWID_SHARE = table(
    "OWID: share of the population using the Internet",
    {"entity": text(nullable=False), "code": text(), "year": year(), "share": share(), "vintage": text(nullable=False)},
    unique=["entity", "year"],
)
OWID_USERS = table(
    "OWID: number of Internet users",
    {
        "entity": text(nullable=False),
        "code": text(),
        "year": year(),
        "users": number(0, 1e10, nullable=False),
        "vintage": text(nullable=False),
    },
    unique=["entity", "year"],
)


ITU_KEY_ICT = table(
    "ITU Key ICT indicators: world and regional aggregates",
    {
        "vintage": text(nullable=False),
        "indicator": text(nullable=False),
        "entity": text(nullable=False),
        "grouping": text(nullable=False),
        "year": year(2005, 2030),
        "estimate": pa.Column(bool),
        "measure": pa.Column(pa.String, pa.Check.isin(["millions", "percent"])),
        "value": number(0, 1e6, nullable=False),
    },
    unique=["vintage", "indicator", "entity", "year", "measure"],
)

TI_CPI_RAW = table(
    "ti_cpi_2020 as read (sheet 'CPI Timeseries 2012 - 2020')",
    {"Country": text(nullable=False), "ISO3": text(nullable=False), "Region": text(nullable=False)},
    unique=["ISO3"],
)
TI_CPI = table(
    "Transparency International: Corruption Perceptions Index",
    {
        "country": text(nullable=False),
        "iso3": text(nullable=False),
        "region": text(nullable=False),
        "cpi_year": year(2012, 2020),
        "score": number(0, 100, nullable=False),
        "rank": nullable_integer(1, 180),
        "countries": integer(1, 200),
    },
    unique=["iso3", "cpi_year"],
)


def egdi_raw(columns: dict[str, str]) -> pa.DataFrameSchema:
    """An EGDI edition as read: the file's own column names (they change between editions)."""
    kinds = {"country": text(nullable=False), "survey_year": year()}
    return table("egov_* as read", {col: kinds.get(new, number()) for col, new in columns.items()})


def egdi(year_of_edition: int, ranked: int = 193) -> pa.DataFrameSchema:
    return table(
        f"UN E-Government Survey {year_of_edition}",
        {
            "country": text(nullable=False),
            "egdi": number(0, 1, nullable=False),
            "rank": nullable_integer(1, ranked),
            "survey_year": integer(year_of_edition, year_of_edition),
        },
        unique=["country"],
    )


UN_M49 = table(
    "egov_un_m49_asia_oceania (transcribed)",
    {
        "country": text(nullable=False),
        "region": text(nullable=False),
        "m49": integer(),
        "sub_region": text(nullable=False),
    },
    unique=["country"],
)
FH_EGOV_NAMES = table(
    "freedomhouse_egov_country_names (transcribed)",
    {"fh_name": text(nullable=False), "egov_name": text(nullable=False)},
    unique=["fh_name"],
)

FH_RATINGS = table(
    "Freedom House: ratings and status per edition",
    {"pr_rating": number(1, 7), "cl_rating": number(1, 7), "status": text()},
    unique=["country", "edition_label"],
)
FH_SCORES_2006_RAW = table(
    "freedomhouse_scores_2003_2024 sheet FIW06-24 as read",
    {
        "Country/Territory": text(),
        "Region": text(),
        "C/T?": text(),
        "Edition": number(),
        "Status": text(),
        "PR Rating": number(),
        "CL Rating": number(),
        "PR": number(),
        "CL": number(),
        "Total": number(),
    },
)


def fh_scores_2003_raw(short: str) -> pa.DataFrameSchema:
    """Sheet FIW03-05: three column blocks, ``FIW03 PR`` ... ``FIW05 Total``."""
    return table(
        f"freedomhouse_scores_2003_2024 sheet FIW03-05 ({short}) as read",
        {
            "Country/Territory": text(),
            "C/T?": text(),
            f"{short} PR": number(),
            f"{short} CL": number(),
            f"{short} Total": number(),
        },
    )


# The scale tops out at PR 40 and total 100, but sheet FIW03-05 prints Luxembourg's FIW03 PR score as
# 44 and its total as 101 (a slip in the file); kept as printed, hence the wider ranges.
FH_SCORES = table(
    "Freedom House: aggregate scores per edition",
    {"total": number(-4, 101), "pr_score": number(-4, 44), "cl_score": number(0, 60), "edition": integer(2003, 2024)},
    unique=["country", "edition"],
)

ONS_TABLE = table(
    "ons_internet_users_2020: one table (sheet) in long form",
    {
        "row": integer(),
        "label": text(nullable=False),
        "group": text(nullable=False),
        "year": year(),
        "value": number(nullable=False),
    },
    unique=["row", "group", "year"],
)


def ons_adults(high: float) -> pa.DataFrameSchema:
    return table(
        "ONS: adults by category",
        {"category": text(nullable=False), "value": number(0, high), "year": year(2011, 2020)},
        unique=["category", "group", "year"],
    )


ONS_REGIONS = table(
    "ONS: share of recent Internet users, UK and regions",
    {"year": year(2014, 2020), "area_code": text(nullable=False), "area": text(nullable=False), "share": share()},
    unique=["year", "area_code"],
)
# the breakdown columns of the UK SDG 17.8.1 file: a row with none of them is a total (UK or a region)
UK_SDG_BREAKDOWNS = (
    "Age",
    "Sex",
    "Disability status",
    "Ethnicity",
    "Ethnic group",
    "Employment status",
    "Local Authority",
)
UK_SDG_RAW = table(
    "ons_sdg_17_8_1 as read",
    {
        "Year": year(),
        "Value": number(),
        **{c: text() for c in ("Region", "Unit measure", *UK_SDG_BREAKDOWNS)},
    },
)
UK_SDG_AREAS = table(
    "UK SDG 17.8.1: UK and regions",
    {"year": year(2010, 2020), "area": text(nullable=False), "share": share()},
    unique=["year", "area"],
)


EVOTING_MILESTONES = table(
    "article000_evoting_milestones (transcribed)",
    {
        "country": text(),
        "start_year": integer(1990, 2030),
        "end_year": integer(1990, 2030),
        "event": text(nullable=False),
        "basis": text(),
        "line_in_text_copy": integer(),
    },
)


# -------------------------------------------------------------------------- checking


def check(frame: pd.DataFrame, schema: pa.DataFrameSchema, key: str, row: str = "row") -> pd.DataFrame:
    """``frame`` validated (numbers coerced) against ``schema``; on failure a :class:`SchemaError`
    naming the data ``key``, each failing column and its rule, with an example value and row (the
    frame's index; ``row`` names what it counts, e.g. ``"line"`` for the lines of a file).

    A check on the whole frame names the column it reports in its error, as ``"column: rule"``."""
    try:
        return schema.validate(frame, lazy=True)
    except _PanderaErrors as exc:
        problems = _problems(exc.failure_cases, frame, schema, row)
    except _PanderaError as exc:  # raised eagerly by some checks even under lazy validation
        problems = [(str(exc.column_name or "?"), _rule(str(exc.check)), str(exc))]
    shown = [f"column {column!r} breaks the rule '{rule}': {detail}" for column, rule, detail in problems]
    more = f" (and {len(shown) - 3} more)" if len(shown) > 3 else ""
    raise SchemaError(f"data file {key!r}: " + "; ".join(shown[:3]) + more)


def _rule(check_name: str) -> str:
    if check_name == "column_in_dataframe":
        return "required column"
    if check_name == "not_nullable":
        return "no missing values"
    if check_name in ("multiple_fields_uniqueness", "field_uniqueness", "unique"):
        return "one row per key"
    match = re.fullmatch(r"(?:coerce_)?dtype\('?(\w+)'?\)", check_name)
    if match:
        kind = {"int64": "int", "float64": "float"}.get(match.group(1), match.group(1))
        return f"values of type {kind}"
    match = re.fullmatch(r"in_range\((.+), (.+)\)", check_name)
    if match:
        return f"values in [{_number(match.group(1))}, {_number(match.group(2))}]"
    return check_name


def _number(text_value: str) -> str:
    try:
        value = float(text_value)
    except ValueError:
        return text_value
    return str(int(value)) if value.is_integer() else str(value)


def _problems(cases: pd.DataFrame, frame: pd.DataFrame, schema, row_word: str = "row") -> list[tuple[str, str, str]]:
    problems = []
    for (column, check_name), group in cases.groupby(["column", "check"], sort=False, dropna=False):
        rule = _rule(str(check_name))
        if rule == "one row per key":
            key_columns = list(schema.unique or [])
            if not set(key_columns) <= set(frame.columns):  # a key column is missing: reported as such
                continue
            dupes = frame[frame.duplicated(key_columns, keep=False)]
            first = dupes.iloc[0][key_columns].to_dict() if len(dupes) else {}
            same = dupes[(dupes[key_columns] == pd.Series(first)).all(axis=1)].index if len(dupes) else []
            where = f" ({row_word}s {', '.join(str(i) for i in same)})" if row_word != "row" else ""
            problems.append(("+".join(key_columns), rule, f"{len(dupes)} rows share a key, e.g. {first}{where}"))
            continue
        if ": " in rule and rule.split(": ", 1)[0] in frame.columns:  # a check on the whole frame
            if rule.split(": ", 1)[0] != column:
                continue
            rule = rule.split(": ", 1)[1]
        if rule == "required column":
            problems.append(
                (str(group["failure_case"].iloc[0]), rule, f"missing; the file has columns {list(frame.columns)}")
            )
            continue
        first = group.iloc[0]
        row = "" if pd.isna(first["index"]) else f" in {row_word} {int(first['index'])}"
        if rule == "no missing values":
            detail = f"{len(group)} missing, first{row}"
        elif rule.startswith("values of type"):
            found = frame[column].dtype if column in frame.columns else "?"
            detail = f"found dtype {found}; e.g. {_plain(first['failure_case'])!r}{row}"
        else:
            detail = f"{len(group)} value(s) fail, e.g. {_plain(first['failure_case'])!r}{row}"
        problems.append((str(column), rule, detail))
    # one problem per column and rule (pandera reports a bad number both as coercion and as dtype),
    # and no range check on a column whose values are not even numbers
    mistyped = {column for column, rule, _ in problems if rule.startswith("values of type")}
    seen, unique_problems = set(), []
    for problem in problems:
        if problem[0] in mistyped and problem[1].startswith("values in"):
            continue
        if problem[:2] not in seen:
            seen.add(problem[:2])
            unique_problems.append(problem)
    return unique_problems


def _plain(value):
    """A numpy scalar as the Python number it holds (for readable messages)."""
    return value.item() if hasattr(value, "item") else value


_TYPE_NAMES = {"string[python]": "text", "str": "text", "int64": "integer", "float64": "number", "Int64": "integer"}


def describe(transcribed=()) -> pd.DataFrame:
    """Every schema declared here, one row per column: schema, column, type, whether values may be
    missing, value checks, and the columns that identify a row. Schemas built per edition or sheet
    are shown for one example (EGDI 2020, FIW03, ONS table 1B); the schemas ``transcribed`` (those of
    the transcriptions: :func:`companion.sources.published_schemas.describe`) are listed with them."""
    examples = {"EGDI": egdi(2020), "FH_SCORES_2003_RAW": fh_scores_2003_raw("FIW03"), "ONS_ADULTS": ons_adults(100)}
    rows = []
    for schema in sorted([*_declared().values(), *examples.values(), *transcribed], key=lambda s: s.name):
        for column, spec in schema.columns.items():
            checks = [_check_text(c) for c in spec.checks]
            rows.append(
                {
                    "table": schema.name,
                    "column": column,
                    "type": _TYPE_NAMES.get(str(spec.dtype), str(spec.dtype)),
                    "may be missing": "yes" if spec.nullable else "no",
                    "checks": "; ".join(checks),
                    "one row per": "+".join(schema.unique or []),
                }
            )
    return pd.DataFrame(rows)


def _check_text(check: pa.Check) -> str:
    """A column check in words, for the data page."""
    stats = check.statistics or {}
    if check.name == "in_range":
        return _rule(f"in_range({stats['min_value']}, {stats['max_value']})")
    if check.name == "isin":
        return "one of: " + ", ".join(map(str, stats["allowed_values"]))
    if check.name == "str_matches":
        return f"matches {stats['pattern']}"
    return str(check.error or check.name)


def _declared() -> dict[str, pa.DataFrameSchema]:
    return {
        name: value for name, value in globals().items() if isinstance(value, pa.DataFrameSchema) and name.isupper()
    }
