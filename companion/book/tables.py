"""Tables a reader can read: one helper for every table the book shows.

:func:`readable` turns a DataFrame into a table with

* column labels in words (:data:`LABELS`, or the caller's), articles named by their authors;
* numbers rounded by the book's precision rule first, each shown with the decimals it has, up to the
  column's (what the column needs, at most 4, or the caller's), never padded with zeros beyond the
  first decimal (81.3, not 81.3000 beside 0.7597; 88.0 as the article printed 88,0);
* "—" and, where the caller gives one, a reason instead of None / NaN;
* rows that differ from the article marked with a symbol (≠) and a colour-blind-safe colour, so the
  mark survives printing in grey and every kind of colour vision;
* the columns a reader needs first (a verdict) moved to the front, so they show on a phone;
* no truncation: every cell is shown whole, and a wide table scrolls inside its own box (CSS class
  ``readable-table``, see ``_static/companion.css``).

The result shows as HTML in the book and as plain text in the notebook's stored outputs (nbval
compares both); neither holds a memory address or a random id.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import pandas as pd

from companion.core import registry as articles
from companion.core.precision import round_sig

DIFFERS_MARK = "\u2260"  # ≠
MISSING = "\u2014"  # —
EMPTY = "\u2014 (no rows)"
TOKEN_LENGTH = 40  # a column whose every cell is one word this long at most (an id, a code) is not wrapped
PROSE_LENGTH = 60  # a column with a cell longer than this holds sentences: it gets room for a line of them

# code name -> words, for the columns the book's tables share
LABELS = {
    "article": "Article",
    "claim_id": "Claim",
    "claim": "Claim",
    "location": "Where in the article",
    "paraphrase": "What the article says",
    "printed": "Printed words",
    "published": "Printed",
    "recomputed": "Recomputed",
    "difference": "Gap (recomputed − printed)",
    "gap": "Gap",
    "tolerance": "Tolerance",
    "verdict": "Verdict",
    "sources": "Raw files",
    "notebook": "Notebook",
    "note": "Note",
    "unit": "Unit",
    "type": "Kind of discrepancy",
    "why": "Likely cause",
    "area_printed": "Area (as printed)",
    "area": "Area",
    "area_code": "Area code",
    "year": "Year",
    "row": "Row",
    "sdg": "SDG 17.8.1 file",
    "relative_gap_pct": "Gap (% of printed)",
    "country": "Country",
    "series": "Series",
    "share": "Share (%)",
    "vintage": "Vintage",
    "estimate": "Estimate",
    "users": "Users",
    "population": "Population",
    "year_leader": "Year (UK)",
    "year_follower": "Year (Kazakhstan)",
    "follower": "Series",
    "lag": "Lag (years)",
    "lag_low": "Lag, 95 % low",
    "lag_high": "Lag, 95 % high",
    "growth_rate": "Growth rate",
    "growth_low": "Growth, 95 % low",
    "growth_high": "Growth, 95 % high",
    "midpoint": "Mid-point year",
    "midpoint_se": "Mid-point s.e.",
    "midpoint_low": "Mid-point, 95 % low",
    "midpoint_high": "Mid-point, 95 % high",
    "first_year": "First year",
    "last_year": "Last year",
    "n": "n",
    "rank": "Rank",
    "egdi": "EGDI",
    "fh_total": "Freedom House total",
    "fh_status": "Status",
}


def label(column: str) -> str:
    """A column's label in words: from :data:`LABELS`, an article id as its authors (a table with one
    column per article), else its name with spaces."""
    if column in LABELS:
        return LABELS[column]
    if str(column) in articles.IDS:
        return articles.label(str(column))
    words = str(column).replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _decimals_needed(values: pd.Series, cap: int = 4) -> int:
    """The fewest decimals that show every (rounded) value of a float column, at most ``cap``."""
    needed = 0
    for value in values.dropna():
        text = format(round_sig(float(value)), "f").rstrip("0")
        if "." in text:
            needed = max(needed, len(text.split(".", 1)[1]))
    return min(needed, cap)


def _format_number(value, decimals: int, group: bool = True, strip: bool = False) -> str:
    """``value`` with ``decimals`` decimals; ``strip``: without the zeros that end its decimals beyond the
    first (no padding: 81.3000 -> 81.3, 84.00 -> 84.0)."""
    value = round_sig(float(value))
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    text = f"{value:,.{decimals}f}" if group else f"{value:.{decimals}f}"
    if strip and "." in text:
        whole, fraction = text.split(".")
        text = f"{whole}.{fraction.rstrip('0') or '0'}"
    if text in ("-0", "+0"):
        text = "0"
    return text.replace("-", "\u2212") if text.startswith("-") else text


@dataclass(frozen=True)
class ReadableTable:
    """A formatted table: HTML for the book, plain text for the notebook's stored text output."""

    cells: pd.DataFrame  # every cell as the text shown
    marked: tuple[bool, ...]  # rows that differ from the article
    caption: str
    name: str
    numeric: frozenset  # labels of right-aligned (numeric) columns
    hrefs: tuple = ()  # (label, (href or "", ...)) per linked column: the cell's text links there
    empty: str = EMPTY  # shown instead of the rows when there are none
    tokens: frozenset = frozenset()  # labels of columns of single words (ids, codes): kept on one line
    prose: frozenset = frozenset()  # labels of columns holding sentences: given a readable line length
    notes: tuple = ()  # (note number or 0, ...) per row, and the notes' texts below: see readable(notes=)
    note_texts: tuple = ()

    def _repr_html_(self) -> str:
        head = "".join(f'<th scope="col"{self._class(c)}>{html.escape(c)}</th>' for c in self.cells.columns)
        links = dict(self.hrefs)
        rows = []
        # a row's note number stands after what the row is about: its first cell, or the claim after a verdict
        at = 1 if len(self.cells.columns) > 1 and self.cells.columns[0] == LABELS["verdict"] else 0
        for i, (marked, (_, row)) in enumerate(zip(self.marked, self.cells.iterrows())):
            attrs = ' class="differs"' if marked else ""
            tds = "".join(
                f"<td{self._class(c, v)}>{_cell_html(v, links[c][i] if c in links else '')}"
                f"{self._note_mark(i) if j == at else ''}</td>"
                for j, (c, v) in enumerate(row.items())
            )
            rows.append(f"<tr{attrs}>{tds}</tr>")
        if not rows:
            span = max(len(self.cells.columns), 1)
            rows.append(f'<tr><td class="readable-empty" colspan="{span}">{html.escape(self.empty)}</td></tr>')
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        legend = (
            (
                f'<p class="readable-legend"><span class="differs-mark">{DIFFERS_MARK}</span> '
                "marks a row that differs from what the article printed.</p>"
            )
            if any(self.marked)
            else ""
        )
        notes = "".join(
            f'<li id="readable-{self.name}-note-{n}">{html.escape(text)}</li>'
            for n, text in enumerate(self.note_texts, start=1)
        )
        notes = f'<ol class="readable-notes">{notes}</ol>' if notes else ""
        return (
            f'<div class="readable-table-wrap"><table class="readable-table" id="readable-{self.name}">'
            f"{caption}<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{notes}{legend}</div>"
        )

    def _note_mark(self, row: int) -> str:
        number = self.notes[row] if self.notes else 0
        if not number:
            return ""
        return f' <span class="note-mark"><a href="#readable-{self.name}-note-{number}">[{number}]</a></span>'

    def _class(self, column: str, text: str | None = None) -> str:
        return _classes(column, self.numeric, self.tokens, text, self.prose)

    def __repr__(self) -> str:
        with pd.option_context(
            "display.max_colwidth", None, "display.width", 10_000, "display.max_rows", None, "display.max_columns", None
        ):
            text = self.cells.to_string(index=False)
        if self.cells.empty:
            text = "  ".join(self.cells.columns) + f"\n{self.empty}"
        notes = "".join(f"\n[{n}] {note}" for n, note in enumerate(self.note_texts, start=1))
        return (f"{self.caption}\n" if self.caption else "") + text + notes


def _cell_html(text: str, href: str) -> str:
    if not href:
        return html.escape(text)
    mark = f"{DIFFERS_MARK} "
    prefix = mark if text.startswith(mark) else ""
    return f'{prefix}<a href="{html.escape(href)}">{html.escape(text.removeprefix(prefix))}</a>'


def _classes(column: str, numeric: frozenset, tokens: frozenset, text: str | None, prose=frozenset()) -> str:
    """A cell's classes: ``num`` (right-aligned, one line), ``token`` (an id kept on one line), ``prose``
    (a column of sentences, wide enough to read) and, for a missing value, ``missing`` (its reason may
    wrap)."""
    flags = (("num", column in numeric), ("token", column in tokens), ("prose", column in prose))
    names = [n for n, on in flags if on]
    if text is not None and text.startswith(MISSING):
        names.append("missing")
    return f' class="{" ".join(names)}"' if names else ""


def readable(
    frame: pd.DataFrame,
    *,
    name: str,
    labels: dict[str, str] | None = None,
    decimals: dict[str, int] | None = None,
    missing: dict[str, str] | None = None,
    differs=None,
    first=("verdict",),
    caption: str = "",
    links: dict | None = None,
    empty: str = EMPTY,
    year_rows=None,
    numbers=(),
    notes: str | None = None,
) -> ReadableTable:
    """``frame`` as a :class:`ReadableTable` (see the module docstring).

    name: a short id for the table (its HTML id, ``readable-<name>``; "table-" ids are kept for numbered
    tables); labels: code name -> words (added to :data:`LABELS`); decimals: column -> decimals
    (default: what the column needs, at most 4); missing: column -> text shown for a missing value
    (default "—"), or one text for every column; differs: a boolean Series aligned with ``frame`` (or
    the name of a boolean column) marking rows that differ from the article, whose first shown column
    gets the ≠ mark; first:
    columns moved to the front, in order, when present; links: column -> function of a cell's value
    giving the URL its text links to (e.g. a claim id to its permalink on the ledger page,
    :func:`companion.book.report.claim_href`), "" for none. Columns of several levels (a pivot's year and
    measure) are named by their levels joined with spaces ("2016 printed"); columns of years (or
    mid-point years) are shown without a thousands separator. empty: the text shown, under the
    column labels, when the table has no rows (say why, e.g. "— (none: every cell is reproduced)").
    year_rows: a boolean Series aligned with ``frame`` marking rows whose numbers are years (a claim
    whose unit is a year, in a column of claims of mixed units): their numbers show as years (2008,
    not 2,008.0000). numbers: columns of numbers already written as text (e.g. a claim's numbers with
    their units, :func:`companion.book.report.claim_numbers`): right-aligned like numbers, shown as they are.
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"table name {name!r}: use lower-case letters, digits and hyphens")
    frame = frame.reset_index(drop=True)
    if isinstance(frame.columns, pd.MultiIndex):
        frame.columns = [" ".join(str(part) for part in column if str(part) != "") for column in frame.columns]
    if isinstance(differs, str):
        mask = frame.pop(differs).fillna(False).astype(bool)
    elif differs is None:
        mask = pd.Series(False, index=frame.index)
    else:
        mask = pd.Series(list(differs), index=frame.index).fillna(False).astype(bool)
    note_texts: list[str] = []
    row_notes: list[int] = []
    if notes is not None and notes in frame.columns:
        for value in frame.pop(notes):
            text = "" if _is_missing(value) else str(value).strip()
            if text and text not in note_texts:
                note_texts.append(text)
            row_notes.append(note_texts.index(text) + 1 if text else 0)
    order = [c for c in first if c in frame.columns] + [c for c in frame.columns if c not in first]
    frame = frame[order]
    words = {**LABELS, **(labels or {})}
    decimals = dict(decimals or {})
    missing = dict.fromkeys(frame.columns, missing) if isinstance(missing, str) else dict(missing or {})
    as_year = (
        pd.Series(False, index=frame.index)
        if year_rows is None
        else pd.Series(list(year_rows), index=frame.index).fillna(False).astype(bool)
    )
    cells, numeric = {}, set()
    for column in frame.columns:
        values = frame[column]
        shown_label = words.get(column, label(column))
        if column == "article":
            text = values.map(lambda v: MISSING if _is_missing(v) else articles.label(str(v)))
        elif pd.api.types.is_bool_dtype(values):
            text = values.map(lambda v: "yes" if v else "no")
        elif pd.api.types.is_integer_dtype(values):
            numeric.add(shown_label)
            shown_missing = missing.get(column, MISSING)
            text = values.map(lambda v, m=shown_missing: m if _is_missing(v) else str(int(v)))
        elif pd.api.types.is_float_dtype(values):
            numeric.add(shown_label)
            places = decimals.get(column, _decimals_needed(values))
            # each value shows the decimals it has, up to the column's, and at least one where the column
            # has any: no padding (81.3, not 81.3000 beside 0.7597), but 88.0 as the article printed 88,0
            shown_missing = missing.get(column, MISSING)
            group = not _is_year(column)
            text = pd.Series(
                [
                    shown_missing
                    if _is_missing(v)
                    else _format_number(v, _decimals_needed(pd.Series([v])), False)
                    if year
                    else _format_number(v, places, group, strip=True)
                    for v, year in zip(values, as_year)
                ],
                index=values.index,
            )
        else:
            shown_missing = missing.get(column, MISSING)
            text = values.map(lambda v, m=shown_missing: m if _is_missing(v) or str(v) == "" else _text(v))
            if column in numbers:
                numeric.add(shown_label)
        cells[shown_label] = text.astype(str)
    table = pd.DataFrame(cells)
    if mask.any() and len(table.columns):
        firstcol = table.columns[0]
        table[firstcol] = [f"{DIFFERS_MARK} {v}" if m else v for v, m in zip(table[firstcol], mask)]
    hrefs = []
    for column, target in (links or {}).items():
        if column not in frame.columns:
            raise KeyError(f"table {name}: cannot link column {column!r}, the table has {', '.join(frame.columns)}")
        shown_label = words.get(column, label(column))
        hrefs.append((shown_label, tuple("" if _is_missing(v) else str(target(v)) for v in frame[column])))
    tokens = frozenset(
        c
        for c in table.columns
        if c not in numeric
        and len(table)
        and all(" " not in v.removeprefix(f"{DIFFERS_MARK} ") and len(v) <= TOKEN_LENGTH for v in table[c])
    )
    prose = frozenset(c for c in table.columns if c not in numeric and table[c].str.len().max() > PROSE_LENGTH)
    return ReadableTable(
        table,
        tuple(bool(m) for m in mask),
        caption,
        name,
        frozenset(numeric),
        tuple(hrefs),
        empty,
        tokens,
        prose,
        tuple(row_notes),
        tuple(note_texts),
    )


def _is_year(column) -> bool:
    """A column of years (or of points in time, such as a curve's mid-point): 2012.9, not 2,012.9."""
    return any(word in str(column).lower() for word in ("year", "midpoint"))


def _text(value) -> str:
    if isinstance(value, float):
        return _format_number(value, _decimals_needed(pd.Series([value])))
    return str(value)
