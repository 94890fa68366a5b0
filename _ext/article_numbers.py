"""Figures numbered as each article numbers them (issue 25.6), not in one run across the book.

Sphinx numbers every figure of the book in one sequence (Figure 1 ... Figure 14), so article 004's
own Figure 1 was captioned "Figure 10". A reader holding the article expects its numbers. After
Sphinx has numbered the figures (``env-get-updated``, after its toctree collector), each figure's
number is replaced by its name from ``data/mappings/exhibits_names.csv``, the book's one list of what
each exhibit is in its article:

* a figure the article prints keeps the article's name: "Figure 1 (article 004)";
* a figure drawing a table the article prints is named after the table: "Table 1 a) (article 000), drawn";
* the book's own figures, which the article does not have, are "Companion figure N (article 000)",
  counted within each article in the order of the book ("all articles" for the book's summary).

``numfig_format`` is "%s" for figures (``_config.yml``), so captions and ``{numref}`` cross-references show these names
as they are, in the HTML book and in the single page printed to PDF. A figure missing from the list is
a build error naming the file to add it to. When the names change, every page is written again (a
page may cross-reference a figure of another page).
"""

from __future__ import annotations

import csv
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

NAMES = Path("data") / "mappings" / "exhibits_names.csv"
BEYOND = "beyond the article"


def _names(srcdir: Path) -> dict[str, tuple[str, str]]:
    with (srcdir / NAMES).open(encoding="utf-8", newline="") as handle:
        return {row["exhibit"]: (row["article"], row["article_name"]) for row in csv.DictReader(handle)}


def article_numbers(numbers: dict[str, dict[str, tuple]], names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The name of each figure (by id) from Sphinx's numbers ``{docname: {id: (n,)}}`` and the list
    of exhibits' names ``{id: (article, article's name)}``; ids missing from the list are left out."""
    order = sorted(
        ((number, figure) for figures in numbers.values() for figure, number in figures.items()),
        key=lambda item: tuple(int(n) if str(n).isdigit() else 0 for n in item[0]),
    )
    counts: dict[str, int] = {}
    shown = {}
    for _, figure in order:
        if figure not in names:
            continue
        article, name = names[figure]
        of = "all articles" if article == "all" else f"article {article}"
        if name == BEYOND:
            counts[article] = counts.get(article, 0) + 1
            shown[figure] = f"Companion figure {counts[article]} ({of})"
        elif name.startswith("Table"):
            plural = "Tables" if " and " in name else "Table"
            shown[figure] = f"{plural}{name[len('Table') :]} ({of}), drawn"
        else:
            shown[figure] = f"{name} ({of})"
    return shown


def _renumber(app, env):
    numbers = {doc: dict(kinds.get("figure", {})) for doc, kinds in env.toc_fignumbers.items()}
    if not any(numbers.values()):
        return []
    path = Path(app.srcdir) / NAMES
    if not path.is_file():
        logger.error(f"error: {path} is missing: it names every figure as its article does; restore it")
        return []
    names = _names(Path(app.srcdir))
    shown = article_numbers(numbers, names)
    for doc, figures in numbers.items():
        for figure in figures:
            if figure not in shown:
                logger.error(
                    f"error: figure {figure!r} ({doc}) is not in {NAMES}: add a row naming it as its "
                    f"article does (or '{BEYOND}')"
                )
                continue
            env.toc_fignumbers[doc]["figure"][figure] = (shown[figure],)
    changed = getattr(env, "companion_figure_names", None) != shown
    env.companion_figure_names = shown
    return sorted(env.found_docs) if changed else []


def setup(app):
    app.connect("env-get-updated", _renumber, priority=900)  # after Sphinx numbered the figures
    return {"parallel_read_safe": True, "parallel_write_safe": True, "env_version": 1}
