"""Every exported figure matches its committed baseline image (matplotlib's image comparison).

nbval compares the data behind each figure (shown as a table under it); this compares the pixels,
with a small tolerance (RMS difference on 0-255 greyscale). After an intended change to a figure,
refresh the baselines with `make baselines` and commit the new PNGs in tests/baseline_images/.
"""

import pytest
from conftest import ROOT
from matplotlib.testing.compare import compare_images

BASELINES = ROOT / "tests" / "baseline_images"
EXPORTED = ROOT / "_static" / "figures"
TOLERANCE = 2.0


def test_every_figure_has_a_baseline_and_back(built_book):
    exported = sorted(p.name for p in EXPORTED.glob("fig-*.png"))
    baselines = sorted(p.name for p in BASELINES.glob("fig-*.png"))
    assert exported, "the build exported no figure"
    assert exported == baselines, (
        "exported figures and baselines differ; after an intended change run "
        f"`make baselines`. exported only: {sorted(set(exported) - set(baselines))}, "
        f"baseline only: {sorted(set(baselines) - set(exported))}"
    )


@pytest.mark.parametrize("baseline", sorted(BASELINES.glob("fig-*.png")), ids=lambda p: p.stem)
def test_figure_matches_baseline(built_book, baseline, tmp_path):
    actual = EXPORTED / baseline.name
    assert actual.is_file(), f"{baseline.name} was not exported by the build"
    copy = tmp_path / baseline.name  # compare_images writes its diff image beside the actual file
    copy.write_bytes(actual.read_bytes())
    result = compare_images(str(baseline), str(copy), tol=TOLERANCE)
    assert result is None, f"{result}\nIf the change is intended: make baselines"


def test_each_figure_ships_its_files(built_book):
    for png in EXPORTED.glob("fig-*.png"):
        for ext in ("svg", "csv", "txt", "bib"):
            assert png.with_suffix(f".{ext}").is_file(), f"{png.stem}.{ext} missing"
            assert (built_book.html / "_static" / "figures" / f"{png.stem}.{ext}").is_file()
