"""CITATION.cff is valid Citation File Format 1.2.0 and agrees with the package version."""

import json
from importlib.metadata import version

import jsonschema
import yaml
from conftest import ROOT

from companion.core import registry as articles


def test_citation_cff_is_valid():
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-cff-1.2.0.schema.json").read_text())
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    cff["date-released"] = str(cff["date-released"])  # YAML reads it as a date, the schema wants a string
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(cff)


def test_citation_version_is_the_book_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert str(cff["version"]) == version("companion")


def test_every_article_of_the_registry_is_referenced():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    titles = [ref["title"] for ref in cff["references"]]
    missing = [a.id for a in articles.ARTICLES if a.title not in titles]
    assert not missing, f"CITATION.cff references none of the titles of articles {missing} (data/articles.yaml)"
