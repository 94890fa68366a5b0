"""The articles the book recomputes: one declaration each (the registry), in ``data/articles.yaml``.

Everything that needs to know the articles reads them from here: the ledger (which modules register
claims), the claims command's ``--article`` choices, readable tables (an article's authors instead of
its id), the ledger page's references, the README's article table (:func:`markdown`, printed by
``python -m companion articles``), the check that ``_toc.yml`` has one chapter per article, and the
tests. An article's id is its file number in the project's article copies (``000``).

The declarations are data, not code, so that adding an article (``python -m companion new-article``,
:mod:`companion.book.scaffold`) appends one entry to a YAML file and edits no shared Python module.
A declaration with a missing or unknown field, or an id, slug, cite key or module used twice, is one
error naming the file and the article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

import yaml

from companion.core.checkout import BOOK_ROOT as ROOT

REGISTRY = ROOT / "data" / "articles.yaml"
ID_PATTERN = re.compile(r"^\d{3}$")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
YEAR_PATTERN = re.compile(r"^\d{4}$")


class RegistryError(ValueError):
    """data/articles.yaml is malformed."""


@dataclass(frozen=True)
class Article:
    id: str  # the file number of the article copy: "000"
    cite_key: str  # its key in references.bib
    slug: str  # its chapter folder under chapters/
    title: str  # as printed
    authors: str  # short label for tables and counts: "Fazylzhan (2022)"
    reference: str  # the full reference (Markdown), as the README and the chapter page give it
    reference_text: str  # the same in plain text, as the ledger page prints it
    module: str  # the package module that computes its claims
    seen: str  # the last year whose published values the article could have seen (the ledger's vintage rule)
    seen_why: str  # why that year (its date of publication, the date its references were consulted, ...)

    @property
    def chapter(self) -> str:
        return f"chapters/{self.slug}"


FIELDS = tuple(f.name for f in fields(Article))


def load(path=REGISTRY) -> tuple[Article, ...]:
    """The declarations of ``path`` (default ``data/articles.yaml``), checked."""
    if not path.is_file():
        raise FileNotFoundError(f"the article registry {path} is missing; it is part of the repository")
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = document.get("articles") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: expected a non-empty list under 'articles'")
    out, seen = [], {name: set() for name in ("id", "slug", "cite_key", "module")}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}, article {number} (id {entry.get('id') if isinstance(entry, dict) else entry})"
        if not isinstance(entry, dict):
            raise RegistryError(f"{where}: expected a mapping of {', '.join(FIELDS)}")
        missing = [f for f in FIELDS if not str(entry.get(f) or "").strip()]
        unknown = sorted(set(entry) - set(FIELDS))
        if missing or unknown:
            raise RegistryError(
                f"{where}: "
                + "; ".join([f"missing {missing}"] * bool(missing) + [f"unknown {unknown}"] * bool(unknown))
            )
        article = Article(**{f: str(entry[f]).strip() for f in FIELDS})
        if not ID_PATTERN.match(article.id):
            raise RegistryError(f"{where}: id must be three digits, not {article.id!r}")
        if not YEAR_PATTERN.match(article.seen):
            raise RegistryError(f"{where}: seen must be a year (four digits), not {article.seen!r}")
        if not SLUG_PATTERN.match(article.slug):
            raise RegistryError(f"{where}: slug must be lower-case words joined by '-', not {article.slug!r}")
        for name, used in seen.items():
            value = getattr(article, name)
            if value in used:
                raise RegistryError(f"{where}: {name} {value!r} is declared twice")
            used.add(value)
        out.append(article)
    return tuple(out)


ARTICLES: tuple[Article, ...] = load()
IDS: tuple[str, ...] = tuple(a.id for a in ARTICLES)


def by_id(article_id: str) -> Article:
    for article in ARTICLES:
        if article.id == str(article_id):
            return article
    raise KeyError(f"no article {article_id!r}; the registry ({REGISTRY.name}) has {', '.join(IDS)}")


def label(article_id: str) -> str:
    """The authors' label of an article id, for tables and counts."""
    return by_id(article_id).authors


def markdown(registry: tuple[Article, ...] | None = None) -> str:
    """The README's article table (``python -m companion articles`` prints it)."""
    lines = ["| # | article | chapter |", "|---|---|---|"]
    lines += [f"| {a.id} | {a.reference} | `{a.chapter}/` |" for a in (ARTICLES if registry is None else registry)]
    return "\n".join(lines)
