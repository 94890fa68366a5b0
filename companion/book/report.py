"""What a page finds, first: the verdict box that opens every notebook page that checks claims.

:func:`verdict_box` reads the ledger (never typed counts) and returns a :class:`VerdictBox`: HTML in
the book (a short box: how many of the article's claims this page checks, how many hold, and which
do not, each linked to its permalink on the ledger page), plain text in the notebook's stored
outputs (nbval compares it).
"""

from __future__ import annotations

import dataclasses
import functools
import html
import posixpath
from dataclasses import dataclass

import pandas as pd

from companion import ledger
from companion.core import precision
from companion.core import registry as articles
from companion.sources import published

MAX_UNCHECKABLE_LISTED = 3
LEDGER_PAGE = "chapters/reproducibility/01_ledger.html"
WORDS = {ledger.REPRODUCED: "reproduced", ledger.DIFFERS: "differ", ledger.NOT_CHECKABLE: "cannot be checked"}
ONE = {ledger.REPRODUCED: "reproduced", ledger.DIFFERS: "differs", ledger.NOT_CHECKABLE: "cannot be checked"}


def claim_href(claim_id: str, from_page: str) -> str:
    """Relative URL of a claim's permalink (``claim-<id>`` on the ledger page) from ``from_page``
    (a notebook or page path from the book root)."""
    base = posixpath.relpath(LEDGER_PAGE, posixpath.dirname(str(from_page)))
    return f"{base}#claim-{claim_id}"


@dataclass(frozen=True)
class VerdictBox:
    notebook: str
    article: str
    counts: tuple[tuple[str, int], ...]  # (verdict, count) in ledger.VERDICTS order
    open_claims: tuple[tuple[str, str, str], ...]  # (claim_id, verdict, what the article says), not reproduced

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def sentence(self) -> str:
        parts = [f"{n} {WORDS[v] if n != 1 else ONE[v]}" for v, n in self.counts if n]
        return (
            f"This page checks {self.total} claim{'s' if self.total != 1 else ''} of "
            f"{articles.label(self.article)}: {', '.join(parts)}."
        )

    def listed(self) -> tuple[tuple[str, str, str], ...]:
        """The claims the box names: every one that differs; those that cannot be checked only when
        there are at most :data:`MAX_UNCHECKABLE_LISTED` (else the ledger lists them)."""
        unchecked = [c for c in self.open_claims if c[1] == ledger.NOT_CHECKABLE]
        return tuple(
            c for c in self.open_claims if c[1] != ledger.NOT_CHECKABLE or len(unchecked) <= MAX_UNCHECKABLE_LISTED
        )

    def _repr_html_(self) -> str:
        items = "".join(
            f"<li><strong>{html.escape(ONE[verdict])}</strong>: "
            f'<a href="{html.escape(claim_href(claim_id, self.notebook))}">{html.escape(what)}</a></li>'
            for claim_id, verdict, what in self.listed()
        )
        listing = f"<ul>{items}</ul>" if items else ""
        if not self.open_claims:
            listing = "<p>Every claim checked here holds.</p>"
        return (
            f'<div class="verdict-box admonition note"><p class="admonition-title">Verdict</p>'
            f"<p>{html.escape(self.sentence())}</p>{listing}</div>"
        )

    def __repr__(self) -> str:
        lines = [self.sentence()]
        lines += [f"  {claim_id} ({ONE[verdict]}): {what}" for claim_id, verdict, what in self.listed()]
        return "\n".join(lines)


def verdict_box(notebook: str, frame: pd.DataFrame | None = None) -> VerdictBox:
    """The verdict box of the page built from ``notebook`` (its path from the book root), from the
    ledger's claims whose ``notebook`` is that page. A page with no claim in the ledger is an error:
    it has no verdict to show."""
    frame = ledger.ledger() if frame is None else frame
    mine = frame[frame["notebook"] == notebook]
    if mine.empty:
        raise ValueError(
            f"no claim of the ledger is checked in {notebook}: a verdict box needs at least one "
            "(the ledger's 'notebook' column names the page that checks each claim)"
        )
    found = sorted(mine["article"].unique())
    if len(found) != 1:
        raise ValueError(f"{notebook} checks claims of several articles ({', '.join(found)}); one box per article")
    counts = tuple((v, int((mine["verdict"] == v).sum())) for v in ledger.VERDICTS)
    order = {ledger.DIFFERS: 0, ledger.NOT_CHECKABLE: 1}
    open_rows = mine[mine["verdict"] != ledger.REPRODUCED].assign(_o=lambda d: d["verdict"].map(order))
    open_rows = open_rows.sort_values(["_o", "claim_id"])
    open_claims = tuple(
        (r.claim_id, r.verdict, str(r.paraphrase or r.printed or r.location)) for r in open_rows.itertuples()
    )
    return VerdictBox(notebook, found[0], counts, open_claims)


# what a missing value means in a claims table, shown instead of a bare "—"
CLAIM_MISSING = {
    "recomputed": "\u2014 (nothing to recompute from)",
    "difference": "\u2014 (no gap to compute)",
    "gap": "\u2014 (no gap to compute)",
    "value": "\u2014 (no value in the file)",
}


def heading(text: str, level: int = 3):
    """A section heading inside a notebook's output, its text escaped (a heading made from a
    transcribed file's text, such as a group of contradictions, shows as text, never as markup)."""
    from IPython.display import HTML

    return HTML(f"<h{int(level)}>{html.escape(str(text))}</h{int(level)}>")


def _units() -> dict[str, str]:
    """Text claim id -> its unit, as transcribed (``data/published/ledger_claims.csv``)."""
    claims = published.claims()
    return dict(zip(claims["claim_id"], claims["unit"].astype(str)))


def claims_table(frame: pd.DataFrame, notebook: str, *, name: str, **options):
    """A table that lists claims (or their evidence) as the book shows it: :func:`companion.book.tables.readable`
    with the verdict first, rows that differ marked, every claim id a link to its permalink on the
    ledger page, and missing values explained; a claim whose unit is a year shows its numbers as
    years. A claim id in the index is made a column first."""
    from companion.book.tables import readable

    if frame.index.name is not None or any(n is not None for n in frame.index.names):
        frame = frame.reset_index()
    if "claim_id" not in frame.columns:
        raise KeyError(
            f"claims table {name} ({notebook}): no claim_id column (has {', '.join(map(str, frame.columns))})"
        )
    differs = frame["verdict"] == ledger.DIFFERS if "verdict" in frame.columns else None
    options.setdefault("missing", {k: v for k, v in CLAIM_MISSING.items() if k in frame.columns})
    options.setdefault("first", ("verdict", "claim_id"))
    options.setdefault("notes", "note")  # remarks as numbered notes under the table, not a narrow column
    units = frame["unit"] if "unit" in frame.columns else frame["claim_id"].map(_units())
    options.setdefault("year_rows", units.astype(str).str.strip().eq("year"))
    frame, numbers = claim_numbers(frame)
    table = readable(
        frame,
        name=name,
        differs=differs,
        links={"claim_id": lambda claim: claim_href(claim, notebook)},
        numbers=numbers,
        **options,
    )
    return in_words(table, frame["claim_id"])


@functools.cache
def _claims_in_words() -> dict[str, str]:
    """Claim id -> the claim in words (the ledger's paraphrase), as the ledger page shows it."""
    rows = ledger.ledger()
    return {c: str(w) for c, w in zip(rows["claim_id"], rows["paraphrase"]) if isinstance(w, str) and w.strip()}


def in_words(table, claim_ids: pd.Series):
    """``table`` (a readable table of claims) with each claim shown in words, still linked to its
    permalink on the ledger page where the claim's id stands (plain words for readers, issue 25)."""
    from .tables import DIFFERS_MARK, LABELS

    column = LABELS["claim_id"]
    if column not in table.cells.columns:
        return table
    words = _claims_in_words()
    cells = table.cells.copy()
    shown = []
    for text, claim in zip(cells[column], claim_ids):
        mark = f"{DIFFERS_MARK} " if text.startswith(f"{DIFFERS_MARK} ") else ""
        shown.append(mark + words.get(claim, claim))
    cells[column] = shown
    return dataclasses.replace(table, cells=cells, tokens=table.tokens - {column}, prose=table.prose | {column})


def claim_numbers(frame: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """``frame`` (rows of claims or of their evidence, with a ``claim_id`` column) with the columns that
    hold a claim's numbers (printed, recomputed, gap, tolerance: :data:`companion.core.precision.CLAIM_NUMBERS`)
    as text, each at the decimals the article printed the claim and with its unit
    (:func:`companion.core.precision.claim_cells`), and the names of those columns."""
    columns = tuple(c for c in precision.CLAIM_NUMBERS if c in frame.columns)
    if not columns:
        return frame, ()
    known = ledger.printed_values()
    out = frame.copy()
    for column in columns:
        out[column] = out[column].astype(object)
    for index, row in frame.iterrows():
        printed, unit = known.get(row["claim_id"], (None, None))
        printed = row["published"] if "published" in frame.columns else printed
        unit = row["unit"] if "unit" in frame.columns else unit
        for column, text in precision.claim_cells(row.to_dict(), printed=printed, unit=unit).items():
            out.at[index, column] = text
    return out, columns
