"""Every article module of the registry (data/articles.yaml) follows the one skeleton of
companion/book/skeleton.py: its docstring, its five sections under the same banners in the same order, its
constants named by the same rules; and so does the module the scaffold writes for a new article.
The check is shown to fail on modules broken on purpose, one departure each."""

import subprocess
import sys

import pytest
from conftest import ROOT, free_article_id

from companion.book import scaffold, skeleton
from companion.core import registry as articles

NEW = scaffold.NewArticle(
    free_article_id(), "scaffold-test-chapter", "A test article on Internet use in Kazakhstan", "Test"
)


def _scaffolded() -> str:
    return scaffold.module_text(NEW)


def _text(article) -> str:
    return (ROOT / (article.module.replace(".", "/") + ".py")).read_text(encoding="utf-8")


@pytest.mark.parametrize("article", articles.ARTICLES, ids=lambda a: a.module)
def test_every_article_module_follows_the_skeleton(article):
    assert skeleton.module_problems(article) == []


def test_the_registry_modules_have_their_sections_filled():
    """Each section of each article module holds something, or says in a comment that it holds nothing
    yet (``# (none yet: ...``, as the scaffold writes it for a new article's tables): none is silently empty."""
    for article in articles.ARTICLES:
        text = _text(article)
        positions = [text.index(skeleton.banner(s)) for s in skeleton.SECTIONS] + [len(text)]
        for section, start, end in zip(skeleton.SECTIONS, positions, positions[1:], strict=False):
            body = text[start:end].split("\n", 1)[1].splitlines()
            filled = any(line and not line.startswith("#") for line in body)
            assert filled or any(line.startswith("# (none yet") for line in body), (article.id, section)


def test_the_scaffold_writes_its_module_in_the_skeleton():
    text = _scaffolded()
    assert skeleton.problems(text, NEW.id, NEW.slug) == []
    for section in skeleton.SECTIONS:
        assert skeleton.banner(section) in text
    assert 'EXAMPLE_NOTEBOOK = f"{CHAPTER}/01_example_claim.ipynb"' in text
    assert 'KAZSTAT_KEYS = ("kazstat_sdg_17_8_1",)' in text


def test_the_scaffolds_module_is_clean_for_ruff():
    """The written module passes the linter and the formatter as the book's own files do."""
    text = _scaffolded()
    name = f"companion/articles/article{NEW.id}.py"
    for command in (["check", "--stdin-filename", name, "-"], ["format", "--check", "--stdin-filename", name, "-"]):
        ruff = [sys.executable, "-m", "ruff", *command]
        result = subprocess.run(ruff, input=text, cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def _swap_sections(text: str) -> str:
    claims, tables = skeleton.banner("Claims"), skeleton.banner("Tables")
    return text.replace(claims, "@@").replace(tables, claims).replace("@@", tables)


def _constant_in_claims(text: str) -> str:
    banner = skeleton.banner("Claims")
    return text.replace(banner, f'{banner}\n\nLATE = "a constant outside its section"\n')


def _function_in_constants(text: str) -> str:
    banner = skeleton.banner("Constants")
    return text.replace(banner, f"{banner}\n\n\ndef helper():\n    return 1\n\n")


def _claim_in_tables(text: str) -> str:
    banner = skeleton.banner("Tables")
    claim = f'@recomputes("{NEW.id}-late")\ndef late():\n    return None\n'
    return text.replace(banner, f"{banner}\n\n\n{claim}\n")


def _reader_reading_nothing(text: str) -> str:
    banner = skeleton.banner("Loaders used")
    return text.replace(banner, f"{banner}\n\n\ndef constant_share():\n    return 0.5\n\n")


BROKEN = {  # departure -> (how to break a module text, words the message must contain)
    "sections out of order": (_swap_sections, "in order"),
    "a banner missing": (lambda t: t.replace(skeleton.banner("Tables") + "\n", ""), "in order"),
    "a banner of another style": (
        lambda t: t.replace(skeleton.banner("Tables"), "# --- Tables ---"),
        "not a banner of the skeleton",
    ),
    "a notebook path named NB_": (lambda t: t.replace("EXAMPLE_NOTEBOOK", "NB_EXAMPLE"), "<WHAT>_NOTEBOOK"),
    "a notebook path not under CHAPTER": (
        lambda t: t.replace('f"{CHAPTER}/01_example_claim.ipynb"', '"chapters/x/01_example_claim.ipynb"'),
        'f"{CHAPTER}/NN_name.ipynb"',
    ),
    "source keys not named _KEYS": (lambda t: t.replace("KAZSTAT_KEYS", "KAZSTAT_SOURCES"), "<WHAT>_KEYS"),
    "source keys written in place": (
        lambda t: t.replace("        KAZSTAT_KEYS,\n", '        ("kazstat_sdg_17_8_1",),\n'),
        "written in place",
    ),
    "a _KEYS constant holding no source keys": (
        lambda t: t.replace('KAZSTAT_KEYS = ("kazstat_sdg_17_8_1",)', 'KAZSTAT_KEYS = ("no_such_key",)'),
        "raw-file keys",
    ),
    "a constant outside Constants": (_constant_in_claims, "constants go in 'Constants'"),
    "a function in Constants": (_function_in_constants, "only constants go there"),
    "a claim function outside Claims": (_claim_in_tables, "it goes in 'Claims'"),
    "a function in Loaders used that reads nothing": (_reader_reading_nothing, "reads no loader module"),
    "a private constant": (lambda t: t.replace("KAZSTAT_KEYS", "_KAZSTAT_KEYS"), "UPPER_CASE"),
    "no Chapter line": (lambda t: t.replace("Chapter: ``chapters/", "Chapter: chapters/"), "Chapter:"),
    "the wrong chapter": (
        lambda t: t.replace('CHAPTER = "chapters/scaffold-test-chapter"', 'CHAPTER = "chapters/other"'),
        "registry's chapter",
    ),
    "a loader module not in Sources": (
        lambda t: t.replace(":mod:`companion.sources.kazstat`", "the national statistics"),
        ":mod:`companion.sources.kazstat`",
    ),
    "a docstring not naming the article": (
        lambda t: t.replace(f'"""Article {NEW.id} (', '"""Module ('),
        f"Article {NEW.id}",
    ),
    "an import below the banners": (
        lambda t: t.replace(skeleton.banner("Tables"), skeleton.banner("Tables") + "\n\nimport math\n"),
        "an import below the banners",
    ),
}


@pytest.mark.parametrize("departure", BROKEN)
def test_the_check_finds_a_module_broken_on_purpose(departure):
    break_it, words = BROKEN[departure]
    text = _scaffolded()
    broken = break_it(text)
    assert broken != text, f"the mutation {departure!r} changed nothing: the test would prove nothing"
    found = skeleton.problems(broken, NEW.id, NEW.slug)
    assert any(words in message for message in found), found


def test_the_check_finds_a_registry_module_broken_on_purpose():
    """The same check on a real module: article002 with its notebook paths named the old way."""
    article = articles.by_id("002")
    broken = _text(article).replace("RANKS_NOTEBOOK", "NB_RANKS")
    found = skeleton.problems(broken, article.id, article.slug)
    assert any("NB_RANKS" in message and "<WHAT>_NOTEBOOK" in message for message in found), found
