"""One figure style, and one way to export a figure with its data, sources and citation.

Every notebook draws with :func:`use_style` and ends each figure with :func:`save`, which

* writes ``<name>.png``, ``<name>.svg`` (byte-identical for the same data: fixed style, fixed
  ``svg.hashsalt``, no dates in metadata) and ``<name>.csv`` (exactly the data plotted) into
  ``_static/figures/``, which the HTML build publishes, plus ``<name>.txt`` and ``<name>.bib``
  (a citation naming the book, the figure id, the version and the page anchor);
* measures the PNG as it is drawn (its smallest text in pixels and any text printed over another) and
  records both in the PNG's text chunks: the browser test reads them back for every figure a page
  shows at 390 px (figures are drawn for the phone's reading column: :data:`WIDTH`, :data:`MIN_TEXT_PT`,
  :func:`size`, :func:`wrap`, :func:`note`);
* glues the figure under ``name`` so that a ``{glue:figure}`` directive places it with a label,
  a number and a caption;
* shows the plotted data as a table (nbval compares it: the text guard of the figure) and the
  "Cite and download" box, which ends with the sha256 of every exported file: readers can check
  their download, and since the box is a stored output, nbval fails when a fresh run exports
  different bytes (a changed or non-deterministic figure).
"""

from __future__ import annotations

import hashlib
import io
import os
from dataclasses import dataclass
from importlib.metadata import version as _version
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from companion.core.precision import SIGNIFICANT_DIGITS, too_precise
from companion.sources import ROOT, source

FIGURE_DIR = ROOT / "_static" / "figures"
STYLE = Path(__file__).with_name("book.mplstyle")
BOOK_TITLE = "Digitalization and political participation in Kazakhstan: a reproducible companion"
BOOK_VERSION = _version("companion")
DPI = 150  # of the exported PNG
# A figure must stay readable on a phone: in a 390 px window the reading column is 358 px wide (a
# figure in it shows at most 342 px wide), and no text may show smaller than MIN_TEXT_PX there. save()
# measures each figure's smallest text and its overprinted texts and records both in the PNG itself
# (tEXt chunks under the keys below), which the browser test reads back for every image it shows.
# Drawn WIDTH inches wide (book.mplstyle's figure.figsize; the saved image adds 0.1 in of margin on
# each side) with no text under MIN_TEXT_PT points, a figure shows its smallest text at 342 px wide
# at MIN_TEXT_PT * 342 / (72 * (WIDTH + 0.2)) = 9.6 px; on a laptop it shows 470 px wide (100 px per
# inch) with its text at 13 px or more.
PHONE_COLUMN_PX = 358
MIN_TEXT_PX = 9.0
WIDTH = 4.5
MIN_TEXT_PT = 9.5
TEXT_PX_KEY = "companion-smallest-text-px"
OVERPRINT_KEY = "companion-overprinted-texts"


def use_style() -> None:
    """The book's plot style (fonts, sizes, colours, deterministic SVG output).

    In a notebook kernel it also makes sure figures are stored as PNG, so that a glued figure shows
    as an image in the book (not as "<Figure size ...>"); elsewhere (scripts, tests) it draws with Agg.
    """
    plt.style.use(STYLE)
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    if shell is not None and getattr(shell, "kernel", None) is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    else:
        matplotlib.use("Agg")


def _base_url() -> str:
    """The book's public address ("" for a local build): see companion.book.release, the one place."""
    from companion.core.publication import publication

    return publication().base_url


def _write_atomic(path: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file.
    The temporary name is unique per process, so two runs exporting the same figure at once (the
    build and nbval in ``make test``) never write into each other's file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


def size(height: float) -> tuple[float, float]:
    """A figure size for ``plt.subplots(figsize=...)``: the book's width, ``height`` inches tall.
    Panels go one under another, never side by side: side by side, each would be too narrow."""
    return (WIDTH, height)


def wrap(text: str, fontsize: float = MIN_TEXT_PT, width: float = WIDTH) -> str:
    """``text`` broken into lines that fit ``width`` inches at ``fontsize`` points (DejaVu Sans:
    about 0.6 em per character, bold included), for titles and notes that would otherwise run off the
    figure."""
    import textwrap

    columns = max(int(width * 72 / (fontsize * 0.6)), 10)
    return textwrap.fill(text, columns, break_long_words=False, break_on_hyphens=False)


def note(fig, text: str, fontsize: float = MIN_TEXT_PT) -> None:
    """A source line or note under the whole figure, below every axis title and tick label (the
    saved image grows to hold it), so that it is never printed over them."""
    fig.text(0.0, 0.0, wrap(text, fontsize), ha="left", va="top", fontsize=fontsize, color="#555555")


def _drawn_texts(fig, draw: bool = True) -> list:
    """The Text artists a draw of ``fig`` puts on the image (titles, labels, tick labels, legends,
    annotations): visible, not empty, and for tick labels only those of the ticks drawn (within
    the view limits, on an axis that is shown). ``draw=False``: as the last draw left them."""
    from matplotlib.text import Text

    if draw:
        fig.canvas.draw()
    all_tick_labels, drawn_tick_labels = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                all_tick_labels.update((id(tick.label1), id(tick.label2)))
            if ax.axison and axis.get_visible():
                for tick in axis._update_ticks():  # the ticks matplotlib draws
                    drawn_tick_labels.update((id(tick.label1), id(tick.label2)))
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip() and (id(t) not in all_tick_labels or id(t) in drawn_tick_labels)
    ]


def smallest_text_px(fig, dpi: float = DPI, draw: bool = True) -> float:
    """The size, in pixels of the PNG exported at ``dpi``, of the figure's smallest drawn text
    (font size in points x dpi / 72): shown ``d`` px wide, a PNG ``w`` px wide shows it at
    ``smallest_text_px * d / w`` screen pixels."""
    sizes = [t.get_fontsize() for t in _drawn_texts(fig, draw)]
    return round(min(sizes) * dpi / 72, 2) if sizes else 0.0


def overprinted(fig, renderer=None) -> list[tuple[str, str]]:
    """Pairs of drawn texts whose boxes overlap (one printed over the other), by their text. Given
    the renderer of a draw that has just ended (the saved image's), as that draw placed them."""
    texts = _drawn_texts(fig, draw=renderer is None)
    renderer = renderer or fig.canvas.get_renderer()
    boxes = [(t.get_text().strip(), t.get_window_extent(renderer)) for t in texts]
    pairs = []
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            width = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
            height = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
            if width > 1 and height > 1:  # more than a pixel's touch
                pairs.append((a, b))
    return pairs


def _png_with_text(png: bytes, text: dict[str, str]) -> bytes:
    """``png`` with a tEXt chunk per item, after its header chunk (IHDR, 8 + 25 bytes)."""
    import struct
    import zlib

    chunks = b""
    for key, value in text.items():
        body = key.encode("latin-1") + b"\0" + value.encode("latin-1", "replace")
        chunks += struct.pack(">I", len(body)) + b"tEXt" + body + struct.pack(">I", zlib.crc32(b"tEXt" + body))
    return png[:33] + chunks + png[33:]


def _render_measured(fig) -> bytes:
    """The PNG, measured as it is drawn: at the end of its own draw (the saved image's layout, the
    tight box and the export dpi), the smallest text and the overprinted texts, recorded in it."""
    measured: dict[str, str] = {}

    def measure(event) -> None:  # the last draw of savefig is the one written to the file
        pairs = overprinted(fig, event.renderer)
        measured[TEXT_PX_KEY] = f"{smallest_text_px(fig, draw=False):.2f}"
        measured[OVERPRINT_KEY] = "; ".join(f"{a!r} / {b!r}" for a, b in pairs) or "none"

    hook = fig.canvas.mpl_connect("draw_event", measure)
    try:
        png = _render(fig, "png", dpi=DPI, metadata={"Software": None})
    finally:
        fig.canvas.mpl_disconnect(hook)
    return _png_with_text(png, measured)


def _render(fig, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


@dataclass(frozen=True, repr=False)
class Exported:
    name: str
    files: dict[str, Path]
    citation: str
    bibtex: str

    def __repr__(self) -> str:  # no absolute paths: notebook outputs must not depend on the checkout
        return f"figure {self.name}: " + ", ".join(f"{self.name}.{ext}" for ext in self.files)

    def _ipython_display_(self) -> None:
        """As a cell's last value it shows nothing: save() has already shown the data and the
        "Cite and download" box, which name the same files."""


def _citation(name: str, title: str, page: str) -> tuple[str, str]:
    anchor = f"{page}#{name}"
    url = f"{_base_url()}/{anchor}" if _base_url() else anchor
    text = (
        f"Companion book authors. \u201c{title}\u201d (figure {name}). In: {BOOK_TITLE}, version {BOOK_VERSION}. {url}"
    )
    key = name.replace("-", "_")
    bib = (
        f"@misc{{{key},\n  author = {{{{Companion book authors}}}},\n  title = {{{title}}},\n"
        f"  howpublished = {{Figure {name} in: {BOOK_TITLE}}},\n  version = {{{BOOK_VERSION}}},\n"
        f"  url = {{{url}}}\n}}\n"
    )
    return text, bib


def save(
    fig, name: str, data: pd.DataFrame, *, title: str, sources: list[str], notebook: str, show_data: bool = False
) -> Exported:
    """Export ``fig`` as the book figure ``name`` (also its label, e.g. ``fig-article000-convergence``; the
    naming scheme of :mod:`companion.book.names`).

    data: exactly what is plotted (saved as CSV; kept in the notebook's stored outputs, glued as
    ``data-<name>`` without display, so nbval compares it, but shown on the page only with
    ``show_data=True``: the page shows the figure, then its "Cite and download" box); title: a short
    title for the citation; sources: data keys from ``data/sources.yaml``; notebook: path of the
    calling notebook from the book root (``chapters/<chapter>/<notebook>.ipynb``).
    """
    from IPython.display import HTML, Image, display
    from myst_nb import glue

    from companion.book.names import figure_problem  # the naming scheme (companion.book.names)

    if problem := figure_problem(name):
        raise ValueError(problem)
    csv = data.to_csv(index=False, lineterminator="\n")
    unrounded = too_precise(csv)
    if unrounded:  # a float at full precision would change the CSV (and its hash) with the CPU
        raise ValueError(
            f"figure {name}: the plotted data carry more than {SIGNIFICANT_DIGITS} significant "
            f"digits (e.g. {', '.join(unrounded[:3])}); round them with "
            "companion.core.precision.rounded() and draw the figure from the rounded data"
        )
    declared = [source(key) for key in sources]  # unknown keys fail here
    FIGURE_DIR.mkdir(parents=True, exist_ok=True)
    files = {ext: FIGURE_DIR / f"{name}.{ext}" for ext in ("png", "svg", "csv", "txt", "bib")}
    page = str(Path(notebook).with_suffix(".html"))
    text, bib = _citation(name, title, page)
    data_lines = "\n".join(f"Data: {s.citation()}" for s in declared)
    content = {  # rendered in memory first: the hashes shown are those of the bytes written
        "png": _render_measured(fig),
        "svg": _render(fig, "svg", metadata={"Date": None, "Creator": None}),
        "csv": csv.encode("utf-8"),
        "txt": f"{text}\n{data_lines}\n".encode(),
        "bib": bib.encode("utf-8"),
    }
    for ext, path in files.items():
        _write_atomic(path, content[ext])
    digests = {ext: hashlib.sha256(data_bytes).hexdigest() for ext, data_bytes in content.items()}

    # the book shows the exported PNG itself (not a third rendering), at the size a 100-dpi figure
    # would take on the page: the exported file is 150 dpi, so it stays sharp on high-density screens
    width = int.from_bytes(content["png"][16:20], "big")  # PNG header (IHDR): width in pixels
    glue(name, Image(data=content["png"], format="png", width=round(width * 100 / DPI)), display=False)
    plt.close(fig)
    glue(f"data-{name}", data, display=False)  # a guard in the stored outputs, not on the page
    if show_data:
        display(data)
    up = "../" * (len(Path(notebook).parts) - 1)
    links = " · ".join(
        f'<a href="{up}_static/figures/{name}.{ext}" download>{label}</a>'
        for ext, label in (("png", "PNG"), ("svg", "SVG"), ("csv", "data (CSV)"), ("bib", "BibTeX"))
    )
    source_items = "".join(f"<li>{_html(s.citation())} (raw-file key <code>{s.key}</code>)</li>" for s in declared)
    hashes = "".join(f"<li><code>{name}.{ext}</code> <code>{digest}</code></li>" for ext, digest in digests.items())
    display(
        HTML(
            f'<details class="cite-box" id="cite-{name}"><summary>Cite and download this figure</summary>\n'
            f'<p>File name <code>{name}</code>: {links} · <a href="{up}_sources/{notebook}">notebook</a></p>\n'
            f"<p><strong>Cite as</strong></p><pre>{_html(text)}</pre>\n<pre>{_html(bib)}</pre>\n"
            f"<p><strong>Data plotted</strong> come from</p><ul>{source_items}</ul>\n"
            f'<p><strong>How it is made</strong>: <a href="{up}about/exhibits.html#exhibit-{name}">its entry in the '
            f"list of tables and figures</a> names the package functions that compute it and the loaders and raw "
            f"files they read.</p>\n"
            f'<p><strong>sha256</strong> of the exported files</p><ul class="file-hashes">{hashes}</ul></details>'
        )
    )
    return Exported(name, files, text, bib)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
