"""The schema of every file under ``data/published/`` and ``data/mappings/`` (pandera), by file name.

:mod:`companion.sources.published` checks each file against its schema when it reads it, so that a broken
transcription (a letter in a number, a duplicated cell or claim, a dropped column, an unknown kind)
ends in one :class:`~companion.sources.validate.SchemaError` naming the file, the line and the column, not in
a wrong verdict or a traceback far down in the code that uses it. The columns are those of the files
and of the code that reads them; the keys are the ones that code merges or looks up on.

A new file under either folder needs an entry in :data:`SCHEMAS` (``tests/sources/test_published_schemas.py``
fails until it has one).
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from companion.core import registry as _registry
from companion.sources.schemas import (
    EVOTING_MILESTONES,
    FH_EGOV_NAMES,
    UN_M49,
    integer,
    nullable_integer,
    number,
    table,
    text,
)

ARTICLE_IDS = tuple(_registry.IDS)
# Kinds the code relies on: numbers.py counts years apart from other numbers; the e-government timeline
# draws spans for kind "stage"; the Figure 1 notebook colours boxes by role; ledger.MINOR_DISCREPANCIES
# names one type of discrepancy.
NUMBER_KINDS = ("number", "year", "word")  # a word: a number written out ("two countries", "tripled")
STAGE_KINDS = ("stage", "programme", "date")
FIGURE_ROLES = ("driver", "area", "outcome")
DISCREPANCY_TYPES = (
    "typo or slip in the article",
    "different age group, definition or grouping",
    "data vintage or another source",
    "misattributed source",
    "not transcribed yet",  # scaffold.PENDING: the example claim of a new article
)


def _required(nullable: bool = False) -> pa.Column:
    """A text column that must be present and (unless ``nullable``) filled in every row."""
    return text(nullable=nullable)


def _one_of(values, nullable: bool = False) -> pa.Column:
    return pa.Column(pa.String, pa.Check.isin(list(values)), nullable=nullable)


def _article() -> pa.Column:
    return _one_of(ARTICLE_IDS)


def _regex(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _is_number(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").notna()


def _printed_table(name: str, table_id: str) -> pa.DataFrameSchema:
    """Table 1 a) / 1 b) of article 000: one row per printed cell (area x year); a dash is an empty value."""
    return table(
        name,
        {
            "article": _article(),
            "table": _one_of([table_id]),
            "locator": _required(),
            "line_in_text_copy": integer(1),
            "row": integer(1),
            "area_printed": _required(),
            "year": integer(2000, 2030),
            "value": number(0, 100),
        },
        unique=["area_printed", "year"],
    )


# A numeric claim is one with a tolerance: ledger.verdict compares its number with the recomputed one
# (and refuses a number without a tolerance); any other claim is compared as text. A claim made by
# `python -m companion new-article` has no published value until it is transcribed (verdict: differs).
_NUMERIC_CLAIMS = pa.Check(
    lambda frame: frame["published"].isna() | (_is_number(frame["published"]) == frame["tolerance"].notna()),
    error="published: a number exactly where a tolerance is given",
)

SCHEMAS: dict[str, pa.DataFrameSchema] = {
    "published/article000_evoting_milestones.csv": table(
        "article000_evoting_milestones",
        {
            **EVOTING_MILESTONES.columns,
            "article": _article(),
            "locator": _required(),
            "start_month": nullable_integer(1, 12),
            "reference_in_article": _required(nullable=True),
        },
    ),
    "published/article000_table1a_kz_regions.csv": _printed_table("article000_table1a_kz_regions", "1a"),
    "published/article000_table1b_uk_regions.csv": _printed_table("article000_table1b_uk_regions", "1b"),
    "published/article002_egov_stages.csv": table(
        "article002_egov_stages",
        {
            "event": _required(),
            "kind": _one_of(STAGE_KINDS),
            "start": _required(),  # a year, or a date for kind "date"
            "end": number(1990, 2030),
            "label": _required(),
            "locator": _required(),
        },
        unique=["event"],
    ),
    "published/article002_hilbert_lopez_2011.csv": table(
        "article002_hilbert_lopez_2011",
        {
            "year": integer(1980, 2030),
            "digital_share_pct": number(0, 100, nullable=False),
            "approximate": pa.Column(bool),
            "measure": _required(),
            "locator": _required(),
            "citation": _required(),
        },
        unique=["year"],
    ),
    "published/ledger_claims.csv": pa.DataFrameSchema(
        {
            "claim_id": pa.Column(pa.String, pa.Check.str_matches(r"^\d{3}-[a-z0-9-]+$"), nullable=False),
            "article": _article(),
            "location": _required(),
            "printed": _required(),
            "paraphrase": _required(),
            "published": _required(nullable=True),
            "unit": _required(nullable=True),
            "tolerance": number(0, None),
        },
        checks=[
            _NUMERIC_CLAIMS,
            pa.Check(
                lambda frame: frame["claim_id"].str[:3] == frame["article"],
                error="claim_id: starts with the claim's article id",
            ),
        ],
        unique=["claim_id"],
        name="ledger_claims",
    ),
    "published/ledger_contradictions.csv": table(
        "ledger_contradictions",
        {"group": _required(), "claim_id": _required(), "statement": _required()},
        unique=["group", "claim_id"],
    ),
    "published/numbers_index.csv": table(
        "numbers_index",
        {
            "article": _article(),
            "line": integer(1),
            "occurrence": integer(1),
            "number": _required(),
            "kind": _one_of(NUMBER_KINDS),
            "claim_id": _required(nullable=True),
            "reason": _required(nullable=True),
        },
        unique=["article", "line", "occurrence", "number"],
    ),
    "mappings/egov_un_m49_asia_oceania.csv": table(
        "egov_un_m49_asia_oceania", {**UN_M49.columns, "source": _required()}, unique=["country"]
    ),
    "mappings/exhibits_names.csv": table(
        "exhibits_names",
        {
            "exhibit": _required(),
            "article": _one_of((*ARTICLE_IDS, "all")),
            "article_name": _required(),
            "note": _required(nullable=True),
        },
        unique=["exhibit"],
    ),
    "mappings/freedomhouse_egov_country_names.csv": table(
        "freedomhouse_egov_country_names",
        {**FH_EGOV_NAMES.columns, "note": _required(nullable=True)},
        unique=["fh_name"],
    ),
    "mappings/kazstat_table1a_areas.csv": table(
        "kazstat_table1a_areas",
        {"area_printed": _required(), "ref_area": _required(nullable=True), "note": _required(nullable=True)},
        unique=["area_printed"],
    ),
    "mappings/ledger_discrepancy_types.csv": table(
        "ledger_discrepancy_types",
        {
            "claim_pattern": pa.Column(
                pa.String, pa.Check(_regex, element_wise=True, error="a regular expression"), nullable=False
            ),
            "type": _one_of(DISCREPANCY_TYPES),
            "why": _required(),
        },
        unique=["claim_pattern"],
    ),
}

# article002_figure1.yaml: boxes (nodes) and arrows (edges), each checked as a table
FIGURE_NODES = table(
    "article002_figure1 nodes",
    {"id": _required(), "label": _required(), "role": _one_of(FIGURE_ROLES), "basis": _required(nullable=True)},
    unique=["id"],
)


def figure_edges(node_ids) -> pa.DataFrameSchema:
    return table(
        "article002_figure1 edges",
        {
            "from": _one_of(node_ids),
            "to": _one_of(node_ids),
            "basis": _required(nullable=True),
        },
        unique=["from", "to"],
    )


YAML_FILES = ("published/article002_figure1.yaml",)  # checked by published.document


def describe() -> pd.DataFrame:
    """Every schema of the raw files (:func:`companion.sources.schemas.describe`) and of the
    transcriptions under data/published and data/mappings, one row per column, for the data page."""
    from companion.sources import schemas

    return schemas.describe([*SCHEMAS.values(), FIGURE_NODES, figure_edges(["(a node id)"])])
