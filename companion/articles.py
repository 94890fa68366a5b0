"""The articles the book recomputes: one declaration each (the registry).

Everything that needs to know the articles reads them from here: the ledger (which modules register
claims), readable tables (an article's authors instead of its id), the README's article table and
the tests. An article's id is its file number in the project's article copies (``000``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    id: str            # the file number of the article copy: "000"
    cite_key: str      # its key in references.bib
    slug: str          # its chapter folder under chapters/
    title: str         # as printed
    authors: str       # short label for tables and counts: "Fazylzhan (2022)"
    reference: str     # the full reference, as the README and the chapter page give it
    module: str        # the package module that computes its claims

    @property
    def chapter(self) -> str:
        return f"chapters/{self.slug}"


ARTICLES: tuple[Article, ...] = (
    Article(
        id="000", cite_key="article000", slug="participation-uk-kz",
        title=("Comparative analysis of political participation in the context of the spread of digital "
               "technologies based on the study of the experience of the UK and Kazakhstan"),
        authors="Fazylzhan (2022)",
        reference=("Fazylzhan D. \"Comparative analysis of political participation in the context of the spread "
                   "of digital technologies based on the study of the experience of the UK and Kazakhstan\". "
                   "*Adam alemi*, 2022, No. 3 (93), pp. 102-110."),
        module="companion.article000"),
    Article(
        id="002", cite_key="article002", slug="institutions-egov",
        title=("The impact of the digitalization process on democratic political institutions and public "
               "administration: in the example of the Republic of Kazakhstan"),
        authors="Aitymbetov & Nyshanbaev",
        reference=("Aitymbetov N., Nyshanbaev N. \"The impact of the digitalization process on democratic "
                   "political institutions and public administration: in the example of the Republic of "
                   "Kazakhstan\". Grant AP09057996 (journal issue not printed in the copy)."),
        module="companion.article002"),
    Article(
        id="004", cite_key="article004", slug="electronic-involvement",
        title="Electronic public involvement: modern challenges for Kazakhstan",
        authors="\u201cElectronic public involvement\u201d (anonymous)",
        reference=("\"Electronic public involvement: modern challenges for Kazakhstan\" (author and journal "
                   "not printed in the copy)."),
        module="companion.article004"),
)


def by_id(article_id: str) -> Article:
    for article in ARTICLES:
        if article.id == str(article_id):
            return article
    raise KeyError(f"no article {article_id!r}; the registry (companion/articles.py) has "
                   f"{', '.join(a.id for a in ARTICLES)}")


def label(article_id: str) -> str:
    """The authors' label of an article id, for tables and counts."""
    return by_id(article_id).authors
