"""The files of a new article's chapter: ``python -m companion new-article ID --title ... --slug ...``.

What it writes (nothing is overwritten; an id, slug, cite key or module that exists is refused first,
with one message naming what is taken and where):

* ``companion/articles/articleID.py``: the article's module, in the skeleton of every article module
  (:mod:`companion.book.skeleton`: the same sections under the same banners, constants named alike), with
  one example claim (``ID-example-kz-share-2020``, the share of Internet users in Kazakhstan in 2020)
  computed from a data source the book already has (the Bureau of National Statistics' SDG 17.8.1
  file, ``kazstat_sdg_17_8_1``), and the series behind the example figure;
* one row for that claim in ``data/published/ledger_claims.csv`` (the file the ledger reads for every text
  claim: claim_id, article, location, printed, paraphrase, published, unit, tolerance). Its printed
  words and value are left to transcribe from the article: until they are, the ledger's verdict on it
  is *differs* (a recomputed number against no printed one), so a claim never passes by default,
  and its kind of discrepancy (``data/mappings/ledger_discrepancy_types.csv``) is "not transcribed yet";
* one row for the example figure in ``data/mappings/exhibits_names.csv``;
* ``chapters/SLUG/index.md`` and ``chapters/SLUG/01_example_claim.ipynb`` (not executed: run
  ``make execute NB=...``), in the house style: pinned sources, glued numbers, a figure with its cite box;
* the article's declaration in ``data/articles.yaml`` (with ``seen``, the last year whose published
  values it could have seen, for the ledger's vintage rule; and the README's article table made from it
  again, as ``python -m companion articles`` prints it), its entry in ``references.bib``, its chapter
  in ``_toc.yml``, its row in the front page's table of chapters (``intro.md``) and its reference in
  ``CITATION.cff`` (the works the book cites).

The example notebook passes ruff (``make lint`` changes nothing in it) and the checks of ``make test``
once executed. It prints every file it wrote or changed: ``git add`` them before ``make test``.

The how-to page ``about/adding-an-article.md`` says what to do next.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from companion.book import house_style, skeleton
from companion.core import registry as articles

EXAMPLE_SOURCES = ("kazstat_sdg_17_8_1", "kazstat_ref_area_en")
NOTEBOOK_NAME = "01_example_claim.ipynb"
CLAIM_COLUMNS = ["claim_id", "article", "location", "printed", "paraphrase", "published", "unit", "tolerance"]
TOC_PART = "The articles, recomputed"
PENDING = "not transcribed yet"  # the kind of discrepancy of the example claim until its value is transcribed


class ScaffoldError(ValueError):
    """The new article cannot be added as asked (the message says why)."""


@dataclass(frozen=True)
class NewArticle:
    """A new article, and the names of its things derived from its id and slug (companion.book.names' scheme)."""

    id: str
    slug: str
    title: str
    authors: str
    module: str = field(init=False)  # companion.articles.article006
    cite_key: str = field(init=False)  # article006
    claim_id: str = field(init=False)  # 006-example-kz-share-2020
    figure: str = field(init=False)  # fig-article006-example-kz-share
    notebook: str = field(init=False)  # chapters/<slug>/01_example_claim.ipynb

    def __post_init__(self):
        derived = {
            "module": f"companion.articles.article{self.id}",
            "cite_key": f"article{self.id}",
            "claim_id": f"{self.id}-example-kz-share-2020",
            "figure": f"fig-article{self.id}-example-kz-share",
            "notebook": f"chapters/{self.slug}/{NOTEBOOK_NAME}",
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)  # a frozen dataclass: set once, here


def _refuse_taken(new: NewArticle, root: Path) -> None:
    if not articles.ID_PATTERN.match(new.id):
        raise ScaffoldError(f"article id {new.id!r}: three digits, the file number of the article's copy (e.g. 006)")
    if not articles.SLUG_PATTERN.match(new.slug):
        raise ScaffoldError(f"slug {new.slug!r}: lower-case words joined by '-' (e.g. e-petitions-kz)")
    if not new.title.strip():
        raise ScaffoldError("the title is empty: give the article's title as printed (--title)")
    registry = articles.load(root / "data" / "articles.yaml")
    if articles.markdown(registry) not in (root / "README.md").read_text(encoding="utf-8"):
        raise ScaffoldError(
            "README.md's article table is not the registry's: paste `python -m companion "
            "articles` into it first, so that the new article can be added to it"
        )
    for article in registry:
        if article.id == new.id:
            raise ScaffoldError(
                f"article id {new.id} exists: data/articles.yaml declares it "
                f"(chapters/{article.slug}/, {article.title!r}); choose another id"
            )
        if article.slug == new.slug:
            raise ScaffoldError(
                f"slug {new.slug} exists: data/articles.yaml gives it to article {article.id}; choose another slug"
            )
    taken = [
        p for p in (root / "chapters" / new.slug, root / "companion" / "articles" / f"article{new.id}.py") if p.exists()
    ]
    if taken:
        raise ScaffoldError(
            f"{taken[0].relative_to(root)} exists already: choose another "
            f"{'slug' if taken[0].parent.name == 'chapters' else 'id'}"
        )
    if re.search(rf"^@\w+\{{{new.cite_key},", (root / "references.bib").read_text(encoding="utf-8"), re.M):
        raise ScaffoldError(f"references.bib already has the key {new.cite_key}")
    if new.claim_id in set(_read_csv(root / "data" / "published" / "ledger_claims.csv", "claim_id")):
        raise ScaffoldError(f"data/published/ledger_claims.csv already has the claim {new.claim_id}")


def _read_csv(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


def _append_line(path: Path, text: str) -> None:
    """Append ``text`` (one or more whole lines) to ``path``, on a line of its own."""
    current = path.read_text(encoding="utf-8")
    path.write_text(current + ("" if current.endswith("\n") else "\n") + text, encoding="utf-8")


def _append_row(path: Path, values: list) -> None:
    """Append one CSV row (quoted as the csv module quotes) to ``path``."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    _append_line(path, out.getvalue())


# ---------------------------------------------------------------------------------------- the files
MODULE = '''"""Article {id} ({authors}): {title_one_line}.

Chapter: ``chapters/{slug}/``.

The claims of the article (``data/published/ledger_claims.csv``, ids ``{id}-...``) and what recomputes them.
One function per claim, registered with :func:`companion.ledger.recomputes`; the notebooks of
``chapters/{slug}/`` call the same functions, so the ledger and the book agree. The module follows the
skeleton of every article module (:mod:`companion.book.skeleton`).

Sources: the Bureau of National Statistics' SDG 17.8.1 file (``kazstat_sdg_17_8_1``, :mod:`companion.sources.kazstat`).
"""

from __future__ import annotations

import pandas as pd

from companion.core import precision
from companion.ledger import CITED, Recomputed, recomputes
from companion.sources import kazstat

{banner_constants}

CHAPTER = "chapters/{slug}"
EXAMPLE_NOTEBOOK = f"{{CHAPTER}}/{notebook_name}"

KAZSTAT_KEYS = ("kazstat_sdg_17_8_1",)


{banner_loaders}


def kz_national_shares() -> pd.DataFrame:
    """Kazakhstan's rows (whole country) of the SDG 17.8.1 file: columns year, share (%)."""
    shares = kazstat.internet_share()
    return shares[shares["area_code"] == kazstat.NATIONAL][["year", "share"]]


{banner_claims}


def kz_share(year: int) -> float:
    series = kz_share_series()
    return float(series.loc[series["year"] == year, "share"].item())


@recomputes("{claim_id}")
def example_kz_share_2020() -> Recomputed:
    """The example claim: the national share in 2020, from the Bureau of National Statistics' file."""
    return Recomputed(
        kz_share(2020),
        KAZSTAT_KEYS,
        EXAMPLE_NOTEBOOK,
        "the printed words and value are still to transcribe from the article",
        role=CITED,
        vintage="SDG 17.8.1 platform, commit 72277878 (2024-10-24)",
        reading="share of individuals using the Internet, whole country, 2020",
    )


{banner_tables}

# (none yet: a printed table of the article is registered here with @recomputes_table, and the
# functions returning the tables the chapter prints stand here)


{banner_figures}


def kz_share_series() -> pd.DataFrame:
    """Kazakhstan's share of individuals using the Internet (SDG 17.8.1, whole country), by year:
    columns year, share (%), rounded by the book's precision rule (the example figure plots it)."""
    return precision.rounded(kz_national_shares().sort_values("year").reset_index(drop=True))
'''


def module_text(new: NewArticle) -> str:
    """The new article's module, ``companion/articles/articleNNN.py``, in the skeleton of every article module
    (:mod:`companion.book.skeleton`: the same banners, in the same order, and the same names of constants)."""
    return MODULE.format(
        id=new.id,
        authors=new.authors,
        slug=new.slug,
        title_one_line=new.title,
        claim_id=new.claim_id,
        notebook_name=NOTEBOOK_NAME,
        # one placeholder per section of the skeleton: {banner_constants}, {banner_loaders}, ... {banner_figures}
        **{f"banner_{section.split()[0].lower()}": skeleton.banner(section) for section in skeleton.SECTIONS},
    )


INDEX = """# {title}

**Article.** {reference} {{cite:p}}`{cite_key}`.

**What it argues, in brief.** (To write: the article's argument in a few sentences, in our own words.)

**What this chapter recomputes.** Every claim is a row of the ledger
(`python -m companion claims --article {id}`) with its verdict. So far one example claim: the share
of Internet users in Kazakhstan in 2020, from the Bureau of National Statistics {{cite:p}}`kazstat_sdg`.

| exhibit | what | notebook |
|---|---|---|
| {{numref}}`{figure}` | Internet users in Kazakhstan by year, and the example claim | {{doc}}`{notebook_stem}` |
"""


def _q(text: str) -> str:
    """A Python string literal in double quotes, as ruff's formatter writes it."""
    return json.dumps(text, ensure_ascii=False)


def _notebook(new: NewArticle, pins: dict[str, str]) -> nbformat.NotebookNode:
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    pin_lines = "".join(f"    {key}={_q(sha)},\n" for key, sha in pins.items())
    cells = [
        md(
            f"(article{new.id}-example)=\n# An example claim: the share of Internet users in Kazakhstan\n\n"
            f"This page shows the house style of a chapter page on one claim of the article "
            f"{{cite:p}}`{new.cite_key}`: its sources pinned, the claim recomputed by the article's module "
            f"(`{new.module}`) from the Bureau of National Statistics' SDG 17.8.1 file "
            f"{{cite:p}}`kazstat_sdg`, its numbers glued into the text and a figure with its cite box."
        ),
        code(
            f"import matplotlib.pyplot as plt\n\n"
            f"from companion import ledger, sources\n"
            f"from companion.articles import article{new.id}\n"
            f"from companion.articles.article{new.id} import EXAMPLE_NOTEBOOK as NOTEBOOK\n"
            f"from companion.book import figures\n"
            f"from companion.core.precision import glue\n\n"
            f"figures.use_style()\n"
            f"sources.require(\n{pin_lines})"
        ),
        md("## The claim in the ledger"),
        code(
            f"claim = ledger.text_claims(claim_ids=[{_q(new.claim_id)}])\n"
            f'glue("a{new.id}_kz_2020", float(claim["recomputed"].item()), display=False)\n'
            f'glue("a{new.id}_verdict", str(claim["verdict"].item()), display=False)\n'
            f'claim[["claim_id", "printed", "published", "unit", "recomputed", "tolerance", "verdict"]]'
        ),
        md(
            f"The national statistics give {{glue:text}}`a{new.id}_kz_2020:.1f` % for 2020; the ledger's "
            f"verdict on the claim is *{{glue:text}}`a{new.id}_verdict`*."
        ),
        md("## The series"),
        code(
            f"series = article{new.id}.kz_share_series()\n"
            f"fig, ax = plt.subplots(figsize=figures.size(3.6))  # the phone's column: figures.WIDTH\n"
            f'ax.plot(series["year"], series["share"], marker="o", color="#1f77b4")\n'
            f'ax.set_xlabel("Year")\n'
            f'ax.set_ylabel("Share of the population\\nusing the Internet (%)")\n'
            f'ax.set_title("Kazakhstan: share of Internet users")\n'
            f"exported = figures.save(\n"
            f"    fig,\n"
            f"    {_q(new.figure)},\n"
            f"    series,\n"
            f'    title="Kazakhstan: share of Internet users",\n'
            f'    sources=["kazstat_sdg_17_8_1"],\n'
            f"    notebook=NOTEBOOK,\n"
            f")"
        ),
        md(
            f"```{{glue:figure}} {new.figure}\n:name: {new.figure}\n\n"
            f"Share of the population of Kazakhstan using the Internet, by year. Source: Bureau of National "
            f"Statistics of Kazakhstan, SDG 17.8.1 {{cite:p}}`kazstat_sdg`.\n```"
        ),
    ]
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    for number, cell in enumerate(nb.cells):  # stable ids: the file does not change from run to run
        cell.id = f"a{new.id}-cell-{number}"
    from companion.book.launch import notebook_cell  # the launch cell: installs the package where it is missing (Colab)

    nb.cells.insert(0, notebook_cell())
    first = True  # the house style's tags (companion.book.house_style: set-up and plotting inputs folded)
    for cell in nb.cells[1:]:
        if cell.cell_type == "code":
            tags = sorted(house_style.house_tags(cell.source, first))
            first = False
            if tags:
                cell.metadata["tags"] = tags
    return nb


def _bib_entry(new: NewArticle) -> str:
    title = new.title.replace("{", "").replace("}", "")
    return (
        f"\n@misc{{{new.cite_key},\n  author = {{{{{new.authors}}}}},\n  title  = {{{title}}},\n"
        f"  note   = {{Journal, year and pages to complete from the article's copy}}\n}}\n"
    )


def _toc_with_chapter(toc_text: str, new: NewArticle) -> str:
    """``_toc.yml`` with the new chapter appended to the part of the articles (comments kept)."""
    lines = toc_text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.strip() == f"- caption: {TOC_PART}"), None)
    if start is None:
        raise ScaffoldError(f"_toc.yml has no part with the caption {TOC_PART!r}")
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("- caption:")), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    entry = (
        f"      - file: chapters/{new.slug}/index\n        sections:\n          - glob: chapters/{new.slug}/[0-9]*\n"
    )
    out = "".join(lines[:end]) + entry + "".join(lines[end:])
    parsed = yaml.safe_load(out)  # the result must still be the table of contents, with the chapter
    part = next(p for p in parsed["parts"] if p["caption"] == TOC_PART)
    if part["chapters"][-1]["file"] != f"chapters/{new.slug}/index":
        raise ScaffoldError("_toc.yml: could not append the chapter to the articles' part")
    return out


def front_page_row(article_id: str, slug: str, cite_key: str) -> str:
    """The article's row in the front page's table of chapters (``intro.md``): its chapter, its
    citation and its rating, glued from the ledger page."""
    return (
        f"| {{doc}}`chapters/{slug}/index` | {{cite:t}}`{cite_key}` | "
        f"{{glue:text}}`chapters/reproducibility/01_ledger.ipynb::rating_{article_id}:s` |"
    )


def _intro_with_row(text: str, row: str) -> str:
    """``intro.md`` with ``row`` appended to its table of chapters (the rows naming ``{doc}`chapters/``)."""
    lines = text.splitlines(keepends=True)
    rows = [i for i, line in enumerate(lines) if line.startswith("| {doc}`chapters/")]
    if not rows:
        raise ScaffoldError("intro.md has no table of chapters (rows starting '| {doc}`chapters/')")
    return "".join(lines[: rows[-1] + 1]) + row + "\n" + "".join(lines[rows[-1] + 1 :])


def _citation_with_reference(text: str, new: NewArticle) -> str:
    """``CITATION.cff`` with the article appended to its ``references`` (the works the book cites)."""
    lines = text.splitlines(keepends=True)
    if "references:\n" not in lines:
        raise ScaffoldError("CITATION.cff has no 'references:' list")
    end = lines.index("references:\n") + 1
    while end < len(lines) and (lines[end].startswith("  ") or not lines[end].strip()):
        end += 1
    while not lines[end - 1].strip():
        end -= 1
    entry = (
        f"  - type: article\n    title: {_q(new.title)}\n    authors:\n      - name: {_q(new.authors)}\n"
        f'    notes: "To complete from the article\'s copy: authors, journal, year and pages."\n'
    )
    out = "".join(lines[:end]) + entry + "".join(lines[end:])
    titles = [ref.get("title") for ref in yaml.safe_load(out)["references"]]
    if titles[-1] != new.title:
        raise ScaffoldError("CITATION.cff: could not append the article to its references")
    return out


def new_article(
    article_id: str,
    title: str,
    slug: str,
    authors: str = "",
    root: Path | None = None,
    seen: int | str | None = None,
) -> list[Path]:
    """Write the files of a new article's chapter into the book at ``root``; return what was written.

    ``seen``: the last year whose published values the article could have seen (its year of
    publication, or when its references were consulted): the registry's ``seen`` (the vintage rule)."""
    from companion.sources import ROOT, source

    root = Path(root or ROOT)
    title = " ".join(title.split())
    new = NewArticle(str(article_id), slug, title, " ".join(authors.split()) or "author to transcribe")
    _refuse_taken(new, root)
    if not articles.YEAR_PATTERN.match(str(seen or "")):
        raise ScaffoldError(
            f"--seen {seen!r}: the last year whose published values the article could have seen "
            f"(four digits: its year of publication, or when its references were consulted)"
        )
    citation = root / "CITATION.cff"
    citation_text = _citation_with_reference(citation.read_text(encoding="utf-8"), new)
    intro = root / "intro.md"
    intro_text = _intro_with_row(intro.read_text(encoding="utf-8"), front_page_row(new.id, new.slug, new.cite_key))
    pins = {key: source(key).sha256 for key in EXAMPLE_SOURCES}
    reference = f'"{title}" (author, journal and year to complete).'
    written: list[Path] = []

    module = root / "companion" / "articles" / f"article{new.id}.py"
    module.write_text(module_text(new), encoding="utf-8")
    chapter = root / "chapters" / new.slug
    chapter.mkdir(parents=True)
    (chapter / "index.md").write_text(
        INDEX.format(
            title=title,
            reference=reference,
            cite_key=new.cite_key,
            id=new.id,
            figure=new.figure,
            notebook_stem=Path(NOTEBOOK_NAME).stem,
        ),
        encoding="utf-8",
    )
    nbformat.write(_notebook(new, pins), chapter / NOTEBOOK_NAME)
    written += [module, chapter / "index.md", chapter / NOTEBOOK_NAME]

    claims = root / "data" / "published" / "ledger_claims.csv"
    _append_row(
        claims,
        [
            new.claim_id,
            new.id,
            "(to transcribe: section, paragraph, line of the copy)",
            "(to transcribe: the article's words)",
            "Share of Internet users in Kazakhstan in 2020 (example claim)",
            "",
            "%",
            0.05,
        ],
    )
    names = root / "data" / "mappings" / "exhibits_names.csv"
    _append_row(
        names,
        [
            new.figure,
            new.id,
            "beyond the article",
            "example figure of the scaffold: the national share of Internet users by year",
        ],
    )
    kinds = root / "data" / "mappings" / "ledger_discrepancy_types.csv"  # every differing claim has a kind
    _append_row(
        kinds,
        [
            f"^{new.claim_id}$",
            PENDING,
            "the printed words and value of the scaffold's example claim are still to transcribe from the article",
        ],
    )
    registry = root / "data" / "articles.yaml"
    old_table = articles.markdown(articles.load(registry))
    declaration = {
        "id": new.id,
        "cite_key": new.cite_key,
        "slug": new.slug,
        "title": title,
        "authors": new.authors,
        "reference": reference,
        "reference_text": reference.replace('"', ""),
        "module": new.module,
        "seen": int(seen),
        "seen_why": "(to transcribe: why that year, e.g. the article's date of publication)",
    }
    entry = yaml.safe_dump([declaration], allow_unicode=True, sort_keys=False, width=100)
    _append_line(registry, "".join(f"  {line}" for line in entry.splitlines(keepends=True)))
    readme = root / "README.md"  # its article table is generated from the registry
    readme.write_text(
        readme.read_text(encoding="utf-8").replace(old_table, articles.markdown(articles.load(registry))),
        encoding="utf-8",
    )
    _append_line(root / "references.bib", _bib_entry(new))
    toc = root / "_toc.yml"
    toc.write_text(_toc_with_chapter(toc.read_text(encoding="utf-8"), new), encoding="utf-8")
    intro.write_text(intro_text, encoding="utf-8")
    citation.write_text(citation_text, encoding="utf-8")
    written += [claims, names, kinds, registry, readme, root / "references.bib", toc, intro, citation]
    return written
