"""The ledger: every numeric claim of the three articles, published value beside recomputed value.

Claims come from two places, both transcribed once under ``data/published/``:

* ``claims.csv`` -- claims made in the articles' text (one row each, with the tolerance used);
* printed tables (e.g. ``table1a_kz_regions.csv``) -- each printed cell is a claim.

The recomputation lives in the per-article modules (``article000`` ...), which register one function
per claim with :func:`recomputes` and one per table with :func:`recomputes_table`. The notebooks call
the same functions, so the ledger (``python -m companion claims``) and the book cannot disagree.
"""

from __future__ import annotations

import importlib
import math
import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from . import published

ARTICLE_MODULES = ("companion.article000", "companion.article002", "companion.article004")

REPRODUCED, DIFFERS, NOT_CHECKABLE = "reproduced", "differs", "not checkable"
VERDICTS = (REPRODUCED, DIFFERS, NOT_CHECKABLE)

COLUMNS = ["claim_id", "article", "location", "paraphrase", "published", "unit", "recomputed",
           "difference", "tolerance", "verdict", "sources", "notebook", "note"]


@dataclass(frozen=True)
class Recomputed:
    """What we computed for one claim. ``value`` None means not checkable; ``note`` says why."""
    value: float | str | None
    sources: tuple[str, ...] = ()
    notebook: str = ""
    note: str = ""


def not_checkable(reason: str, notebook: str = "") -> Recomputed:
    return Recomputed(None, (), notebook, f"not checkable: {reason}")


@dataclass
class _Table:
    name: str
    compute: Callable[[], pd.DataFrame]
    sources: tuple[str, ...]
    notebook: str
    tolerance: float
    note: str = ""


_CLAIMS: dict[str, Callable[[], Recomputed]] = {}
_TABLES: dict[str, _Table] = {}


def recomputes(claim_id: str):
    """Register ``fn() -> Recomputed`` as the computation of the text claim ``claim_id``."""
    def register(fn):
        if claim_id in _CLAIMS:
            raise ValueError(f"claim {claim_id} is registered twice")
        _CLAIMS[claim_id] = fn
        return fn
    return register


def recomputes_table(name: str, *, sources, notebook: str, tolerance: float, note: str = ""):
    """Register ``fn() -> DataFrame[area_printed, year, recomputed]`` for the printed table ``name``."""
    def register(fn):
        _TABLES[name] = _Table(name, fn, tuple(sources), notebook, tolerance, note)
        return fn
    return register


def _load_registrations() -> None:
    for module in ARTICLE_MODULES:
        importlib.import_module(module)


def verdict(published_value, recomputed, tolerance: float | None) -> tuple[str, float | None]:
    """(verdict, difference) for one claim.

    Numbers: reproduced when ``|recomputed - published| <= tolerance``. Text (a name, a status):
    reproduced when equal ignoring case and surrounding blanks. Nothing recomputed: not checkable.
    """
    if recomputed is None or (isinstance(recomputed, float) and math.isnan(recomputed)):
        return NOT_CHECKABLE, None
    number = _as_number(published_value)
    if isinstance(recomputed, (int, float)) and number is not None:
        if tolerance is None or math.isnan(tolerance):
            raise ValueError(f"a numeric claim needs a tolerance (published {published_value!r})")
        difference = float(recomputed) - number
        ok = abs(difference) <= tolerance + 1e-9
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


def _row(claim_id, article, location, paraphrase, published_value, unit, tolerance, result: Recomputed):
    decided, difference = verdict(published_value, result.value, tolerance)
    value = result.value
    if isinstance(value, float):
        value = round(value, 4)
    return {
        "claim_id": claim_id, "article": article, "location": location, "paraphrase": paraphrase,
        "published": published_value, "unit": unit, "recomputed": value,
        "difference": None if difference is None else round(difference, 4),
        "tolerance": tolerance, "verdict": decided, "sources": " ".join(result.sources),
        "notebook": result.notebook, "note": result.note,
    }


def table_claims(name: str) -> pd.DataFrame:
    """One ledger row per printed cell of the table ``name`` (cells printed as a dash are not claims)."""
    _load_registrations()
    spec = _TABLES[name]
    printed = published.table(name)
    computed = spec.compute()[["area_printed", "year", "recomputed"]]
    cells = printed.merge(computed, on=["area_printed", "year"], how="left", validate="1:1")
    rows = []
    for cell in cells.itertuples(index=False):
        if pd.isna(cell.value):
            continue
        value = None if pd.isna(cell.recomputed) else float(cell.recomputed)
        result = Recomputed(value, spec.sources, spec.notebook, spec.note)
        rows.append(_row(f"{cell.article}-T{cell.table}-{slug(cell.area_printed)}-{cell.year}", cell.article,
                         cell.locator, f"Table {cell.table}: {cell.area_printed}, {cell.year}",
                         float(cell.value), "%", spec.tolerance, result))
    return pd.DataFrame(rows, columns=COLUMNS)


def text_claims(claim_ids=None, prefix: str | None = None) -> pd.DataFrame:
    """One ledger row per claim of ``claims.csv``; a claim with no registered computation is an error.

    ``claim_ids`` or ``prefix`` select claims, so that a notebook computes only the claims it shows.
    """
    _load_registrations()
    rows = []
    claims = published.claims()
    if claim_ids is not None:
        missing = sorted(set(claim_ids) - set(claims["claim_id"]))
        if missing:
            raise LookupError(f"no such claims in data/published/claims.csv: {missing}")
        claims = claims[claims["claim_id"].isin(list(claim_ids))]
    if prefix is not None:
        claims = claims[claims["claim_id"].str.startswith(prefix)]
    for claim in claims.itertuples(index=False):
        if claim.claim_id not in _CLAIMS:
            raise LookupError(f"claim {claim.claim_id} in data/published/claims.csv has no computation: "
                              f"register one with @recomputes({claim.claim_id!r}) in companion/article{claim.article}.py")
        tolerance = None if pd.isna(claim.tolerance) else float(claim.tolerance)
        rows.append(_row(claim.claim_id, claim.article, claim.location, claim.paraphrase,
                         claim.published, claim.unit, tolerance, _CLAIMS[claim.claim_id]()))
    return pd.DataFrame(rows, columns=COLUMNS)


def ledger(article: str | None = None) -> pd.DataFrame:
    """The whole ledger (or one article's), sorted by article and claim id."""
    _load_registrations()
    known = set(published.claims()["claim_id"])
    orphans = sorted(set(_CLAIMS) - known)
    if orphans:
        raise LookupError(f"computations registered for claims not in claims.csv: {orphans}")
    parts = [text_claims()] + [table_claims(name) for name in sorted(_TABLES)]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True)
    if article is not None:
        frame = frame[frame["article"] == article]
    return frame.sort_values(["article", "claim_id"]).reset_index(drop=True)


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


NO_SOURCE = "no public source"


def discrepancy_types(frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every claim that is not reproduced, with its type of discrepancy.

    Types of ``differs`` claims come from ``data/mappings/discrepancy_types.csv`` (our judgement, one
    regular expression per group of claim ids, with the reason); every ``not checkable`` claim is of
    type "no public source". A differing claim that matches no pattern, or two, is an error.
    """
    frame = ledger() if frame is None else frame
    patterns = published.mapping("discrepancy_types")
    rows = []
    for row in frame[frame["verdict"] != REPRODUCED].itertuples(index=False):
        if row.verdict == NOT_CHECKABLE:
            kind, why = NO_SOURCE, row.note.removeprefix("not checkable: ")
        else:
            hits = patterns[[re.search(p, row.claim_id) is not None for p in patterns["claim_pattern"]]]
            if len(hits) != 1:
                raise LookupError(f"claim {row.claim_id} differs and matches {len(hits)} patterns of "
                                  "data/mappings/discrepancy_types.csv (needs exactly one)")
            kind, why = hits.iloc[0]["type"], hits.iloc[0]["why"]
        rows.append({**row._asdict(), "type": kind, "why": why})
    return pd.DataFrame(rows)
