"""One figure style, and one way to export a figure with its data, sources and citation.

Every notebook draws with :func:`use_style` and ends each figure with :func:`save`, which

* writes ``<name>.png``, ``<name>.svg`` (byte-identical for the same data: fixed style, fixed
  ``svg.hashsalt``, no dates in metadata) and ``<name>.csv`` (exactly the data plotted) into
  ``_static/figures/``, which the HTML build publishes, plus ``<name>.txt`` and ``<name>.bib``
  (a citation naming the book, the figure id, the version and the page anchor);
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

from .precision import SIGNIFICANT_DIGITS, too_precise
from .sources import ROOT, source

FIGURE_DIR = ROOT / "_static" / "figures"
STYLE = Path(__file__).with_name("book.mplstyle")
BOOK_TITLE = "Digitalization and political participation in Kazakhstan: a reproducible companion"
BOOK_VERSION = _version("companion")
DPI = 150  # of the exported PNG


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
    """The book's public address ("" for a local build): see companion.release, the one place."""
    from .release import publication

    return publication().base_url


def _write_atomic(path: Path, content: bytes) -> None:
    """Write through a temporary file in the same folder, then rename: never a half-written file.
    The temporary name is unique per process, so two runs exporting the same figure at once (the
    build and nbval in ``make test``) never write into each other's file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


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
    naming scheme of :mod:`companion.names`).

    data: exactly what is plotted (saved as CSV; kept in the notebook's stored outputs, glued as
    ``data-<name>`` without display, so nbval compares it, but shown on the page only with
    ``show_data=True``: the page shows the figure, then its "Cite and download" box); title: a short
    title for the citation; sources: data keys from ``data/sources.yaml``; notebook: path of the
    calling notebook from the book root (``chapters/<chapter>/<notebook>.ipynb``).
    """
    from IPython.display import HTML, Image, display
    from myst_nb import glue

    from .names import figure_problem  # the naming scheme (companion.names)

    if problem := figure_problem(name):
        raise ValueError(problem)
    csv = data.to_csv(index=False, lineterminator="\n")
    unrounded = too_precise(csv)
    if unrounded:  # a float at full precision would change the CSV (and its hash) with the CPU
        raise ValueError(
            f"figure {name}: the plotted data carry more than {SIGNIFICANT_DIGITS} significant "
            f"digits (e.g. {', '.join(unrounded[:3])}); round them with "
            "companion.precision.rounded() and draw the figure from the rounded data"
        )
    declared = [source(key) for key in sources]  # unknown keys fail here
    FIGURE_DIR.mkdir(parents=True, exist_ok=True)
    files = {ext: FIGURE_DIR / f"{name}.{ext}" for ext in ("png", "svg", "csv", "txt", "bib")}
    page = str(Path(notebook).with_suffix(".html"))
    text, bib = _citation(name, title, page)
    data_lines = "\n".join(f"Data: {s.citation()}" for s in declared)
    content = {  # rendered in memory first: the hashes shown are those of the bytes written
        "png": _render(fig, "png", dpi=DPI, metadata={"Software": None}),
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
            f'<details class="cite-box" id="cite-{name}"><summary>Cite and download figure '
            f'<code>{name}</code></summary>\n<p>{links} · <a href="{up}_sources/{notebook}">notebook</a></p>\n'
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
