"""The verdict box and claims tables of companion.book.report, read from the real ledger."""

import pandas as pd
import pytest

from companion import ledger
from companion.book import report

NOTEBOOK = "chapters/participation-uk-kz/02_table1b_uk_regions.ipynb"


@pytest.fixture(scope="module")
def claims():
    return ledger.ledger()


def test_verdict_box_counts_come_from_the_ledger(claims):
    box = report.verdict_box(NOTEBOOK, claims)
    mine = claims[claims["notebook"] == NOTEBOOK]
    assert box.total == len(mine)
    assert dict(box.counts)[ledger.DIFFERS] == int((mine["verdict"] == ledger.DIFFERS).sum())
    assert box.sentence().startswith(f"This page checks {len(mine)} claims of Fazylzhan (2022)")
    differing = sorted(mine.loc[mine["verdict"] == ledger.DIFFERS, "claim_id"])
    page = box._repr_html_()
    for claim_id in differing:
        assert f'href="../reproducibility/01_ledger.html#claim-{claim_id}"' in page
        assert claim_id in repr(box)


def test_many_uncheckable_claims_are_counted_not_listed(claims):
    notebook = "chapters/institutions-egov/02_egdi_timeline.ipynb"
    box = report.verdict_box(notebook, claims)
    unchecked = [c for c in box.open_claims if c[1] == ledger.NOT_CHECKABLE]
    assert len(unchecked) > report.MAX_UNCHECKABLE_LISTED
    assert all(c[1] != ledger.NOT_CHECKABLE for c in box.listed())


def test_a_page_without_claims_has_no_box(claims):
    with pytest.raises(ValueError, match="no claim of the ledger"):
        report.verdict_box("chapters/participation-uk-kz/05_long_run.ipynb", claims)


def test_claim_href_is_relative_to_the_page():
    assert report.claim_href("000-x", "chapters/a/01_b.ipynb") == "../reproducibility/01_ledger.html#claim-000-x"
    assert report.claim_href("000-x", "chapters/reproducibility/02_c.ipynb") == "01_ledger.html#claim-000-x"


def test_claims_table_links_marks_and_explains():
    frame = pd.DataFrame(
        {"claim_id": ["000-a", "000-b"], "recomputed": [1.5, None], "verdict": [ledger.DIFFERS, ledger.NOT_CHECKABLE]}
    ).set_index("claim_id")
    table = report.claims_table(frame, "chapters/a/01_b.ipynb", name="t")
    text = repr(table)
    assert "nothing to recompute from" in text and "None" not in text and "NaN" not in text
    assert list(table.cells.columns)[:2] == ["Verdict", "Claim"]
    assert table.marked == (True, False)
    assert 'href="../reproducibility/01_ledger.html#claim-000-b"' in table._repr_html_()
    with pytest.raises(KeyError, match="no claim_id"):
        report.claims_table(pd.DataFrame({"x": [1]}), "chapters/a/01_b.ipynb", name="u")
