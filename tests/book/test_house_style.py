"""Every notebook page follows the house style (companion/book/house_style.py): set-up, glue-only, helper
and plotting cells folded, inspection outputs kept off the page; and the rule itself does what it says."""

from pathlib import Path

import pytest

from companion.book import house_style

ROOT = Path(__file__).resolve().parents[2]
# The ledger page is being rebuilt by the issue-16 work (claim permalinks); it joins the rule then.
NOT_YET = set()
NOTEBOOKS = sorted(
    str(p.relative_to(ROOT))
    for d in ("chapters", "about")
    for p in (ROOT / d).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)


def test_the_book_has_notebooks():
    assert len(NOTEBOOKS) >= 20


@pytest.mark.parametrize("notebook", [n for n in NOTEBOOKS if n not in NOT_YET])
def test_notebook_follows_house_style(notebook):
    assert house_style.problems(ROOT / notebook) == []


SETUP_WITH_DATA = """import pandas as pd
from companion import sources
sources.require(x="ab")
"""


@pytest.mark.parametrize(
    "source, first, tags",
    [
        (SETUP_WITH_DATA, True, {"hide-cell"}),
        (SETUP_WITH_DATA, False, {"hide-cell"}),
        ("import pandas as pd\nframe = pd.DataFrame()\nframe", True, {"hide-input"}),
        ("import pandas as pd\nframe = pd.DataFrame()\nframe", False, set()),
        ("from companion.book import figures\nfigures.use_style()", False, {"hide-input"}),
        ('x = 1\nglue("a", x, display=False)\nfor k in "ab":\n    glue(k, 2, display=False)', False, {"hide-input"}),
        ('glue("a", 1, display=False)\ntable', False, set()),
        ("def show(kind):\n    return kind", False, {"hide-input"}),
        ('fig, ax = plt.subplots()\nfigures.save(fig, "fig-x", frame)', False, {"hide-input"}),
        ('data.groupby("s")["year"].agg(["min", "max"])', False, {"remove-output"}),
        ("frame.shape", False, {"remove-output"}),
        ("ranking.head(6)", False, set()),
        ("claims[['claim_id', 'verdict']]", False, set()),
        ("", False, set()),
    ],
)
def test_rule(source, first, tags):
    assert house_style.house_tags(source, first) == tags


def test_apply_then_problems_agree(tmp_path):
    import json

    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": ["raises-exception", "hide-output"]},
            "source": SETUP_WITH_DATA,
            "outputs": [],
            "execution_count": 1,
        },
        {
            "cell_type": "code",
            "metadata": {"tags": ["remove-output"]},
            "source": "table",
            "outputs": [],
            "execution_count": 2,
        },
    ]
    path = tmp_path / "x.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert len(house_style.problems(path)) == 2
    assert house_style.apply(path) is True
    assert house_style.problems(path) == []
    written = json.loads(path.read_text())["cells"]
    assert written[0]["metadata"]["tags"] == ["raises-exception", "hide-output", "hide-cell"]
    assert "tags" not in written[1]["metadata"]
    assert house_style.apply(path) is False


def test_unparsable_cell_is_named():
    with pytest.raises(ValueError, match="does not parse"):
        house_style.house_tags("def (:")


def test_a_folded_table_cell_is_allowed_but_a_folded_setup_cell_must_hide_whole(tmp_path):
    import json

    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": ["hide-input"]},
            "source": "table",
            "outputs": [],
            "execution_count": 1,
        },
        {
            "cell_type": "code",
            "metadata": {"tags": ["hide-input"]},
            "source": SETUP_WITH_DATA,
            "outputs": [],
            "execution_count": 2,
        },
    ]
    path = tmp_path / "y.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert [p.split(": ")[1] for p in house_style.problems(path)] == ["cell 1"]


def test_verdict_box_cell_shows_only_its_box_and_the_next_cell_is_the_setup():
    box = 'from companion.book.report import verdict_box\n\nverdict_box("chapters/x/01_y.ipynb")'
    assert house_style.house_tags(box, True) == {"remove-input"}
    assert house_style.is_verdict_box(box)
    assert not house_style.is_verdict_box(
        'from companion.book import report\nframe = report.verdict_box("x")\nframe.sentence()'
    )


def test_a_verdict_box_cell_does_not_keep_a_folded_input(tmp_path):
    import json

    box = 'from companion.book.report import verdict_box\n\nverdict_box("chapters/x/01_y.ipynb")'
    cells = [
        {
            "cell_type": "code",
            "metadata": {"tags": ["hide-input", "remove-input"]},
            "source": box,
            "outputs": [],
            "execution_count": 1,
        }
    ]
    path = tmp_path / "z.ipynb"
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    assert len(house_style.problems(path)) == 1
    house_style.apply(path)
    assert json.loads(path.read_text())["cells"][0]["metadata"]["tags"] == ["remove-input"]
