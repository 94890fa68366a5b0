"""One naming scheme for what the book names: raw-file keys, transcribed files, figures and pages.

A name starts with its **owner**, then ``_`` (keys, files) or ``-`` (labels):

* the owner of an article's things is the article's module in the registry (``data/articles.yaml``):
  ``article000``, which is also its cite key;
* the owner of anything else is the package module that reads or makes it (``kazstat``, ``ledger``).

So:

================================  =============================================  ===================================
what                              pattern                                        example
================================  =============================================  ===================================
raw-file key (data/sources.yaml)  ``<loader module>_<what>``                     ``kazstat_sdg_17_8_1``
printed table or list             ``data/published/<article>_<what>.csv|yaml``   ``article000_table1a_kz_regions.csv``
book-wide transcription           ``data/published/<module>_<what>.csv``         ``ledger_claims.csv``
mapping                           ``data/mappings/<module that reads it>_<what>``  ``kazstat_table1a_areas.csv``
figure label (and its files)      ``fig-<article or module>-<what>``             ``fig-article000-convergence``
page label in an article chapter  ``<article>-<what>``                           ``article000-convergence``
================================  =============================================  ===================================

:func:`problems` lists every name that breaks the scheme (``tests/book/test_names.py`` asserts there are
none); :func:`companion.book.figures.save` refuses a figure label that breaks it, and the scaffold
(``python -m companion new-article``) writes names in it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from companion.core import package
from companion.core import registry as articles
from companion.sources import ROOT, sources

PAGE_LABEL = re.compile(r"^\(([A-Za-z0-9_-]+)\)=\s*$", re.MULTILINE)
FIGURE_LABEL = re.compile(r":name:\s*(fig-[A-Za-z0-9_-]+)")


def modules() -> tuple[str, ...]:
    """The package's module names (``kazstat``, ``ledger``...): owners of what is not an article's."""
    return tuple(sorted(name for name in package.files() if not name.startswith("_")))


def article_owners() -> tuple[str, ...]:
    """The articles' owner names, from the registry: ``article000``..."""
    return tuple(a.module.rsplit(".", 1)[-1] for a in articles.load())


def owner_of(name: str, sep: str) -> str | None:
    """The owner a name starts with (the longest that fits), or None."""
    owners = sorted(set(article_owners()) | set(modules()), key=len, reverse=True)
    return next((o for o in owners if name.startswith(o + sep) and len(name) > len(o) + 1), None)


def figure_problem(label: str) -> str | None:
    """Why a figure label breaks the scheme (None when it follows it)."""
    if not re.fullmatch(r"fig-[a-z0-9]+(?:-[a-z0-9]+)+", label):
        return f"figure label {label!r}: lower-case words joined by '-', starting 'fig-<owner>-'"
    if owner_of(label[len("fig-") :], "-") is None:
        return (
            f"figure label {label!r}: after 'fig-' comes its owner, an article of data/articles.yaml "
            f"({', '.join(article_owners())}) or a package module, then '-'"
        )
    return None


def _loader_modules() -> dict[str, set[str]]:
    """Raw-file key -> the modules whose @loader reads it."""
    from companion import sources as src
    from companion.ledger import exhibits

    exhibits._import_all()
    found: dict[str, set[str]] = {}
    for loader in src.LOADERS.values():
        module = package.short_names()[loader.name.rsplit(".", 1)[0]]  # companion.sources.kazstat.f -> kazstat
        for key in loader.keys + tuple(loader.among):
            found.setdefault(key, set()).add(module)
    return found


def _notebook_sources(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells)


def problems(root: Path = ROOT) -> list[str]:
    """Every name in the checkout that breaks the scheme, one line each."""
    found = []
    loaded_by = _loader_modules()
    for key in sorted(sources()):
        readers = loaded_by.get(key, set())
        owner = owner_of(key, "_")
        if not readers and owner is None:  # declared for the record (data page), read by no loader
            found.append(f"raw-file key {key!r}: starts with no package module")
        elif readers and owner not in readers:
            found.append(f"raw-file key {key!r}: read by {', '.join(sorted(readers))}, so it starts with that name")
    owners = set(article_owners())
    for folder in ("published", "mappings"):
        for path in sorted((root / "data" / folder).iterdir()):
            owner = owner_of(path.name, "_")
            if owner is None:
                found.append(f"data/{folder}/{path.name}: starts with neither an article nor a package module")
            elif owner not in owners and not package.files()[owner].read_text(encoding="utf-8").count(path.stem):
                found.append(f"data/{folder}/{path.name}: module {owner} never names it, so it is not its owner")
    for article in articles.load():
        owner = article.module.rsplit(".", 1)[-1]
        for path in sorted((root / article.chapter).glob("*")):
            if path.suffix not in {".md", ".ipynb"}:
                continue
            text = _notebook_sources(path) if path.suffix == ".ipynb" else path.read_text(encoding="utf-8")
            for label in PAGE_LABEL.findall(text):
                if not label.startswith(owner + "-"):
                    found.append(f"{path.relative_to(root)}: page label {label!r} starts with {owner}-")
            for label in FIGURE_LABEL.findall(text):
                if not label.startswith(f"fig-{owner}-"):
                    found.append(f"{path.relative_to(root)}: figure label {label!r} starts with fig-{owner}-")
    for path in sorted(root.glob("chapters/*/*.ipynb")) + sorted(root.glob("about/*.ipynb")):
        for label in FIGURE_LABEL.findall(_notebook_sources(path)):
            if problem := figure_problem(label):
                found.append(f"{path.relative_to(root)}: {problem}")
    return sorted(set(found))
