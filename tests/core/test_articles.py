"""The article registry (data/articles.yaml, companion.core.registry) is the one declaration of each article:
the ledger, the CLI, the README's article table, the table of contents and the bibliography agree with it."""

import importlib
import re

import pytest
import yaml
from conftest import ROOT, free_article_id

from companion import ledger
from companion.__main__ import main
from companion.core import registry as articles
from companion.sources import published


def test_the_readme_article_table_is_the_registrys():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert articles.markdown() in readme, "README's article table is stale: paste `python -m companion articles`"


def test_the_ledger_reads_the_registrys_modules():
    assert ledger.ARTICLE_MODULES == tuple(a.module for a in articles.ARTICLES)
    for article in articles.ARTICLES:
        assert importlib.import_module(article.module).__name__ == article.module


def test_every_claim_belongs_to_a_registered_article_and_is_named_after_it():
    claims = published.claims()
    assert set(claims["article"]) <= set(articles.IDS)
    for row in claims.itertuples():
        assert row.claim_id.startswith(f"{row.article}-"), row.claim_id


def test_the_claims_command_takes_exactly_the_registered_articles(capsys):
    assert main(["claims", "--article", articles.IDS[-1]]) == 0
    assert {line.split(",")[1] for line in capsys.readouterr().out.splitlines()[1:]} == {articles.IDS[-1]}
    unknown = free_article_id()  # an id no article has
    assert main(["claims", "--article", unknown]) == 2
    assert capsys.readouterr().err == (
        f"error: no article '{unknown}' in data/articles.yaml (articles: {', '.join(articles.IDS)})\n"
    )


def test_the_table_of_contents_has_one_chapter_per_article_in_registry_order():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    part = next(p for p in toc["parts"] if p["caption"] == "The articles, recomputed")
    assert [c["file"] for c in part["chapters"]] == [f"{a.chapter}/index" for a in articles.ARTICLES]
    for chapter, article in zip(part["chapters"], articles.ARTICLES):
        assert chapter["sections"] == [{"glob": f"{article.chapter}/[0-9]*"}]


def test_every_article_has_its_chapter_and_its_bibliography_entry():
    bib = (ROOT / "references.bib").read_text(encoding="utf-8")
    for article in articles.ARTICLES:
        index = ROOT / article.chapter / "index.md"
        assert index.is_file(), index
        assert f"{{cite:p}}`{article.cite_key}`" in index.read_text(encoding="utf-8"), index
        assert re.search(rf"^@\w+\{{{re.escape(article.cite_key)},", bib, re.M), article.cite_key
        assert published.ARTICLES[article.id] == article.reference_text


def _write(tmp_path, entries):
    path = tmp_path / "articles.yaml"
    path.write_text(yaml.safe_dump({"articles": entries}), encoding="utf-8")
    return path


def _entry(**changes):
    entry = {f: getattr(articles.ARTICLES[0], f) for f in articles.FIELDS}
    entry.update(changes)
    return entry


def test_a_malformed_registry_is_one_error_naming_the_file_and_the_article(tmp_path):
    with pytest.raises(articles.RegistryError, match=r"articles.yaml, article 1 \(id 000\): missing \['title'\]$"):
        articles.load(_write(tmp_path, [_entry(title="")]))
    with pytest.raises(articles.RegistryError, match="slug 'participation-uk-kz' is declared twice"):
        articles.load(_write(tmp_path, [_entry(), _entry(id="009", cite_key="x", module="m")]))
    with pytest.raises(articles.RegistryError, match="id must be three digits"):
        articles.load(_write(tmp_path, [_entry(id="12")]))
    with pytest.raises(articles.RegistryError, match=r"unknown \['year'\]"):
        articles.load(_write(tmp_path, [_entry(year=2022)]))
    assert articles.load(_write(tmp_path, [_entry()])) == articles.ARTICLES[:1]
