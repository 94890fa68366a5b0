"""The whole book as one PDF: headless Chromium prints jupyter-book's single-page HTML build.

``make pdf`` builds ``_build/singlehtml`` from the same execution cache as ``make book`` (so the
same figures, figure and table numbers, glued numbers, verdicts, citations and bibliography), then
runs ``python -m companion pdf`` to print it to ``_build/pdf/book.pdf``. ``_static/print.css``
folds the code away, keeps outputs and figures whole, opens the citation boxes and numbers the pages.
Chromium prints a copy of the page with ``print_layout.js`` added, which marks every table too wide
for the page, and the ledger, for print.css to print as one block per row (each claim with its id
on one line, then its verdict), so that no column is cut off. The book has no mathematics, so
nothing waits on MathJax; everything the page needs is local (offline).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SINGLEHTML = ROOT / "_build" / "singlehtml"
PDF = ROOT / "_build" / "pdf" / "book.pdf"
PRINT_LAYOUT = Path(__file__).with_name("print_layout.js")
# headless Chromium, quiet and offline (no updates, sync or first-run pages): also the browser test's
HEADLESS_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_FLAGS = [
    *HEADLESS_FLAGS,
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=20000",
]


class PdfError(RuntimeError):
    pass


def _page(singlehtml: Path) -> Path:
    """The single page holding the whole book (index.html there only redirects to it)."""
    pages = [p for p in singlehtml.glob("*.html") if p.stat().st_size > 1000 and not p.name.startswith(".")]
    if len(pages) != 1:
        raise PdfError(
            f"{singlehtml}: expected one single-page book, found {sorted(p.name for p in pages)} "
            "(build it with `jupyter-book build --builder singlehtml .`)"
        )
    return pages[0]


def _print_copy(page: Path) -> Path:
    """A copy of ``page`` beside it (its images, styles and scripts resolve as before) that runs
    :data:`PRINT_LAYOUT` once loaded, its links into itself kept inside the document."""
    text = page.read_text(encoding="utf-8")
    end = text.rfind("</body>")
    if end < 0:
        raise PdfError(f"{page}: no </body>")
    script = f"<script>\n{PRINT_LAYOUT.read_text(encoding='utf-8')}</script>\n"
    text = (text[:end] + script + text[end:]).replace(f'href="{page.name}#', 'href="#')
    copy = page.with_name(f".print-{page.name}")
    copy.write_text(text, encoding="utf-8")
    return copy


def print_pdf(singlehtml: Path = SINGLEHTML, out: Path = PDF, chromium: str | None = None) -> Path:
    chromium = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        raise PdfError("chromium is not installed (Debian: apt-get install chromium)")
    page = _page(singlehtml)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    copy = _print_copy(page)
    try:
        with tempfile.TemporaryDirectory() as profile:
            flags = [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={tmp}"]
            result = subprocess.run(
                [chromium, *flags, copy.resolve().as_uri()],
                capture_output=True,
                text=True,
                timeout=300,
            )
    finally:
        copy.unlink(missing_ok=True)
    if result.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
        raise PdfError(f"chromium could not print {page} (exit {result.returncode}):\n{result.stderr[-2000:]}")
    tmp.replace(out)
    return out
