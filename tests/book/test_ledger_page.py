"""Claim permalinks and citations, the ledger page's searchable table and downloads, and the rating
of each article on the replication scale (issue 16, items 4-6)."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from companion import ledger
from companion.book import ledger_page, release
from companion.ledger import FAILED, FULL, FULL_MINOR, PARTIAL


def test_claim_anchor_is_claim_dash_id():
    assert ledger.claim_anchor("004-users-2019") == "claim-004-users-2019"
    assert ledger.claim_anchor("000-T1a-akmola-region-2018") == "claim-000-T1a-akmola-region-2018"
    for bad in ("", "a b", "x#y", "-lead", None):
        with pytest.raises(ValueError):
            ledger.claim_anchor(bad)


@pytest.mark.parametrize(
    "from_page, expected",
    [
        ("chapters/participation-uk-kz/03_text_claims.html", "../reproducibility/01_ledger.html#claim-x-1"),
        ("chapters/participation-uk-kz/03_text_claims.ipynb", "../reproducibility/01_ledger.html#claim-x-1"),
        ("chapters/reproducibility/01_ledger.html", "01_ledger.html#claim-x-1"),
        ("intro.html", "chapters/reproducibility/01_ledger.html#claim-x-1"),
    ],
)
def test_claim_href_is_relative_to_the_page(from_page, expected):
    assert ledger.claim_href("x-1", from_page) == expected


def test_claim_citation_carries_the_permalink(monkeypatch):
    row = {
        "claim_id": "004-users-2019",
        "article": "004",
        "location": "p. 3",
        "printed": "9 million",
        "verdict": "differs",
    }
    monkeypatch.delenv(release.BASE_URL_ENV, raising=False)
    local = ledger.claim_citation(row)
    assert local.endswith(": chapters/reproducibility/01_ledger.html#claim-004-users-2019")
    assert "\u201c9 million\u201d" in local and "differs" in local
    monkeypatch.setenv(release.BASE_URL_ENV, "https://example.org/book")
    assert ledger.claim_citation(row).endswith(
        ": https://example.org/book/chapters/reproducibility/01_ledger.html#claim-004-users-2019"
    )


@pytest.mark.parametrize(
    "reproduced, differs, minor, expected",
    [
        (10, 0, 0, FULL),
        (9, 1, 1, FULL_MINOR),  # 90 % reproduced, the one difference a typo
        (8, 1, 1, PARTIAL),  # 8/9 < 90 %
        (99, 1, 0, PARTIAL),  # the difference is not minor
        (5, 5, 0, PARTIAL),  # exactly half
        (4, 5, 0, FAILED),
        (0, 0, 0, FAILED),  # nothing checkable
    ],
)
def test_rate_by_the_stated_thresholds(reproduced, differs, minor, expected):
    assert ledger.rate(reproduced, differs, minor) == expected


def test_rate_refuses_impossible_counts():
    with pytest.raises(ValueError):
        ledger.rate(3, 1, 2)


def test_ratings_follow_the_ledger(whole_ledger):
    rated = ledger.ratings(whole_ledger)
    assert list(rated["article"]) == sorted(whole_ledger["article"].unique())
    for row in rated.itertuples(index=False):
        part = whole_ledger[whole_ledger["article"] == row.article]
        assert row.reproduced == (part["verdict"] == ledger.REPRODUCED).sum()
        assert row.checkable == part["verdict"].isin([ledger.REPRODUCED, ledger.DIFFERS]).sum()
        assert row.rating == ledger.rate(row.reproduced, row.differs, row.minor)
        assert row.rating in ledger.RATINGS
    for threshold in (ledger.FULL_MINOR_SHARE, ledger.PARTIAL_SHARE):
        assert f"{threshold:.0%}" in ledger.RATING_RULE


class _Rows(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs, self.cells, self._in_td = [], [], [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "a":
            self.hrefs.append(attrs.get("href", ""))
        self._in_td = tag == "td"

    def handle_data(self, data):
        if self._in_td:
            self.cells.append(data)


def test_every_claim_is_one_row_with_its_anchor_and_its_page(whole_ledger):
    page = ledger.LEDGER_PAGE
    parser = _Rows()
    parser.feed(ledger_page.claims_html(whole_ledger, page))
    assert parser.ids == [ledger.claim_anchor(c) for c in whole_ledger["claim_id"]]
    assert len(set(parser.ids)) == len(whole_ledger)
    pages = {ledger.notebook_link(nb, page) for nb in whole_ledger["notebook"] if nb}
    assert pages <= set(parser.hrefs)
    assert not {"None", "nan", "NaN", "<NA>"} & {c.strip() for c in parser.cells}


def test_not_checkable_claims_say_so_beside_the_printed_value(whole_ledger):
    part = whole_ledger[whole_ledger["verdict"] == ledger.NOT_CHECKABLE].head(1)
    assert len(part) == 1
    html = ledger_page.claims_html(part)
    position = [column for _, column, _ in ledger_page.COLUMNS].index("values")
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html.split("<tbody>")[1])
    assert cells[position].endswith("→ not checkable"), cells[position]


def test_each_row_shows_its_verdict_first_and_printed_beside_recomputed_with_the_unit(whole_ledger):
    """The verdict and the claim in words are the columns Responsive never folds; printed and
    recomputed stand in one cell with the claim's unit; a differing claim says why in one line."""
    assert [c[2] for c in ledger_page.COLUMNS[:2]] == ["all", "all"]  # never folded
    assert ledger_page.COLUMNS[0][1] == "verdict"
    html = ledger_page.claims_html(whole_ledger)
    rows = re.findall(r'<tr id="claim-([^"]+)"[^>]*>(.*?)</tr>', html)
    assert len(rows) == len(whole_ledger)
    by_id = whole_ledger.set_index("claim_id")
    for claim, cells in rows:
        text = re.findall(r"<td[^>]*>(.*?)</td>", cells)
        assert text[0] == by_id.loc[claim, "verdict"]
        if by_id.loc[claim, "unit"] == "%" and by_id.loc[claim, "verdict"] == ledger.REPRODUCED:
            assert re.fullmatch(r"[\d.]+ % → [\d.]+ %", text[2]), (claim, text[2])
        if by_id.loc[claim, "verdict"] != ledger.REPRODUCED:
            assert text[3] and not text[3].startswith("within"), (claim, text[3])


def test_downloads_hold_the_whole_ledger(whole_ledger):
    files = ledger_page.downloads(whole_ledger)
    rows = list(csv.DictReader(io.StringIO(files["ledger.csv"].decode("utf-8"))))
    records = json.loads(files["ledger.json"])
    assert [r["claim_id"] for r in rows] == [r["claim_id"] for r in records] == list(whole_ledger["claim_id"])
    assert list(rows[0]) == list(records[0]) == ledger.COLUMNS
    not_checkable = [r for r in records if r["verdict"] == ledger.NOT_CHECKABLE]
    assert not_checkable and all(r["recomputed"] is None for r in not_checkable)
    assert ledger_page.downloads(whole_ledger) == files  # deterministic bytes


def test_the_filters_offer_every_value_of_their_column(whole_ledger):
    html = ledger_page.claims_html(whole_ledger)
    kinds = set(ledger_page.kinds(whole_ledger))
    assert ledger_page.NO_DISCREPANCY in kinds and ledger.NO_SOURCE in kinds
    for kind in kinds:
        assert f'<option value="{kind}">' in html.replace("&amp;", "&")


def test_the_front_page_glues_every_rating_from_the_ledger_notebook(whole_ledger):
    """The front page (intro.md) shows each article's rating, the ratings table and the rule glued
    from the ledger notebook's stored outputs, never typed; the summary figure is on it too."""
    from conftest import ROOT

    text = (ROOT / "intro.md").read_text(encoding="utf-8")
    notebook = json.loads((ROOT / ledger.LEDGER_NOTEBOOK).read_text(encoding="utf-8"))
    glued = {
        o["metadata"]["scrapbook"]["name"]: o["data"]
        for c in notebook["cells"]
        for o in c.get("outputs", [])
        if "scrapbook" in o.get("metadata", {})
    }
    keys = set(re.findall(rf"{re.escape(ledger.LEDGER_NOTEBOOK)}::([a-z0-9_]+):s`", text))
    keys |= {m for m in re.findall(r"```\{glue:any\} (\S+)\n:doc: " + re.escape(ledger.LEDGER_NOTEBOOK), text)}
    rated = ledger.ratings(whole_ledger)
    assert keys >= {f"rating_{a}" for a in rated["article"]} | {"rating_rule", "ledger_ratings"}
    assert keys <= set(glued), sorted(keys - set(glued))
    for row in rated.itertuples(index=False):
        assert glued[f"rating_{row.article}"]["application/papermill.record/text/plain"] == repr(row.rating)
    for rating in ledger.RATINGS:  # no rating typed in the prose
        assert not re.search(rf"(?<![\w`]){re.escape(rating)}(?![\w`])", re.sub(r"\{glue[^`]*`[^`]*`", "", text))
    assert "_static/figures/fig-ledger-verdicts-by-article.png" in text
