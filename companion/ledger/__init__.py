"""The ledger: every numeric statement of the three articles, one verdict each, with its evidence.

A *claim* is one printed statement: its exact printed words (``printed``), the value they state
(``published``), where it stands in the article, and one verdict. Claims come from two places, both
transcribed once under ``data/published/``:

* ``ledger_claims.csv`` -- statements in the articles' text (one row each, with the tolerance used);
* printed tables (e.g. ``article000_table1a_kz_regions.csv``) -- each printed cell is a claim.

The *evidence* of a claim is a list of recomputations, each from one source at one vintage under one
reading of the article's words (:class:`Recomputed`). The recomputation lives in the per-article
modules (``article000`` ...), which register one function per claim with :func:`recomputes` (it
returns one piece of evidence or a list), the claims no public source can check with
:func:`not_checkable_claims` (the reason and the page that shows it), and one function per table with
:func:`recomputes_table`. One stated
rule (:data:`VERDICT_RULE`, :func:`judge`) turns the evidence into the verdict. The notebooks call the
same functions, so the ledger (``python -m companion claims``: one row per claim), its evidence
(:func:`evidence`: one row per recomputation) and the book cannot disagree.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from companion.core import precision
from companion.core import registry as articles
from companion.sources import published

ARTICLE_MODULES = tuple(a.module for a in articles.ARTICLES)  # the registry, data/articles.yaml

REPRODUCED, DIFFERS, NOT_CHECKABLE = "reproduced", "differs", "not checkable"
VERDICTS = (REPRODUCED, DIFFERS, NOT_CHECKABLE)

COLUMNS = [
    "claim_id",
    "article",
    "location",
    "printed",
    "paraphrase",
    "published",
    "unit",
    "recomputed",
    "difference",
    "tolerance",
    "verdict",
    "basis",
    "evidence",
    "sources",
    "notebook",
    "note",
]
EVIDENCE_COLUMNS = [
    "claim_id",
    "article",
    "item",
    "role",
    "decides",
    "sources",
    "vintage",
    "reading",
    "read_as",
    "value",
    "gap",
    "tolerance",
    "matches",
    "notebook",
    "note",
]

# The role of a piece of evidence: only the first two decide a verdict.
CITED = "cited source"  # the source the article cites or names, at a vintage it could have seen
LIKELY = "likely source"  # where the article cites none we hold: the source it most plausibly used
OTHER = "comparison"  # another vintage, region, definition or source, shown beside; never decides
ROLES = (CITED, LIKELY, OTHER)
DECIDING = (CITED, LIKELY)

VERDICT_RULE = (
    "A claim is one printed statement. Its evidence is a list of recomputations, each from one source at one "
    "vintage under one reading of the article's words. Evidence decides when it comes from the source the "
    "article cites or, where it cites none we hold, the source it most plausibly used, at a vintage the article "
    "could have seen (values first published no later than the article was written), under a reading its "
    "words allow; other evidence (later vintages, other regions, "
    "definitions or sources) is shown beside and never decides. A piece of evidence matches when the gap "
    "between its value and the printed value, rounded to 6 significant digits, is at most the tolerance (half "
    "of the last printed digit unless the claim says otherwise), or, for words, when they are equal ignoring "
    "case. The claim is reproduced when some deciding evidence matches; it differs when deciding evidence has a "
    "value and none matches (the ledger shows the closest), or when no deciding evidence has a value but "
    "another source matches the printed value (the number is right, its source is not the one named); "
    "otherwise it is not checkable, with the reason."
)


# The vintage rule, made checkable: the year up to which each article could have seen a source (its
# declaration's `seen` and `seen_why` in data/articles.yaml), and the year each source's values were first
# published. A deciding piece of evidence (CITED, LIKELY) must come from values published no later than
# its article (tests/ledger/test_ledger.py checks every one).
ARTICLE_SEEN = {a.id: int(a.seen) for a in articles.ARTICLES}
ARTICLE_SEEN_WHY = {a.id: a.seen_why for a in articles.ARTICLES}
SOURCE_RELEASED = {
    **{f"egov_{y}": y for y in (2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022)},
    "egov_2022_with_regions_modified": 2022,
    "egov_2024_modified": 2024,
    # compilations of past editions: evidence from one edition gives that edition's year (released=)
    "freedomhouse_all_data_2013_2024": 2024,
    "freedomhouse_ratings_1973_2024": 2024,
    "freedomhouse_scores_2003_2024": 2024,
    "itu_key_ict_2017": 2017,
    "itu_key_ict_2019": 2019,
    # the national SDG platform's values 2011-2020 are unchanged since its 2021 release
    "kazstat_ref_area_en": 2021,
    "kazstat_ref_area_ru": 2021,
    "kazstat_sdg_17_8_1": 2021,
    "owid_internet_share_2021": 2021,
    "owid_internet_users_2021": 2021,
    "ti_cpi_2020": 2021,
    "ons_internet_users_2020": 2021,
    "ons_sdg_17_8_1": 2021,
    "worldbank_internet_country_meta": 2024,
    "worldbank_internet_share": 2024,
    "worldbank_population_2023": 2023,
    "worldbank_population_2026": 2026,
    "worldbank_population_share_0014": 2022,
    "worldbank_population_share_1564": 2022,
    "worldbank_population_share_65up": 2022,
}


VINTAGE_RULE = (
    "Evidence decides only when its values were first published no later than the article could see them: "
    + "; ".join(f"article {a}, {y} ({ARTICLE_SEEN_WHY[a]})" for a, y in ARTICLE_SEEN.items())
    + ". Later vintages are shown beside and never decide; tests/ledger/test_ledger.py fails when a deciding source is "
    "later than its article."
)


def released(e: Recomputed) -> int | None:
    """The year the values of one piece of evidence were first published: its own ``released`` or the
    latest of its sources' years (None when it reads no source, or a source with no year in
    :data:`SOURCE_RELEASED`: :func:`vintage_problems` reports deciding evidence without a year)."""
    if e.released is not None:
        return e.released
    years = [SOURCE_RELEASED.get(key) for key in e.sources]
    return None if not years or None in years else max(years)


def vintage_problems(rows: list[dict]) -> list[str]:
    """Deciding evidence rows (with a value) whose values were published after their article could see them."""
    out = []
    for r in rows:
        if not r["decides"] or r["value"] is None:
            continue
        seen = ARTICLE_SEEN.get(r["article"])
        if seen is None or r["released"] is None:
            out.append(
                f"{r['claim_id']} evidence {r['item']}: no year for article {r['article']} "
                f"(seen in data/articles.yaml) or its sources {r['sources']!r} (ledger.SOURCE_RELEASED)"
            )
        elif r["released"] > seen:
            out.append(
                f"{r['claim_id']} evidence {r['item']} decides from values published in {r['released']} "
                f"({r['sources']}), later than article {r['article']} could see ({seen})"
            )
    return out


REPEAT_RULE = (
    "One claim per statement per place. A statement is one value said of one thing at one place of the article "
    "(a line of the text copy, or a cell of a printed table). A statement printed again elsewhere, in the text "
    "or in a table, is another claim with its own row, judged by the same evidence and counted again: the "
    "counts of claims count printed statements. Statements printed together (two years in one sentence, a "
    "number of voters and a number of hours) are one claim each. Numbers written as words (one tweet, the "
    "first million) are statements like digits."
)


@dataclass(frozen=True)
class Recomputed:
    """One piece of evidence for a claim: a value recomputed from ``sources``.

    ``value`` None means this evidence gives no value (``note`` says why). ``vintage`` names the release
    read, ``reading`` how the article's words are understood, ``read_as`` what the printed value means
    under that reading when it is not the printed value itself (e.g. 'closed, authoritarian' read as
    Freedom House's 'Not Free'), ``tolerance`` overrides the claim's, and ``role`` says whether the
    evidence decides (:data:`CITED`, :data:`LIKELY`) or is a comparison (:data:`OTHER`). ``released``
    is the year the values read were first published, where it is not the year of the source file
    (:data:`SOURCE_RELEASED`), e.g. one past edition kept in a later compilation.
    """

    value: float | str | None
    sources: tuple[str, ...] = ()
    notebook: str = ""
    note: str = ""
    vintage: str = ""
    reading: str = ""
    read_as: float | str | None = None
    tolerance: float | None = None
    role: str = CITED
    released: int | None = None

    def __post_init__(self):
        if self.role not in ROLES:
            raise ValueError(f"evidence role {self.role!r} is not one of {ROLES}")


Evidence = Recomputed


def not_checkable(reason: str, notebook: str = "", **fields) -> Recomputed:
    return Recomputed(None, fields.pop("sources", ()), notebook, f"not checkable: {reason}", **fields)


@dataclass
class _Table:
    name: str
    compute: Callable[[], pd.DataFrame]
    sources: tuple[str, ...]
    notebook: str
    tolerance: float
    note: str = ""
    vintage: str = ""


_CLAIMS: dict[str, Callable[[], Recomputed]] = {}
_TABLES: dict[str, _Table] = {}


def recomputes(claim_id: str):
    """Register ``fn() -> Recomputed | list[Recomputed]`` as the evidence of the text claim ``claim_id``."""

    def register(fn):
        if claim_id in _CLAIMS:
            raise ValueError(f"claim {claim_id} is registered twice")
        _CLAIMS[claim_id] = fn
        return fn

    return register


def not_checkable_claims(claim_ids, reason: str, notebook: str) -> None:
    """Register each text claim of ``claim_ids`` as not checkable for ``reason``: its evidence is one
    :func:`not_checkable` piece (no value), which the page ``notebook`` shows."""
    for claim_id in claim_ids:
        recomputes(claim_id)(lambda: not_checkable(reason, notebook))


def recomputes_table(name: str, *, sources, notebook: str, tolerance: float, note: str = "", vintage: str = ""):
    """Register ``fn() -> DataFrame[area_printed, year, recomputed]`` for the printed table ``name``."""

    def register(fn):
        _TABLES[name] = _Table(name, fn, tuple(sources), notebook, tolerance, note, vintage)
        return fn

    return register


def _load_registrations() -> None:
    for module in ARTICLE_MODULES:
        importlib.import_module(module)


def verdict(published_value, recomputed, tolerance: float | None) -> tuple[str, float | None]:
    """(verdict, difference) for one piece of evidence.

    Numbers: the difference ``recomputed - published`` is rounded by the book's precision rule
    (:func:`companion.core.precision.round_sig`, 6 significant digits) and the evidence matches when its
    absolute value is at most ``tolerance``, so that a value one ULP either side of a tolerance edge
    gets one verdict. Text (a name, a status): reproduced when equal ignoring case and surrounding
    blanks. Nothing recomputed: not checkable.
    """
    if recomputed is None or (isinstance(recomputed, float) and math.isnan(recomputed)):
        return NOT_CHECKABLE, None
    number = _as_number(published_value)
    if isinstance(recomputed, (int, float)) and number is not None:
        if tolerance is None or math.isnan(tolerance):
            raise ValueError(f"a numeric claim needs a tolerance (published {published_value!r})")
        difference = precision.round_sig(float(precision.round_sig(recomputed)) - number)
        ok = abs(difference) <= tolerance
        return (REPRODUCED if ok else DIFFERS), difference
    same = str(recomputed).strip().casefold() == str(published_value).strip().casefold()
    return (REPRODUCED if same else DIFFERS), None


def _as_number(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _as_list(result) -> list[Recomputed]:
    items = [result] if isinstance(result, Recomputed) else list(result)
    if not items or not all(isinstance(r, Recomputed) for r in items):
        raise TypeError(f"a claim's computation must return Recomputed or a non-empty list of them, not {result!r}")
    return items


def _evidence_rows(claim_id, article, published_value, tolerance, items: list[Recomputed]) -> list[dict]:
    rows = []
    for item, e in enumerate(items, start=1):
        read_as = published_value if e.read_as is None else e.read_as
        tol = tolerance if e.tolerance is None else e.tolerance
        matched, gap = verdict(read_as, e.value, tol)
        value = precision.round_sig(e.value) if isinstance(e.value, float) else e.value
        rows.append(
            {
                "claim_id": claim_id,
                "article": article,
                "item": item,
                "role": e.role,
                "decides": e.role in DECIDING,
                "sources": " ".join(e.sources),
                "vintage": e.vintage,
                "reading": e.reading,
                "read_as": read_as,
                "value": value,
                "gap": gap,
                "tolerance": tol if _as_number(read_as) is not None else None,
                "matches": {REPRODUCED: True, DIFFERS: False}.get(matched),
                "notebook": e.notebook,
                "note": e.note,
                "released": released(e),  # for the vintage rule's test; not a published column
            }
        )
    return rows


def _closeness(row) -> float:
    """How far a piece of evidence is from the printed value, relative (text: 0 if equal, else 1)."""
    if row["gap"] is None:
        return 0.0 if row["matches"] else 1.0
    scale = abs(_as_number(row["read_as"]) or 1.0)
    return abs(row["gap"]) / scale


def judge(evidence_rows: list[dict]) -> tuple[str, dict]:
    """The verdict of one claim from its evidence rows, by :data:`VERDICT_RULE`, and the row it rests on."""
    valued = [r for r in evidence_rows if r["value"] is not None]
    deciding = [r for r in valued if r["decides"]]
    if any(r["matches"] for r in deciding):
        return REPRODUCED, next(r for r in deciding if r["matches"])
    if deciding:
        return DIFFERS, min(deciding, key=_closeness)
    others = [r for r in valued if r["matches"]]
    if others:
        return DIFFERS, others[0]
    return NOT_CHECKABLE, evidence_rows[0]


def _explain(decided: str, basis: dict, rows: list[dict], printed=None, unit=None) -> str:
    """The claim's note: the basis's own note, plus the closest other evidence when it differs (its value
    at the printed precision, with the claim's unit)."""
    note = basis["note"]
    if decided == NOT_CHECKABLE and not note.startswith("not checkable:"):
        note = f"not checkable: {note}"
    if decided == DIFFERS:
        rest = [r for r in rows if r is not basis and r["value"] is not None]
        matching = [r for r in rest if r["matches"]]
        if not basis["decides"]:
            named = " ".join(r["note"].removeprefix("not checkable: ") for r in rows if r["decides"])
            matched = _describe(basis, printed, unit)
            note = (
                f"the source the article names gives no such value ({named}); {matched} matches "
                f"the printed value. {note}"
            ).strip()
        elif matching:
            note = f"{note} Matching comparison: {_describe(matching[0], printed, unit)}.".strip()
        elif rest:
            note = f"{note} Closest other evidence: {_describe(min(rest, key=_closeness), printed, unit)}.".strip()
    return note


def _describe(row: dict, printed=None, unit=None) -> str:
    where = ", ".join(p for p in (row["sources"], row["vintage"], row["reading"]) if p)
    return f"{where}: {precision.claim_value(row['value'], printed, unit)}"


def _claim_row(
    claim_id, article, location, printed, paraphrase, published_value, unit, tolerance, items: list[Recomputed]
) -> tuple[dict, list[dict]]:
    rows = _evidence_rows(claim_id, article, published_value, tolerance, items)
    decided, basis = judge(rows)
    sources = []
    for r in rows:
        sources += [k for k in r["sources"].split() if k not in sources]
    row = {
        "claim_id": claim_id,
        "article": article,
        "location": location,
        "printed": printed,
        "paraphrase": paraphrase,
        "published": published_value,
        "unit": unit,
        "recomputed": basis["value"] if decided != NOT_CHECKABLE else None,
        "difference": basis["gap"] if decided != NOT_CHECKABLE else None,
        "tolerance": basis["tolerance"] if basis["tolerance"] is not None else tolerance,
        "verdict": decided,
        "basis": f"evidence {basis['item']} ({basis['role']}"
        + (f"; {basis['vintage']}" if basis["vintage"] else "")
        + (f"; {basis['reading']}" if basis["reading"] else "")
        + ")",
        "evidence": len(rows),
        "sources": " ".join(sources),
        "notebook": basis["notebook"] or items[0].notebook,
        "note": _explain(decided, basis, rows, published_value, unit),
    }
    return row, rows


def _printed_cell(value: float, decimal_comma: bool = True) -> str:
    text = f"{value:.1f}"
    return text.replace(".", ",") if decimal_comma else text


def _table(name: str) -> tuple[list[dict], list[dict]]:
    _load_registrations()
    spec = _TABLES[name]
    printed = published.table(name)
    computed = spec.compute()[["area_printed", "year", "recomputed"]]
    cells = printed.merge(computed, on=["area_printed", "year"], how="left", validate="1:1")
    claims, evidence_rows = [], []
    for cell in cells.itertuples(index=False):
        if pd.isna(cell.value):
            continue
        value = None if pd.isna(cell.recomputed) else float(cell.recomputed)
        result = Recomputed(
            value, spec.sources, spec.notebook, spec.note, vintage=spec.vintage, reading="the printed cell", role=CITED
        )
        claim, rows = _claim_row(
            f"{cell.article}-T{cell.table}-{slug(cell.area_printed)}-{cell.year}",
            cell.article,
            cell.locator,
            _printed_cell(float(cell.value)),
            f"Table {cell.table}: {cell.area_printed}, {cell.year}",
            float(cell.value),
            "%",
            spec.tolerance,
            [result],
        )
        claims.append(claim)
        evidence_rows += rows
    return claims, evidence_rows


def table_claims(name: str) -> pd.DataFrame:
    """One ledger row per printed cell of the table ``name`` (cells printed as a dash are not claims)."""
    return _frame(_table(name)[0], COLUMNS)


def printed_values() -> dict[str, tuple]:
    """Claim id -> (the value as printed, its unit) for every claim, without recomputing anything: the
    text claims from ``ledger_claims.csv``, the printed tables' cells (unit %) from their files. What
    :func:`companion.core.precision.claim_cells` needs to show a claim's numbers at the printed precision."""
    _load_registrations()
    claims = published.claims()
    out = dict(zip(claims["claim_id"], zip(claims["published"], claims["unit"])))
    for name in _TABLES:
        for cell in published.table(name).itertuples(index=False):
            if not pd.isna(cell.value):
                claim_id = f"{cell.article}-T{cell.table}-{slug(cell.area_printed)}-{cell.year}"
                out[claim_id] = (float(cell.value), "%")
    return out


def _text(claim_ids=None, prefix: str | None = None) -> tuple[list[dict], list[dict]]:
    _load_registrations()
    claims = published.claims()
    if claim_ids is not None:
        missing = sorted(set(claim_ids) - set(claims["claim_id"]))
        if missing:
            raise LookupError(f"no such claims in data/published/ledger_claims.csv: {missing}")
        claims = claims[claims["claim_id"].isin(list(claim_ids))]
    if prefix is not None:
        claims = claims[claims["claim_id"].str.startswith(prefix)]
    rows, evidence_rows = [], []
    for claim in claims.itertuples(index=False):
        if claim.claim_id not in _CLAIMS:
            raise LookupError(
                f"claim {claim.claim_id} in data/published/ledger_claims.csv has no computation: "
                f"register one with @recomputes({claim.claim_id!r}) in companion/articles/article{claim.article}.py"
            )
        tolerance = None if pd.isna(claim.tolerance) else float(claim.tolerance)
        row, ev = _claim_row(
            claim.claim_id,
            claim.article,
            claim.location,
            claim.printed,
            claim.paraphrase,
            claim.published,
            claim.unit,
            tolerance,
            _as_list(_CLAIMS[claim.claim_id]()),
        )
        rows.append(row)
        evidence_rows += ev
    return rows, evidence_rows


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return precision.rounded(pd.DataFrame(rows, columns=columns))


def text_claims(claim_ids=None, prefix: str | None = None) -> pd.DataFrame:
    """One ledger row per claim of ``ledger_claims.csv``; a claim with no registered computation is an error.

    ``claim_ids`` or ``prefix`` select claims, so that a notebook computes only the claims it shows.
    """
    return _frame(_text(claim_ids, prefix)[0], COLUMNS)


def _check_orphans() -> None:
    known = set(published.claims()["claim_id"])
    orphans = sorted(set(_CLAIMS) - known)
    if orphans:
        raise LookupError(f"computations registered for claims not in ledger_claims.csv: {orphans}")


def _everything() -> tuple[list[dict], list[dict]]:
    _load_registrations()
    _check_orphans()
    claims, evidence_rows = _text()
    for name in sorted(_TABLES):
        more, ev = _table(name)
        claims += more
        evidence_rows += ev
    return claims, evidence_rows


def ledger(article: str | None = None) -> pd.DataFrame:
    """The whole ledger (or one article's): one row per claim, sorted by article and claim id."""
    frame = _frame(_everything()[0], COLUMNS)
    if article is not None:
        frame = frame[frame["article"] == article]
    return frame.sort_values(["article", "claim_id"]).reset_index(drop=True)


def evidence_rows() -> list[dict]:
    """Every piece of evidence of the whole ledger as a dict, with the year its values were published
    (``released``), for the ledger-wide check of the vintage rule (:func:`vintage_problems`)."""
    return _everything()[1]


def evidence(article: str | None = None, claim_ids=None, prefix: str | None = None) -> pd.DataFrame:
    """The evidence behind the ledger: one row per recomputation, keyed by ``claim_id`` and ``item``.

    With ``claim_ids`` or ``prefix`` only those text claims are computed (tables are left out)."""
    if claim_ids is None and prefix is None:
        rows = _everything()[1]
    else:
        rows = _text(claim_ids, prefix)[1]
    frame = _frame(rows, EVIDENCE_COLUMNS)
    if article is not None:
        frame = frame[frame["article"] == article]
    return frame.sort_values(["article", "claim_id", "item"]).reset_index(drop=True)


def notebook_link(notebook: str, from_page: str) -> str:
    """Relative URL of the built page of ``notebook`` as seen from the page of ``from_page``."""
    import posixpath

    target = str(notebook).replace(".ipynb", ".html")
    return posixpath.relpath(target, posixpath.dirname(from_page))


def summary(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Count of claims per article and verdict (all three verdicts always present)."""
    frame = ledger() if frame is None else frame
    counts = frame.groupby(["article", "verdict"]).size().unstack(fill_value=0)
    return counts.reindex(columns=list(VERDICTS), fill_value=0).sort_index()


def relative_gaps(frame: pd.DataFrame) -> pd.Series:
    """Each claim's gap in % of its printed value, ``100 * difference / published``, rounded to 2 decimals.

    Only a value printed as a number is a divisor: a claim printed in words ("almost doubled", "tripled")
    is compared as words, by its reading (:class:`Recomputed`'s ``read_as``), and has no printed number
    to scale its gap by, so its relative gap is missing (NaN); so is that of a claim without a difference."""
    printed = frame["published"].map(_as_number).astype(float)
    return (100 * pd.to_numeric(frame["difference"], errors="coerce") / printed).round(2)


NO_SOURCE = "no public source"


def contradictions() -> pd.DataFrame:
    """Printed statements that cannot all be true, grouped (``data/published/ledger_contradictions.csv``:
    one row per claim, with the group and a short description in our words). A claim id the ledger
    does not hold is an error."""
    pairs = published.table("ledger_contradictions")
    missing = sorted(set(pairs["claim_id"]) - set(ledger()["claim_id"]))
    if missing:
        raise LookupError(f"data/published/ledger_contradictions.csv names claims the ledger does not hold: {missing}")
    return pairs


def discrepancy_types(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim that is not reproduced, with its type of discrepancy.

    Types of ``differs`` claims come from ``data/mappings/ledger_discrepancy_types.csv`` (our judgement, one
    regular expression per group of claim ids, with the reason); every ``not checkable`` claim is of
    type "no public source". A differing claim that matches no pattern, or two, is an error.
    """
    frame = ledger() if frame is None else frame
    patterns = published.mapping("ledger_discrepancy_types")
    rows = []
    for row in frame[frame["verdict"] != REPRODUCED].itertuples(index=False):
        if row.verdict == NOT_CHECKABLE:
            kind, why = NO_SOURCE, row.note.removeprefix("not checkable: ")
        else:
            hits = patterns[[re.search(p, row.claim_id) is not None for p in patterns["claim_pattern"]]]
            if len(hits) != 1:
                raise LookupError(
                    f"claim {row.claim_id} differs and matches {len(hits)} patterns of "
                    "data/mappings/ledger_discrepancy_types.csv (needs exactly one)"
                )
            kind, why = hits.iloc[0]["type"], hits.iloc[0]["why"]
        rows.append({**row._asdict(), "type": kind, "why": why})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------------
# Permalinks: every claim has the anchor ``claim-<claim_id>`` on the ledger page.

LEDGER_NOTEBOOK = "chapters/reproducibility/01_ledger.ipynb"
LEDGER_PAGE = "chapters/reproducibility/01_ledger.html"
_CLAIM_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")


def claim_anchor(claim_id: str) -> str:
    """The HTML id of the claim's row on the ledger page: ``claim-<claim_id>``."""
    if not isinstance(claim_id, str) or not _CLAIM_ID.fullmatch(claim_id):
        raise ValueError(f"claim id {claim_id!r} cannot be an anchor (letters, digits and hyphens only)")
    return f"claim-{claim_id}"


def claim_href(claim_id: str, from_page: str) -> str:
    """Relative URL of the claim on the ledger page, from the built page ``from_page`` (a path from
    the book's root such as ``chapters/participation-uk-kz/03_text_claims.html``; a notebook path
    ``.ipynb`` is read as its page)."""
    import posixpath

    page = str(from_page).replace(".ipynb", ".html")
    target = posixpath.relpath(LEDGER_PAGE, posixpath.dirname(page) or ".")
    return f"{target}#{claim_anchor(claim_id)}"


def claim_url(claim_id: str) -> str:
    """The claim's permalink: absolute when the book has a public address (``companion.book.release``),
    else the path of the ledger page from the book's root, with the claim's anchor."""
    from companion.core.publication import publication

    return publication().url(LEDGER_PAGE, claim_anchor(claim_id))


def claim_citation(row) -> str:
    """One line that cites a claim (a ledger row, as a dict or a named tuple): the article, where the
    claim stands, its printed words, the verdict and the claim's permalink."""
    from companion.core.registry import by_id

    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return (
        f"{by_id(get('article')).authors}, {get('location')}: \u201c{get('printed')}\u201d \u2014 "
        f"{get('verdict')}. Reproducible companion, claim {get('claim_id')}: {claim_url(get('claim_id'))}"
    )


# --------------------------------------------------------------------------------------------------
# A rating per article on the data editors' replication scale.

FULL, FULL_MINOR, PARTIAL, FAILED = "full", "full with minor issues", "partial", "failed"
RATINGS = (FULL, FULL_MINOR, PARTIAL, FAILED)
MINOR_DISCREPANCIES = ("typo or slip in the article",)  # types of discrepancy_types() that are minor
FULL_MINOR_SHARE = 0.9  # least share of checkable claims reproduced for "full with minor issues"
PARTIAL_SHARE = 0.5  # least share of checkable claims reproduced for "partial"

RATING_RULE = (
    "Each article is rated on the replication scale of journals' data editors from its ledger. A claim is "
    "checkable when it is reproduced or differs (claims with no public source are left out of the share). "
    f"The article's replication is \u201c{FULL}\u201d when every checkable claim is reproduced; "
    f"\u201c{FULL_MINOR}\u201d when at least {FULL_MINOR_SHARE:.0%} of its checkable claims are reproduced and "
    f"every one that differs is a minor discrepancy (of the kind: {', '.join(MINOR_DISCREPANCIES)}); "
    f"\u201c{PARTIAL}\u201d when at least {PARTIAL_SHARE:.0%} of its checkable claims are reproduced; "
    "otherwise, or when no claim is checkable, "
    f"\u201c{FAILED}\u201d."
)


def rate(reproduced: int, differs: int, minor: int) -> str:
    """The rating of one article from its counts of reproduced and differing claims, ``minor`` of the
    differing ones being minor discrepancies (see :data:`RATING_RULE`)."""
    if min(reproduced, differs, minor) < 0 or minor > differs:
        raise ValueError(f"impossible counts: reproduced={reproduced}, differs={differs}, minor={minor}")
    checkable = reproduced + differs
    if checkable == 0:
        return FAILED
    share = reproduced / checkable
    if differs == 0:
        return FULL
    if share >= FULL_MINOR_SHARE and minor == differs:
        return FULL_MINOR
    if share >= PARTIAL_SHARE:
        return PARTIAL
    return FAILED


def ratings(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per article: its counts of claims by verdict, the checkable ones, the share of them
    reproduced, the differing claims that are minor discrepancies, and the rating (:func:`rate`)."""
    frame = ledger() if frame is None else frame
    counts = summary(frame)
    types = discrepancy_types(frame)
    differing = types[types["verdict"] == DIFFERS] if len(types) else types
    minor = (
        differing[differing["type"].isin(MINOR_DISCREPANCIES)].groupby("article").size()
        if len(differing)
        else pd.Series(dtype=int)
    )
    rows = []
    for article, row in counts.iterrows():
        n_minor = int(minor.get(article, 0))
        checkable = int(row[REPRODUCED] + row[DIFFERS])
        rows.append(
            {
                "article": article,
                REPRODUCED: int(row[REPRODUCED]),
                DIFFERS: int(row[DIFFERS]),
                NOT_CHECKABLE: int(row[NOT_CHECKABLE]),
                "checkable": checkable,
                "share_reproduced": precision.round_sig(row[REPRODUCED] / checkable) if checkable else None,
                "minor": n_minor,
                "rating": rate(int(row[REPRODUCED]), int(row[DIFFERS]), n_minor),
            }
        )
    return pd.DataFrame(rows)
