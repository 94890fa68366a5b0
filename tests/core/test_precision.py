"""The precision rule (companion.core.precision): stored outputs carry 6 significant digits, not the CPU's
last bits, so nbval gives the same verdict on every machine."""

from __future__ import annotations

import math
import re

import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT

from companion.book.notebooks import all_notebooks
from companion.core import precision

NOTEBOOKS = all_notebooks()


def test_round_sig_keeps_six_significant_digits():
    assert precision.round_sig(0.22276629800064782) == 0.222766
    assert precision.round_sig(-0.47549467211741453) == -0.475495
    assert precision.round_sig(2012.9172596122169) == 2012.92
    assert precision.round_sig(3.333333333e-21) == 3.33333e-21


def test_round_sig_leaves_exact_values_alone():
    assert precision.round_sig(18754440.0) == 18754440.0  # a count: integer-valued, exact
    assert precision.round_sig(7) == 7 and isinstance(precision.round_sig(7), int)
    assert precision.round_sig(None) is None and precision.round_sig("94.5") == "94.5"
    assert math.isnan(precision.round_sig(float("nan")))


def test_the_last_bits_of_a_float_do_not_reach_the_rounded_value():
    """Two machines' values one or two ULPs apart (what another BLAS kernel gives) round alike."""
    for value in (0.2227662980006478, 0.2782444708388402, -0.4754946721174144, 2012.9172596122169, 97.71062231675793):
        neighbours = {precision.round_sig(math.nextafter(value, direction)) for direction in (-math.inf, math.inf)} | {
            precision.round_sig(value)
        }
        assert len(neighbours) == 1, (value, neighbours)


def test_rounded_frames_round_float_columns_only():
    frame = pd.DataFrame({"x": [1.23456789, np.nan], "label": ["a", "b"], "n": [1, 2]})
    out = precision.rounded(frame)
    assert out["x"].iloc[0] == 1.23457 and math.isnan(out["x"].iloc[1])
    assert list(out["label"]) == ["a", "b"] and out["n"].dtype == frame["n"].dtype
    assert frame["x"].iloc[0] == 1.23456789  # the argument is not changed
    assert precision.rounded({"a": 0.123456789, "b": "text"}) == {"a": 0.123457, "b": "text"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0.2227662980006478", 16),
        ("17.000", 0),
        ("18754440.0", 0),
        ("2012.917", 7),
        ("0.0450", 2),
        ("-0.475495", 6),
        ("4.5e-07", 2),
    ],
)
def test_significant_digits_of_a_printed_decimal(text, expected):
    assert precision.significant_digits(text) == expected


def test_too_precise_ignores_versions_hashes_and_padding():
    text = "jupyter-book 1.0.4.post1, sha256 7d45c460…, 17.000 beside 0.204, 2012.92, v1.2.3"
    assert precision.too_precise(text) == []
    assert precision.too_precise("slope -0.47549467211741453 (se 0.242)") == ["-0.47549467211741453"]


def _texts(output) -> list[tuple[str, str]]:
    """(where, text) of every textual representation of one stored output, glue records included."""
    found = []
    if "text" in output:
        found.append(("stream", "".join(output["text"])))
    for mime, value in output.get("data", {}).items():
        if "image/" in mime:
            continue
        text = value if isinstance(value, str) else "".join(value) if isinstance(value, list) else str(value)
        found.append((mime, text))
    return found


# Values quoted from a committed text (the hand-checked cells of a raw file in data/provenance.yaml)
# are transcriptions, not computations: no CPU can change them.
TRANSCRIBED = set(precision.too_precise((ROOT / "data" / "provenance.yaml").read_text(encoding="utf-8")))


def offending_floats(nb, transcribed=frozenset()) -> list[str]:
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            for mime, text in _texts(output):
                for token in precision.too_precise(text):
                    if token in transcribed:
                        continue
                    problems.append(f"cell {index} ({mime}): {token}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_stored_outputs_follow_the_precision_rule(path):
    """No stored output (streams, text, HTML tables, glue records) prints a float with more than
    6 significant digits: such a digit would depend on the CPU and fail nbval elsewhere."""
    problems = offending_floats(nbformat.read(path, as_version=4), TRANSCRIBED)
    assert not problems, (
        f"{path.relative_to(ROOT)}: floats printed with more than "
        f"{precision.SIGNIFICANT_DIGITS} significant digits (round them where they are "
        f"made, with companion.core.precision.rounded or its glue):\n" + "\n".join(problems[:20])
    )


def test_the_walk_finds_a_full_precision_glue_record():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("glue('x', 0.1 + 0.2)", execution_count=1)
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"application/papermill.record/text/plain": "0.30000000000000004"}, metadata={}
        )
    ]
    nb.cells.append(cell)
    assert offending_floats(nb) == ["cell 0 (application/papermill.record/text/plain): 0.30000000000000004"]


def test_a_figure_refuses_unrounded_data(tmp_path, monkeypatch):
    """figures.save() exports what it is given: data at full precision is refused, so that a figure's
    CSV, and its hash in the cite box, cannot change with the CPU."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from companion.book import figures

    monkeypatch.setattr(figures, "FIGURE_DIR", tmp_path)
    fig, ax = plt.subplots()
    data = pd.DataFrame({"x": [1.0, 2.0], "y": [1 / 3, 2 / 3]})
    ax.plot(data["x"], data["y"])
    with pytest.raises(ValueError, match="significant digits"):
        figures.save(fig, "fig-ledger-test", data, title="t", sources=[], notebook="chapters/x/y.ipynb")
    plt.close(fig)
    assert not list(tmp_path.iterdir())


def test_a_claims_numbers_at_the_printed_precision_with_the_unit():
    """The ledger's cells: at the decimals the article printed, with the unit (issue 25, item 5)."""
    value = precision.claim_value
    assert value(99.3612, "99", "%") == "99 %" and value(81.3, "83.4", "%") == "81.3 %"
    assert value(-2.1000000001, "83.4", "%", "difference") == "\u22122.1 percentage points"
    assert value(0.05, "83.4", "%", "tolerance") == "\u00b10.05 percentage points"
    assert value(13.1667, "18", "million") == "13 million" and value(10.065, "41.1", "thousand") == "10.1 thousand"
    assert value(15.0344, "5", "ratio") == "15 times" and value(1.85567, "almost doubled", "ratio") == "1.86 times"
    assert value(6, "7", "rank") == "rank 6" and value(-1.0, "7", "rank", "difference") == "\u22121 place"
    assert value(2008, "2005", "year") == "2008" and value(3.0, "2005", "year", "difference") == "+3 years"
    assert value(-0.0001, "73.8", "%", "difference") == "0.0 percentage points"  # no "−0.0"
    assert value(88.0, 88.0, "%") == "88.0 %"  # a table's printed 88,0 keeps its decimal
    assert value("Not Free", "closed, authoritarian", "status") == "Not Free"
    assert value(None, "99", "%") == "" and value(float("nan"), "99", "%") == ""


def test_every_ledger_cell_at_the_printed_precision():
    """No ledger cell shows more decimals than its claim was printed with (the tolerance may need one
    more), and none is padded: 57 cells had four or more decimals (13.1667, −4.8333, 15.0344)."""
    from companion import ledger

    for row in ledger.ledger().to_dict(orient="records"):
        cells = precision.claim_cells(row)
        printed = precision.claim_decimals(row["published"], row["unit"])
        for column, text in cells.items():
            for number in re.findall(r"\d+\.(\d+)", text):
                assert len(number) <= printed + (3 if column == "tolerance" else 0), (row["claim_id"], column, text)
