"""The book built as the publishing workflow builds it: with a sample public address and repository.

The session fixture copies the book's sources into a temporary folder (so that its notebooks export
their figures there, never into this checkout's ``_static/figures`` that the other build of the
test run uses) and, with ``COMPANION_BASE_URL`` and ``COMPANION_REPOSITORY`` set, runs what
``make release`` runs: the notebooks into an empty execution cache, the HTML build (warnings as
errors), the single-page build from the same cache, the PDF (headless Chromium) and the archive.
Then: every citation URL is absolute and names an anchor that exists in the build, notebook pages
have Binder and Colab buttons, and the PDF holds the pages, the figures and the glued numbers.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

pytestmark = pytest.mark.xdist_group("published-book")

BASE = "https://example.org/companion"
REPO = "https://github.com/example/companion"
IGNORE = shutil.ignore_patterns(
    ".git",
    ".venv",
    "_build",
    "_static/figures",
    "raw",
    "__pycache__",
    ".ipynb_checkpoints",
    "tests",
    "benchmarks",
    "*.egg-info",
)
CITED = re.compile(r"url = \{([^}]*)\}")
CHROMIUM = shutil.which("chromium")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdfimages") and shutil.which("pdftotext")


@dataclass
class Published:
    src: Path
    html: Path
    singlehtml: Path
    pdf: Path | None
    archive: Path | None
    log: str


def _run(cmd, env, cwd, log):
    result = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    log.append(f"$ {' '.join(map(str, cmd))}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    if result.returncode != 0:
        pytest.fail("\n".join(log))


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Published:
    src = tmp_path_factory.mktemp("published") / "book"
    shutil.copytree(ROOT, src, ignore=IGNORE)
    (src / "data" / "raw").mkdir(exist_ok=True)
    env = {
        **os.environ,
        "COMPANION_BASE_URL": BASE,
        "COMPANION_REPOSITORY": REPO,
        "PYTHONPATH": str(src),  # the copy's package: its figures go to the copy's _static/figures
        "COMPANION_DATA_CACHE": os.environ.get("COMPANION_DATA_CACHE") or str(ROOT / "data" / "raw"),
    }
    jb = str(Path(sys.executable).with_name("jupyter-book"))
    log: list[str] = []
    _run([sys.executable, "-m", "companion", "prerun", "--cache", "_build/.jupyter_cache"], env, src, log)
    for builder in ("html", "singlehtml"):
        _run([jb, "build", "--builder", builder, "--warningiserror", "--nitpick", "--keep-going", "."], env, src, log)
    pdf = archive = None
    if CHROMIUM:
        _run([sys.executable, "-m", "companion", "pdf"], env, src, log)
        pdf = src / "_build" / "pdf" / "book.pdf"
        _run([sys.executable, "-m", "companion", "release", "archive"], env, src, log)
        archive = next((src / "_build" / "release").glob("companion-*.tar.gz"))
    return Published(src, src / "_build" / "html", src / "_build" / "singlehtml", pdf, archive, "\n".join(log))


def _pages(html: Path) -> dict[str, str]:
    return {
        p.relative_to(html).as_posix(): p.read_text(encoding="utf-8")
        for p in html.rglob("*.html")
        if "_static" not in p.parts and "_sources" not in p.parts
    }


def _ids(page: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', page))


def _target_exists(html: Path, pages: dict[str, str], url: str) -> str | None:
    """None when ``url`` is BASE/<page>#<anchor> with that page built and that id on it, else why not."""
    if not url.startswith(BASE + "/"):
        return f"{url}: not under {BASE}/"
    path, _, anchor = url[len(BASE) + 1 :].partition("#")
    if path not in pages:
        return f"{url}: no page {path} in the build"
    if not anchor or anchor not in _ids(pages[path]):
        return f"{url}: no id {anchor!r} on {path}"
    return None


def test_every_citation_url_is_absolute_and_names_an_existing_anchor(published):
    pages = _pages(published.html)
    cited = {}
    for name, page in pages.items():
        for url in CITED.findall(unescape(page)):
            cited.setdefault(url, name)
    figures = published.html / "_static" / "figures"
    for path in sorted(figures.glob("fig-*.bib")) + sorted(figures.glob("fig-*.txt")):
        text = path.read_text(encoding="utf-8")
        urls = CITED.findall(text) if path.suffix == ".bib" else re.findall(r"https?://\S+#[\w-]+", text)
        assert urls, f"{path.name}: no citation URL"
        for url in urls:
            cited.setdefault(url, path.name)
    n_figures = len(list(figures.glob("fig-*.png")))
    assert n_figures >= 10 and len(cited) == n_figures, sorted(cited)
    problems = [why for url in cited if (why := _target_exists(published.html, pages, url))]
    assert not problems, problems


def test_pages_have_canonical_links_footer_and_citation_cff(published):
    for name, page in _pages(published.html).items():
        if 'http-equiv="Refresh"' in page or 'http-equiv="refresh"' in page:
            continue  # jupyter-book's redirect index.html
        assert f'<link rel="canonical" href="{BASE}/{name}" />' in page, name
        assert "Version " in page and "Permanent address" in page, name
    cff = yaml.safe_load((published.html / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["url"] == BASE and cff["repository-code"] == REPO
    from companion.core.publication import publication

    pub = publication()
    how_to_cite = re.sub(r"\s+", " ", (published.html / "about" / "how-to-cite.html").read_text(encoding="utf-8"))
    assert f"version {pub.version}, released {pub.date}" in how_to_cite
    assert str(cff["version"]) == pub.version and str(cff["date-released"]) == pub.date


def test_notebook_pages_have_binder_and_colab_buttons(published):
    pages = _pages(published.html)
    notebooks = sorted(
        p.relative_to(published.src).with_suffix(".html").as_posix()
        for p in (published.src / "chapters").rglob("*.ipynb")
    )
    notebooks += sorted(
        p.relative_to(published.src).with_suffix(".html").as_posix() for p in (published.src / "about").glob("*.ipynb")
    )
    assert notebooks
    for page in notebooks:
        source = page.removesuffix(".html") + ".ipynb"
        text = unescape(pages[page])
        assert f"https://mybinder.org/v2/gh/example/companion/main?urlpath=lab/tree/{source}" in text, page
        assert f"https://colab.research.google.com/github/example/companion/blob/main/{source}" in text, page
        assert f'href="{REPO}"' in text, page  # the repository button
    markdown_page = unescape(pages["intro.html"])
    assert "mybinder.org" not in markdown_page and f'href="{REPO}"' in markdown_page


needs_pdf_tools = pytest.mark.skipif(
    not (CHROMIUM and POPPLER), reason="needs Debian chromium and poppler-utils (.ci/run installs them)"
)


def _pdftext(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text)


@needs_pdf_tools
def test_pdf_pages_render_and_hold_every_figure(published, tmp_path):
    info = subprocess.run(["pdfinfo", str(published.pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    book_pages = len(_pages(published.html))  # the HTML book's pages: the PDF has more, not hundreds more
    assert book_pages >= 20 and book_pages <= pages <= 20 * book_pages, (book_pages, pages)
    # first, middle and last pages render as pictures with ink on them
    from PIL import Image

    for number in (1, pages // 2, pages):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "30",
                "-png",
                "-f",
                str(number),
                "-l",
                str(number),
                str(published.pdf),
                str(tmp_path / f"p{number}"),
            ],
            check=True,
        )
        image = Image.open(next(tmp_path.glob(f"p{number}*.png"))).convert("L")
        assert image.getextrema()[0] < 100, f"page {number} is blank"
    # every figure: an image of the figure's exported PNG size is in the PDF
    listing = subprocess.run(
        ["pdfimages", "-list", str(published.pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    sizes = {(int(row.split()[3]), int(row.split()[4])) for row in listing}
    figures = sorted((published.html / "_static" / "figures").glob("fig-*.png"))
    assert figures
    missing = [p.name for p in figures if Image.open(p).size not in sizes]
    assert not missing, f"figures not in the PDF: {missing}"


@needs_pdf_tools
def test_pdf_text_has_glued_numbers_figure_numbers_verdicts_and_bibliography(published):
    text = _pdftext(published.pdf)
    single = (published.singlehtml / "intro.html").read_text(encoding="utf-8")
    glued = [
        re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", value))).strip()
        for value in re.findall(r'<span class="pasted-text">(.*?)</span>', single, re.S)
    ]
    glued = [value for value in glued if value]
    assert len(glued) >= 50
    missing = [value for value in glued if value not in text]
    assert not missing, f"glued values not in the PDF text: {missing[:20]}"
    # the figure and table numbers: the same for each label in the HTML book and the single page
    # (from which the PDF is printed), and each is in the PDF's text
    numbered = re.compile(
        r'<(?:figure|div|table)[^>]*\bid="((?:fig|tab|table)-[^"]+)"[^>]*>.*?'
        r'<span class="caption-number">([^<]+)</span>',
        re.S,
    )
    html_numbers = {}
    for page in _pages(published.html).values():
        html_numbers.update((label, number.strip()) for label, number in numbered.findall(page))
    single_numbers = {label: number.strip() for label, number in numbered.findall(single)}
    assert len(html_numbers) >= 10 and single_numbers == html_numbers
    assert all(re.search(re.escape(number) + r"(?!\w)", text) for number in html_numbers.values())
    for word in ("reproduced", "differs", "not checkable"):
        assert word in text
    assert "Fazylzhan" in text and "Bibliography" in text
    assert f"{BASE}/chapters/" in text  # the citations, with their permalinks


VERDICT_WORDS = re.compile(r"\b(reproduced|differs|not checkable)\b")


def _claims_without_their_verdict(text: str, verdicts: dict[str, str], within: int = 300) -> list[str]:
    """The claim ids of ``verdicts`` (claim id -> verdict) that ``text`` (the PDF's text, spaces
    collapsed) never prints whole with that verdict as the first verdict word after it, within
    ``within`` characters and before the next claim id: an id broken across lines, a row cut off
    before its verdict or a claim left out are all named."""
    ids = sorted(verdicts, key=len, reverse=True)
    any_id = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
    hits = list(any_id.finditer(text))
    found = set()
    for hit, following in zip(hits, [*hits[1:], None], strict=True):
        end = min(hit.end() + within, following.start() if following else len(text))
        word = VERDICT_WORDS.search(text, hit.end(), end)
        if word and word.group() == verdicts[hit.group()]:
            found.add(hit.group())
    return [claim for claim in verdicts if claim not in found]


def test_the_claim_check_names_broken_cut_and_missing_claims():
    verdicts = {"000-T1a-akmola-region-2018": "reproduced", "000-T1a-akmola-region-2019": "differs"}
    whole = "claim 000-T1a-akmola-region-2018 verdict: reproduced note 000-T1a-akmola-region-2019 ≠ differs"
    assert _claims_without_their_verdict(whole, verdicts) == []
    broken = "000-T1a-akmola- region-2018 reproduced 000-T1a-akmola-region-2019 differs"
    assert _claims_without_their_verdict(broken, verdicts) == ["000-T1a-akmola-region-2018"]
    cut = "000-T1a-akmola-region-2018 73.8 73.8 0.05 000-T1a-akmola-region-2019 79.4 reproduced differs"
    assert _claims_without_their_verdict(cut, verdicts) == list(verdicts)
    assert _claims_without_their_verdict("000-T1a-akmola-region-2018 reproduced", verdicts) == [
        "000-T1a-akmola-region-2019"
    ]


@needs_pdf_tools
def test_pdf_prints_every_claim_whole_with_its_verdict_and_no_folded_code(published):
    """Issue 25, item 3: every claim of the ledger the build wrote is in the PDF's text with its id
    on one line, followed by its verdict; the folded code cells leave no "Show code cell" behind;
    links between the book's pages stay inside the PDF."""
    text = _pdftext(published.pdf)
    with (published.html / "_static" / "ledger" / "ledger.csv").open(encoding="utf-8", newline="") as file:
        verdicts = {row["claim_id"]: row["verdict"] for row in csv.DictReader(file)}
    assert len(verdicts) >= 100
    missing = _claims_without_their_verdict(text, verdicts)
    assert not missing, f"{len(missing)} of {len(verdicts)} claims not in the PDF with their verdict: {missing[:20]}"
    assert "Show code cell" not in text and "Hide code cell" not in text
    # the links between pages (a chapter's claim to its ledger row) lead inside the PDF, not to files
    to_files = sorted(set(re.findall(rb"/URI \(file:[^)#]*\.html", published.pdf.read_bytes())))
    assert not to_files, to_files[:10]


class _LastCells(HTMLParser):
    """The text of the last non-empty cell of every table row of a page (nested tables apart)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.cells: list[str] = []
        self._rows: list[list[str]] = []  # one open row per open table
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._rows.append([])
        elif tag == "tr" and self._rows:
            self._rows[-1] = []
        elif tag in ("td", "th") and self._rows:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._rows:
            filled = [cell for cell in self._rows[-1] if cell.strip()]
            if filled:
                self.cells.append(filled[-1])
            self._rows[-1] = []
        elif tag == "table" and self._rows:
            self._rows.pop()

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


@needs_pdf_tools
def test_pdf_prints_every_table_whole(published):
    """No column cut off at the page's edge, nothing left folded: the last cell of every row of every
    table of the single page (the headings' row too) is in the PDF's text. Spaces are ignored, so
    that a cell broken across lines (or a word at a hyphen) still counts; ``-raw`` keeps each cell's
    lines together where a table prints as columns."""
    parser = _LastCells()
    parser.feed((published.singlehtml / "intro.html").read_text(encoding="utf-8"))
    raw = subprocess.run(["pdftotext", "-raw", str(published.pdf), "-"], capture_output=True, text=True, check=True)
    text = re.sub(r"\s+", "", raw.stdout)
    assert len(parser.cells) >= 1000
    missing = [cell.strip() for cell in parser.cells if re.sub(r"\s+", "", cell) not in text]
    assert not missing, f"{len(missing)} of {len(parser.cells)} table rows cut short in the PDF: {missing[:10]}"


@needs_pdf_tools
def test_pdf_prints_each_figure_whole_with_its_caption(published):
    """Figures whole: each numbered figure's image (found by its exported PNG's size) stands on a
    page that also holds the figure's caption number, so that no page break comes between them."""
    from PIL import Image

    single = (published.singlehtml / "intro.html").read_text(encoding="utf-8")
    numbers = {
        label: number.strip()
        for label, number in re.findall(
            r'<figure[^>]*\bid="(fig-[^"]+)"[^>]*>.*?<span class="caption-number">([^<]+)</span>', single, re.S
        )
    }
    pages = subprocess.run(
        ["pdftotext", "-layout", str(published.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    listing = subprocess.run(
        ["pdfimages", "-list", str(published.pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    on_pages: dict[tuple[int, int], list[int]] = {}
    for row in listing:
        fields = row.split()
        on_pages.setdefault((int(fields[3]), int(fields[4])), []).append(int(fields[0]))
    figures = sorted((published.html / "_static" / "figures").glob("fig-*.png"))
    assert figures and all(p.stem in numbers for p in figures), sorted(set(p.stem for p in figures) - set(numbers))
    apart = []
    for png in figures:
        caption = re.compile(re.escape(numbers[png.stem]) + r"(?!\d)")
        if not any(caption.search(pages[n - 1]) for n in on_pages.get(Image.open(png).size, [])):
            apart.append(f"{png.stem} ({numbers[png.stem]}): pages {on_pages.get(Image.open(png).size)}")
    assert not apart, f"figures printed apart from their captions: {apart}"


@needs_pdf_tools
def test_release_archive_holds_everything_with_a_true_manifest(published):
    import hashlib

    with tarfile.open(published.archive) as tar:
        members = {m.name.split("/", 1)[1]: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    for name in (
        "html/intro.html",
        "book.pdf",
        "ledger/claims.csv",
        "ledger/claims.json",
        "CITATION.cff",
        "SHA256SUMS",
    ):
        assert name in members, name
    figures = {p.name for p in (published.html / "_static" / "figures").glob("fig-*")}
    assert figures and all(f"figures/{name}" in members for name in figures)
    listed = dict(reversed(line.split("  ", 1)) for line in members["SHA256SUMS"].decode().splitlines())
    assert set(listed) == set(members) - {"SHA256SUMS"}
    assert all(hashlib.sha256(members[name]).hexdigest() == digest for name, digest in listed.items())
    rows = json.loads(members["ledger/claims.json"])
    csv_lines = members["ledger/claims.csv"].decode().strip().splitlines()
    assert len(rows) == len(csv_lines) - 1 and rows
    assert {row["article"] for row in rows} >= {"000", "002", "004"}  # ids stay text
    assert 'url: "' + BASE + '"' in members["CITATION.cff"].decode()
