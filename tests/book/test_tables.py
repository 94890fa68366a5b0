"""Readable tables (companion.book.tables): words for labels, authors for ids, no padded numbers,
"—" for missing values, differing rows marked, nothing truncated, nothing random in the output."""

import re

import numpy as np
import pandas as pd
import pytest

from companion.book.tables import DIFFERS_MARK, readable
from companion.core import registry as articles


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "claim_id": ["000-a", "002-b", "004-c"],
            "article": ["000", "002", "004"],
            "published": [91.2, 0.9, np.nan],
            "recomputed": [92.1, 0.90004, np.nan],
            "verdict": ["differs", "reproduced", "not checkable"],
            "note": ["likely a transposition typo: ONS publishes 92.1 in tables 1B and 5B " * 3, "", None],
        }
    )


def test_labels_in_words_and_authors_instead_of_ids(frame):
    table = readable(frame, name="t")
    assert list(table.cells.columns[:3]) == ["Verdict", "Claim", "Article"]
    assert list(table.cells["Article"]) == [articles.label(a) for a in ("000", "002", "004")]
    assert "Fazylzhan (2022)" in table.cells["Article"].iloc[0]


def test_no_padded_numbers_and_a_dash_with_a_reason(frame):
    """Each number shows the decimals it has, up to the column's (4 here, or the caller's), and no zero
    beyond the first decimal: 92.1 beside 0.90004 stays 92.1 (not 92.1000)."""
    table = readable(frame, name="t", missing={"recomputed": "— (no public source)"})
    assert list(table.cells["Recomputed"]) == ["92.1", "0.9", "— (no public source)"]
    assert list(table.cells["Printed"]) == ["91.2", "0.9", "—"]
    assert readable(frame, name="t", decimals={"recomputed": 1}).cells["Recomputed"].iloc[1] == "0.9"
    assert list(readable(frame, name="t", decimals={"recomputed": 2}).cells["Recomputed"])[:2] == ["92.1", "0.9"]
    whole = pd.DataFrame({"share": [88.0, 81.25]})  # a whole value keeps one decimal: 88.0, as printed 88,0
    assert list(readable(whole, name="t").cells["Share (%)"]) == ["88.0", "81.25"]
    shown = repr(table) + table._repr_html_()
    assert "None" not in shown and "NaN" not in shown and "nan" not in shown


def test_differing_rows_are_marked_by_symbol_and_class(frame):
    table = readable(frame, name="t", differs=frame["verdict"].eq("differs"))
    assert table.cells.iloc[0, 0] == f"{DIFFERS_MARK} differs" and not table.cells.iloc[1, 0].startswith(DIFFERS_MARK)
    assert table._repr_html_().count('<tr class="differs">') == 1
    assert "marks a row that differs" in table._repr_html_()


def test_no_truncation_and_deterministic_output(frame):
    table = readable(frame, name="t")
    assert frame["note"].iloc[0] in repr(table) and frame["note"].iloc[0] in table._repr_html_()
    again = readable(frame.copy(), name="t")
    assert repr(again) == repr(table) and again._repr_html_() == table._repr_html_()
    assert "0x" not in repr(table)


def test_names_are_checked():
    with pytest.raises(ValueError, match="table name"):
        readable(pd.DataFrame({"a": [1]}), name="Bad Name")


def test_linked_column_renders_links_and_keeps_the_differs_mark():
    frame = pd.DataFrame({"claim_id": ["000-a", "000-b"], "verdict": ["differs", "reproduced"]})
    table = readable(
        frame,
        name="linked",
        differs=[True, False],
        first=("claim_id",),
        links={"claim_id": lambda c: f"../reproducibility/01_ledger.html#claim-{c}"},
    )
    page = table._repr_html_()
    assert '\u2260 <a href="../reproducibility/01_ledger.html#claim-000-a">000-a</a>' in page
    assert '<a href="../reproducibility/01_ledger.html#claim-000-b">000-b</a>' in page
    assert "href" not in repr(table)


def test_linking_a_missing_column_names_it():
    with pytest.raises(KeyError, match="claim_id"):
        readable(pd.DataFrame({"x": [1]}), name="bad", links={"claim_id": str})


def test_article_ids_as_columns_are_named_by_their_authors():
    tally = pd.DataFrame({"kind": ["typo"], "000": [1], "002": [0], "004": [2]})
    table = readable(tally, name="t")
    assert list(table.cells.columns) == ["Kind"] + [articles.label(a) for a in ("000", "002", "004")]


def test_columns_of_several_levels_are_joined_in_words():
    wide = pd.DataFrame({("Akmola", ""): ["a"], (2016, "printed"): [70.5], (2016, "recomputed"): [np.nan]})
    table = readable(wide, name="t", missing="— (no such area that year)")
    assert list(table.cells.columns) == ["Akmola", "2016 printed", "2016 recomputed"]
    assert list(table.cells.iloc[0]) == ["a", "70.5", "— (no such area that year)"]


def test_one_missing_text_for_every_column(frame):
    table = readable(frame, name="t", missing="— (not in the file)")
    assert table.cells["Printed"].iloc[2] == "— (not in the file)"
    assert table.cells["Note"].iloc[2] == "— (not in the file)"


def test_a_missing_integer_gets_its_reason_too():
    ranks = pd.DataFrame({"year": [2016, 2020], "rank": pd.array([pd.NA, 94], dtype="Int64")})
    table = readable(ranks, name="t", missing={"rank": "— (no rank in the file)"})
    assert list(table.cells["Rank"]) == ["— (no rank in the file)", "94"]


def test_years_have_no_thousands_separator_other_numbers_do():
    frame = pd.DataFrame({"midpoint": [2012.92], "year_leader": [1998.73], "users": [1234567.0]})
    table = readable(frame, name="t", decimals={"users": 0})
    assert list(table.cells.iloc[0]) == ["2012.92", "1998.73", "1,234,567"]


def test_an_empty_table_says_so_with_its_reason():
    frame = pd.DataFrame({"claim_id": pd.Series([], dtype=str), "verdict": pd.Series([], dtype=str)})
    table = readable(frame, name="t", empty="— (none: every cell is reproduced)")
    assert "none: every cell is reproduced" in repr(table) and "Empty DataFrame" not in repr(table)
    assert 'colspan="2">— (none: every cell is reproduced)</td>' in table._repr_html_()
    assert "Verdict" in repr(table) and "<th" in table._repr_html_()


def test_ids_stay_on_one_line_and_a_missing_value_may_wrap(frame):
    html = readable(frame, name="t", missing={"recomputed": "— (no public source)"})._repr_html_()
    assert '<td class="token"><a' not in html  # no links asked for
    assert html.count('<td class="token">000-a</td>') == 1  # a claim id: one word
    assert '<td class="num missing">— (no public source)</td>' in html
    assert '<th scope="col" class="num">Recomputed</th>' in html
    notes = [c for c in readable(frame, name="t").tokens]
    assert "Note" not in notes and "Claim" in notes and "Verdict" not in notes  # "not checkable" has a space


def test_a_column_of_sentences_gets_room_to_read(frame):
    table = readable(frame, name="t")
    assert table.prose == frozenset({"Note"})
    assert table._repr_html_().count('<td class="prose">') == 1  # the other two notes are empty
    assert table._repr_html_().count('<td class="prose missing">—</td>') == 2


def test_rows_of_years_show_their_numbers_as_years():
    frame = pd.DataFrame({"claim": ["a", "b"], "value": [10.065, 2008.0], "gap": [1.5, 3.0]})
    shown = readable(frame, name="years", year_rows=[False, True]).cells
    assert list(shown["Value"]) == ["10.065", "2008"] and list(shown["Gap"]) == ["1.5", "3"]
    plain = readable(frame, name="no-years").cells
    assert list(plain["Value"]) == ["10.065", "2,008.0"]  # a year not marked is a number (not padded)


def test_remarks_become_numbered_notes_under_the_table():
    """A column of remarks is not a narrow column of sentences: each remark is a numbered note under
    the table, its number after the claim it is about; one remark said of two rows is one note."""
    frame = pd.DataFrame(
        {
            "verdict": ["differs", "reproduced", "reproduced"],
            "claim_id": ["a-1", "a-2", "a-3"],
            "note": ["the file lists 193 countries", None, "the file lists 193 countries"],
        }
    )
    table = readable(frame, name="t", first=("verdict", "claim_id"), notes="note")
    html = table._repr_html_()
    assert "Note" not in list(table.cells.columns)
    assert html.count('<ol class="readable-notes">') == 1 and html.count("<li ") == 1
    assert html.count('href="#readable-t-note-1">[1]</a>') == 2
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert "[1]" in cells[1] and "[1]" not in cells[0] and "[" not in cells[4]
    assert repr(table).endswith("[1] the file lists 193 countries")
