"""The how-to (about/adding-an-article.md), followed step by step on a scratch article in a temporary
copy of the book (the repository's files, as ``git ls-files`` lists them, tracked again by a git
repository of the copy's own): ``python -m companion new-article`` adds the article (step 1); what it
printed is ``git add``ed and nothing is left untracked (step 2); its copy goes in a folder named by
``COMPANION_ARTICLES`` (step 4); a claim printed in words is transcribed, recomputed from a loader for
more rows of a file the book already reads, added as the how-to's own code block says (steps 4-5); the
refresh (step 7) executes the scratch notebook, copies its figure's baseline and says what it rewrote;
then ``make test``'s checks (stored outputs, precision, house style, nbval, the registry, names,
skeleton, the ledger) and ruff pass on it. Only the scratch notebook is executed, and the book is not
built (the refresh's plan is checked instead): the run stays short. Then the copy is removed.

The id is one the registry does not use (the highest free one), so the test keeps working when more
articles are added. The copy runs its own package (``PYTHONPATH=<copy>``) with this checkout's
interpreter, and reads the raw data from this checkout's verified cache or the mirror (no download,
nothing written here).
"""

import csv
import io
import os
import re
import shutil
import subprocess
import sys
import time

import pytest
import yaml
from conftest import ROOT, copy_checkout, copy_env, free_article_id

from companion.book import skeleton
from companion.core import registry as articles

HOW_TO = ROOT / "about" / "adding-an-article.md"


ID = free_article_id()
TAKEN = articles.ARTICLES[0]  # an article that exists, for the refusals
SLUG = f"scratch-article-{ID}"
CLAIM = f"{ID}-example-kz-share-2020"
WORDS_CLAIM = f"{ID}-rural-users-tripled"
NOTEBOOK = f"chapters/{SLUG}/01_example_claim.ipynb"
FIGURE = f"fig-article{ID}-example-kz-share"

pytestmark = pytest.mark.xdist_group("scaffold")


def _run(copy, *args, extra_env=None, timeout=300):
    env = {**copy_env(copy), **(extra_env or {})}
    return subprocess.run([str(a) for a in args], cwd=copy, env=env, capture_output=True, text=True, timeout=timeout)


def _git(copy, *args):
    return subprocess.run(["git", *args], cwd=copy, capture_output=True, text=True, check=True).stdout


def _untracked(copy) -> list[str]:
    return _git(copy, "ls-files", "--others", "--exclude-standard").split()


def _how_to_loader() -> str:
    """The code block of the how-to's section on a loader for more rows of a file the book reads."""
    text = HOW_TO.read_text(encoding="utf-8")
    section = text.split("### A loader for more rows of a file the book reads", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


WORDS_FUNCTION = f'''
@recomputes("{WORDS_CLAIM}")
def rural_users_tripled() -> Recomputed:
    """The scratch claim in words: the rural share of Internet users 2011-2020, as a ratio."""
    shares = kazstat.internet_share_by_group().set_index(["group", "year"])["share"]
    return Recomputed(
        float(shares[("rural", 2020)] / shares[("rural", 2011)]),
        KAZSTAT_KEYS,
        EXAMPLE_NOTEBOOK,
        "rural share 2020 over 2011, SDG 17.8.1 file",
        role=CITED,
        reading="'tripled' read as a ratio from 2.75 to 3.25",
        read_as=3.0,
        tolerance=0.25,
    )


'''


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """A temporary copy of the book's tracked files, tracked by a git repository of its own (removed at the end)."""
    copy = copy_checkout(tmp_path_factory.mktemp("book") / "book")
    _git(copy, "init", "--quiet")
    _git(copy, "add", "--all")
    yield copy
    shutil.rmtree(copy)
    assert not copy.exists()


@pytest.fixture(scope="module")
def followed(copy, tmp_path_factory):
    """The copy after the how-to's steps; what each step printed, and how long each took."""
    out, timings = {}, {}
    started = time.monotonic()
    # 1. scaffold the chapter
    result = _run(
        copy,
        *(sys.executable, "-m", "companion", "new-article", ID, "--title", "A scratch article on Internet use"),
        *("--slug", SLUG, "--authors", "Scratch article", "--seen", "2022"),
    )
    assert result.returncode == 0, result.stderr
    out["written"] = result.stdout.split()
    timings["scaffold"] = time.monotonic() - started
    # 2. git add what it printed, at once
    out["untracked before add"] = _untracked(copy)
    _git(copy, "add", *out["written"])
    out["untracked after add"] = _untracked(copy)
    # 4. transcribe: the copy of the article in a folder of our own; a claim printed in words
    folder = tmp_path_factory.mktemp("articles")
    (folder / f"{ID}_scratch.txt").write_text(
        "Results\nThe share of rural residents using the Internet has tripled since 2011.\n", encoding="utf-8"
    )
    out["articles"] = {"COMPANION_ARTICLES": str(folder)}
    with (copy / "data/published/ledger_claims.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [
                WORDS_CLAIM,
                ID,
                "Results, first paragraph (line 2 of the text copy)",
                "has tripled since 2011",
                "The share of rural residents using the Internet tripled from 2011 to 2020 (read: a ratio of 3)",
                "tripled",
                "ratio",
                "",
            ]
        )
    with (copy / "data/mappings/ledger_discrepancy_types.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow(
            [f"^{WORDS_CLAIM}$", "typo or slip in the article", "scratch claim of tests/book/test_scaffold.py"]
        )
    # 5. recompute: the how-to's loader for more rows of the SDG 17.8.1 file, and the claim's function
    kazstat = copy / "companion" / "sources" / "kazstat.py"
    kazstat.write_text(kazstat.read_text(encoding="utf-8") + "\n\n" + _how_to_loader(), encoding="utf-8")
    module = copy / "companion" / "articles" / f"article{ID}.py"
    text = module.read_text(encoding="utf-8")
    tables = skeleton.banner("Tables")
    module.write_text(text.replace(tables, WORDS_FUNCTION.lstrip("\n") + tables), encoding="utf-8")
    # 7. refresh: its plan, then the refresh itself with the scratch notebook as the only one executed
    result = _run(copy, sys.executable, "-m", "companion", "refresh", "--dry-run", ID)
    assert result.returncode == 0, result.stderr
    out["plan"] = result.stdout.splitlines()
    started = time.monotonic()
    only_scratch = (
        "import sys; from pathlib import Path; from companion import refresh; "
        f"refresh.notebooks = lambda ids, root: [Path({NOTEBOOK!r}).resolve()]; "
        f"print('\\n'.join(refresh.refresh([{ID!r}])))"
    )
    result = _run(copy, sys.executable, "-c", only_scratch, extra_env=out["articles"])
    assert result.returncode == 0, result.stderr
    timings["refresh (the scratch notebook)"] = time.monotonic() - started
    out["rewrote"] = result.stdout.split()
    out["untracked after refresh"] = _untracked(copy)
    _git(copy, "add", *out["rewrote"])
    out["timings"] = timings
    return copy, out


def test_the_scaffold_writes_the_chapter_declares_it_and_prints_what_to_add(followed):
    copy, out = followed
    for name in (
        f"companion/articles/article{ID}.py",
        f"chapters/{SLUG}/index.md",
        NOTEBOOK,
        "intro.md",
        "CITATION.cff",
    ):
        assert name in out["written"], name
    assert out["untracked before add"], "the scaffold wrote no new file?"
    assert out["untracked after add"] == []  # what it printed is everything to add
    assert f"chapters/{SLUG}/index" in (copy / "_toc.yml").read_text(encoding="utf-8")
    assert f"@misc{{article{ID}," in (copy / "references.bib").read_text(encoding="utf-8")
    assert f"| {ID} |" in (copy / "README.md").read_text(encoding="utf-8")
    intro = (copy / "intro.md").read_text(encoding="utf-8")
    assert f"| {{doc}}`chapters/{SLUG}/index` | {{cite:t}}`article{ID}` |" in intro
    assert f"01_ledger.ipynb::rating_{ID}:s" in intro
    cff = yaml.safe_load((copy / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["references"][-1]["title"] == "A scratch article on Internet use"
    registry = articles.load(copy / "data" / "articles.yaml")
    assert registry[-1].id == ID and registry[-1].seen == "2022"


def test_the_example_notebook_and_module_pass_ruff(followed):
    copy, _ = followed
    for command in (["check", "."], ["format", "--check", "."]):
        result = _run(copy, sys.executable, "-m", "ruff", *command)
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_article_copy_is_read_from_the_override(followed):
    copy, out = followed
    script = (
        f"from companion.ledger import numbers; path = numbers.article_file({ID!r}); "
        f"print(path); print(' '.join(numbers.extract(path.read_text(encoding='utf-8'), {ID!r})['number']))"
    )
    result = _run(copy, sys.executable, "-c", script, extra_env=out["articles"])
    assert result.returncode == 0, result.stderr
    path, found = result.stdout.splitlines()
    assert path == os.path.join(out["articles"]["COMPANION_ARTICLES"], f"{ID}_scratch.txt")
    assert sorted(found.split()) == ["2011", "tripled"]


def test_the_ledger_lists_the_claims_and_the_summaries_take_the_one_in_words(followed):
    copy, _ = followed
    result = _run(copy, sys.executable, "-m", "companion", "claims", "--article", ID)
    assert result.returncode == 0, result.stderr
    rows = {r["claim_id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert sorted(rows) == sorted([CLAIM, WORDS_CLAIM])
    # nothing transcribed yet: a recomputed value against no printed one never passes
    assert rows[CLAIM]["verdict"] == "differs" and float(rows[CLAIM]["recomputed"]) > 0
    assert rows[CLAIM]["notebook"] == NOTEBOOK
    words = rows[WORDS_CLAIM]
    assert words["published"] == "tripled" and words["verdict"] == "differs" and words["difference"]
    # what the summary pages of chapters/reproducibility/ compute over every claim
    script = (
        "from companion import ledger; claims = ledger.ledger(); "
        "gaps = claims[(claims['verdict'] == ledger.DIFFERS) & claims['difference'].notna()].copy(); "
        "gaps['relative'] = ledger.relative_gaps(gaps); "
        f"print(gaps.set_index('claim_id').loc[{WORDS_CLAIM!r}, 'relative']); "
        f"print(ledger.ratings(claims).set_index('article').loc[{ID!r}, 'rating']); "
        f"print(ledger.discrepancy_types(claims).set_index('claim_id').loc[{WORDS_CLAIM!r}, 'type'])"
    )
    result = _run(copy, sys.executable, "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["nan", "failed", "typo or slip in the article"]


def test_the_refresh_plans_every_page_the_article_touches_and_says_what_it_rewrote(followed):
    copy, out = followed
    plan = "\n".join(out["plan"])
    expected = [NOTEBOOK] + [
        str(p.relative_to(copy)) for p in sorted((copy / "chapters" / "reproducibility").glob("*.ipynb"))
    ]
    expected += ["about/data.ipynb", "about/exhibits.ipynb"]
    assert [line.removeprefix("execute: ") for line in out["plan"] if line.startswith("execute: ")] == expected
    assert "README.md" in plan and "intro.md" in plan and "tests/baseline_images/" in plan
    # the refresh executed the scratch notebook and made its figure's baseline: both rewritten, both listed
    assert NOTEBOOK in out["rewrote"] and f"tests/baseline_images/{FIGURE}.png" in out["rewrote"]
    assert f"tests/baseline_images/{FIGURE}.png" in out["untracked after refresh"]
    assert (copy / "tests" / "baseline_images" / f"{FIGURE}.png").read_bytes() == (
        copy / "_static" / "figures" / f"{FIGURE}.png"
    ).read_bytes()
    assert not set(out["untracked after refresh"]) - set(out["rewrote"])  # every new file is listed
    print(f"the how-to's path on this machine: {out['timings']}")


def test_make_tests_checks_pass_on_the_new_article(followed):
    copy, out = followed
    guards = [
        f"tests/notebooks/test_notebooks_stored.py::test_every_code_cell_is_stored_executed[{NOTEBOOK}]",
        f"tests/notebooks/test_notebooks_stored.py::test_glued_figures_are_stored_as_images[{NOTEBOOK}]",
        f"tests/core/test_precision.py::test_stored_outputs_follow_the_precision_rule[{NOTEBOOK}]",
        f"tests/book/test_house_style.py::test_notebook_follows_house_style[{NOTEBOOK}]",
    ]
    files = [
        "tests/core/test_articles.py",
        "tests/book/test_names.py",
        "tests/book/test_skeleton.py",
        "tests/ledger/test_ledger.py",
    ]
    files += ["tests/book/test_citation.py"]
    result = _run(
        copy,
        *(sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", *guards, *files, NOTEBOOK),
        *("--nbval", "--nbval-current-env"),
        extra_env=out["articles"],
    )
    assert result.returncode == 0, result.stdout[-4000:]
    passed = [line.split(" PASSED")[0] for line in result.stdout.splitlines() if " PASSED" in line]
    assert set(guards) <= set(passed)
    assert "tests/core/test_articles.py::test_the_readme_article_table_is_the_registrys" in passed
    assert "tests/ledger/test_ledger.py::test_the_vintage_rule_holds_for_every_deciding_piece_of_evidence" in passed
    cells = [name for name in passed if name.startswith(NOTEBOOK.removesuffix(".ipynb")) and "::Cell " in name]
    assert len(cells) == 4, passed  # nbval compared every code cell (the launch cell too) with a fresh run


def test_a_taken_id_or_slug_is_refused_with_a_clear_message(followed):
    copy, _ = followed
    before = (copy / "data" / "articles.yaml").read_text(encoding="utf-8")
    new = (sys.executable, "-m", "companion", "new-article")
    result = _run(copy, *new, ID, "--title", "x", "--slug", "other", "--seen", "2022")
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: article id {ID} exists: data/articles.yaml declares it")
    other = free_article_id(copy)
    result = _run(copy, *new, other, "--title", "x", "--slug", TAKEN.slug, "--seen", "2022")
    assert result.returncode == 2
    assert f"error: slug {TAKEN.slug} exists: data/articles.yaml gives it to article {TAKEN.id}" in result.stderr
    result = _run(copy, *new, "9a", "--title", "x", "--slug", "y", "--seen", "2022")
    assert result.returncode == 2 and "three digits" in result.stderr
    result = _run(copy, *new, other, "--title", "x", "--slug", "y", "--seen", "22")
    assert result.returncode == 2 and "--seen '22'" in result.stderr
    assert (copy / "data" / "articles.yaml").read_text(encoding="utf-8") == before
    assert not (copy / "chapters" / "other").exists() and not (copy / "chapters" / "y").exists()


def test_the_how_to_says_each_step_the_test_follows():
    text = HOW_TO.read_text(encoding="utf-8")
    for words in (
        "new-article 006",
        "--seen",
        "`git add` at once",
        "Before `make test`",
        "COMPANION_ARTICLES",
        "cannot write",
        "intro.md",
        "make refresh ARTICLE=006",
        "### A loader for more rows of a file the book reads",
        "tests/book/test_scaffold.py",
    ):
        assert words in text, words
    assert "@loader(" in _how_to_loader()
