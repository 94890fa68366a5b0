"""Every number printed in the three articles is a claim of the ledger or is skipped with a stated reason
(``data/published/numbers_index.csv``, made by ``python -m companion numbers`` from the article copies)."""

import re

import pytest

from companion import ledger
from companion.ledger import numbers
from companion.sources import published


def indexed_claims():
    """The text claims of the articles whose copies the index covers (numbers.ARTICLE_IDS): an article
    added later (python -m companion new-article) has no copy here until one is added and indexed."""
    claims = published.claims()
    return claims[claims["article"].isin(numbers.ARTICLE_IDS)]


@pytest.fixture(scope="module")
def index():
    return numbers.read_index()


@pytest.fixture(scope="module")
def claim_ids():
    table_ids = set()
    for name in ("article000_table1a_kz_regions", "article000_table1b_uk_regions"):
        table_ids |= set(ledger.table_claims(name)["claim_id"])
    return set(published.claims()["claim_id"]) | table_ids


def test_every_number_is_a_claim_or_skipped_with_a_reason(index, claim_ids):
    assert numbers.problems(index, claim_ids) == []


def test_every_printed_table_cell_and_every_numeric_text_claim_is_indexed(index, claim_ids):
    indexed = set(index["claim_id"]) - {""}
    cells = {c for c in claim_ids if re.match(r"^\d{3}-T", c)}
    assert len(cells) == 93 and cells <= indexed
    claims = indexed_claims()
    with_digits = set(claims.loc[claims["printed"].str.contains(r"\d"), "claim_id"])
    assert with_digits - indexed == set(), "claims whose printed words hold a number but no index row points to them"


def test_the_index_holds_numbers_and_places_not_text(index):
    assert list(index.columns) == numbers.COLUMNS
    as_printed = index["number"].map(lambda n: bool(numbers.NUMBER.fullmatch(n) or numbers.NUMBER_WORD.fullmatch(n)))
    assert as_printed.all()
    assert not index.duplicated(numbers.KEY).any()


def test_the_rules_and_the_number_pattern():
    text = "\n".join(
        [
            "Tweets with #GE2015 were retweeted 1,125 times; the share was 81,3 [18, p.63].",
            "104 АДАМ ӘЛЕМІ №3 (93) 2022, маусым petition on a site",
            "List of literature",
            "1 Verba S. Participation in America // Chicago. – 1972. – p. 2.",
        ]
    )
    frame = numbers.extract(text, "000")
    assert list(frame.loc[frame["line"] == 1, "number"]) == ["1,125", "81,3", "18", "63"]
    first = frame[frame["line"] == 1].set_index("number")["rule_reason"]
    assert first["1,125"] == "" and first["81,3"] == "" and first["18"] == numbers.REASON_BRACKETS
    assert (frame.loc[frame["line"] == 2, "rule_reason"] == numbers.REASON_HEADER).all()
    assert (frame.loc[frame["line"] == 4, "rule_reason"] == numbers.REASON_REFERENCES).all()
    assert numbers.kind("2017") == "year" and numbers.kind("83.4") == "number" and numbers.kind("twice") == "word"


def test_number_words_are_indexed_beside_the_digits():
    """Issue 29: "two countries", "the first million", "tripled", "five times" are statements too."""
    text = "The first million came; the share tripled, five times more, in two regions: 3.7 million [one]. Someone."
    frame = numbers.extract(text, "004")
    words = frame[frame["kind"] == "word"]
    assert list(words["number"]) == ["first", "million", "tripled", "five", "two", "million", "one"]
    assert list(words["occurrence"]) == [1, 2, 3, 4, 5, 6, 7]  # numbered among the words of the line
    assert list(frame.loc[frame["kind"] != "word", "occurrence"]) == [1]  # the digits keep their own places
    reasons = dict(zip(words["occurrence"], words["rule_reason"]))
    assert reasons[6] == numbers.REASON_MULTIPLIER and reasons[7] == numbers.REASON_BRACKETS and reasons[2] == ""


def test_the_index_holds_the_articles_number_words(index):
    words = index[index["kind"] == "word"].set_index(["article", "line", "number"])
    assert words.loc[("000", 146, "one"), "claim_id"].iloc[0] == "000-social-izzard-tweets"
    assert set(words.loc[("004", 65), "claim_id"]) == {"004-first-million-year"}
    assert words.loc[("002", 33, "twentieth"), "reason"].startswith("a century named in passing")
    assert words.loc[("000", 72, "two"), "claim_id"] == ""  # "two countries": the article's scope, with a reason
    assert (index.loc[index["kind"] == "word", "claim_id"] != "").sum() >= 20


def test_a_blank_or_unknown_classification_is_reported():
    import pandas as pd

    frame = pd.DataFrame(
        [
            {
                "article": "000",
                "line": 1,
                "occurrence": 1,
                "number": "5",
                "kind": "number",
                "claim_id": "",
                "reason": "",
            },
            {
                "article": "000",
                "line": 2,
                "occurrence": 1,
                "number": "6",
                "kind": "number",
                "claim_id": "000-nope",
                "reason": "",
            },
        ]
    )
    found = numbers.problems(frame, {"000-kz-share-2020"})
    assert len(found) == 2 and "neither" in found[0] and "not in the ledger" in found[1]


def test_the_index_is_complete_for_the_article_copies(index):
    """Where the copies are present (as in CI), re-extract every number and compare with the index."""
    folder = numbers.articles_dir()
    if not all(list(folder.glob(f"{a}_*.txt")) for a in numbers.ARTICLE_IDS):
        pytest.skip(f"article copies not found in {folder} (set ${numbers.ARTICLES_ENV})")
    fresh = numbers.extract_all(folder)
    key = lambda f: set(map(tuple, f[numbers.KEY].astype(str).to_numpy()))  # noqa: E731
    missing, stale = key(fresh) - key(index), key(index) - key(fresh)
    assert not missing, (
        "numbers in the article copies missing from the index (run python -m companion numbers): "
        f"{sorted(missing)[:10]}"
    )
    assert not stale, f"index rows that are not in the article copies: {sorted(stale)[:10]}"


def test_printed_words_are_in_the_article_copies():
    """A claim's ``printed`` words are the article's own (a short phrase; '...' marks words left out)."""
    folder = numbers.articles_dir()
    if not all(list(folder.glob(f"{a}_*.txt")) for a in numbers.ARTICLE_IDS):
        pytest.skip(f"article copies not found in {folder} (set ${numbers.ARTICLES_ENV})")
    texts = {
        a: re.sub(r"\s+", " ", numbers.article_file(a, folder).read_text(encoding="utf-8")) for a in numbers.ARTICLE_IDS
    }
    claims = indexed_claims()
    for row in claims.itertuples():
        assert len(row.printed.split()) <= 15, f"{row.claim_id}: printed words are a short phrase, not a sentence"
        for fragment in (f.strip(" ,") for f in row.printed.split("...")):
            assert not fragment or fragment in texts[row.article], (row.claim_id, fragment)


LINE = re.compile(r"\(line (\d+) of the text copy\)")
RANGE_UNITS = {"years", "decades", "date"}


def test_the_repeat_rule_one_claim_per_statement_per_place(index):
    """Issue 29: a statement printed in several places is one claim per place (ledger.REPEAT_RULE): every
    text claim names one line, its indexed numbers stand on that line (or the next, where it wraps), its
    printed words are found there (or across the page break beside it), and no claim bundles two values
    (a claim of several years is a range)."""
    folder = numbers.articles_dir()
    if not all(list(folder.glob(f"{a}_*.txt")) for a in numbers.ARTICLE_IDS):
        pytest.skip(f"article copies not found in {folder} (set ${numbers.ARTICLES_ENV})")
    lines = {a: numbers.article_file(a, folder).read_text(encoding="utf-8").split("\n") for a in numbers.ARTICLE_IDS}
    claims = indexed_claims()
    for row in claims.itertuples():
        found = LINE.findall(row.location)
        assert len(found) == 1, f"{row.claim_id}: the location names {len(found)} lines, not one"
        line = int(found[0])
        rows = index[index["claim_id"] == row.claim_id]
        # one place: that line, or the next where a sentence wraps (article 004's copy breaks its lines)
        assert set(rows["line"]) <= {line, line + 1}, f"{row.claim_id}: indexed on {sorted(set(rows['line']))}"
        near = re.sub(r"\s+", " ", " ".join(lines[row.article][max(0, line - 3) : line + 2]))
        for fragment in (f.strip(" ,") for f in row.printed.split("...")):
            assert not fragment or fragment in near, f"{row.claim_id}: {fragment!r} is not at line {line}"
        if row.unit in RANGE_UNITS:
            assert re.fullmatch(r"\d{4}s?(-\d{4}s?|-present|-\d\d-\d\d)?", row.published), row.claim_id
        assert "," not in row.published or not re.search(r"\d", row.published), f"{row.claim_id} bundles values"
    spread = index[index["claim_id"] != ""].groupby("claim_id")["line"].agg(lambda s: s.max() - s.min())
    assert (spread <= 1).all(), f"claims indexed in several places: {list(spread[spread > 1].index)}"


def test_a_repeated_statement_is_counted_once_per_place():
    claims = published.claims().set_index("claim_id")
    for first, again in [
        ("000-uk-75plus-share-2020", "000-uk-75plus-share-2020-line76"),
        ("002-egdi-rank-kz-2020", "002-egdi-rank-kz-2020-line94"),
        ("002-digital-kz-adopted", "002-digital-kz-adopted-line92"),
    ]:
        assert claims.loc[first, "published"] == claims.loc[again, "published"]
        assert claims.loc[first, "location"] != claims.loc[again, "location"]
