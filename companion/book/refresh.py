"""Everything an added or changed article touches, made again: ``python -m companion refresh [ID ...]``
(``make refresh``, or ``make refresh ARTICLE=006`` for one article).

An article's claims and figures show on pages beyond its own chapter: the ledger and the summaries of
``chapters/reproducibility/``, the list of tables and figures and the data page under ``about/``, the
front page's table of chapters, the README's table of articles and the figure baselines of the image
tests. This command makes them all again at once (``make execute`` and ``make baselines`` each do one
part on request; no command rewrites them as a side effect):

1. the README's article table, made from ``data/articles.yaml`` (:func:`companion.core.registry.markdown`);
2. the front page's table of chapters (``intro.md``): a row for every article that has none
   (:func:`companion.book.scaffold.front_page_row`; rows that are there are kept as written);
3. the notebooks, executed in place (:func:`companion.book.notebooks.execute`) in this order: the chapters
   of the articles named (all of them when none is), then the reproducibility chapter, then the about/
   pages' notebooks (all but :data:`SKIPPED`);
4. the figure baselines: every figure PNG the executed notebooks exported, copied to
   ``tests/baseline_images/`` (what ``make baselines`` does after a whole build).

It then prints every file it wrote whose content changed (a new baseline image too), one per line,
compared by content: a notebook executed again with the same outputs is not listed. ``--dry-run``
prints what it would run and write (:func:`plan`), and changes nothing.
"""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from companion.core import registry as articles
from companion.core.checkout import BOOK_ROOT as ROOT

SHARED_DIRS = ("chapters/reproducibility", "about")  # every article's claims show on these pages
SKIPPED = {
    "about/environment.ipynb": "shows the record of the computing environment, which only "
    "`make environment-record` writes; no article changes it",
}
BASELINES = "tests/baseline_images"
FIGURES = "_static/figures"
README_TABLE_HEAD = "| # | article | chapter |"


class RefreshError(ValueError):
    """The refresh cannot run as asked (the message says why)."""


def notebooks(article_ids=None, root: Path = ROOT) -> list[Path]:
    """The notebooks to execute, in order: the articles' chapters (every article's when ``article_ids``
    is empty), the reproducibility chapter, the about/ pages' (without :data:`SKIPPED`)."""
    registry = articles.load(root / "data" / "articles.yaml")
    known = {a.id: a for a in registry}
    unknown = [i for i in article_ids or () if i not in known]
    if unknown:
        raise RefreshError(f"no article {', '.join(unknown)} in data/articles.yaml (articles: {', '.join(known)})")
    chosen = [known[i] for i in article_ids] if article_ids else list(registry)
    paths = [p for a in chosen for p in sorted((root / a.chapter).glob("[0-9]*.ipynb"))]
    for folder in SHARED_DIRS:
        paths += [p for p in sorted((root / folder).glob("*.ipynb")) if _relative(p, root) not in SKIPPED]
    return paths


def readme_with_table(text: str, table: str) -> str:
    """The README with its article table (the lines from :data:`README_TABLE_HEAD` on) replaced by ``table``."""
    lines = text.split("\n")
    if README_TABLE_HEAD not in lines:
        raise RefreshError(f"README.md has no article table (a line {README_TABLE_HEAD!r})")
    start = lines.index(README_TABLE_HEAD)
    end = start
    while end < len(lines) and lines[end].startswith("|"):
        end += 1
    return "\n".join(lines[:start] + table.split("\n") + lines[end:])


def intro_with_rows(text: str, root: Path = ROOT) -> str:
    """``intro.md`` with a row for every article of the registry that has none in its table of chapters."""
    from companion.book.scaffold import _intro_with_row, front_page_row

    for article in articles.load(root / "data" / "articles.yaml"):
        if f"{{doc}}`{article.chapter}/index`" not in text:
            text = _intro_with_row(text, front_page_row(article.id, article.slug, article.cite_key))
    return text


def _relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()


def _digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def _watched(root: Path, paths: list[Path]) -> list[Path]:
    """The files the refresh writes, whose change it reports: the README, the front page, the notebooks
    it executes and the baseline images (a new one too). A file edited meanwhile by hand elsewhere is
    not reported as the refresh's."""
    return sorted({root / "README.md", root / "intro.md", *paths, *(root / BASELINES).glob("fig-*.png")})


def _write_if_changed(path: Path, text: str) -> None:
    if path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def plan(article_ids=None, root: Path = ROOT) -> list[str]:
    """What :func:`refresh` would do, one line each (``--dry-run`` prints it)."""
    lines = ["make again: README.md (its article table), intro.md (a row for every article)"]
    lines += [f"execute: {_relative(path, root)}" for path in notebooks(article_ids, root)]
    lines += [f"skip: {name} ({why})" for name, why in SKIPPED.items()]
    lines += [f"copy the figures the notebooks export ({FIGURES}/fig-*.png) to {BASELINES}/"]
    return lines


def refresh(article_ids=None, root: Path = ROOT) -> list[str]:
    """Make again everything the articles ``article_ids`` (default: all) touch; return the files whose
    content changed (paths from the book's root)."""
    root = Path(root)
    paths = notebooks(article_ids, root)
    readme, intro = root / "README.md", root / "intro.md"
    table = articles.markdown(articles.load(root / "data" / "articles.yaml"))
    before = {p: _digest(p) for p in _watched(root, paths)}
    _write_if_changed(readme, readme_with_table(readme.read_text(encoding="utf-8"), table))
    _write_if_changed(intro, intro_with_rows(intro.read_text(encoding="utf-8"), root))

    from companion.book.notebooks import execute_checked

    figures = root / FIGURES
    exported_before = {p.name: p.stat().st_mtime_ns for p in figures.glob("fig-*.png")}
    for path in paths:
        print(f"executing {_relative(path, root)}", file=sys.stderr)
        message = execute_checked(path)
        if message is not None:
            raise RefreshError(f"{_relative(path, root)}: {message}")
    baselines = root / BASELINES
    baselines.mkdir(parents=True, exist_ok=True)
    for png in sorted(figures.glob("fig-*.png")):
        if exported_before.get(png.name) != png.stat().st_mtime_ns:  # exported by this run
            if _digest(baselines / png.name) != _digest(png):
                shutil.copyfile(png, baselines / png.name)

    after = {p: _digest(p) for p in _watched(root, paths)}
    changed = sorted(_relative(p, root) for p in set(before) | set(after) if before.get(p) != after.get(p))
    return changed
