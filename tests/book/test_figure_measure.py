"""companion.book.figures measures each exported PNG as drawn (smallest text, overprinted texts) and records
it in the PNG's text chunks, which the browser test reads back at 390 px (issue 25, item 4)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from test_browser import png_text  # noqa: E402

from companion.book import figures  # noqa: E402


@pytest.fixture
def fig():
    figures.use_style()
    fig, ax = plt.subplots(figsize=figures.size(3))
    ax.plot([0, 1], [0, 1])
    ax.set_xlabel("Year")
    yield fig
    plt.close(fig)


def test_the_smallest_text_is_measured_in_pixels_of_the_png(fig, tmp_path):
    fig.axes[0].text(0.5, 0.5, "small", fontsize=6)
    png = tmp_path / "f.png"
    png.write_bytes(figures._render_measured(fig))
    record = png_text(png)
    assert float(record[figures.TEXT_PX_KEY]) == pytest.approx(6 * figures.DPI / 72, abs=0.01)
    assert record[figures.OVERPRINT_KEY] == "none"


def test_the_book_style_draws_no_text_under_its_minimum(fig):
    assert figures.smallest_text_px(fig) >= figures.MIN_TEXT_PT * figures.DPI / 72 - 0.01


def test_a_note_under_the_axis_title_is_not_overprinted_but_one_over_it_is(fig, tmp_path):
    figures.note(fig, "Source: somewhere.")
    png = tmp_path / "ok.png"
    png.write_bytes(figures._render_measured(fig))
    assert png_text(png)[figures.OVERPRINT_KEY] == "none"
    # as the Table 1 a) dot plot had it: a source line in axes coordinates, over the axis's labels
    fig.axes[0].text(0, -0.1, "Source: printed over the labels", transform=fig.axes[0].transAxes)
    png.write_bytes(figures._render_measured(fig))
    assert "'Source: printed over the labels' / '0.0'" in png_text(png)[figures.OVERPRINT_KEY]


def test_wrap_keeps_words_whole():
    assert figures.wrap("Political decision-making", 9.5, 1.15).splitlines() == ["Political", "decision-making"]
