"""The ledger page's HTML: one table of every claim that a reader can search, sort and filter.

The ledger notebook (``chapters/reproducibility/01_ledger.ipynb``) calls :func:`claims_html`; this
module builds the HTML from the ledger rows so that the notebook holds no markup code.

* Every claim is one row with the HTML id ``claim-<claim_id>`` (:func:`companion.ledger.claim_anchor`),
  its permalink; the row links back to the page of the book that works the claim through and carries
  a one-line citation (:func:`companion.ledger.claim_citation`).
* The table is made searchable, sortable and filterable (article, verdict, kind of discrepancy) in the
  browser by DataTables, shipped with the book in ``_static/vendor/datatables/`` (no network) and
  started by ``_static/ledger-table.js``; without JavaScript it is a plain table with every row.
* :func:`write_downloads` writes the whole ledger as CSV (the bytes ``python -m companion claims``
  prints) and JSON into ``_static/ledger/`` when the notebook runs, as figures are written into
  ``_static/figures/``; the page links both.

A value the ledger does not have (the recomputed value of a claim that is not checkable) is an empty
cell; the note says why. The numbers of a claim (printed, recomputed, difference, tolerance) are shown
at the decimals the article printed and with the claim's unit (:func:`companion.core.precision.claim_cells`:
"81.3 %", "−2.1 percentage points", "13 million"); the downloads keep the full values.
"""

from __future__ import annotations

import html
import json
import math
from pathlib import Path

import pandas as pd

from companion import ledger
from companion.core import precision
from companion.core import registry as articles
from companion.sources import ROOT

TABLE_ID = "ledger-table"
DOWNLOAD_DIR = ROOT / "_static" / "ledger"
DOWNLOADS = ("ledger.csv", "ledger.json")
DATATABLES_VERSION = "3.1.5"
NO_DISCREPANCY = "none (reproduced)"
RATINGS_ID = "ratings-by-article"

# The table as a reader reads it (issue 25): (heading, ledger column or a derived one, DataTables
# Responsive class, or the priority of a column shown as the table's width allows). The verdict and
# the claim in words are always shown; the printed and recomputed values side by side, the one-line
# reason and the article as the column allows, in that order; everything else is
# folded under the row (class "none": shown when the row is opened, searchable and filterable all
# the same). FILTERS name the filterable columns.
COLUMNS = [
    ("verdict", "verdict", "all"),
    ("claim", "claim_id", "all"),
    ("printed → recomputed", "values", 1),
    ("why", "reason", 2),
    ("article", "article", 3),
    ("where", "location", "none"),
    ("printed words", "printed", "none"),
    ("difference", "difference", "none"),
    ("tolerance", "tolerance", "none"),
    ("kind of discrepancy", "kind", "none"),
    ("evidence", "basis", "none"),
    ("sources", "sources", "none"),
    ("page", "notebook", "none"),
    ("note", "note", "none"),
    ("cite", "cite", "none"),
]
FILTERS = ("article", "verdict", "kind")
DERIVED = {"kind", "cite", "values", "reason"}


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def cell_text(value) -> str:
    """What a cell shows: "" for a missing value (never "None" or "nan"), a number by the book's
    precision rule (at most 6 significant digits), anything else as text."""
    if _blank(value):
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def values_text(row: dict, numbers: dict[str, str] | None = None) -> str:
    """Printed and recomputed side by side, at the printed decimals with the unit
    (:func:`companion.core.precision.claim_cells`): "73.8 % → 73.8 %", or "54 % → not checkable"."""
    numbers = precision.claim_cells(row) if numbers is None else numbers
    return f"{numbers['published']} → {numbers.get('recomputed') or 'not checkable'}"


def kinds(frame: pd.DataFrame) -> pd.Series:
    """The kind of discrepancy of each claim of ``frame`` (by claim id): the type from
    :func:`companion.ledger.discrepancy_types` for claims not reproduced, else :data:`NO_DISCREPANCY`."""
    types = ledger.discrepancy_types(frame)
    by_claim = dict(zip(types["claim_id"], types["type"])) if len(types) else {}
    return frame["claim_id"].map(lambda c: by_claim.get(c, NO_DISCREPANCY))


def reasons(frame: pd.DataFrame) -> pd.Series:
    """The reason of each claim in one line: why it differs (its kind and why) or why it cannot be
    checked; for a reproduced claim, the tolerance it is within."""
    types = ledger.discrepancy_types(frame)
    why = dict(zip(types["claim_id"], types["why"])) if len(types) else {}

    def one(row) -> str:
        if row["claim_id"] in why:
            return why[row["claim_id"]]
        tolerance = precision.claim_cells(row).get("tolerance", "")
        return f"within {tolerance}" if tolerance else "equal"

    return frame.apply(one, axis=1)


def _shown_as(how: str | int) -> str:
    """The header cell's attribute for DataTables Responsive: a class ("all", "none") or a priority."""
    return f'data-priority="{how}"' if isinstance(how, int) else f'class="{how}"'


def _up(page: str) -> str:
    return "../" * (len(Path(page).parts) - 1)


def _row(row: dict, page: str) -> str:
    anchor = ledger.claim_anchor(row["claim_id"])
    numbers = precision.claim_cells(row)  # printed, recomputed, gap, tolerance: the printed decimals, the unit
    cells = []
    for _, column, _ in COLUMNS:
        if column == "claim_id":
            words = html.escape(cell_text(row.get("paraphrase")) or row["claim_id"])
            text = (
                f"{words} "
                f'<a class="claim-permalink" href="#{anchor}" title="permalink of this claim">'
                f"{html.escape(row['claim_id'])}</a>"
            )
        elif column == "article":
            text = html.escape(articles.by_id(row["article"]).authors)
        elif column == "notebook":
            nb = row["notebook"]
            text = (
                (f'<a href="{html.escape(ledger.notebook_link(nb, page))}">the page that works it through</a>')
                if nb
                else ""
            )
        elif column == "cite":
            text = f'<span class="claim-citation">{html.escape(ledger.claim_citation(row))}</span>'
        elif column == "values":
            text = html.escape(values_text(row, numbers))
        elif column in numbers:
            text = html.escape(numbers[column])
        else:
            text = html.escape(cell_text(row[column]))
        cells.append(f'<td class="ledger-{column.replace("_", "-")}">{text}</td>')
    return f'<tr id="{anchor}" data-verdict="{html.escape(row["verdict"])}">{"".join(cells)}</tr>'


def _filters(shown: pd.DataFrame) -> str:
    selects = []
    for index, (heading, column, _) in enumerate(COLUMNS):
        if column not in FILTERS:
            continue
        if column == "article":
            values = [articles.by_id(a).authors for a in sorted(shown["article"].unique())]
        elif column == "verdict":
            values = [v for v in ledger.VERDICTS if v in set(shown["verdict"])]
        else:
            values = sorted(shown[column].unique())
        options = "".join(f'<option value="{html.escape(v)}">{html.escape(v)}</option>' for v in values)
        selects.append(
            f'<label>{html.escape(heading)} <select data-column="{index}" '
            f'aria-controls="{TABLE_ID}"><option value="">all</option>{options}</select></label>'
        )
    return f'<div class="ledger-filters" data-table="{TABLE_ID}">{" ".join(selects)}</div>'


def claims_html(frame: pd.DataFrame, page: str = ledger.LEDGER_PAGE) -> str:
    """The ledger ``frame`` (rows of :func:`companion.ledger.ledger`) as the page's HTML: the download
    links, the filters and one table row per claim (anchor ``claim-<claim_id>``), as seen from the
    built page ``page``."""
    missing = sorted({c for _, c, _ in COLUMNS} - DERIVED - set(frame.columns))
    if missing:
        raise KeyError(f"the ledger rows lack the columns {missing}")
    shown = frame.assign(kind=kinds(frame), reason=reasons(frame)).reset_index(drop=True)
    up = _up(page)
    downloads = " · ".join(
        f'<a href="{up}_static/ledger/{name}" download>{name.split(".")[1].upper()}</a>' for name in DOWNLOADS
    )
    head = "".join(f"<th {_shown_as(how)}>{html.escape(heading)}</th>" for heading, _, how in COLUMNS)
    body = "\n".join(_row(row, page) for row in shown.to_dict(orient="records"))
    return (
        f'<p class="ledger-downloads">The whole ledger ({len(shown)} claims) to download: {downloads}</p>\n'
        f"{_filters(shown)}\n"
        f'<div class="ledger-box"><table id="{TABLE_ID}" class="ledger-search display compact" style="width:100%">'
        f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table></div>"
    )


def evidence_html(frame: pd.DataFrame, evidence: pd.DataFrame, page: str = ledger.LEDGER_PAGE) -> str:
    """The evidence of the claims with more than one piece, folded under one line; each claim id links
    to its row of the ledger table."""
    columns = [c for c in ledger.EVIDENCE_COLUMNS if c not in ("claim_id", "article", "decides", "notebook")]
    several = list(frame.loc[frame["evidence"] > 1, "claim_id"])
    if not several:
        return ""
    rows = evidence[evidence["claim_id"].isin(several)]
    claims = frame.set_index("claim_id")
    head = "".join(f"<th>{html.escape(c)}</th>" for c in ["claim"] + columns)
    body = []
    for row in rows.to_dict(orient="records"):
        link = f'<a href="{ledger.claim_href(row["claim_id"], page)}">{html.escape(row["claim_id"])}</a>'
        claim = claims.loc[row["claim_id"]]
        numbers = precision.claim_cells(row, printed=claim["published"], unit=claim["unit"])
        body.append(
            "<tr><td>"
            + link
            + "</td>"
            + "".join(f"<td>{html.escape(numbers.get(c, cell_text(row[c])))}</td>" for c in columns)
            + "</tr>"
        )
    return (
        f"<details><summary>Evidence of the {len(several)} claims with more than one piece</summary>"
        f'<div class="ledger-scroll"><table class="ledger-table"><thead><tr>{head}</tr></thead><tbody>'
        + "\n".join(body)
        + "</tbody></table></div></details>"
    )


def downloads(frame: pd.DataFrame) -> dict[str, bytes]:
    """The ledger as CSV (as ``python -m companion claims`` prints it) and as JSON (one object per
    claim, ``null`` where the ledger has no value)."""
    csv = frame.to_csv(index=False, lineterminator="\n").encode("utf-8")
    records = json.loads(frame.to_json(orient="records", double_precision=15))
    text = json.dumps(records, ensure_ascii=False, indent=1) + "\n"
    return {"ledger.csv": csv, "ledger.json": text.encode("utf-8")}


def write_downloads(frame: pd.DataFrame, folder: Path = DOWNLOAD_DIR) -> dict[str, Path]:
    """Write :func:`downloads` into ``folder`` (``_static/ledger/``, published with the HTML book)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, data in downloads(frame).items():
        path = folder / name
        if not path.is_file() or path.read_bytes() != data:
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        written[name] = path
    return written


def percent(share) -> int | None:
    """A share (0.9907) as a whole percent (99); never 100 for a share below 1, nor 0 above 0."""
    if _blank(share):
        return None
    value = round(float(share) * 100)
    if value == 100 and share < 1:
        return 99
    return 1 if value == 0 and share > 0 else value


def ratings_table(rated: pd.DataFrame):
    """The ratings of :func:`companion.ledger.ratings` as the book's readable table (HTML, id
    :data:`RATINGS_ID`): one row per article, its counts of claims by verdict and its rating."""
    from companion.book.tables import readable

    share = "checkable claims reproduced (%)"
    frame = rated.rename(columns={"share_reproduced": share, "minor": "minor differences"})
    frame[share] = frame[share].map(percent).astype("Int64")  # a share as % (70, not 0.7000)
    from IPython.display import HTML

    table = readable(frame, name="ratings", first=("article", "rating"), missing={share: "no checkable claim"})
    # an unnumbered table: its id does not start with "table-", which the book keeps for numbered
    # tables and figures (tests/book/test_published_book.py pairs such ids with caption numbers)
    return HTML(table._repr_html_().replace('id="table-ratings"', f'id="{RATINGS_ID}"'))
