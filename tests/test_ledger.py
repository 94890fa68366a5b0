"""Verdicts, and the ledger as printed by `python -m companion claims`."""

import csv
import io
import subprocess
import sys

import pytest

from companion import ledger, published
from companion.ledger import DIFFERS, NOT_CHECKABLE, REPRODUCED, verdict


@pytest.mark.parametrize("published_value, recomputed, tolerance, expected", [
    (88.2, 88.2, 0.05, REPRODUCED),
    (73.8, 73.84, 0.05, REPRODUCED),
    (91.2, 92.1, 0.05, DIFFERS),
    (92, 92.52, 0.5, DIFFERS),
    ("Not Free", "not free ", None, REPRODUCED),
    ("Not Free", "Partly Free", None, DIFFERS),
    (18.0, None, None, NOT_CHECKABLE),
])
def test_verdict(published_value, recomputed, tolerance, expected):
    assert verdict(published_value, recomputed, tolerance)[0] == expected


def test_numeric_claim_without_tolerance_is_an_error():
    with pytest.raises(ValueError, match="tolerance"):
        verdict(1.0, 1.0, None)


def run_claims(*args):
    out = subprocess.run([sys.executable, "-m", "companion", "claims", *args],
                         capture_output=True, text=True, check=True).stdout
    return list(csv.DictReader(io.StringIO(out)))


def test_claims_command_prints_every_claim_with_a_verdict():
    rows = run_claims()
    assert {"claim_id", "article", "published", "recomputed", "verdict"} <= set(rows[0])
    assert all(r["verdict"] in ledger.VERDICTS for r in rows)
    assert all(r["article"] in {"000", "002", "004"} for r in rows)
    ids = [r["claim_id"] for r in rows]
    assert len(ids) == len(set(ids))
    text_ids = set(published.claims()["claim_id"])
    assert text_ids <= set(ids)


def test_table1a_cells_are_all_reproduced(whole_ledger):
    rows = whole_ledger[whole_ledger["claim_id"].str.startswith("000-T1a-")]
    printed = published.table("table1a_kz_regions").dropna(subset=["value"])
    assert len(rows) == len(printed) == 54
    assert set(rows["verdict"]) == {REPRODUCED}


def test_not_checkable_claims_say_why(whole_ledger):
    for row in whole_ledger.itertuples():
        if row.verdict == NOT_CHECKABLE:
            assert row.note.startswith("not checkable:"), row.claim_id
        if row.verdict == DIFFERS:
            assert row.note, f"{row.claim_id} differs but the ledger does not say why"


def test_every_discrepancy_has_exactly_one_type_and_no_pattern_is_stale(whole_ledger):
    import re
    claims = whole_ledger
    types = ledger.discrepancy_types(claims)  # raises when a differing claim matches no pattern or two
    assert set(types["claim_id"]) == set(claims.loc[claims["verdict"] != REPRODUCED, "claim_id"])
    for pattern in published.mapping("discrepancy_types")["claim_pattern"]:
        assert any(re.search(pattern, c) for c in types["claim_id"]), f"pattern {pattern} matches no claim"
